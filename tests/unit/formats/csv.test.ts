import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS } from '../../../utils/library/formats/csv';
import { exportLibrary } from '../../../utils/library/formats/export';
import { parseImport } from '../../../utils/library/formats/import';
import type { SavedItem } from '../../../utils/library/types';
import { ok, variedItems } from './helpers';

const now = new Date('2026-11-29T00:00:00Z');
const csvOf = (items: SavedItem[]) => (exportLibrary(items, 'csv', { now }) as { text: string }).text;

describe('CSV export', () => {
  it('starts with the Pocket header, then Lectern columns; CRLF rows', () => {
    const r = exportLibrary(variedItems(), 'csv', { now });
    expect(r).toMatchObject({ filename: 'lectern-2026-11-29.csv', mimeType: 'text/csv' });
    const text = (r as { text: string }).text;
    expect(text.startsWith('title,url,time_added,tags,status,author,publisher,original_url,read_via,aggregator,published,words\r\n')).toBe(true);
    expect(csvOf([])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  it('parses back with papaparse to the same values (RFC 4180 quoting of commas, quotes, newlines, non-Latin)', () => {
    const items = variedItems();
    const parsed = Papa.parse<Record<string, string>>(csvOf(items), { header: true, skipEmptyLines: true });
    expect(parsed.errors).toEqual([]);
    expect(parsed.data).toHaveLength(items.length);
    parsed.data.forEach((row, i) => {
      const it = items[i];
      expect(row.title).toBe(it.title);
      expect(row.url).toBe(it.source?.url ?? it.url); // original article URL when known
      expect(Number(row.time_added)).toBe(Date.parse(it.savedAt) / 1000);
      expect(row.tags).toBe(it.tags.map((t) => t.replace(/\|/g, '/')).join('|'));
      expect(row.status).toBe(it.archived ? 'archive' : 'unread');
      expect(row.author).toBe(it.byline ?? '');
      expect(row.publisher).toBe(it.source?.name ?? '');
      expect(row.original_url).toBe(it.source?.url ?? '');
      expect(row.read_via).toBe(it.url);
      expect(row.aggregator).toBe(it.aggregator ?? '');
      expect(row.published).toBe(it.published ?? '');
      expect(Number(row.words)).toBe(it.words);
    });
    // the tricky title is quoted with doubled quotes
    expect(csvOf([items[1]])).toContain('"Quotes ""and"", commas, | pipes\nand a newline"');
  });

  it('reads back through the Pocket importer: urls, dates, tags, state, attribution', () => {
    const items = variedItems();
    const r = ok(parseImport('auto', csvOf(items)));
    expect(r.format).toBe('pocket-csv');
    expect(r.errors).toEqual([]);
    r.items.forEach((got, i) => {
      const it = items[i];
      expect(got.url).toBe(it.url);
      expect(got.title).toBe(it.title);
      expect(got.savedAt).toBe(it.savedAt);
      expect(got.archived).toBe(it.archived);
      expect(got.source ?? null).toEqual(it.source);
      expect(got.byline ?? null).toBe(it.byline);
      expect(got.aggregator ?? null).toBe(it.aggregator);
      expect(got.published ?? null).toBe(it.published);
      expect(got.hasContent).toBe(false);
    });
    expect(r.items[1].tags).toEqual(['a,b', 'pipe/tag', 'ünïcödé']);
  });
});
