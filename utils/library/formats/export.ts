/**
 * exportLibrary: SavedItems (all, the current filter or a selection — the caller chooses) →
 * one file. Pure and synchronous; text formats return `text`, zips return `bytes`
 * (`bytesToBase64` from ./util turns them into the hook's base64).
 *
 *   json      lectern-YYYY-MM-DD.json           application/json
 *   markdown  lectern-YYYY-MM-DD-markdown.zip   application/zip
 *   csv       lectern-YYYY-MM-DD.csv            text/csv
 *   bookmarks lectern-YYYY-MM-DD.html           text/html
 *   epub      lectern-YYYY-MM-DD.epub           application/epub+zip
 *
 * The date in file names is the UTC date of `now`. `exportLibraryFile(Async)` give the same file
 * as bytes in chunks (what a download is made of), without building a JSON export as one string.
 */
import type { SavedItem } from '../types';
import { exportBookmarks } from './bookmarks';
import { exportCsv } from './csv';
import { epubSteps, EpubWriter, exportEpub } from './epub';
import { exportJson } from './json';
import { exportMarkdownZip, MarkdownZipWriter, markdownZipSteps } from './markdown';
import { runStepsAsync, type StepOptions } from './steps';
import { EXPORT_FORMATS, type ExportFile, type ExportFormat, type ExportOptions, type ExportResult } from './types';
import { ymd } from './util';

export function exportLibrary(items: SavedItem[], format: ExportFormat, opts: ExportOptions = {}): ExportResult {
  const now = opts.now ?? new Date();
  const stem = `lectern-${ymd(now)}`;
  switch (format) {
    case 'json':
      return { filename: `${stem}.json`, mimeType: 'application/json', text: exportJson(items, now) };
    case 'csv':
      return { filename: `${stem}.csv`, mimeType: 'text/csv', text: exportCsv(items) };
    case 'bookmarks':
      return { filename: `${stem}.html`, mimeType: 'text/html', text: exportBookmarks(items, now, opts.bookmarksGroupBy) };
    case 'markdown':
      return { filename: `${stem}-markdown.zip`, mimeType: 'application/zip', bytes: exportMarkdownZip(items, opts.parseHtml) };
    case 'epub':
      return {
        filename: `${stem}.epub`,
        mimeType: 'application/epub+zip',
        bytes: exportEpub(items, { now, parseHtml: opts.parseHtml, title: opts.title }),
      };
    default:
      throw new Error(`unknown export format "${String(format)}" (expected one of ${EXPORT_FORMATS.join(', ')})`);
  }
}

/**
 * Same result as exportLibrary, but Markdown and EPUB give the event loop a turn every
 * `sliceMs` and report progress (they cost milliseconds per article); abortable via `signal`.
 */
export async function exportLibraryAsync(
  items: SavedItem[],
  format: ExportFormat,
  opts: ExportOptions & StepOptions = {},
): Promise<ExportResult> {
  const now = opts.now ?? new Date();
  const stem = `lectern-${ymd(now)}`;
  if (format === 'markdown') {
    const bytes = await runStepsAsync(markdownZipSteps(items, opts.parseHtml), items.length, opts);
    return { filename: `${stem}-markdown.zip`, mimeType: 'application/zip', bytes };
  }
  if (format === 'epub') {
    const bytes = await runStepsAsync(epubSteps(items, { now, parseHtml: opts.parseHtml, title: opts.title }), items.length, opts);
    return { filename: `${stem}.epub`, mimeType: 'application/epub+zip', bytes };
  }
  opts.signal?.throwIfAborted();
  const r = exportLibrary(items, format, { ...opts, now });
  opts.onProgress?.(items.length, items.length);
  return r;
}

/** The exports that can be written batch by batch (see exportFileWriter). */
export type StreamedExportFormat = 'markdown' | 'epub';

export interface ExportFileWriter {
  filename: string;
  mimeType: string;
  /** converts and compresses `items`, yielding the number of items added so far after each */
  addSteps(items: readonly SavedItem[]): Generator<number, void>;
  /** the same, in one go */
  add(items: readonly SavedItem[]): void;
  /** the whole file; the writer is spent afterwards */
  finish(): ExportFile;
}

/**
 * The Markdown zip or EPUB of a library too large to hold at once (a download of 10,000
 * articles): items are added in batches (e.g. as the store's readBatches gives them) and each
 * is converted and compressed at once; the writer keeps only the compressed files. The file is
 * the one exportLibrary makes for all the items in the order added — for EPUB given
 * `lang: bookLanguage(items)` (./epub), which must be known before the first chapter.
 * `addBatchAsync` adds a batch giving the event loop a turn every `sliceMs`.
 */
export function exportFileWriter(
  format: StreamedExportFormat,
  opts: Pick<ExportOptions, 'now' | 'parseHtml' | 'title'> & { lang?: string } = {},
): ExportFileWriter {
  const now = opts.now ?? new Date();
  const stem = `lectern-${ymd(now)}`;
  const w =
    format === 'markdown'
      ? new MarkdownZipWriter(opts.parseHtml)
      : format === 'epub'
        ? new EpubWriter({ now, parseHtml: opts.parseHtml, title: opts.title, lang: opts.lang })
        : null;
  if (!w) throw new Error(`"${String(format)}" cannot be written in batches (only markdown, epub)`);
  const [filename, mimeType] =
    format === 'markdown' ? [`${stem}-markdown.zip`, 'application/zip'] : [`${stem}.epub`, 'application/epub+zip'];
  return {
    filename,
    mimeType,
    addSteps: (items) => w.addSteps(items),
    add: (items) => w.add(items),
    finish: () => {
      const chunks = w.finish();
      return { filename, mimeType, chunks, bytes: chunks.reduce((n, c) => n + c.length, 0) };
    },
  };
}

/**
 * Adds one batch to `w`, giving the event loop a turn every `sliceMs` (runStepsAsync);
 * progress is reported as (items added so far, `total`).
 */
export function addBatchAsync(w: ExportFileWriter, items: readonly SavedItem[], total: number, opts: StepOptions = {}): Promise<void> {
  return runStepsAsync(w.addSteps(items), total, opts);
}
