import { JSDOM } from 'jsdom';
import { describe, expect, it } from 'vitest';
import { exportLibrary } from '../../../utils/library/formats/export';
import { parseImport } from '../../../utils/library/formats/import';
import type { SavedItem } from '../../../utils/library/types';
import { err, fixtureText, ok, variedItems } from './helpers';

const now = new Date('2026-11-29T00:00:00Z');
const html = (items: SavedItem[], groupBy?: 'state' | 'tag') =>
  (exportLibrary(items, 'bookmarks', { now, bookmarksGroupBy: groupBy }) as { text: string }).text;

/** Links as a browser would see them: folder path, href, title, ADD_DATE, TAGS. */
function linksViaDom(text: string) {
  const doc = new JSDOM(text).window.document;
  return Array.from(doc.querySelectorAll('a')).map((a) => {
    const folders: string[] = [];
    for (let dl = a.closest('dl'); dl; dl = dl.parentElement?.closest('dl') ?? null) {
      const h3 = dl.previousElementSibling?.tagName === 'DT' ? dl.previousElementSibling.querySelector('h3') : dl.parentElement?.querySelector(':scope > h3');
      if (h3) folders.unshift(h3.textContent ?? '');
    }
    return { folders, href: a.getAttribute('href'), title: a.textContent, addDate: a.getAttribute('add_date'), tags: a.getAttribute('tags') };
  });
}

describe('Bookmarks export (Netscape format)', () => {
  it('is a Netscape bookmark file with a folder per state, ADD_DATE in seconds and TAGS', () => {
    const items = variedItems();
    const r = exportLibrary(items, 'bookmarks', { now });
    expect(r).toMatchObject({ filename: 'lectern-2026-11-29.html', mimeType: 'text/html' });
    const text = (r as { text: string }).text;
    expect(text.startsWith('<!DOCTYPE NETSCAPE-Bookmark-file-1>')).toBe(true);
    const links = linksViaDom(text);
    expect(links).toHaveLength(items.length);
    for (const it of items) {
      const l = links.find((x) => x.href === (it.source?.url ?? it.url))!;
      expect(l, it.title).toBeTruthy();
      expect(l.title).toBe(it.title.replace(/\s+/g, ' '));
      expect(Number(l.addDate)).toBe(Date.parse(it.savedAt) / 1000);
      expect(l.folders).toEqual([it.archived ? 'Archive' : 'Unread']);
      expect(l.tags ?? '').toBe(it.tags.map((t) => t.replace(/,/g, ' ')).join(','));
    }
  });

  it('groups by tag on request (untagged links at the top level)', () => {
    const items = variedItems();
    const links = linksViaDom(html(items, 'tag'));
    const inFolder = (f: string) => links.filter((l) => l.folders[0] === f).map((l) => l.title);
    expect(inFolder('science')).toEqual(['Fictional story number ' + items[0].id.split('-')[1]]);
    expect(inFolder('日本')).toEqual(['東京で架空のニュース：テスト記事']);
    expect(links.filter((l) => l.folders.length === 0).map((l) => l.title)).toEqual(['مقال تجريبي خيالي']);
  });

  it('reads back through the bookmarks importer: same links, dates, tags, state (both groupings)', () => {
    const items = variedItems();
    for (const groupBy of ['state', 'tag'] as const) {
      const r = ok(parseImport('auto', html(items, groupBy)));
      expect(r.format).toBe('bookmarks');
      expect(r.errors).toEqual([]);
      expect(r.items.map((i) => i.url).sort()).toEqual(items.map((i) => i.source?.url ?? i.url).sort());
      for (const it of items) {
        const got = r.items.find((g) => g.url === (it.source?.url ?? it.url))!;
        expect(got.title).toBe(it.title.replace(/\s+/g, ' '));
        expect(got.savedAt).toBe(it.savedAt);
        expect(got.tags).toEqual(it.tags.map((t) => t.replace(/,/g, ' ')));
        if (groupBy === 'state') expect(got.archived).toBe(it.archived);
      }
    }
  });

  it('imports a browser export: folders become tags, root folders do not, non-web links are reported', () => {
    const r = ok(parseImport('bookmarks', fixtureText('bookmarks-firefox.html')));
    expect(r.items.map((i) => [i.url, i.title, i.tags])).toEqual([
      ['https://toolbar.example/', 'Toolbar link', []],
      ['https://reading.example/essay', 'An essay & a "quote"', ['essays', 'philosophy', 'Reading']],
      ['https://nested.example/日本', '日本の記事', ['Reading', 'Nested ünïcödé']],
      ['https://root.example/', 'Millisecond date at the root', []],
    ]);
    expect(r.items[1].excerpt).toBe('A description of the essay');
    expect(r.items[1].savedAt).toBe('2020-09-13T12:28:20.000Z');
    expect(r.items[3].savedAt).toBe('2020-09-13T12:35:00.000Z'); // ADD_DATE in ms recognised
    expect(r.errors).toEqual([
      { line: 15, message: 'line 15: not a web link (javascript:)', code: 'impErrNotWebLink', params: ['javascript:'] },
      { line: 26, message: 'line 26: not a web link (place:)', code: 'impErrNotWebLink', params: ['place:'] },
    ]);
  });

  it('refuses empty and non-bookmark files', () => {
    expect(err(parseImport('bookmarks', ''))).toBe('empty file');
    expect(err(parseImport('bookmarks', fixtureText('not-an-export.txt')))).toMatch(/^wrong format: not a Netscape bookmarks file/);
  });
});
