/**
 * The background's library functions. The popup and library page (messages), the overlay's
 * Save button, the keyboard command, the context menus and the e2e test hook all call these
 * and nothing else. One `Library` (utils/library/store.ts) per background, opened lazily.
 * None of them throws: failures resolve `{ ok: false, error }` (a failed write changes
 * nothing: the store writes each save / import in one transaction).
 */
import { browser } from 'wxt/browser';
import { Library, LibraryError, articleToSaveInput, type ItemPatch, type ListFilter, type SaveInput } from '../../library/store';
import type { SavedItem } from '../../library/types';
import { exportLibrary } from '../../library/formats/export';
import { jsonBackupWriter } from '../../library/formats/json';
import { EXPORT_FORMATS, type ExportFormat } from '../../library/formats/types';
import {
  envelope,
  sendTabMessage,
  type DeleteSavedResult,
  type ExportLibraryResult,
  type ExportTimings,
  type Failure,
  type GetSavedResult,
  type LibraryStatsResult,
  type ListSavedResult,
  type Result,
  type SaveTabResult,
  type SavedStateResult,
  type UpdateSavedResult,
} from '../../messages';
import { ensureReader } from './reader';
import { withDom } from './dom';

let library: Library | null = null;

/**
 * The JSON backup's parts are kept ready: 15 s after the last write (before Chrome stops an idle
 * service worker, 30 s), after an import's cleaning and when the background starts, the parts
 * that are missing or stale are written — at most 2,500 articles (50 parts, ~75 MB at 30 KB an
 * article) a round, rounds one after the other, each starting with an extension call so that the
 * service worker is not stopped mid-way — so that a backup, the first one included, finds them
 * ready (backup.ts; docs/benchmarks.md).
 */
const BACKUP_REFRESH = {
  write: jsonBackupWriter,
  afterMs: 15_000,
  maxItems: 2_500,
  keepAlive: () => {
    try {
      void Promise.resolve(browser.runtime.getPlatformInfo()).catch(() => undefined);
    } catch {
      // no such call here: nothing to keep alive
    }
  },
};

/** The background's one Library (opened on first use). */
export function getLibrary(): Library {
  return (library ??= new Library({ backupRefresh: BACKUP_REFRESH }));
}

/** Tests: use this Library instead (null: back to the default). */
export function setLibrary(lib: Library | null): void {
  library = lib;
}

export function fail(error: unknown): Failure {
  const text = error instanceof Error ? error.message : String(error);
  return { ok: false, error: text || 'unknown-error' };
}

function checkTabId(tabId: unknown): number {
  if (typeof tabId !== 'number' || !Number.isInteger(tabId) || tabId < 0) throw new Error('invalid-tab');
  return tabId;
}

function isWebUrl(url: unknown): url is string {
  return typeof url === 'string' && /^https?:\/\//i.test(url);
}

/** Tell the extension's pages (popup, library page) that the library changed. */
export function broadcastChanged(ids: string[] | '*'): void {
  try {
    void Promise.resolve(browser.runtime.sendMessage(envelope('library:changed', { ids }))).catch(() => undefined);
  } catch {
    // no page listening
  }
}

// ------------------------------------------------------------------ saving

/** What to save for a tab: the reader script's Article, else the page as a link. */
async function readTab(tabId: number): Promise<SaveInput> {
  let answer: Awaited<ReturnType<typeof sendTabMessage<'reader:article'>>> | undefined;
  let scriptError: unknown = null;
  try {
    await ensureReader(tabId);
    answer = await sendTabMessage(tabId, 'reader:article', {});
  } catch (e) {
    scriptError = e;
  }
  if (answer && answer.ok) {
    if (answer.article) return articleToSaveInput(answer.article);
    return { url: answer.url, title: answer.title || null, aggregator: answer.aggregator };
  }
  // a page the reader cannot run in (a PDF, a browser page): save its address when it has one
  const tab = await browser.tabs.get(tabId).catch(() => null);
  if (tab && isWebUrl(tab.url)) return { url: tab.url, title: tab.title ?? null };
  if (answer && !answer.ok) throw new Error(answer.error);
  throw scriptError instanceof Error ? scriptError : new Error('This page cannot be saved.');
}

/** Save one input; with `withUndo`, also resolve the entry as it was before (null: new). */
export async function saveInput(input: SaveInput, options: { withUndo?: boolean } = {}): Promise<SaveTabResult> {
  try {
    const lib = getLibrary();
    let previous: SavedItem | null = null;
    if (options.withUndo) {
      const row = await lib.findSaved(input);
      if (row) previous = await lib.get(row.id);
    }
    const r = await lib.save(input);
    broadcastChanged([r.id]);
    return { ok: true, id: r.id, updated: r.updated, ...(options.withUndo ? { previous } : {}) };
  } catch (e) {
    return fail(e);
  }
}

/**
 * Save the page of any tab (active or not): the reader script extracts it (injected first if
 * needed); a page Lectern does not take for an article is saved as a link without content.
 */
export async function saveArticle(tabId: number, options: { withUndo?: boolean } = {}): Promise<SaveTabResult> {
  try {
    const input = await readTab(checkTabId(tabId));
    return await saveInput(input, options);
  } catch (e) {
    return fail(e);
  }
}

/** Save a link without content; nothing is fetched. */
export async function saveLink(url: string, title?: string | null, options: { withUndo?: boolean } = {}): Promise<SaveTabResult> {
  if (!isWebUrl(url)) return { ok: false, error: 'Only web pages (http or https) can be saved.' };
  return saveInput({ url, title: title?.trim() || null }, options);
}

/** Is the tab's page saved? Reads only. */
export async function savedState(tabId: number): Promise<SavedStateResult> {
  try {
    const input = await readTab(checkTabId(tabId));
    const item = await getLibrary().findSaved(input);
    return { ok: true, saved: !!item, item };
  } catch (e) {
    return fail(e);
  }
}

// ------------------------------------------------------------------ reading and changing

export async function listSaved(
  options: { filter?: ListFilter; query?: string; limit?: number; offset?: number } = {},
): Promise<ListSavedResult> {
  try {
    const r = await getLibrary().list({
      filter: options.filter,
      query: options.query,
      limit: typeof options.limit === 'number' ? options.limit : undefined,
      offset: typeof options.offset === 'number' ? options.offset : undefined,
    });
    return { ok: true, items: r.items, total: r.total, damaged: r.damaged };
  } catch (e) {
    return fail(e);
  }
}

export async function getSaved(id: string): Promise<GetSavedResult> {
  try {
    if (typeof id !== 'string' || !id) return { ok: false, error: 'invalid-id' };
    const item = await getLibrary().get(id);
    return item ? { ok: true, item } : { ok: false, error: 'not-found' };
  } catch (e) {
    return fail(e);
  }
}

export async function updateSaved(ids: string[], patch: ItemPatch): Promise<UpdateSavedResult> {
  try {
    const items = await getLibrary().updateMany(ids, patch ?? {});
    broadcastChanged(ids);
    return { ok: true, items };
  } catch (e) {
    return fail(e);
  }
}

export async function deleteSaved(ids: string[]): Promise<DeleteSavedResult> {
  try {
    const deleted = await getLibrary().delete(ids);
    broadcastChanged(ids);
    return { ok: true, deleted };
  } catch (e) {
    return fail(e);
  }
}

export async function restoreSaved(items: SavedItem[]): Promise<Result> {
  try {
    await getLibrary().restore(items);
    broadcastChanged(items.map((i) => i.id));
    // restored bodies are sanitised and indexed again like an import's
    void drainPending().catch(() => undefined);
    return { ok: true };
  } catch (e) {
    return fail(e);
  }
}

export async function clearLibrary(): Promise<Result> {
  try {
    await getLibrary().clear();
    broadcastChanged('*');
    return { ok: true };
  } catch (e) {
    return fail(e);
  }
}

export async function libraryStats(): Promise<LibraryStatsResult> {
  try {
    const stats = await getLibrary().stats();
    // imported bodies waiting with no drain running (the worker stopped, or a drain failed): resume
    if (stats.pending > 0 && !isDraining()) void drainPending().catch(() => undefined);
    const error = lastDrainError ? (lastDrainError instanceof Error ? lastDrainError.message : String(lastDrainError)) : null;
    return { ok: true, ...stats, ...(error && stats.pending > 0 ? { cleaningError: error } : {}) };
  } catch (e) {
    return fail(e);
  }
}

// ------------------------------------------------------------------ export

/** Formats whose writer walks article HTML as a DOM. */
const DOM_EXPORTS: readonly ExportFormat[] = ['markdown', 'epub'];

/** Revoke a download's blob URL once the browser has the file (or gave up). */
function revokeWhenDone(downloadId: number, url: string): void {
  let done = false;
  const finish = (failed = false) => {
    if (done) return;
    done = true;
    browser.downloads.onChanged.removeListener(listener);
    void withDom({ kind: 'revoke', url, failed }, getLibrary).catch(() => undefined);
  };
  const listener = (delta: { id: number; state?: { current?: string }; error?: { current?: string } }) => {
    if (delta.id !== downloadId) return;
    // interrupted by anything but the user: the file could not be read or written
    if (delta.state?.current === 'interrupted') finish(delta.error?.current !== 'USER_CANCELED');
    else if (delta.state?.current === 'complete') finish();
  };
  browser.downloads.onChanged.addListener(listener as never);
  setTimeout(() => finish(), 5 * 60_000);
}

async function startDownload(url: string, filename: string): Promise<number> {
  let id: number;
  try {
    id = await browser.downloads.download({ url, filename, saveAs: false });
  } catch (e) {
    void withDom({ kind: 'revoke', url }, getLibrary).catch(() => undefined);
    throw e;
  }
  revokeWhenDone(id, url);
  return id;
}

/**
 * Export all items, `ids`, or those matching `filter`. Without `download` (the test hook), JSON,
 * CSV and bookmarks are written right here and Markdown/EPUB through `withDom`. With `download`,
 * every format is written where a DOM is (`withDom`: Firefox's background page, Chrome's
 * offscreen document), which reads the library itself and answers with a blob: URL, and the
 * background starts the download from it. The file never crosses a message: Chrome refuses
 * messages over 64 MiB and a 10,000-article JSON export is about 300 MB.
 */
export async function exportSaved(options: {
  format: ExportFormat;
  ids?: string[];
  filter?: ListFilter;
  download?: boolean;
}): Promise<ExportLibraryResult> {
  try {
    const { format } = options;
    if (!EXPORT_FORMATS.includes(format)) return { ok: false, error: `Unknown export format "${String(format)}".` };
    const lib = getLibrary();
    let ids: string[] | null = Array.isArray(options.ids) ? options.ids.filter((id) => typeof id === 'string') : null;
    if (!ids && options.filter) ids = (await lib.list({ filter: options.filter })).items.map((i) => i.id);
    const download = !!options.download;
    let out: { filename: string; mimeType: string; text?: string; base64?: string; blobUrl?: string; timings?: ExportTimings };
    const t0 = performance.now();
    if (download || DOM_EXPORTS.includes(format)) {
      const r = await withDom({ kind: 'export', format, ids, blob: download }, getLibrary);
      if (r.kind !== 'export') throw new Error('unexpected answer');
      out = r;
    } else {
      // an export holds clean copies only: the DOM side above sanitises a pending imported body on
      // the way; here (no DOM) a read that meets one fails, the pending bodies are drained, and it
      // reads again (CSV and bookmarks read no bodies: they never wait)
      const read = () => lib.getMany(ids ?? undefined, { html: format === 'json' });
      const { items } = await read().catch(async (e: unknown) => {
        if (!(e instanceof LibraryError && e.code === 'pending')) throw e;
        await drainPending();
        return read();
      });
      const file = exportLibrary(items, format);
      if (!('text' in file)) throw new Error('unexpected binary export');
      out = { filename: file.filename, mimeType: file.mimeType, text: file.text };
    }
    const base = { ok: true as const, filename: out.filename, mimeType: out.mimeType };
    if (download) {
      if (!out.blobUrl) throw new Error('The export file could not be prepared for download.');
      // (timings: where the time went, for bench:export; not part of the contract)
      const t1 = performance.now();
      const downloadId = await startDownload(out.blobUrl, out.filename);
      const spent = { task: t1 - t0, download: performance.now() - t1 };
      return { ...base, downloadId, ...(out.timings ? { timings: { ...out.timings, ...spent } } : {}) };
    }
    return out.base64 !== undefined ? { ...base, base64: out.base64 } : { ...base, text: out.text ?? '' };
  } catch (e) {
    return fail(e);
  }
}

export { importSaved } from './import';
import { drainPending, isDraining, lastDrainError } from './import';
