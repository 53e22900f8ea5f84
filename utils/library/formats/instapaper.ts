/**
 * Instapaper CSV import: `URL,Title,Selection,Folder,Timestamp[,Tags]`.
 * Folder `Archive` → archived, `Starred` → favourite, `Unread` → nothing, any other folder → a
 * tag. `Timestamp` (Unix seconds) → savedAt. `Selection` → excerpt. `Tags` is a JSON-ish list
 * (`["a","b"]`, `[a, b]`, `[]`) or a plain comma list.
 */
import { headerIndex, readCsv } from './csv';
import type { ImportedItem, ImportError, ImportResult } from './types';
import { badTimeRow, countsOf, failure, fieldCountRow, httpUrl, isoFromUnix, looksBinary, malformedRow, normaliseTags, truncate, urlRow } from './util';

export const INSTAPAPER_HEADER = 'URL,Title,Selection,Folder,Timestamp,Tags';

/** `["a","b"]`, `['a', 'b']`, `[a, b]`, `a, b`, `` → tags. */
export function parseTagList(raw: string): string[] {
  const s = raw.trim();
  if (!s) return [];
  if (s.startsWith('[')) {
    try {
      const v = JSON.parse(s) as unknown;
      if (Array.isArray(v)) {
        return normaliseTags(v.map((x) => (typeof x === 'string' ? x : x && typeof x === 'object' && 'name' in x ? String((x as { name: unknown }).name) : String(x))));
      }
    } catch {
      /* not JSON: fall through to the lenient reading */
    }
  }
  const inner = s.replace(/^\[/, '').replace(/\]$/, '');
  return normaliseTags(inner.split(',').map((t) => t.trim().replace(/^(["'])(.*)\1$/, '$2')));
}

export function parseInstapaperCsv(text: string): ImportResult {
  const fail = (code: string, error: string, params: Array<string | number> = []): ImportResult => ({
    ...failure(code, params, error),
    format: 'instapaper-csv',
  });
  if (!text.trim()) return fail('impErrEmptyFile', 'empty file');
  if (looksBinary(text)) return fail('impErrInstapaperBinary', 'wrong format: this is a binary file, not an Instapaper CSV export');
  const table = readCsv(text);
  if (!table) return fail('impErrEmptyFile', 'empty file');
  const h = headerIndex(table.header);
  if (!h.has('url') || !h.has('title') || !h.has('folder')) {
    if (h.has('url') && h.has('time_added')) return fail('impErrInstapaperIsPocket', "wrong format: this looks like a Pocket CSV export, not Instapaper's");
    const found = truncate(table.header.join(','), 80);
    return fail(
      'impErrInstapaperHeader',
      `wrong format: expected an Instapaper CSV header "${INSTAPAPER_HEADER}" on line ${table.headerLine}, found "${found}"`,
      [INSTAPAPER_HEADER, table.headerLine, found],
    );
  }
  const col = (rec: string[], name: string): string => {
    const i = h.get(name);
    return i === undefined ? '' : (rec[i] ?? '').trim();
  };
  const items: ImportedItem[] = [];
  const errors: ImportError[] = [];
  for (const rec of table.records) {
    const f = rec.fields;
    if (rec.problem) {
      errors.push(malformedRow(rec.line, rec.problem, rec.problemCodes));
      continue;
    }
    if (f.length !== table.header.length) {
      errors.push(fieldCountRow(rec.line, table.header.length, f.length));
      continue;
    }
    const rawUrl = col(f, 'url');
    const url = httpUrl(rawUrl);
    if (!url) {
      errors.push(urlRow(rec.line, rawUrl));
      continue;
    }
    const rawTime = col(f, 'timestamp');
    const savedAt = isoFromUnix(rawTime);
    if (rawTime && !savedAt) {
      errors.push(badTimeRow(rec.line, 'Timestamp', rawTime));
      continue;
    }
    const folder = col(f, 'folder');
    const fl = folder.toLowerCase();
    const tags = parseTagList(col(f, 'tags'));
    const item: ImportedItem = {
      url,
      title: col(f, 'title') || url,
      archived: fl === 'archive',
      favourite: fl === 'starred',
      hasContent: false,
      tags: folder && fl !== 'archive' && fl !== 'starred' && fl !== 'unread' ? normaliseTags([folder, ...tags]) : tags,
    };
    const selection = col(f, 'selection');
    if (selection) item.excerpt = selection;
    if (savedAt) item.savedAt = savedAt;
    items.push(item);
  }
  return { ok: true, format: 'instapaper-csv', items, errors, counts: countsOf(items, errors) };
}
