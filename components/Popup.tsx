import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t, uiLanguage } from '../utils/i18n';
import { sendMessage, type PageInfoResult } from '../utils/messages';
import { aggregatorName } from '../utils/runtime/aggregators';
import { formatPublished, minutesLabel } from '../utils/runtime/format';

export interface PopupProps {
  /** for tests: which tab the popup is about */
  getTabId?: () => Promise<number | undefined>;
  close?: () => void;
}

/**
 * The tab the popup is about: the active tab of its window; `popup.html?tabId=N` names one
 * explicitly (so the popup can be opened in a tab of its own, e.g. by tests).
 */
async function activeTab(): Promise<number | undefined> {
  const named = Number(new URLSearchParams(location.search).get('tabId'));
  if (Number.isInteger(named) && named > 0) return named;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

type CardState = { state: 'loading' } | { state: 'ready'; tabId: number; info: PageInfoResult } | { state: 'no-tab' };

/** The popup: the current page's card with Read (Save and the library come with the library). */
export function Popup({ getTabId = activeTab, close = () => window.close() }: PopupProps) {
  const [card, setCard] = useState<CardState>({ state: 'loading' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const tabId = await getTabId();
      if (tabId === undefined) {
        if (!cancelled) setCard({ state: 'no-tab' });
        return;
      }
      let info: PageInfoResult;
      try {
        info = (await sendMessage('pageInfo', { tabId })) ?? { ok: false, error: 'no-response' };
      } catch (e) {
        info = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      if (!cancelled) setCard({ state: 'ready', tabId, info });
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  const read = async () => {
    if (card.state !== 'ready') return;
    setBusy(true);
    setError(null);
    const result = await sendMessage('openReader', { tabId: card.tabId }).catch((e: unknown) => ({
      ok: false as const,
      error: e instanceof Error ? e.message : String(e),
    }));
    setBusy(false);
    // not-article / not-readable are shown by the overlay itself, in the page
    if (result?.ok || result?.error === 'not-article' || result?.error === 'not-readable') close();
    else setError(result?.error ?? 'no-response');
  };

  return (
    <main class="popup">
      <h1 class="popup-title">{t('popupTitle')}</h1>
      <section class="card" aria-labelledby="popup-current">
        <h2 id="popup-current" class="card-heading">
          {t('popupCurrentPage')}
        </h2>
        {card.state === 'loading' ? <p class="muted">{t('popupLoading')}</p> : null}
        {card.state === 'no-tab' ? <p class="muted">{t('popupUnavailable', 'no-tab')}</p> : null}
        {card.state === 'ready' && !card.info.ok ? (
          <p class="muted" data-testid="popup-unavailable">
            {t('popupUnavailable', card.info.error)}
          </p>
        ) : null}
        {card.state === 'ready' && card.info.ok ? <PageCard info={card.info} /> : null}
        <div class="actions">
          <button
            type="button"
            class="primary"
            data-testid="popup-read"
            disabled={card.state !== 'ready' || !card.info.ok || busy}
            onClick={() => void read()}
          >
            {t('popupRead')}
          </button>
          {/* LIBRARY: the Save button goes here (saveArticle for card.tabId) once the library lands. */}
        </div>
        {error ? (
          <p class="error" role="alert">
            {t('popupUnavailable', error)}
          </p>
        ) : null}
      </section>
      {/* LIBRARY: the saved list (listSaved, search, export/import) goes here. */}
    </main>
  );
}

function PageCard({ info }: { info: Extract<PageInfoResult, { ok: true }> }) {
  const via = aggregatorName(info.aggregator);
  const minutes = minutesLabel(info.readingMinutes);
  const date = formatPublished(info.published, uiLanguage());
  return (
    <div class="page-card" data-testid="popup-page">
      <p class="page-title" data-testid="popup-page-title">
        {info.title}
      </p>
      {info.byline ? <p class="page-byline">{info.byline}</p> : null}
      <p class="page-meta">
        {info.source?.name ? <span data-testid="popup-source">{info.source.name}</span> : null}
        {via ? <span data-testid="popup-via">{t('readerVia', via)}</span> : null}
        {date ? <span>{date}</span> : null}
        {minutes && info.isArticle ? <span>{t('readerMinutes', minutes)}</span> : null}
      </p>
      {!info.isArticle ? <p class="muted">{t('popupNotArticle')}</p> : null}
    </div>
  );
}
