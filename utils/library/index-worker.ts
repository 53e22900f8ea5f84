/**
 * A dedicated worker that indexes sanitised bodies (search.ts indexBody) for Library.cleanPending,
 * so that indexing one body runs on another core while the document sanitises the next
 * (DOMPurify needs the document's thread; indexing is pure). Started by the DOM context that
 * cleans (utils/runtime/background/dom-tasks.ts: Chrome's offscreen document, Firefox's
 * background page).
 *
 * Protocol: `{ id, html, excerpt, counts }` in, `{ id, result }` or `{ id, error }` out.
 */
import { indexBody } from './search';

interface Request {
  id: number;
  html: string;
  excerpt: string | null;
  counts: boolean;
}

const scope = self as unknown as { onmessage: ((e: MessageEvent<Request>) => void) | null; postMessage(m: unknown): void };
scope.onmessage = (e) => {
  const { id, html, excerpt, counts } = e.data;
  try {
    scope.postMessage({ id, result: indexBody(html, excerpt, counts) });
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
