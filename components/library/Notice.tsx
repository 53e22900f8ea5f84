/**
 * The one polite live region of a view: confirmations ("Saved", "Deleted") with an optional
 * Undo, and errors of failed writes (those also as role=alert text).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../utils/i18n';

export interface NoticeData {
  text: string;
  kind?: 'info' | 'error';
  /** shows an Undo button that runs this */
  undo?: () => void | Promise<void>;
}

export interface NoticeApi {
  notice: NoticeData | null;
  show(n: NoticeData): void;
  clear(): void;
}

/** How long a confirmation stays when the user does not interact with it. */
export const NOTICE_MS = 10_000;

export function useNotice(): NoticeApi {
  const [notice, setNotice] = useState<NoticeData | null>(null);
  return { notice, show: setNotice, clear: () => setNotice(null) };
}

export function Notice({ api }: { api: NoticeApi }) {
  const { notice } = api;
  const ref = useRef<HTMLDivElement>(null);
  const [busy, setBusy] = useState(false);
  // a delete takes the focused row away: keyboard focus goes to Undo instead of the page top
  useEffect(() => {
    if (!notice?.undo) return;
    const active = document.activeElement;
    if (!active || active === document.body || !active.isConnected) {
      ref.current?.querySelector<HTMLElement>('[data-testid="lib-undo"]')?.focus();
    }
  }, [notice]);

  useEffect(() => {
    if (!notice || notice.kind === 'error') return undefined;
    const timer = setInterval(() => {
      // never take a confirmation away from under the keyboard focus
      if (ref.current?.contains(document.activeElement)) return;
      api.clear();
    }, NOTICE_MS);
    return () => clearInterval(timer);
  }, [notice]);
  return (
    <div
      ref={ref}
      class={`notice${notice ? ' shown' : ''}${notice?.kind === 'error' ? ' error' : ''}`}
      role="status"
      aria-live="polite"
      data-testid="lib-notice"
    >
      {notice ? (
        <>
          <span class="notice-text">{notice.text}</span>
          {notice.undo ? (
            <button
              type="button"
              class="link-button"
              data-testid="lib-undo"
              disabled={busy}
              onClick={async () => {
                const undo = notice.undo!;
                setBusy(true);
                try {
                  await undo();
                } finally {
                  setBusy(false);
                }
              }}
            >
              {t('libUndo')}
            </button>
          ) : null}
          <button type="button" class="icon-button" aria-label={t('libDismiss')} title={t('libDismiss')} onClick={() => api.clear()}>
            <span aria-hidden="true">×</span>
          </button>
        </>
      ) : null}
    </div>
  );
}
