/**
 * The library steps that need a DOM (a `window`): Markdown and EPUB exports (they parse article
 * HTML), sanitising and indexing imported HTML (DOMPurify), and blob: URLs for downloads — so every
 * downloaded export is written here, from the library read here: only the blob: URL crosses a
 * message (Chrome refuses extension messages over 64 MiB; a 10,000-article JSON is ~300 MB).
 *
 * They run where a DOM exists: in Firefox (MV2) the background page itself; in Chrome (MV3) the
 * offscreen document (entrypoints/offscreen), because a service worker has no DOMParser, no
 * window for DOMPurify and no URL.createObjectURL. `withDom` (./dom.ts) chooses; this module is
 * the one implementation both run.
 */
import { sanitizeHtml } from '../../extract/sanitize';
import { bookLanguage } from '../../library/formats/epub';
import { addBatchAsync, exportFileWriter, exportLibrary, exportLibraryAsync } from '../../library/formats/export';
import { JsonChunkWriter, jsonBackupWriter, jsonFileOfParts } from '../../library/formats/json';
import { ymd } from '../../library/formats/util';
import { bytesToBase64 } from '../../library/formats/util';
import type { ExportFormat } from '../../library/formats/types';
import type { IndexedBody } from '../../library/search';
import { indexHere, lapTimer, type CleanResult, type Cleaner, type Indexer, type Library } from '../../library/store';
import type { ExportTimings } from '../../messages';

export type DomTask =
  /**
   * export `ids` (all when null) read from the library; `blob`: make a blob: URL of the file
   * and return that instead of the content
   */
  | { kind: 'export'; format: ExportFormat; ids: string[] | null; blob: boolean }
  /** sanitise and index up to `limit` imported bodies waiting in the library (Library.cleanPending) */
  | { kind: 'clean'; limit: number }
  /** `failed`: the download was interrupted by something else than the user (its file may be unreadable) */
  | { kind: 'revoke'; url: string; failed?: boolean };

export type DomTaskResult =
  | {
      kind: 'export';
      filename: string;
      mimeType: string;
      text?: string;
      base64?: string;
      blobUrl?: string;
      /** items skipped because their record is damaged */
      damaged: number;
      timings?: ExportTimings;
    }
  | ({ kind: 'clean' } & CleanResult)
  | { kind: 'revoke' };

/** DOMPurify in this context's window: what a pending imported body goes through (cleaning, exports). */
const sanitizeHere: Cleaner = (html, baseUrl) => sanitizeHtml(html, baseUrl, window);

/** The indexing worker (utils/library/index-worker.ts); null once it could not be used. */
let worker: Worker | null | undefined;
/**
 * `timeoutMs`: a body the worker has not indexed after this long (it indexes one in ~2 ms) — the
 * worker is taken for hung, stopped, and this and every later body are indexed here: cleaning
 * never waits forever. (Tests shorten it.)
 */
export const indexing = { timeoutMs: 30_000 };
const waiting = new Map<number, { resolve: (r: IndexedBody) => void; reject: (e: Error) => void }>();
let nextId = 1;

function indexWorker(): Worker | null {
  if (worker !== undefined) return worker;
  try {
    worker = typeof Worker === 'function' ? new Worker(new URL('../../library/index-worker.ts', import.meta.url), { type: 'module' }) : null;
  } catch {
    worker = null;
  }
  if (!worker) return null;
  worker.onmessage = (e: MessageEvent<{ id: number; result?: IndexedBody; error?: string }>) => {
    const w = waiting.get(e.data.id);
    waiting.delete(e.data.id);
    if (e.data.result) w?.resolve(e.data.result);
    else w?.reject(new Error(e.data.error ?? 'indexing failed'));
  };
  // a worker that cannot start or breaks: every body it holds is indexed here instead, and so are the next
  worker.onerror = (e) => {
    e.preventDefault?.();
    giveUp('the indexing worker stopped');
  };
  return worker;
}

function giveUp(why: string): void {
  worker?.terminate();
  worker = null;
  for (const w of waiting.values()) w.reject(new Error(why));
  waiting.clear();
}

/**
 * cleanPending's Indexer: each body goes to the indexing worker as soon as it is sanitised (the
 * next one is sanitised meanwhile, on another core); here when there is no worker or it failed.
 */
const indexBeside: Indexer = (html, excerpt, counts) => {
  const w = indexWorker();
  if (!w) return indexHere(html, excerpt, counts);
  const id = nextId++;
  return new Promise<IndexedBody>((resolve, reject) => {
    const timer = setTimeout(() => {
      if (waiting.has(id) && worker === w) giveUp('the indexing worker did not answer');
    }, indexing.timeoutMs);
    const done = () => clearTimeout(timer);
    waiting.set(id, {
      resolve: (r) => (done(), resolve(r)),
      reject: (e) => (done(), reject(e)),
    });
    w.postMessage({ id, html, excerpt, counts });
  }).catch(() => indexHere(html, excerpt, counts));
};

/** A backup's blob: URL → what waits for its download to end (the backup parts' storing). */
const afterDownload = new Map<string, () => void>();

/**
 * Free a download's blob: URL (done, given up, or never started); a backup made of stored parts
 * then stores its new ones — or, when the download failed (a stored part may be unreadable),
 * forgets every stored part, so that the next backup writes the whole file again.
 */
export function revokeDownloadBlob(url: string, library: () => Library, failed = false): void {
  URL.revokeObjectURL(url);
  const release = afterDownload.get(url);
  afterDownload.delete(url);
  if (!release) return;
  if (failed) void library().forgetBackup().catch(() => undefined);
  release();
}

/** Run one DOM-needing step in this context (which must have a DOM). */
export async function runDomTask(task: DomTask, library: () => Library): Promise<DomTaskResult> {
  switch (task.kind) {
    case 'export': {
      const ids = task.ids ?? undefined;
      const t: ExportTimings = { read: 0, write: 0, blob: 0 };
      const { lap, restart } = lapTimer<'read' | 'write' | 'blob'>(t);
      // an imported body not sanitised yet is sanitised on the way (the export never waits on the drain's order)
      const clean = sanitizeHere;
      let parser: DOMParser | null = null;
      const parseHtml = (html: string) => (parser ??= new DOMParser()).parseFromString(html, 'text/html');
      /** the file's chunks → one Blob → the blob: URL the background downloads */
      const download = (filename: string, mimeType: string, chunks: ReadonlyArray<BlobPart | Uint8Array>, damaged: number) => {
        const blobUrl = URL.createObjectURL(new Blob(chunks as BlobPart[], { type: mimeType }));
        lap('blob');
        return { kind: 'export' as const, filename, mimeType, damaged, blobUrl, timings: t };
      };
      if (task.blob && task.format === 'json') {
        // the whole library, or a filter or selection (`only`): the stored backup parts that are
        // still right (all of whose items are asked for), as IndexedDB holds them, and only the rest
        // written (backup.ts). null while imported bodies wait to be cleaned; a failure of the
        // parts (a browser that cannot keep Blobs in IndexedDB) is not the export's: either way
        // the file is written from scratch below
        const now = new Date();
        // a whole backup's new parts are stored once the browser has the file (its blob: URL revoked) or gave up
        let downloaded = () => {};
        const storeAfter = new Promise<void>((resolve) => (downloaded = resolve));
        const b = await library()
          .backupParts(jsonBackupWriter, ids ? { clean, only: ids } : { clean, storeAfter })
          .catch((e: unknown) => (console.warn('[Lectern] backup parts unavailable, writing the backup from scratch', e), null));
        if (b) {
          // where backupParts's time went (planning counts as reading)
          Object.assign(t, { read: b.timings.plan + b.timings.read, write: b.timings.write, blob: b.timings.blob, kept: b.kept, built: b.built, slices: b.slices });
          restart();
          void b.stored.then((ok) => {
            if (!ok) console.info('[Lectern] the backup parts were not kept (a delete meanwhile); the next backup writes them again');
          });
          const r = download(`lectern-${ymd(now)}.json`, 'application/json', jsonFileOfParts(now, b.parts), b.damaged.length);
          afterDownload.set(r.blobUrl, downloaded);
          setTimeout(downloaded, 10 * 60_000); // never revoked (the background went away): store anyway
          return r;
        }
      }
      if (task.blob && task.format === 'json') {
        // read in batches while writing: never all 10,000 bodies in memory, reads overlap writes
        const now = new Date();
        const w = new JsonChunkWriter(now);
        let damaged = 0;
        // bodies come as the bytes of their JSON string literals (the store keeps them so): copied
        for await (const batch of library().readBatches(ids, { bodyAs: 'json', clean })) {
          lap('read');
          w.addWithBodies(batch.items, batch.json!);
          damaged += batch.damaged.length;
          lap('write');
        }
        const { chunks } = w.finish();
        lap('write');
        return download(`lectern-${ymd(now)}.json`, 'application/json', chunks, damaged);
      }
      if (task.blob && (task.format === 'markdown' || task.format === 'epub')) {
        // read in batches while converting, each article compressed into the zip as it is
        // converted: never all bodies nor all converted files in memory, only the compressed file
        // the EPUB's language is the most common among all items: from their rows (no bodies read)
        const lang = task.format === 'epub' ? bookLanguage((await library().getMany(ids, { html: false })).items) : undefined;
        const w = exportFileWriter(task.format, { now: new Date(), parseHtml, lang });
        let damaged = 0;
        lap('read');
        for await (const batch of library().readBatches(ids, { clean })) {
          lap('read');
          damaged += batch.damaged.length;
          await addBatchAsync(w, batch.items, 0);
          lap('write');
        }
        const file = w.finish();
        lap('write');
        return download(file.filename, file.mimeType, file.chunks, damaged);
      }
      // CSV and bookmarks carry no article text: no bodies are read for them
      const withHtml = task.format !== 'csv' && task.format !== 'bookmarks';
      const { items, damaged } = await library().getMany(ids, { html: withHtml, clean });
      lap('read');
      if (task.blob) {
        // CSV, bookmarks: a few MB of text
        const file = exportLibrary(items, task.format);
        const text = 'text' in file ? file.text : '';
        lap('write');
        return download(file.filename, file.mimeType, [new TextEncoder().encode(text)], damaged.length);
      }
      const file = await exportLibraryAsync(items, task.format, { parseHtml });
      const head = { kind: 'export' as const, filename: file.filename, mimeType: file.mimeType, damaged: damaged.length };
      return { ...head, ...('text' in file ? { text: file.text } : { base64: bytesToBase64(file.bytes) }) };
    }
    case 'clean': {
      const r = await library().cleanPending(task.limit, sanitizeHere, indexBeside);
      return { kind: 'clean', ...r };
    }
    case 'revoke':
      revokeDownloadBlob(task.url, library, task.failed);
      return { kind: 'revoke' };
    default:
      throw new Error(`unknown DOM task ${(task as { kind: string }).kind}`);
  }
}
