import { zipSync, strToU8 } from 'fflate';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseImport } from '../../../utils/library/formats/import';
import { bytesToBase64 } from '../../../utils/library/formats/util';
import { err, fixtureBytes, fixtureText, ok } from './helpers';

describe('Pocket CSV import', () => {
  it('reads the BOM + CRLF fixture: quoting, non-Latin text, tags, status, dates', () => {
    const r = ok(parseImport('pocket-csv', fixtureBytes('pocket.csv')));
    expect(r.format).toBe('pocket-csv');
    expect(r.items.map((i) => i.url)).toEqual([
      'https://plain.example/articles/1',
      'https://quotes.example/a?b=1&c=2',
      'https://tokyo.example/記事/1',
      'https://arabic.example/مقال',
    ]);
    const [plain, quoted, tokyo, arabic] = r.items;
    expect(plain).toMatchObject({ title: 'A plain fictional article', tags: [], archived: false, hasContent: false, savedAt: '2023-11-14T22:13:20.000Z' });
    expect(quoted.title).toBe('Comma, "quotes" and\na newline in the title');
    expect(quoted.tags).toEqual(['news', 'long read']); // split by |, duplicates merged
    expect(quoted.archived).toBe(true);
    expect(tokyo).toMatchObject({ title: 'Ünïcödé — 東京の架空ニュース', tags: ['日本', 'ニュース'] });
    expect(arabic).toMatchObject({ title: 'مقال عربي خيالي', archived: true });
    // nothing is fetched: links without content
    expect(r.items.every((i) => i.hasContent === false && i.unsanitisedHtml === undefined)).toBe(true);
  });

  it('reports each bad row by the line it starts on and keeps the good ones', () => {
    const r = ok(parseImport('pocket-csv', fixtureText('pocket.csv')));
    // line 1 header, 2 plain, 3-4 quoted multi-line record, 5 tokyo, 6 missing url, 7 too few fields, 8 arabic, 9 bad time
    expect(r.errors.map((e) => e.line)).toEqual([6, 7, 9]);
    expect(r.errors[0].message).toMatch(/missing url/);
    expect(r.errors[1].message).toMatch(/line 7 malformed: expected 6 fields, found 3/);
    expect(r.errors[2].message).toMatch(/time_added "yesterday"/);
    expect(r.counts).toMatchObject({ records: 7, items: 4, errors: 3, archived: 2, withContent: 0 });
  });

  it('gives the line of a record with a broken quote and keeps the rows before it', () => {
    const text = 'title,url,time_added,cursor,tags,status\nGood,https://good.example/,1700000000,c,,unread\n"Unterminated,https://bad.example/,1700000001,c,,unread\nNever,https://never.example/,1700000002,c,,unread\n';
    const r = ok(parseImport('pocket-csv', text));
    expect(r.items.map((i) => i.url)).toEqual(['https://good.example/']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0].line).toBe(3);
    expect(r.errors[0].message).toMatch(/line 3 malformed/);
  });

  it('refuses an empty file, a header-less file and an Instapaper file with one clear message', () => {
    expect(err(parseImport('pocket-csv', ''))).toBe('empty file');
    expect(err(parseImport('pocket-csv', '\ufeff\r\n  \r\n'))).toBe('empty file');
    expect(err(parseImport('pocket-csv', new Uint8Array()))).toBe('empty file');
    expect(err(parseImport('pocket-csv', 'just,some,columns\n1,2,3\n'))).toMatch(/^wrong format: expected a Pocket CSV header/);
    expect(err(parseImport('pocket-csv', fixtureText('instapaper.csv')))).toMatch(/wrong format: this looks like an Instapaper CSV/);
    expect(err(parseImport('pocket-csv', fixtureBytes('pocket-export.zip')))).toMatch(/wrong format: this is a zip file/);
  });

  it('reads a header-only file as an empty, valid export', () => {
    const r = ok(parseImport('pocket-csv', 'title,url,time_added,cursor,tags,status\r\n'));
    expect(r.items).toEqual([]);
    expect(r.errors).toEqual([]);
  });

  it('reads a generated 10,000-row file with a bad row every 1000 lines', () => {
    const rows: string[][] = [];
    for (let i = 0; i < 10_000; i++) {
      const bad = i % 1000 === 999;
      rows.push([`Title ${i}, "quoted" ✓`, bad ? 'not a url' : `https://bulk.example/a/${i}`, String(1_600_000_000 + i), `c${i}`, i % 2 ? 'x|y' : '', i % 3 ? 'unread' : 'archive']);
    }
    const csv = Papa.unparse({ fields: ['title', 'url', 'time_added', 'cursor', 'tags', 'status'], data: rows }, { newline: '\r\n' });
    const t0 = performance.now();
    const r = ok(parseImport('pocket-csv', csv));
    const ms = performance.now() - t0;
    expect(r.items).toHaveLength(9_990);
    expect(r.errors).toHaveLength(10);
    // row i is on line i + 2 (header is line 1)
    expect(r.errors.map((e) => e.line)).toEqual(Array.from({ length: 10 }, (_, k) => 1000 * k + 999 + 2));
    expect(r.items[1]).toMatchObject({ title: 'Title 1, "quoted" ✓', tags: ['x', 'y'], archived: false, savedAt: new Date(1_600_000_001_000).toISOString() });
    expect(r.items[3].archived).toBe(true);
    expect(ms).toBeLessThan(5_000);
  });
});

describe('Pocket zip import', () => {
  it('reads every part_*.csv in order (bytes and base64), with errors naming the part', () => {
    for (const data of [fixtureBytes('pocket-export.zip'), bytesToBase64(fixtureBytes('pocket-export.zip'))]) {
      const r = ok(parseImport('pocket-zip', data));
      expect(r.items.map((i) => i.title)).toEqual(['Part zero first', 'Part zero second', 'Part one, quoted']);
      expect(r.items[1]).toMatchObject({ archived: true, tags: ['alpha', 'beta'], savedAt: '2023-07-22T04:28:20.000Z' });
      expect(r.errors).toEqual([
        { line: 3, file: 'part_000001.csv', message: 'line 3: invalid url "notaurl"', code: 'impErrInvalidUrl', params: ['notaurl'] },
      ]);
    }
  });

  it('says "not a zip" for text and "truncated" for a cut-off zip, and yields no items', () => {
    expect(err(parseImport('pocket-zip', fixtureText('pocket.csv')))).toMatch(/^not a zip file/);
    expect(err(parseImport('pocket-zip', new Uint8Array([1, 2, 3, 4, 5])))).toMatch(/^not a zip file/);
    const zip = fixtureBytes('pocket-export.zip');
    expect(err(parseImport('pocket-zip', zip.subarray(0, Math.floor(zip.length / 2))))).toMatch(/^truncated or damaged zip/);
    expect(err(parseImport('pocket-zip', new Uint8Array()))).toBe('empty file');
  });

  it('refuses a zip without CSV parts, and a zip whose part is not a Pocket CSV', () => {
    expect(err(parseImport('pocket-zip', zipSync({ 'readme.txt': strToU8('hi') })))).toMatch(/no part_\*\.csv/);
    expect(err(parseImport('pocket-zip', zipSync({ 'part_000000.csv': strToU8('a,b\n1,2\n') })))).toMatch(/^part_000000\.csv: wrong format/);
  });
});

describe("Pocket's ril_export.html", () => {
  it('reads unread and archived links with dates and tags, refusing script links', () => {
    const r = ok(parseImport('pocket-html', fixtureText('ril_export.html')));
    expect(r.items).toEqual([
      { url: 'https://ril.example/one', title: 'First & fictional', tags: [], archived: false, hasContent: false, savedAt: '2017-07-14T02:40:00.000Z' },
      { url: 'https://ril.example/two?x=1&y=2', title: 'Second — ünïcödé', tags: ['tech', 'science'], archived: false, hasContent: false, savedAt: '2017-07-14T02:41:40.000Z' },
      { url: 'https://ril.example/three', title: 'Third, archived', tags: ['old'], archived: true, hasContent: false, savedAt: '2017-07-14T02:43:20.000Z' },
    ]);
    expect(r.errors).toEqual([{ line: 13, message: 'line 13: not a web link (javascript:)', code: 'impErrNotWebLink', params: ['javascript:'] }]);
  });

  it('refuses an empty file and a page without an export list', () => {
    expect(err(parseImport('pocket-html', ''))).toBe('empty file');
    expect(err(parseImport('pocket-html', '<html><body><p>hello</p></body></html>'))).toMatch(/^wrong format/);
  });
});
