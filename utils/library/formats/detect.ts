/**
 * `auto` import: decide which format a file is from its content (never its name).
 * Zip bytes (or base64 of them) → look at the member names; text → look at its first bytes /
 * CSV header.
 */
import { unzipSync } from 'fflate';
import Papa from 'papaparse';
import { looksLikeNetscapeBookmarks } from './bookmarks';
import type { ConcreteImportFormat } from './types';
import { base64ToBytes, damagedZip, EMPTY_FILE, failure, type Failure, isBytes, isZipBytes, looksBinary, looksLikeBase64Zip, toText } from './util';

export type Detected =
  | { ok: true; format: ConcreteImportFormat; data: string | Uint8Array }
  | Failure;

export const UNRECOGNISED =
  'unrecognised format: expected a Lectern JSON export, a Pocket or Instapaper CSV, a Pocket HTML export, a Netscape bookmarks file, or a Pocket / Omnivore zip';

/** Which zip format, from member names (nothing is decompressed). */
export function detectZip(bytes: Uint8Array): Detected {
  const names: string[] = [];
  try {
    unzipSync(bytes, {
      filter: (f) => {
        names.push(f.name);
        return false;
      },
    });
  } catch (e) {
    return damagedZip(e);
  }
  if (names.some((n) => /(^|\/)metadata_[^/]*\.json$/i.test(n))) return { ok: true, format: 'omnivore-zip', data: bytes };
  if (names.some((n) => /\.csv$/i.test(n))) return { ok: true, format: 'pocket-zip', data: bytes };
  return failure('impErrZipUnrecognised', [], 'unrecognised zip: it holds neither Pocket part_*.csv files nor Omnivore metadata_*.json files');
}

/** Which text format. */
export function detectText(text: string): Detected {
  const t = text.trimStart();
  if (!t) return EMPTY_FILE();
  if (looksBinary(t)) return failure('impErrUnrecognisedBinary', [], `${UNRECOGNISED} (this is a binary file)`);
  if (t[0] === '{') return { ok: true, format: 'json', data: text };
  if (t[0] === '[') {
    return failure('impErrBareJsonList', [], 'wrong format: a bare JSON list (an Omnivore metadata file? import the whole Omnivore zip instead)');
  }
  const head = t.slice(0, 8192);
  if (/<!DOCTYPE\s+NETSCAPE-Bookmark-file/i.test(head)) return { ok: true, format: 'bookmarks', data: text };
  if (/^</.test(t)) {
    if (/<title>\s*Pocket Export\s*<\/title>/i.test(head) || (/<ul\b/i.test(t) && /<a\b[^>]*\btime_added\s*=/i.test(t))) {
      return { ok: true, format: 'pocket-html', data: text };
    }
    if (looksLikeNetscapeBookmarks(t)) return { ok: true, format: 'bookmarks', data: text };
    return failure('impErrUnrecognisedHtml', [], `${UNRECOGNISED} (this HTML file holds no bookmark list)`);
  }
  const first = Papa.parse<string[]>(t, { preview: 1, delimiter: ',' }).data[0] ?? [];
  const cols = new Set(first.map((c) => c.trim().toLowerCase()));
  if (cols.has('url') && cols.has('time_added')) return { ok: true, format: 'pocket-csv', data: text };
  if (cols.has('url') && cols.has('folder')) return { ok: true, format: 'instapaper-csv', data: text };
  return failure('impErrUnrecognised', [], UNRECOGNISED);
}

/**
 * UTF-8 bytes whose text starts (after a BOM and whitespace) with "{" or "[": what detectText
 * says of them, from their first few KB only (a 300 MB JSON backup is not decoded to be
 * recognised); `json` hands the bytes on. Anything else (UTF-16, no brace): null.
 */
export function detectJsonBytes(b: Uint8Array): Detected | null {
  if (b.length >= 2 && ((b[0] === 0xff && b[1] === 0xfe) || (b[0] === 0xfe && b[1] === 0xff))) return null;
  let i = b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf ? 3 : 0;
  while (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09 || b[i] === 0x0b || b[i] === 0x0c) i++;
  if (b[i] !== 0x7b && b[i] !== 0x5b) return null;
  // detectText reads the first 1024 characters (looksBinary): at most 4096 bytes, and a UTF-8
  // decoder's output there depends on at most 3 bytes more
  const d = detectText(new TextDecoder('utf-8', { ignoreBOM: true }).decode(b.subarray(i, i + 4100)));
  return d.ok ? { ...d, data: b } : d;
}

export function detectFormat(data: string | Uint8Array): Detected {
  if (isBytes(data)) {
    if (data.length === 0) return EMPTY_FILE();
    if (isZipBytes(data)) return detectZip(data);
    // decoded, as a string would be (a text file may hold a zip as base64)
    return detectJsonBytes(data) ?? detectFormat(toText(data));
  }
  if (looksLikeBase64Zip(data)) {
    let bytes: Uint8Array;
    try {
      bytes = base64ToBytes(data);
    } catch {
      return failure('impErrBase64Damaged', [], 'damaged base64 data: the zip could not be decoded');
    }
    return detectZip(bytes);
  }
  return detectText(toText(data));
}
