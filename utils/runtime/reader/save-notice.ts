/**
 * A small notice in the page after a save made without the overlay (keyboard command, context
 * menu): "Saved to your Lectern library." with Undo. Its own element `<lectern-notice>` with an
 * open shadow root (the page's CSS cannot reach it), a polite live region, gone after a few
 * seconds unless it has focus or the pointer.
 */
import { t } from '../../i18n';
import type { SaveState } from '../../../components/ReaderView';

const CSS = `
:host { all: initial; }
.notice {
  position: fixed; inset-block-end: 20px; inset-inline-end: 20px; z-index: 2147483647;
  display: flex; align-items: center; gap: 12px; max-width: min(440px, calc(100vw - 40px));
  padding: 12px 14px; border-radius: 10px; box-shadow: 0 8px 28px rgba(0,0,0,.28);
  background: #1e5b3a; color: #fff; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif;
}
.notice.error { background: #b3261e; }
.text { flex: 1; }
button {
  font: inherit; font-weight: 600; color: #1e5b3a; background: #fff; border: 1px solid #fff;
  border-radius: 6px; padding: 6px 10px; min-height: 32px; cursor: pointer;
}
.error button { color: #b3261e; }
button.dismiss { background: transparent; color: #fff; border-color: rgba(255,255,255,.6); font-weight: 400; }
button:focus-visible { outline: 3px solid #ffd54f; outline-offset: 2px; }
`;

const HIDE_AFTER_MS = 8000;

function textOf(state: SaveState): { text: string; error: boolean } {
  switch (state.state) {
    case 'saved':
      return { text: state.updated ? t('readerUpdatedStatus') : t('readerSavedStatus'), error: false };
    case 'undone':
      return { text: t('readerSaveUndone'), error: false };
    case 'failed':
      return { text: t('readerSaveFailed', state.error), error: true };
    case 'undo-failed':
      return { text: t('readerUndoFailed', state.error), error: true };
    default:
      return { text: '', error: false };
  }
}

export class SaveNotice {
  private host: HTMLElement | null = null;
  private box: HTMLElement | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private hovered = false;

  constructor(
    private readonly doc: Document,
    private readonly options: { state: SaveState; onUndo?: () => void; onGone?: () => void },
  ) {}

  show(): void {
    const doc = this.doc;
    const host = doc.createElement('lectern-notice');
    const root = host.attachShadow({ mode: 'open' });
    const style = doc.createElement('style');
    style.textContent = CSS;
    const box = doc.createElement('div');
    box.setAttribute('role', 'status');
    box.setAttribute('aria-live', 'polite');
    box.dataset.testid = 'save-notice';
    root.append(style, box);
    box.addEventListener('pointerenter', () => (this.hovered = true));
    box.addEventListener('pointerleave', () => {
      this.hovered = false;
      this.arm();
    });
    box.addEventListener('focusout', () => this.arm());
    (doc.body ?? doc.documentElement).append(host);
    this.host = host;
    this.box = box;
    this.update(this.options.state, true);
  }

  /** Show a new state (e.g. after Undo); Undo is offered only for a fresh save. */
  update(state: SaveState, first = false): void {
    const box = this.box;
    if (!box) return;
    const doc = this.doc;
    const { text, error } = textOf(state);
    box.className = error ? 'notice error' : 'notice';
    const span = doc.createElement('span');
    span.className = 'text';
    span.textContent = text;
    const parts: HTMLElement[] = [span];
    if (first && state.state === 'saved' && this.options.onUndo) {
      const undo = doc.createElement('button');
      undo.type = 'button';
      undo.dataset.testid = 'save-notice-undo';
      undo.textContent = t('readerUndo');
      undo.addEventListener('click', () => this.options.onUndo?.());
      parts.push(undo);
    }
    const dismiss = doc.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'dismiss';
    dismiss.textContent = t('readerNoticeDismiss');
    dismiss.addEventListener('click', () => this.destroy());
    parts.push(dismiss);
    box.replaceChildren(...parts);
    this.arm();
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      const active = this.host?.shadowRoot?.activeElement;
      if (this.hovered || active) return this.arm();
      this.destroy();
    }, HIDE_AFTER_MS);
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.host?.remove();
    this.host = null;
    this.box = null;
    this.options.onGone?.();
  }
}
