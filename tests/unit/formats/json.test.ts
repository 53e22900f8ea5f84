import { describe, expect, it } from 'vitest';
import { exportLibrary } from '../../../utils/library/formats/export';
import { parseImport } from '../../../utils/library/formats/import';
import { LECTERN_JSON_VERSION, SAVED_ITEM_FIELDS } from '../../../utils/library/formats/json';
import { Utf8Chunks } from '../../../utils/library/formats/util';
import { JsonChunkWriter } from '../../../utils/library/formats/json';
import { encodeBodyJson } from '../../../utils/library/schema';
import type { SavedItem } from '../../../utils/library/types';
import { concat, err, fixtureText, makeItem, ok, variedItems } from './helpers';

const now = new Date('2026-11-29T12:34:56.789Z');

function exportText(items: SavedItem[]): string {
  const r = exportLibrary(items, 'json', { now });
  if (!('text' in r)) throw new Error('json export must be text');
  return r.text;
}

describe('Lectern JSON export', () => {
  it('writes the contract layout with every SavedItem field, html included', () => {
    const items = variedItems();
    const r = exportLibrary(items, 'json', { now });
    expect(r).toMatchObject({ filename: 'lectern-2026-11-29.json', mimeType: 'application/json' });
    const data = JSON.parse((r as { text: string }).text);
    expect(Object.keys(data)).toEqual(['format', 'version', 'exportedAt', 'items']);
    expect(data).toMatchObject({ format: 'lectern', version: LECTERN_JSON_VERSION, exportedAt: '2026-11-29T12:34:56.789Z' });
    expect(Number.isInteger(data.version)).toBe(true);
    expect(data.items).toHaveLength(items.length);
    for (const [i, it] of data.items.entries()) {
      expect(Object.keys(it).sort()).toEqual([...SAVED_ITEM_FIELDS].sort());
      expect(it).toEqual(items[i]);
    }
  });

  it('round-trips: export → parse gives back every field of every item (html as unsanitisedHtml)', () => {
    const items = variedItems();
    const r = ok(parseImport('json', exportText(items)));
    expect(r.errors).toEqual([]);
    expect(r.items).toHaveLength(items.length);
    r.items.forEach((got, i) => {
      const want = items[i];
      for (const k of SAVED_ITEM_FIELDS) {
        if (k === 'html') expect(got.unsanitisedHtml, `${want.id}.html`).toBe(want.html);
        else expect((got as Record<string, unknown>)[k], `${want.id}.${k}`).toEqual(want[k]);
      }
      expect('html' in got).toBe(false);
    });
  });

  it('round-trips 10,000 items', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => makeItem({ id: `bulk-${i}`, url: `https://bulk.example/${i}`, tags: [`t${i % 7}`], archived: i % 2 === 0 }));
    const r = ok(parseImport('json', exportText(items)));
    expect(r.errors).toEqual([]);
    expect(r.items).toHaveLength(10_000);
    expect(r.items[9_999]).toMatchObject({ id: 'bulk-9999', url: 'https://bulk.example/9999', tags: ['t3'], archived: false, unsanitisedHtml: items[9_999].html });
    expect(r.counts).toMatchObject({ items: 10_000, archived: 5_000, withContent: 10_000 });
  });

  it('round-trips an empty library, and survives a BOM and CRLF line ends', () => {
    expect(ok(parseImport('json', exportText([]))).items).toEqual([]);
    const text = '\ufeff' + exportText([makeItem({ title: 'CRLF ✓' })]).replace(/\n/g, '\r\n');
    expect(ok(parseImport('json', text)).items[0].title).toBe('CRLF ✓');
  });

  it('keeps good items and reports bad ones by the line their record starts on', () => {
    const r = ok(parseImport('json', fixtureText('lectern-bad-items.json')));
    expect(r.items.map((i) => i.id)).toEqual(['k1', 'k5']);
    expect(r.errors).toEqual([
      { line: 36, message: 'line 36: item 2: missing url', code: 'impErrItemMissingUrl', params: [2] },
      { line: 40, message: 'line 40: item 3: item is not an object', code: 'impErrItemNotObject', params: [3] },
      { line: 41, message: 'line 41: item 4: not a web link (javascript:)', code: 'impErrItemNotWebLink', params: [4, 'javascript:'] },
    ]);
  });

  it('drops fields of the wrong type (the store fills in defaults) but keeps the item', () => {
    const text = JSON.stringify({
      format: 'lectern',
      version: 1,
      exportedAt: '2026-01-01T00:00:00Z',
      items: [{ url: 'https://ok.example/', title: 7, tags: 'x', progress: '0.5', savedAt: 'not a date', archived: 'yes', dir: 'up', leadImage: 'javascript:x', source: { name: 'S', url: 'ftp://x' }, aggregator: 'newagg', html: '<p>x</p>' }],
    });
    const [it] = ok(parseImport('json', text)).items;
    expect(it).toEqual({ url: 'https://ok.example/', source: { name: 'S', url: null }, aggregator: 'newagg', unsanitisedHtml: '<p>x</p>', hasContent: true });
  });

  it('refuses unreadable files with one clear message', () => {
    expect(err(parseImport('json', ''))).toBe('empty file');
    expect(err(parseImport('json', fixtureText('lectern-v99.json')))).toMatch(/^unsupported schema version 99/);
    expect(err(parseImport('json', fixtureText('lectern-malformed.json')))).toBe("line 6 malformed: Expected ',' or '}' after property value");
    expect(err(parseImport('json', fixtureText('not-lectern.json')))).toMatch(/^wrong format: "format" is "somethingelse"/);
    expect(err(parseImport('json', '{"format":"lectern","items":[]}'))).toMatch(/schema "version"/);
    expect(err(parseImport('json', fixtureText('pocket.csv')))).toMatch(/^wrong format/);
    const cut = exportText(variedItems());
    expect(err(parseImport('json', cut.slice(0, cut.length / 2)))).toMatch(/^truncated JSON|malformed/);
  });
});

describe('Lectern JSON export as file bytes (the download path)', () => {
  it("is exportJson's text as UTF-8, byte for byte: non-Latin text, emoji, lone surrogates, empty library", () => {
    const items = [
      ...variedItems(),
      makeItem({ title: 'Ελληνικά — 日本語 — עברית 😀', html: '<p>“Quotes” ’ and \\ and "double" and \u0001 control</p>' }),
      makeItem({ title: 'broken \ud800 half pair', html: '<p>lone \udc00 low surrogate</p>' }),
    ];
    for (const list of [items, []]) {
      const text = exportText(list);
      const w = new JsonChunkWriter(now);
      w.add(list.slice(0, 2));
      w.add(list.slice(2));
      const { chunks, bytes } = w.finish();
      const all = concat(chunks);
      expect(bytes).toBe(all.length);
      expect(all).toEqual(new TextEncoder().encode(text));
      // and it is valid JSON that imports back (lone surrogates written as \u escapes)
      expect(ok(parseImport('json', new TextDecoder('utf-8', { fatal: true }).decode(all))).items).toHaveLength(list.length);
    }
  });

  it("copies bodies kept as JSON string bytes (the store's form) into the same file, byte for byte", () => {
    const items = [
      ...variedItems(),
      makeItem({ title: 'Ελληνικά — 日本語 😀', html: '<p>“Quotes” and \\ and "double" and \u0001 and lone \ud800</p>' }),
      makeItem({ html: '' }),
      // a body over 4 KiB: handed on as its own chunk, not copied
      makeItem({ html: `<p>${'Long “body” — é, "quoted", back\\slash. '.repeat(400)}</p>` }),
      { ...makeItem(), laterField: { nested: true } } as SavedItem,
    ];
    const w = new JsonChunkWriter(now);
    w.addWithBodies(
      items.slice(0, 2).map((i) => ({ ...i, html: '' })),
      items.slice(0, 2).map((i) => encodeBodyJson(i.html)),
    );
    w.addWithBodies(
      items.slice(2).map((i) => ({ ...i, html: '' })),
      items.slice(2).map((i) => encodeBodyJson(i.html)),
    );
    const { chunks } = w.finish();
    expect(new TextDecoder().decode(concat(chunks))).toBe(exportText(items));
  });

  it('spreads a large export over several chunks without losing or reordering a byte', () => {
    const w = new Utf8Chunks(64);
    const parts = Array.from({ length: 200 }, (_, i) => `${i}:é€😀${'x'.repeat(i % 37)};`);
    for (const p of parts) w.write(p);
    w.write('y'.repeat(500)); // longer than a chunk: gets a buffer of its own
    const { chunks, bytes } = w.finish();
    expect(chunks.length).toBeGreaterThan(5);
    expect(new TextDecoder().decode(concat(chunks))).toBe(parts.join('') + 'y'.repeat(500));
    expect(bytes).toBe(concat(chunks).length);
  });
});
