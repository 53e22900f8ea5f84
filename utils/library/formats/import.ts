/**
 * parseImport: read an export file of any supported format into ImportedItems, without
 * writing anything. The result (items + errors + counts) is the preview the UI shows; the
 * caller writes the items (merging by identity) only when `ok` is true.
 *
 *  - A file that cannot be read → `{ ok: false, error }` with ONE message (empty file, wrong
 *    format, not a zip, truncated zip, unsupported schema version, "line N malformed") and no
 *    items.
 *  - A readable file with bad records → the good ones in `items`, each bad one in `errors` with
 *    the 1-based line where it starts (and `file` for zip members).
 *  - Zip formats take bytes or a base64 string; text formats take a string or bytes (UTF-8 or
 *    UTF-16 with BOM). BOMs and CRLF are handled everywhere.
 *  - Never throws, never fetches. Items without content are links (hasContent false).
 *  - Raw HTML bodies come back in `unsanitisedHtml`: the caller sanitises them. Lectern JSON
 *    given as bytes ('json', or 'auto' on a file starting with "{") returns long bodies as
 *    byte ranges of the file instead (`unsanitisedBody`, `source`: parseLecternJsonBytes).
 */
import { parseBookmarks } from './bookmarks';
import { detectFormat } from './detect';
import { parseInstapaperCsv } from './instapaper';
import { parseLecternJson, parseLecternJsonBytes } from './json';
import { parseOmnivoreZip } from './omnivore';
import { parsePocketCsv, parsePocketHtml, parsePocketZip } from './pocket';
import { IMPORT_FORMATS, type ConcreteImportFormat, type ImportFormat, type ImportResult, ZIP_IMPORT_FORMATS } from './types';
import { EMPTY_FILE, errorDetail, failure, isBytes, isZipBytes, looksLikeBase64Zip, toText, zipInput } from './util';

const TEXT_PARSERS: Record<Exclude<ConcreteImportFormat, 'pocket-zip' | 'omnivore-zip'>, (text: string) => ImportResult> = {
  json: parseLecternJson,
  'pocket-csv': parsePocketCsv,
  'pocket-html': parsePocketHtml,
  'instapaper-csv': parseInstapaperCsv,
  bookmarks: parseBookmarks,
};

function parseConcrete(format: ConcreteImportFormat, data: string | Uint8Array): ImportResult {
  if (format === 'pocket-zip' || format === 'omnivore-zip') {
    const z = zipInput(data);
    if (!z.ok) return { ...z, format };
    return format === 'pocket-zip' ? parsePocketZip(z.bytes) : parseOmnivoreZip(z.bytes);
  }
  if (isBytes(data) && data.length === 0) return { ...EMPTY_FILE(), format };
  if ((isBytes(data) && isZipBytes(data)) || (typeof data === 'string' && looksLikeBase64Zip(data))) {
    return {
      ...failure('impErrZipChosen', [], 'wrong format: this is a zip file (choose the Pocket or Omnivore zip import, or automatic detection)'),
      format,
    };
  }
  // Lectern JSON bytes are parsed as bytes: the article bodies are never decoded (json.ts)
  if (format === 'json' && isBytes(data)) return parseLecternJsonBytes(data);
  return TEXT_PARSERS[format](toText(data));
}

export function parseImport(format: ImportFormat, data: string | Uint8Array): ImportResult {
  try {
    if (!IMPORT_FORMATS.includes(format)) return failure('impErrUnknownFormat', [String(format)], `unknown import format "${String(format)}"`);
    if (data === null || data === undefined || (typeof data !== 'string' && !isBytes(data))) {
      return failure('impErrNoData', [], 'no file data');
    }
    if (format === 'auto') {
      const d = detectFormat(data);
      if (!d.ok) return d;
      return parseConcrete(d.format, d.data);
    }
    return parseConcrete(format, data);
  } catch (e) {
    const detail = errorDetail(e);
    return failure('impErrReadFailed', [detail], `could not read the file: ${detail}`);
  }
}

export { ZIP_IMPORT_FORMATS };
