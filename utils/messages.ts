/**
 * Lectern's one message contract. Two protocol maps (messages to the background, messages to
 * a tab's reader script), tiny typed senders, and a handler-map helper that answers only the
 * types it knows (so several listeners in one context never answer for each other).
 */
import { browser, type Browser } from 'wxt/browser';
import type { AggregatorId, Source } from './types';
import type { SavedItem } from './library/types';
import type { DamagedRecord, ItemPatch, ItemRow, LibraryStats, ListFilter } from './library/store';
import type { ExportFormat, ImportFormat } from './library/formats/types';

export interface Failure {
  ok: false;
  error: string;
}
export type Result = { ok: true } | Failure;

/** openReader: ok once the body is in the DOM; 'not-article' / 'not-readable' show a message. */
export type OpenResult = { ok: true } | Failure;

export interface PageInfo {
  ok: true;
  isArticle: boolean;
  aggregator: AggregatorId | null;
  title: string;
  byline: string | null;
  source: Source | null;
  published: string | null;
  readingMinutes: number;
}
export type PageInfoResult = PageInfo | Failure;

export interface SaveResult {
  ok: true;
  id: string;
  updated: boolean;
}

// ------------------------------------------------------------------ library (issue 4/5)

export type { ItemRow, ListFilter, LibraryStats, ItemPatch, DamagedRecord, ExportFormat, ImportFormat };

/** A saved entry as shown in lists (everything but the html). */
export type SavedRow = ItemRow;

/**
 * A save that can be undone: `previous` is the entry as it was before this save (null when the
 * save created it). Undo = `deleteSaved({ ids: [id] })` when null, else
 * `restoreSaved({ items: [previous] })`. Present only when the save asked `withUndo`.
 */
export interface UndoableSave extends SaveResult {
  previous?: SavedItem | null;
}

export type SaveTabResult = UndoableSave | Failure;

export type SavedStateResult =
  | {
      ok: true;
      /** the tab's page is in the library (by identity: original URL, else clean URL) */
      saved: boolean;
      /** its row when saved, else null */
      item: ItemRow | null;
    }
  | Failure;

export type ListSavedResult =
  | {
      ok: true;
      /** newest first (`savedAt` descending) */
      items: ItemRow[];
      /** how many items match the filter/query over all pages */
      total: number;
      /** records that failed validation: skipped and reported, left in the database */
      damaged: DamagedRecord[];
    }
  | Failure;

export type GetSavedResult = { ok: true; item: SavedItem } | Failure;
export type UpdateSavedResult = { ok: true; items: ItemRow[] } | Failure;
export type DeleteSavedResult = { ok: true; deleted: SavedItem[] } | Failure;
/** `cleaningError`: why imported articles still wait to be sanitised and indexed (the last drain failed) */
export type LibraryStatsResult = ({ ok: true; cleaningError?: string } & LibraryStats) | Failure;

/**
 * Text formats resolve `text`, markdown/epub `base64`; with `download: true` the file goes to
 * the download instead and only `downloadId` comes back (a big EPUB never crosses a message).
 */
/**
 * Where an export's time went in the DOM context (ms: reading the library, writing the file,
 * making the Blob) and, for JSON, the backup parts kept / written / taken as slices (bench:export).
 */
export interface ExportTimings {
  read: number;
  write: number;
  blob: number;
  kept?: number;
  built?: number;
  slices?: number;
}

export type ExportLibraryResult =
  | ({ ok: true; filename: string; mimeType: string } & (
      | { text: string; base64?: undefined; downloadId?: undefined }
      | { base64: string; text?: undefined; downloadId?: undefined }
      | {
          downloadId: number;
          text?: undefined;
          base64?: undefined;
          /**
           * where the time went (bench:export): ExportTimings, then the background's whole wait
           * for that step, and for the downloads API to start the download (ms)
           */
          timings?: ExportTimings & { task?: number; download?: number };
        }
    ))
  | Failure;

export type ImportLibraryResult =
  | { ok: true; imported: number; skipped: number; errors: Array<{ line: number; message: string }> }
  | Failure;

/** Messages handled by the background. `tabId` defaults to the sender's tab. */
export type BackgroundProtocol = {
  openReader(data: { tabId?: number }): OpenResult;
  closeReader(data: { tabId?: number }): Result;
  pageInfo(data: { tabId?: number }): PageInfoResult;

  /**
   * Save the tab's page (the overlay's Save button, the popup, Alt+Shift+S, the page context
   * menu all run this). A page Lectern does not take for an article is saved as a link without
   * content. `updated: true` when the one existing entry was updated.
   */
  saveTab(data: { tabId?: number; withUndo?: boolean }): SaveTabResult;
  /** Save a link without content and without fetching anything (link context menu). */
  saveLink(data: { url: string; title?: string | null }): SaveTabResult;
  /** Is the tab's current page saved? (popup's Save/Saved state) — reads only, never saves. */
  savedState(data: { tabId?: number }): SavedStateResult;
  /** The saved list, newest first; `query` is full-text; `limit`/`offset` page it. */
  listSaved(data: { filter?: ListFilter; query?: string; limit?: number; offset?: number }): ListSavedResult;
  /** One entry with its sanitised `html` (reading the saved copy). */
  getSaved(data: { id: string }): GetSavedResult;
  /** Change user state (archived, favourite, read, progress, tags, title) of entries. */
  updateSaved(data: { ids: string[]; patch: ItemPatch }): UpdateSavedResult;
  /** Delete entries; resolves the full deleted items so Undo can `restoreSaved` them. */
  deleteSaved(data: { ids: string[] }): DeleteSavedResult;
  /** Put back entries exactly as they were (Undo of a delete or of a save's update). */
  restoreSaved(data: { items: SavedItem[] }): Result;
  /** Counts, tags and publishers for the library page's filters. */
  libraryStats(data: Record<string, never>): LibraryStatsResult;
  /**
   * Export the library (or `ids`, or the items matching `filter`). Text formats resolve `text`,
   * markdown/epub `base64`. With `download: true` the background starts the download itself
   * (a closing popup cannot cancel it) and resolves `downloadId` instead of the content.
   */
  exportLibrary(data: {
    format: ExportFormat;
    ids?: string[];
    filter?: ListFilter;
    download?: boolean;
  }): ExportLibraryResult;
  /**
   * The library page wrote an import itself (utils/library/import-run.ts on its own Library;
   * `ids`: the entries written): the background tells the extension's pages and sanitises +
   * indexes the imported bodies (libraryStats.pending counts what is left).
   */
  importWritten(data: { ids: string[] }): Result;
  /** Open (or focus) the library page, optionally on one entry. */
  openLibrary(data: { id?: string }): Result;
};

/**
 * What the reader script answers for a save: the extracted Article when the page is an article
 * (or the reader shows one), else null with the page's URL/title (saved as a link).
 */
export type ArticleAnswer =
  | { ok: true; url: string; title: string; aggregator: AggregatorId | null; article: import('./types').Article | null }
  | Failure;

/** Messages handled by the reader script inside a tab. */
export type TabProtocol = {
  'reader:ping'(data: Record<string, never>): { ok: true; open: boolean };
  'reader:open'(data: { force?: boolean }): OpenResult;
  'reader:close'(data: Record<string, never>): Result;
  'reader:pageInfo'(data: Record<string, never>): PageInfoResult;
  /** The article to save (runs or reuses the pipeline; never opens the overlay). */
  'reader:article'(data: Record<string, never>): ArticleAnswer;
  /** Show the outcome of a save made elsewhere (keyboard command, context menu) in the page. */
  'reader:saved'(data: { result: SaveTabResult }): Result;
};

/**
 * Broadcast by the background to every extension page (popup, library page) after the library
 * changed; nobody answers. Listen with `onLibraryChanged` below.
 */
export interface LibraryChanged {
  lectern: 1;
  type: 'library:changed';
  data: { ids: string[] | '*' };
}

export function onLibraryChanged(listener: (ids: string[] | '*') => void): () => void {
  const fn = (message: unknown) => {
    if (isEnvelope(message) && message.type === 'library:changed') listener((message.data as LibraryChanged['data']).ids);
    return undefined;
  };
  browser.runtime.onMessage.addListener(fn as never);
  return () => browser.runtime.onMessage.removeListener(fn as never);
}

type AnyProtocol = Record<string, (data: any) => unknown>;
export type DataOf<P extends AnyProtocol, K extends keyof P> = Parameters<P[K]>[0];
export type ReturnOf<P extends AnyProtocol, K extends keyof P> = ReturnType<P[K]>;

export interface Envelope<K = string, D = unknown> {
  lectern: 1;
  type: K;
  data: D;
}

export function envelope<K extends string, D>(type: K, data: D): Envelope<K, D> {
  return { lectern: 1, type, data };
}

export function isEnvelope(message: unknown): message is Envelope {
  return (
    !!message &&
    typeof message === 'object' &&
    (message as Envelope).lectern === 1 &&
    typeof (message as Envelope).type === 'string'
  );
}

/** Send to the background. */
export async function sendMessage<K extends keyof BackgroundProtocol>(
  type: K,
  data: DataOf<BackgroundProtocol, K>,
): Promise<ReturnOf<BackgroundProtocol, K>> {
  return (await browser.runtime.sendMessage(envelope(type, data))) as ReturnOf<BackgroundProtocol, K>;
}

/** Send to the reader script of a tab (rejects when nothing in the tab listens). */
export async function sendTabMessage<K extends keyof TabProtocol>(
  tabId: number,
  type: K,
  data: DataOf<TabProtocol, K>,
): Promise<ReturnOf<TabProtocol, K> | undefined> {
  return (await browser.tabs.sendMessage(tabId, envelope(type, data), { frameId: 0 })) as
    | ReturnOf<TabProtocol, K>
    | undefined;
}

export type Handlers<P extends AnyProtocol> = {
  [K in keyof P]?: (
    data: DataOf<P, K>,
    sender: Browser.runtime.MessageSender,
  ) => ReturnOf<P, K> | Promise<ReturnOf<P, K>>;
};

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The listener behind `onMessages`: answers with sendResponse + `return true` (works with the
 * native API, the polyfill and fake-browser); returns undefined for messages it does not own.
 */
export function createListener<P extends AnyProtocol>(handlers: Handlers<P>) {
  return (message: unknown, sender: Browser.runtime.MessageSender, sendResponse: (r: unknown) => void) => {
    if (!isEnvelope(message)) return undefined;
    const handler = (handlers as Record<string, ((d: unknown, s: unknown) => unknown) | undefined>)[message.type];
    if (typeof handler !== 'function' || !Object.prototype.hasOwnProperty.call(handlers, message.type)) {
      return undefined;
    }
    Promise.resolve()
      .then(() => handler(message.data ?? {}, sender))
      .then(
        (result) => sendResponse(result),
        (error) => sendResponse({ ok: false, error: errorText(error) } satisfies Failure),
      );
    return true;
  };
}

/** Register handlers on `browser.runtime.onMessage`; returns a function that removes them. */
export function onMessages<P extends AnyProtocol>(handlers: Handlers<P>): () => void {
  const listener = createListener(handlers);
  browser.runtime.onMessage.addListener(listener as never);
  return () => browser.runtime.onMessage.removeListener(listener as never);
}
