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
import { epubSteps, exportEpub } from './epub';
import { exportJson, exportJsonChunks } from './json';
import { exportMarkdownZip, markdownZipSteps } from './markdown';
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

/**
 * The export as the file's bytes (UTF-8 for text formats), ready to become a Blob: what the
 * download path uses. JSON is serialised and encoded item by item (./json.ts exportJsonChunks);
 * Markdown and EPUB run as in exportLibraryAsync.
 */
export async function exportLibraryFileAsync(
  items: SavedItem[],
  format: ExportFormat,
  opts: ExportOptions & StepOptions = {},
): Promise<ExportFile> {
  const now = opts.now ?? new Date();
  if (format === 'json') {
    opts.signal?.throwIfAborted();
    const { chunks, bytes } = exportJsonChunks(items, now);
    opts.onProgress?.(items.length, items.length);
    return { filename: `lectern-${ymd(now)}.json`, mimeType: 'application/json', chunks, bytes };
  }
  const r = await exportLibraryAsync(items, format, { ...opts, now });
  const data = 'text' in r ? new TextEncoder().encode(r.text) : r.bytes;
  return { filename: r.filename, mimeType: r.mimeType, chunks: [data], bytes: data.length };
}
