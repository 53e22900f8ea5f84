/**
 * utils/library/import-run.ts: the one implementation of an import's preview and write, run by
 * the library page on its own Library and by the background (test hook). Real store on
 * fake-indexeddb, real parsers.
 */
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { previewImport, readImport, writeImport, type ParsedImport } from '../../../utils/library/import-run';
import { freshLibrary, tickingClock } from './helpers';

const POCKET = [
  'title,url,time_added,cursor,tags,status',
  'Already,https://news.example/already?utm_source=pocket,1600000000,,x,unread',
  'New one,https://news.example/new,1700000000,,a|b,archive',
  'Broken,notaurl,1700000000,,,unread',
  'New one again,https://news.example/new,1700000500,,,unread',
].join('\n');

function backup(items: Array<Record<string, unknown>>): string {
  return JSON.stringify({ format: 'lectern', version: 1, exportedAt: '2026-03-10T09:00:00.000Z', items });
}

function parsed(format: Parameters<typeof readImport>[0], data: string | Uint8Array): ParsedImport {
  const r = readImport(format, data);
  if (!r.ok) throw new Error(r.error);
  return r;
}

describe('previewImport', () => {
  it('counts new and already saved entries by identity and reports bad rows by line; writes nothing', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    await lib.saveLink('https://news.example/already', 'Already here');
    const file = parsed('auto', POCKET);
    const p = await previewImport(lib, file);
    expect(p).toMatchObject({ format: 'pocket-csv', new: 1, existing: 1 });
    expect(p.counts).toMatchObject({ records: 4, items: 3, errors: 1 });
    expect(p.errors).toEqual([{ line: 4, message: expect.stringMatching(/url/i), code: expect.stringMatching(/^impErr.*Url$/), params: expect.any(Array) }]);
    expect((await lib.list()).total).toBe(1);
  });

  it('an empty library: everything in the file is new (no lookups needed)', async () => {
    const { lib } = freshLibrary();
    const p = await previewImport(lib, parsed('auto', POCKET));
    expect(p).toMatchObject({ new: 2, existing: 0 });
  });
});

describe('writeImport', () => {
  it('merges by identity: an entry already saved is kept as it was and counted as skipped; dates, tags, state kept', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const already = await lib.saveLink('https://news.example/already', 'Already here');
    const r = await writeImport(lib, parsed('pocket-csv', POCKET));
    expect(r.imported).toBe(1);
    expect(r.skipped).toBe(2);
    expect(r.ids).toHaveLength(1);
    expect(r.errors).toEqual([{ line: 4, message: expect.any(String) }]);
    const items = (await lib.list()).items;
    expect(items).toHaveLength(2);
    expect(items.find((i) => i.id === r.ids[0])).toMatchObject({
      title: 'New one',
      archived: true,
      tags: ['a', 'b'],
      savedAt: new Date(1700000000_000).toISOString(),
      hasContent: false,
    });
    expect(items.find((i) => i.id === already.id)).toMatchObject({ title: 'Already here', tags: [] });
    // the same file again: nothing new
    expect(await writeImport(lib, parsed('pocket-csv', POCKET))).toMatchObject({ imported: 0, skipped: 3, ids: [] });
  });

  it('bodies are written as they came and wait to be sanitised and indexed: the pending count says how many', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const hostile = '<p onclick="steal()">Quokkaland report<script>alert(1)</script></p>';
    const r = await writeImport(
      lib,
      parsed('json', backup([
        { url: 'https://news.example/a', title: 'A', hasContent: true, html: hostile },
        { url: 'https://news.example/b', title: 'B', hasContent: true, html: '<p>Second body</p>' },
        { url: 'https://news.example/c', title: 'Only a link' },
      ])),
    );
    expect(r).toMatchObject({ imported: 3, skipped: 0 });
    expect(await lib.pendingCount()).toBe(2);
    // not searchable by body words until cleaned
    expect((await lib.search('quokkaland')).items).toEqual([]);
    await lib.cleanPending(250, (html) => html.replace(/<script>.*?<\/script>/g, '').replace(/ onclick="[^"]*"/g, ''));
    expect(await lib.pendingCount()).toBe(0);
    const a = (await lib.search('quokkaland')).items;
    expect(a.map((i) => i.title)).toEqual(['A']);
    expect((await lib.get(a[0]!.id))!.html).toBe('<p>Quokkaland report</p>');
  });

  it('zip bytes are read as they are (no base64 step)', async () => {
    const { lib } = freshLibrary();
    const zip = zipSync({ 'part_000000.csv': strToU8('title,url,time_added,tags,status\nZipped,https://z.example/1,1700000000,,unread\n') });
    const file = parsed('auto', zip);
    expect(file.format).toBe('pocket-zip');
    expect(await writeImport(lib, file)).toMatchObject({ imported: 1 });
    expect((await lib.list()).items.map((i) => i.title)).toEqual(['Zipped']);
  });

  it('a file that cannot be read gives an error and nothing to write; a failed write writes nothing', async () => {
    const { lib } = freshLibrary();
    expect(readImport('json', '{"format":"lectern","items":[')).toMatchObject({ ok: false, error: expect.any(String) });
    expect(readImport('pocket-zip', 'bm90IGEgemlw')).toMatchObject({ ok: false });
    expect(readImport('docx' as never, 'x')).toMatchObject({ ok: false, error: 'Unknown import format "docx".' });
    // one bad item among good ones (a parser would never give it): the whole write is refused
    const file = parsed('json', backup([{ url: 'https://news.example/ok', title: 'OK' }]));
    file.items.push({ url: '', title: 'Bad' });
    await expect(writeImport(lib, file)).rejects.toThrow(/Item 2/);
    expect((await lib.list()).total).toBe(0);
    expect(await lib.pendingCount()).toBe(0);
  });
});
