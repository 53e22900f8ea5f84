/**
 * Types of Lectern's pure format layer (export + import). No `browser.*`, no DOM globals:
 * everything here runs in Node (tests, bench) and in any extension context.
 */
import type { SavedItem } from '../types';

/** Format ids of `exportLibrary` (test contract). */
export type ExportFormat = 'json' | 'markdown' | 'csv' | 'bookmarks' | 'epub';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'markdown', 'csv', 'bookmarks', 'epub'];

/** Format ids of `importLibrary` (test contract). */
export type ImportFormat =
  | 'json'
  | 'pocket-csv'
  | 'pocket-zip'
  | 'pocket-html'
  | 'instapaper-csv'
  | 'omnivore-zip'
  | 'bookmarks'
  | 'auto';
export type ConcreteImportFormat = Exclude<ImportFormat, 'auto'>;
export const IMPORT_FORMATS: readonly ImportFormat[] = [
  'json',
  'pocket-csv',
  'pocket-zip',
  'pocket-html',
  'instapaper-csv',
  'omnivore-zip',
  'bookmarks',
  'auto',
];
/** Import formats whose files are zips (bytes, or a base64 string of them). */
export const ZIP_IMPORT_FORMATS: readonly ConcreteImportFormat[] = ['pocket-zip', 'omnivore-zip'];

/**
 * One imported record: any subset of SavedItem's fields, `url` required.
 *
 * `html` is deliberately NOT part of this type: imported HTML (Lectern JSON's `html`,
 * Omnivore's `content/<slug>.html`) comes from a file and is untrusted, and this layer cannot
 * run DOMPurify (it needs a window). It is returned in `unsanitisedHtml`; the caller MUST pass
 * it through `utils/extract/sanitize.ts` and store the result as `html`. Fields left out are
 * for the store to default (id from identity, savedAt = now, …).
 */
export type ImportedItem = Partial<Omit<SavedItem, 'html' | 'url'>> & {
  url: string;
  /** raw article HTML from the file: sanitise before storing as SavedItem.html */
  unsanitisedHtml?: string;
  /**
   * Instead of `unsanitisedHtml` (Lectern JSON read from bytes, parseLecternJsonBytes): the html
   * as a byte range of the file (`ImportResult.source`) holding its JSON string literal, quotes
   * included — valid (isJsonStringUtf8) and not blank. Never decoded here: the library stores
   * the range and reads it when it cleans the body. An item with a range always has `words`
   * and `excerpt` (when the file lacked them, the html was decoded into `unsanitisedHtml`).
   */
  unsanitisedBody?: BodyRange;
};

/** `[start, end)` byte offsets in an import file. */
export interface BodyRange {
  start: number;
  end: number;
}

/**
 * Values for an error code's placeholders, in order ($1, $2, … of its messages.json entry).
 * Some are English details from elsewhere (a JSON or zip library's own message): passed through.
 */
export type ErrorParams = Array<string | number>;

/**
 * What an import error says, for the UI's i18n: `code` is a key of public/_locales/en/messages.json
 * (`impErr…`), `params` fill its placeholders. The formats layer only names codes; the English
 * `message` / `error` beside them stays as it always was (tests and the e2e hook read it).
 */
export interface ErrorCode {
  code: string;
  params: ErrorParams;
}

export interface ImportError {
  /** 1-based line where the bad record starts (in `file` when given) */
  line: number;
  /** English, as before; it may start with "line N:" (the i18n text `code` names never does) */
  message: string;
  /** i18n key for the reason (without the line), e.g. `impErrMissingUrl` */
  code?: string;
  params?: ErrorParams;
  /** for zips: the member file the line refers to */
  file?: string;
}

export interface ImportCounts {
  /** records seen in the file (good + bad + ignored) */
  records: number;
  /** good records returned in `items` */
  items: number;
  /** bad records reported in `errors` */
  errors: number;
  /** records deliberately left out without being an error (e.g. Omnivore items deleted there) */
  ignored: number;
  withContent: number;
  archived: number;
  favourite: number;
}

export type ImportResult =
  | {
      ok: true;
      /** the format that was read (the detected one for 'auto') */
      format: ConcreteImportFormat;
      items: ImportedItem[];
      errors: ImportError[];
      counts: ImportCounts;
      /** the file's bytes that items' `unsanitisedBody` ranges point into (only when some do) */
      source?: Uint8Array;
    }
  | {
      ok: false;
      /** English, as before (with `file: ` in front when a zip member failed) */
      error: string;
      /** i18n key for the failure (without the file), e.g. `impErrNotZip` */
      code?: string;
      params?: ErrorParams;
      /** for zips: the member file that could not be read */
      file?: string;
      format?: ConcreteImportFormat;
    };

export type ExportResult =
  | { filename: string; mimeType: string; text: string }
  | { filename: string; mimeType: string; bytes: Uint8Array };

/** An export as the bytes of the file (UTF-8 for the text formats), in order: a download's Blob parts. */
export interface ExportFile {
  filename: string;
  mimeType: string;
  chunks: Uint8Array[];
  /** total length of the chunks */
  bytes: number;
}

export interface ExportOptions {
  /** the export's date (filenames, exportedAt, EPUB modified date); default: new Date() */
  now?: Date;
  /**
   * Parses an HTML fragment into a Document, for 'epub' (the XHTML writer walks a DOM) and
   * optionally 'markdown': `(h) => new DOMParser().parseFromString(h, 'text/html')` in a page /
   * popup / offscreen document, jsdom's DOMParser in Node. Without it, 'epub' uses a global
   * DOMParser and 'markdown' lets turndown parse the string itself (DOMParser in a page, its
   * bundled parser in Node). An MV3 service worker has neither: run those two exports in the
   * popup or an offscreen document, or pass a parser from one.
   */
  parseHtml?: (html: string) => Document;
  /** bookmarks: one folder per read state (default) or per tag */
  bookmarksGroupBy?: 'state' | 'tag';
  /** EPUB book title; default "Lectern — YYYY-MM-DD" */
  title?: string;
}
