/**
 * Pocket imports:
 *  - CSV (`title,url,time_added,cursor,tags,status`, tags joined by `|`, status unread|archive).
 *    Lectern's own CSV export has the same first columns plus its own (author, publisher,
 *    original_url, read_via, aggregator, published, words) and reads back through here.
 *  - the zip Pocket hands out (`part_000000.csv`, … one CSV each).
 *  - the older `ril_export.html` (`<h1>Unread</h1><ul><li><a href time_added tags>` …
 *    `<h1>Read Archive</h1>`).
 * Nothing is fetched: every item is an unread-or-archived link without content.
 */
import { headerIndex, readCsv } from './csv';
import type { ImportedItem, ImportError, ImportResult } from './types';
import {
  baseName,
  countsOf,
  httpUrl,
  inlineText,
  isAggregatorId,
  isoFromUnix,
  LineCounter,
  looksBinary,
  normaliseTags,
  parseAttrs,
  badTimeRow,
  EMPTY_FILE,
  failure,
  type Failure,
  fieldCountRow,
  inFile,
  malformedRow,
  readZip,
  truncate,
  urlRow,
  validDateString,
} from './util';

export const POCKET_HEADER = 'title,url,time_added,cursor,tags,status';

type Rows = { ok: true; items: ImportedItem[]; errors: ImportError[] } | Failure;

function describeHeader(header: string[]): string {
  return truncate(header.join(','), 80);
}

/** Parse one Pocket (or Lectern) CSV text. `file` names the zip member in messages. */
export function readPocketCsv(text: string, file?: string): Rows {
  const fail = (f: Failure): Failure => (file ? inFile(file, f) : f);
  if (!text.trim()) return fail(EMPTY_FILE());
  if (looksBinary(text)) return fail(failure('impErrPocketBinary', [], 'wrong format: this is a binary file, not a Pocket CSV export'));
  const table = readCsv(text);
  if (!table) return fail(EMPTY_FILE());
  const h = headerIndex(table.header);
  if (!h.has('url') || !h.has('title') || !h.has('time_added')) {
    if (h.has('url') && h.has('folder') && h.has('selection')) {
      return fail(failure('impErrPocketIsInstapaper', [], "wrong format: this looks like an Instapaper CSV export, not Pocket's"));
    }
    const found = describeHeader(table.header);
    return fail(
      failure(
        'impErrPocketHeader',
        [POCKET_HEADER, table.headerLine, found],
        `wrong format: expected a Pocket CSV header "${POCKET_HEADER}" on line ${table.headerLine}, found "${found}"`,
      ),
    );
  }
  const col = (rec: string[], name: string): string => {
    const i = h.get(name);
    return i === undefined ? '' : (rec[i] ?? '').trim();
  };
  const items: ImportedItem[] = [];
  const errors: ImportError[] = [];
  const bad = (e: ImportError) => errors.push(file ? { ...e, file } : e);
  for (const rec of table.records) {
    const f = rec.fields;
    if (rec.problem) {
      bad(malformedRow(rec.line, rec.problem, rec.problemCodes));
      continue;
    }
    if (f.length !== table.header.length) {
      bad(fieldCountRow(rec.line, table.header.length, f.length));
      continue;
    }
    const rawUrl = col(f, 'url');
    const url = httpUrl(rawUrl);
    if (!url) {
      bad(urlRow(rec.line, rawUrl));
      continue;
    }
    const rawTime = col(f, 'time_added');
    const savedAt = isoFromUnix(rawTime);
    if (rawTime && !savedAt) {
      bad(badTimeRow(rec.line, 'time_added', rawTime));
      continue;
    }
    const status = col(f, 'status').toLowerCase();
    if (status && status !== 'unread' && status !== 'archive' && status !== 'archived') {
      const shown = truncate(status, 30);
      bad({
        line: rec.line,
        message: `line ${rec.line}: unknown status "${shown}" (expected unread or archive)`,
        code: 'impErrRowStatus',
        params: [shown],
      });
      continue;
    }
    const item: ImportedItem = {
      url,
      title: col(f, 'title') || url,
      tags: normaliseTags(col(f, 'tags').split('|')),
      archived: status === 'archive' || status === 'archived',
      hasContent: false,
    };
    if (savedAt) item.savedAt = savedAt;
    // Lectern's own columns (absent from Pocket's files)
    const readVia = httpUrl(col(f, 'read_via'));
    const original = httpUrl(col(f, 'original_url'));
    const publisher = col(f, 'publisher');
    if (readVia) item.url = readVia;
    if (original || publisher) {
      item.source = { name: publisher || hostOf(original ?? url), url: original ?? (readVia && readVia !== url ? url : null) };
    }
    const author = col(f, 'author');
    if (author) item.byline = author;
    const agg = col(f, 'aggregator');
    if (isAggregatorId(agg)) item.aggregator = agg;
    const published = validDateString(col(f, 'published'));
    if (published) item.published = published;
    items.push(item);
  }
  return { ok: true, items, errors };
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return '';
  }
}

export function parsePocketCsv(text: string): ImportResult {
  const r = readPocketCsv(text);
  if (!r.ok) return { ...r, format: 'pocket-csv' };
  return { ok: true, format: 'pocket-csv', items: r.items, errors: r.errors, counts: countsOf(r.items, r.errors) };
}

/** Pocket's zip: every `*.csv` member (Pocket names them `part_000000.csv`, …), in name order. */
export function parsePocketZip(bytes: Uint8Array): ImportResult {
  const z = readZip(bytes, (n) => /\.csv$/i.test(n) && !baseName(n).startsWith('._') && !n.startsWith('__MACOSX/'));
  if (!z.ok) return { ...z, format: 'pocket-zip' };
  const names = Object.keys(z.files).sort(partOrder);
  if (names.length === 0) {
    return { ...failure('impErrPocketZipNoParts', [], 'wrong format: this zip holds no part_*.csv files (is it a Pocket export?)'), format: 'pocket-zip' };
  }
  const items: ImportedItem[] = [];
  const errors: ImportError[] = [];
  const dec = new TextDecoder('utf-8');
  for (const name of names) {
    const text = dec.decode(z.files[name]);
    if (!text.trim()) continue; // an empty part is harmless
    const r = readPocketCsv(text, baseName(name));
    if (!r.ok) return { ...r, format: 'pocket-zip' };
    items.push(...r.items);
    errors.push(...r.errors);
  }
  return { ok: true, format: 'pocket-zip', items, errors, counts: countsOf(items, errors) };
}

function partOrder(a: string, b: string): number {
  const na = /(\d+)\.csv$/i.exec(a);
  const nb = /(\d+)\.csv$/i.exec(b);
  if (na && nb && Number(na[1]) !== Number(nb[1])) return Number(na[1]) - Number(nb[1]);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Pocket's older `ril_export.html`. */
export function parsePocketHtml(text: string): ImportResult {
  if (!text.trim()) return { ...EMPTY_FILE(), format: 'pocket-html' };
  if (!/<a\s[^>]*\bhref\s*=/i.test(text) && !/<h1[\s>]/i.test(text)) {
    return {
      ...failure('impErrPocketHtmlNoList', [], 'wrong format: no Pocket export list (<h1>Unread</h1><ul><li><a href=…>) found'),
      format: 'pocket-html',
    };
  }
  const lines = new LineCounter(text);
  const items: ImportedItem[] = [];
  const errors: ImportError[] = [];
  let archived = false;
  const re = /<h1\b[^>]*>([\s\S]*?)<\/h1\s*>|<a\b([^>]*)>([\s\S]*?)<\/a\s*>/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    if (m[1] !== undefined) {
      archived = /archive/i.test(inlineText(m[1]));
      continue;
    }
    const line = lines.lineAt(m.index);
    const a = parseAttrs(m[2]);
    const url = httpUrl(a.href);
    if (!url) {
      errors.push(urlRow(line, a.href));
      continue;
    }
    const item: ImportedItem = {
      url,
      title: inlineText(m[3]) || url,
      tags: normaliseTags((a.tags ?? '').split(',')),
      archived,
      hasContent: false,
    };
    if (a.time_added) {
      const savedAt = isoFromUnix(a.time_added);
      if (!savedAt) {
        errors.push(badTimeRow(line, 'time_added', a.time_added));
        continue;
      }
      item.savedAt = savedAt;
    }
    items.push(item);
  }
  if (items.length === 0 && errors.length === 0) {
    return { ...failure('impErrPocketHtmlNoLinks', [], 'wrong format: no links found in this Pocket HTML export'), format: 'pocket-html' };
  }
  return { ok: true, format: 'pocket-html', items, errors, counts: countsOf(items, errors) };
}
