/**
 * The detector content script's logic (aggregator hosts only). Cheap: the light detector, the
 * settings and a message; the reader itself (Readability, Preact, CSS) is injected by the
 * background only when it opens.
 */
import { detectPage } from '../extract/detect';
import { t } from '../i18n';
import { sendMessage } from '../messages';
import { getSettings, isAutoOpen } from '../settings';
import type { Detection } from '../types';

export const BUTTON_TAG = 'lectern-read-clean';

const BUTTON_HOST_STYLE = [
  'all: initial',
  'display: block',
  'position: fixed',
  'right: 16px',
  'bottom: 16px',
  'z-index: 2147483646',
  'visibility: visible',
  'opacity: 1',
  'pointer-events: auto',
]
  .map((rule) => `${rule} !important`)
  .join('; ');

const BUTTON_CSS = `
:host { all: initial; }
.wrap { display: flex; align-items: center; gap: 2px; font: 600 14px/1.2 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
  background: #1e1f21; color: #fff; border-radius: 999px; box-shadow: 0 4px 16px rgba(0,0,0,.25); padding: 3px; }
button { font: inherit; color: inherit; background: transparent; border: 0; border-radius: 999px; cursor: pointer; padding: 8px 14px; }
button.dismiss { padding: 8px 10px; font-weight: 400; opacity: .8; }
button:hover { background: rgba(255,255,255,.12); }
button:focus-visible { outline: 3px solid #8ab4f8; outline-offset: 1px; }
@media print { .wrap { display: none; } }
`;

/** A small "Read clean" button in its own shadow root; returns a function that removes it. */
export function showReadCleanButton(doc: Document, onRead: () => void): () => void {
  doc.querySelector(BUTTON_TAG)?.remove();
  const host = doc.createElement(BUTTON_TAG);
  host.setAttribute('style', BUTTON_HOST_STYLE);
  const shadow = host.attachShadow({ mode: 'open' });
  const style = doc.createElement('style');
  style.textContent = BUTTON_CSS;
  const wrap = doc.createElement('div');
  wrap.className = 'wrap';
  const read = doc.createElement('button');
  read.type = 'button';
  read.textContent = t('detectorButton');
  read.setAttribute('aria-label', t('detectorButtonLabel'));
  read.title = t('detectorButtonLabel');
  read.addEventListener('click', () => onRead());
  const dismiss = doc.createElement('button');
  dismiss.type = 'button';
  dismiss.className = 'dismiss';
  dismiss.textContent = '×';
  dismiss.setAttribute('aria-label', t('detectorDismiss'));
  dismiss.title = t('detectorDismiss');
  dismiss.addEventListener('click', () => host.remove());
  wrap.append(read, dismiss);
  shadow.append(style, wrap);
  (doc.body ?? doc.documentElement).append(host);
  return () => host.remove();
}

export interface DetectorDeps {
  detect(doc: Document, url: string): Detection;
  autoOpen(detection: Detection): Promise<boolean>;
  openReader(): Promise<unknown>;
}

/** The user's per-aggregator "open automatically" choice (default on). */
export async function shouldAutoOpen(detection: Detection): Promise<boolean> {
  return isAutoOpen(await getSettings(), detection.aggregator);
}

const defaultDeps: DetectorDeps = {
  detect: detectPage,
  autoOpen: shouldAutoOpen,
  openReader: () => sendMessage('openReader', {}),
};

/**
 * Look at the page once: on an article, open the reader (setting on) or offer the button.
 * Returns what it did, for tests and logs.
 */
export async function runDetector(
  doc: Document,
  url: string,
  deps: DetectorDeps = defaultDeps,
): Promise<'none' | 'opened' | 'button'> {
  doc.querySelector(BUTTON_TAG)?.remove();
  let detection: Detection;
  try {
    detection = deps.detect(doc, url);
  } catch {
    return 'none';
  }
  if (!detection.isArticle) return 'none';
  if (await deps.autoOpen(detection)) {
    await deps.openReader();
    return 'opened';
  }
  showReadCleanButton(doc, () => void deps.openReader());
  return 'button';
}
