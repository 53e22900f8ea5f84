import { describe, expect, it } from 'vitest';
import { parseTagList } from '../../../utils/library/formats/instapaper';
import { parseImport } from '../../../utils/library/formats/import';
import { err, fixtureBytes, fixtureText, ok } from './helpers';

describe('Instapaper CSV import', () => {
  it('maps folders: Archive → archived, Starred → favourite, other folders → tags; Timestamp → savedAt', () => {
    const r = ok(parseImport('instapaper-csv', fixtureBytes('instapaper.csv')));
    const by = Object.fromEntries(r.items.map((i) => [i.url, i]));
    expect(by['https://insta.example/unread']).toMatchObject({ archived: false, favourite: false, tags: [], savedAt: '2022-04-15T05:20:00.000Z' });
    expect(by['https://insta.example/archived']).toMatchObject({
      title: 'Archived, with a comma',
      excerpt: 'A selected "quote"',
      archived: true,
      favourite: false,
      tags: ['history', 'long read'],
    });
    expect(by['https://insta.example/starred']).toMatchObject({ favourite: true, archived: false, tags: ['favs'] });
    expect(by['https://insta.example/folder']).toMatchObject({ tags: ['Cooking', 'recipes', '日本'], archived: false });
    expect(by['https://insta.example/multi'].title).toBe('Multi\nline\ntitle');
    expect(r.items.every((i) => i.hasContent === false)).toBe(true);
    expect(r.errors).toEqual([{ line: 6, message: 'line 6: invalid url "not a url"', code: 'impErrInvalidUrl', params: ['not a url'] }]);
    expect(r.counts).toMatchObject({ items: 5, errors: 1, archived: 1, favourite: 1 });
  });

  it('reads the older layout without a Tags column', () => {
    const r = ok(parseImport('instapaper-csv', fixtureText('instapaper-no-tags.csv')));
    expect(r.items.map((i) => [i.url, i.archived, i.savedAt])).toEqual([
      ['https://insta-old.example/1', false, '2014-05-13T16:53:20.000Z'],
      ['https://insta-old.example/2', true, '2014-05-13T16:55:00.000Z'],
    ]);
  });

  it('reads the JSON-ish Tags column leniently', () => {
    expect(parseTagList('[]')).toEqual([]);
    expect(parseTagList('["a","b c"]')).toEqual(['a', 'b c']);
    expect(parseTagList("['a', 'b']")).toEqual(['a', 'b']);
    expect(parseTagList('[a, b ,, a]')).toEqual(['a', 'b']);
    expect(parseTagList('[{"name":"x"}]')).toEqual(['x']);
    expect(parseTagList('plain, list')).toEqual(['plain', 'list']);
  });

  it('refuses empty and wrong-format files with one message', () => {
    expect(err(parseImport('instapaper-csv', ''))).toBe('empty file');
    expect(err(parseImport('instapaper-csv', fixtureText('pocket.csv')))).toMatch(/wrong format: this looks like a Pocket CSV/);
    expect(err(parseImport('instapaper-csv', fixtureText('not-an-export.txt')))).toMatch(/^wrong format: expected an Instapaper CSV header/);
  });

  it('keeps a row whose quoted field holds commas, quotes and CRLF, with BOM', () => {
    const text = '\ufeffURL,Title,Selection,Folder,Timestamp,Tags\r\nhttps://q.example/,"He said ""hi"",\r\nthen left","",Unread,1650000000,"[""a,b""]"\r\n';
    const r = ok(parseImport('instapaper-csv', text));
    expect(r.items).toEqual([
      { url: 'https://q.example/', title: 'He said "hi",\nthen left', archived: false, favourite: false, hasContent: false, tags: ['a,b'], savedAt: '2022-04-15T05:20:00.000Z' },
    ]);
  });
});
