import { describe, expect, it } from 'vitest';
import { articleInput, freshLibrary, tickingClock } from './helpers';
import { articleToSaveInput } from '../../../utils/library/store';
import type { Article } from '../../../utils/types';

describe('Library: save and read back', () => {
  it('saves an article and returns it with its html, light rows without it', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const r = await lib.save(articleInput(1));
    expect(r.updated).toBe(false);
    expect(r.id).toMatch(/^[0-9a-z]{11}$/);
    const item = await lib.get(r.id);
    expect(item).toMatchObject({
      id: r.id,
      url: 'https://www.inkl.com/news/story-1?utm_source=twitter',
      title: 'Story number 1 about the harbour',
      byline: 'Reporter 1',
      source: { name: 'Publisher 1', url: 'https://publisher1.example/news/story-1' },
      aggregator: 'inkl',
      published: '2026-03-01T10:00:00Z',
      savedAt: '2026-01-01T00:01:00.000Z',
      tags: [],
      archived: false,
      favourite: false,
      read: false,
      progress: 0,
      hasContent: true,
      html: '<p>Body of story 1. The harbour council met.</p>',
    });
    expect(item!.words).toBe(8);
    expect(item!.readingMinutes).toBe(1);
    const list = await lib.list();
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).not.toHaveProperty('html');
    expect(list.items[0]).not.toHaveProperty('urlKeys');
    expect(list.damaged).toEqual([]);
    expect(await lib.get('nope')).toBeNull();
  });

  it('converts a pipeline Article (lead image object → its src)', async () => {
    const { lib } = freshLibrary();
    const a: Article = {
      url: 'https://www.yahoo.com/news/pacific-trade-ministers-agree-pilot-102200417.html',
      isArticle: true,
      aggregator: 'yahoo',
      title: 'Pacific trade ministers agree to pilot shared customs data system',
      byline: 'Ana Reyes',
      source: { name: 'Meridian Wire', url: 'https://www.meridianwire.example/world/pacific-trade/' },
      published: '2026-04-08T10:22:00Z',
      canonicalUrl: null,
      lang: 'en',
      dir: 'ltr',
      leadImage: { src: 'https://www.yahoo.com/news/lead.png', alt: '', caption: null },
      html: '<p>Ministers agreed.</p>',
      text: 'Ministers agreed.',
      excerpt: 'Ministers agreed.',
      words: 2,
      readingMinutes: 1,
    };
    const { id } = await lib.save(articleToSaveInput(a));
    const item = await lib.get(id);
    expect(item).toMatchObject({ leadImage: 'https://www.yahoo.com/news/lead.png', lang: 'en', dir: 'ltr', words: 2 });
  });

  it('saveLink stores an unread bookmark without content', async () => {
    const { lib } = freshLibrary();
    const { id, updated } = await lib.saveLink('https://p.example/some/story?utm_source=x#frag');
    expect(updated).toBe(false);
    const item = await lib.get(id);
    expect(item).toMatchObject({ hasContent: false, html: '', words: 0, read: false, title: 'p.example/some/story' });
    const titled = await lib.saveLink('https://p.example/other', 'Other story');
    expect((await lib.get(titled.id))!.title).toBe('Other story');
  });

  it('saving a link again without a title keeps the title it already had', async () => {
    const { lib } = freshLibrary();
    const first = await lib.saveLink('https://p.example/other', 'Other story');
    const again = await lib.saveLink('https://p.example/other');
    expect(again).toEqual({ id: first.id, updated: true });
    expect((await lib.get(first.id))!.title).toBe('Other story');
    // a real new title still wins
    await lib.saveLink('https://p.example/other', 'Other story, revised');
    expect((await lib.get(first.id))!.title).toBe('Other story, revised');
  });

  it('rejects an input without URL with a clear error', async () => {
    const { lib } = freshLibrary();
    await expect(lib.save({ url: '  ' } as never)).rejects.toMatchObject({ name: 'LibraryError', code: 'invalid-input' });
  });
});

describe('Library: one article is one entry', () => {
  it('the same original article via two aggregators updates the one entry', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const first = await lib.save({
      url: 'https://www.inkl.com/news/tree-ring-study-pushes-upper-basin-drought-record-back-nine-centuries',
      title: 'Tree-ring study pushes Upper Basin drought record back nine centuries',
      source: { name: 'The Cascade Observer', url: 'https://www.cascadeobserver.example/science/2026/02/27/tree-ring-study/' },
      aggregator: 'inkl',
      html: '<p>Old text.</p>',
    });
    await lib.update(first.id, { tags: ['climate'], favourite: true, archived: true });
    const second = await lib.save({
      url: 'https://www.msn.com/en-us/news/world/tree-ring/ar-AA1xyz?ocid=msedgntp',
      title: 'Tree-ring study pushes Upper Basin drought record back nine centuries',
      source: { name: 'Cascade Observer', url: 'https://www.cascadeobserver.example/science/2026/02/27/tree-ring-study/?utm_source=msn' },
      aggregator: 'msn',
      html: '<p>New, longer text of the study.</p>',
    });
    expect(second).toEqual({ id: first.id, updated: true });
    const { items } = await lib.list();
    expect(items).toHaveLength(1);
    const item = await lib.get(first.id);
    // content and metadata from the latest save …
    expect(item).toMatchObject({ html: '<p>New, longer text of the study.</p>', aggregator: 'msn', url: expect.stringContaining('msn.com') });
    // … what the user made of it is kept, and so is its first savedAt
    expect(item).toMatchObject({ tags: ['climate'], favourite: true, archived: true, savedAt: '2026-01-01T00:01:00.000Z' });
  });

  it('matches by the aggregator URL without tracking when no original URL is known', async () => {
    const { lib } = freshLibrary();
    const url = 'https://www.msn.com/en-us/news/us/ice-storm/ar-AA1zQk7R';
    const a = await lib.save({ url: `${url}?ocid=msedgntp&cvid=abc`, title: 'Ice storm', source: { name: 'Northland Daily Record', url: null }, html: '<p>x</p>' });
    const b = await lib.save({ url: `${url}#comments`, title: 'Ice storm', source: { name: 'Northland Daily Record', url: null }, html: '<p>y</p>' });
    expect(b).toEqual({ id: a.id, updated: true });
    expect((await lib.list()).total).toBe(1);
  });

  it('matches by the canonical URL', async () => {
    const { lib } = freshLibrary();
    const a = await lib.save({ url: 'https://m.p.example/s/1', canonicalUrl: 'https://p.example/story-one', title: 'One', html: '<p>x</p>' });
    const b = await lib.save({ url: 'https://p.example/story-one?utm_medium=social', title: 'One', html: '<p>y</p>' });
    expect(b).toEqual({ id: a.id, updated: true });
  });

  it('matches by normalised title + publisher when the URLs say nothing (aggregator, then publisher page)', async () => {
    const { lib } = freshLibrary();
    const a = await lib.save({
      url: 'https://www.msn.com/en-us/news/us/ice-storm-leaves/ar-AA1zQk7R',
      title: 'Ice storm leaves tens of thousands without power across three counties',
      source: { name: 'Northland Daily Record', url: null },
      aggregator: 'msn',
      html: '<p>via msn</p>',
    });
    const b = await lib.save({
      url: 'https://www.northlanddailyrecord.example/news/ice-storm',
      title: 'Ice Storm Leaves Tens of Thousands Without Power Across Three Counties | Northland Daily Record',
      source: { name: 'The Northland Daily Record', url: 'https://www.northlanddailyrecord.example/news/ice-storm' },
      html: '<p>publisher page</p>',
    });
    expect(b).toEqual({ id: a.id, updated: true });
    const item = await lib.get(a.id);
    expect(item!.source!.url).toBe('https://www.northlanddailyrecord.example/news/ice-storm');
    // and now the original URL is known, a third aggregator carrying it finds the same entry
    const c = await lib.save({
      url: 'https://www.yahoo.com/news/ice-storm-1.html',
      title: 'Different headline on Yahoo',
      source: { name: 'Northland Daily Record', url: 'https://northlanddailyrecord.example/news/ice-storm/' },
      html: '<p>yahoo</p>',
    });
    expect(c).toEqual({ id: a.id, updated: true });
    expect((await lib.list()).total).toBe(1);
  });

  it('never merges two different original articles, even with the same title and publisher', async () => {
    const { lib } = freshLibrary();
    const a = await lib.save({ url: 'https://p.example/2026/01/01/briefing', title: 'Your morning briefing for today', source: { name: 'P', url: 'https://p.example/2026/01/01/briefing' }, html: '<p>a</p>' });
    const b = await lib.save({ url: 'https://p.example/2026/01/02/briefing', title: 'Your morning briefing for today', source: { name: 'P', url: 'https://p.example/2026/01/02/briefing' }, html: '<p>b</p>' });
    expect(b.id).not.toBe(a.id);
    expect(b.updated).toBe(false);
    expect((await lib.list()).total).toBe(2);
  });

  it('a bare link saved again does not wipe the saved article', async () => {
    const { lib } = freshLibrary();
    const a = await lib.save(articleInput(3));
    const b = await lib.saveLink('https://www.inkl.com/news/story-3', 'whatever');
    expect(b).toEqual({ id: a.id, updated: true });
    const item = await lib.get(a.id);
    expect(item).toMatchObject({ hasContent: true, title: 'Story number 3 about the harbour' });
    expect(item!.html).toContain('Body of story 3');
  });
});

describe('Library: list, filters, order', () => {
  async function seeded() {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push((await lib.save(articleInput(i, { source: { name: i % 2 ? 'The Odd Times' : 'Even Post', url: `https://p${i}.example/a` } }))).id);
    await lib.update(ids[0], { read: true, archived: true });
    await lib.update(ids[1], { favourite: true, tags: ['Climate', 'local'] });
    await lib.update(ids[2], { tags: ['climate'] });
    await lib.update(ids[3], { read: true });
    return { lib, ids, factory };
  }

  it('lists newest first, with offset/limit and a total', async () => {
    const { lib, ids } = await seeded();
    const all = await lib.list();
    expect(all.items.map((r) => r.id)).toEqual([...ids].reverse());
    const page = await lib.list({ offset: 2, limit: 2 });
    expect(page.items.map((r) => r.id)).toEqual([ids[3], ids[2]]);
    expect(page.total).toBe(6);
  });

  it('the first page read by cursor (cold) equals the cached list', async () => {
    const { lib, factory } = await seeded();
    const { Library } = await import('../../../utils/library/store');
    const cold = new Library({ indexedDB: factory });
    const first = await cold.list({ limit: 3, offset: 1 });
    const warm = await lib.list({ limit: 3, offset: 1 });
    expect(first.items).toEqual(warm.items);
    expect(first.total).toBe(6);
  });

  it('filters by unread, archived, favourite, tag and publisher, and combines them', async () => {
    const { lib, ids } = await seeded();
    const idsOf = async (filter: object) => (await lib.list({ filter })).items.map((r) => r.id);
    expect(await idsOf({ unread: true })).toEqual([ids[5], ids[4], ids[2], ids[1]]);
    expect(await idsOf({ archived: true })).toEqual([ids[0]]);
    expect(await idsOf({ archived: false, unread: false })).toEqual([ids[3]]);
    expect(await idsOf({ favourite: true })).toEqual([ids[1]]);
    expect(await idsOf({ tag: 'CLIMATE' })).toEqual([ids[2], ids[1]]);
    expect(await idsOf({ publisher: 'odd times' })).toEqual([ids[5], ids[3], ids[1]]);
    expect(await idsOf({ publisher: 'The Odd Times', tag: 'climate' })).toEqual([ids[1]]);
    expect((await lib.list({ filter: { tag: 'climate' } })).total).toBe(2);
  });

  it('stats counts states, tags and publishers', async () => {
    const { lib } = await seeded();
    const s = await lib.stats();
    expect(s).toMatchObject({ total: 6, unread: 4, archived: 1, favourites: 1, withContent: 6, schemaVersion: 3, damaged: [] });
    // the spelling of the newest item wins
    expect(s.tags).toEqual([{ tag: 'climate', count: 2 }, { tag: 'local', count: 1 }]);
    expect(s.publishers).toEqual([{ name: 'Even Post', count: 3 }, { name: 'The Odd Times', count: 3 }]);
  });
});

describe('Library: update, delete + restore (Undo), clear', () => {
  it('update changes state, normalises tags and clamps progress; unknown id is not-found', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const { id } = await lib.save(articleInput(1));
    const row = await lib.update(id, { tags: [' a ', 'A', 'b', ''], progress: 1.7, read: true, favourite: true });
    expect(row).toMatchObject({ tags: ['a', 'b'], progress: 1, read: true, favourite: true });
    expect((await lib.get(id))!.updatedAt).toBe('2026-01-01T00:02:00.000Z');
    await expect(lib.update('missing', { read: true })).rejects.toMatchObject({ code: 'not-found' });
  });

  it('delete returns the items; restore puts them back exactly, searchable again', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const a = await lib.save(articleInput(1, { html: '<p>unique zebrafish paragraph</p>' }));
    const b = await lib.save(articleInput(2));
    await lib.update(a.id, { tags: ['keep'], favourite: true, progress: 0.4 });
    const before = await lib.get(a.id);
    const deleted = await lib.delete([a.id, 'not-there']);
    expect(deleted).toEqual([before]);
    expect(await lib.get(a.id)).toBeNull();
    expect((await lib.list()).items.map((r) => r.id)).toEqual([b.id]);
    expect((await lib.search('zebrafish')).total).toBe(0);
    await lib.restore(deleted);
    expect(await lib.get(a.id)).toEqual(before);
    expect((await lib.list()).items.map((r) => r.id)).toEqual([b.id, a.id]);
    expect((await lib.search('zebrafish')).items.map((r) => r.id)).toEqual([a.id]);
  });

  it('clear empties the library', async () => {
    const { lib } = freshLibrary();
    await lib.save(articleInput(1));
    await lib.save(articleInput(2));
    await lib.clear();
    expect(await lib.list()).toEqual({ items: [], total: 0, damaged: [] });
    expect((await lib.search('harbour')).total).toBe(0);
    const again = await lib.save(articleInput(1));
    expect(again.updated).toBe(false);
  });
});

describe('Library: saveMany (imports)', () => {
  it('skips items already saved when asked, in one transaction', async () => {
    const { lib } = freshLibrary();
    const existing = await lib.save(articleInput(1));
    const res = await lib.saveMany(
      [articleInput(1, { tags: ['imported'] }), articleInput(2, { savedAt: '2020-05-01T12:00:00Z', archived: true, tags: ['x'] })],
      { ifExists: 'skip' },
    );
    expect(res[0]).toEqual({ id: existing.id, updated: false, skipped: true });
    expect(res[1]).toMatchObject({ updated: false, skipped: false });
    expect((await lib.get(existing.id))!.tags).toEqual([]);
    expect(await lib.get(res[1].id)).toMatchObject({ savedAt: '2020-05-01T12:00:00.000Z', archived: true, tags: ['x'] });
  });

  it('an invalid input rejects before anything is written', async () => {
    const { lib } = freshLibrary();
    await expect(lib.saveMany([articleInput(1), { url: '' }])).rejects.toMatchObject({ code: 'invalid-input', message: expect.stringContaining('Item 2') });
    expect((await lib.list()).total).toBe(0);
  });
});

describe('Library: order of items saved at the same moment', () => {
  it('is the same from the first-page cursor and from the loaded list', async () => {
    const { lib, factory } = freshLibrary({ now: () => new Date('2026-05-05T05:05:05Z') });
    for (let i = 0; i < 12; i++) await lib.save(articleInput(i));
    const { Library } = await import('../../../utils/library/store');
    const cold = new Library({ indexedDB: factory });
    const viaCursor = (await cold.list({ limit: 12 })).items.map((r) => r.id);
    const viaCache = (await lib.list({ filter: { archived: false } })).items.map((r) => r.id);
    expect(viaCursor).toEqual(viaCache);
  });
});

describe('Library: findSaved and getMany', () => {
  it('findSaved tells whether a page is already saved, by the same match rules', async () => {
    const { lib } = freshLibrary();
    const { id } = await lib.save(articleInput(4));
    expect((await lib.findSaved({ url: 'https://www.inkl.com/news/story-4#x' }))!.id).toBe(id);
    expect((await lib.findSaved({ url: 'https://www.yahoo.com/news/x.html', source: { name: 'P', url: 'https://publisher4.example/news/story-4?utm_source=y' } }))!.id).toBe(id);
    expect(await lib.findSaved({ url: 'https://www.inkl.com/news/story-5' })).toBeNull();
  });

  it('getMany returns items with html, newest first, all or by ids', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const a = await lib.save(articleInput(1));
    const b = await lib.save(articleInput(2));
    const all = await lib.getMany();
    expect(all.items.map((i) => i.id)).toEqual([b.id, a.id]);
    expect(all.items[1].html).toContain('story 1');
    expect((await lib.getMany([a.id, 'unknown'])).items.map((i) => i.id)).toEqual([a.id]);
    // CSV and bookmarks exports read no bodies
    const light = await lib.getMany(undefined, { html: false });
    expect(light.items.map((i) => [i.id, i.html, i.title])).toEqual([
      [b.id, '', all.items[0].title],
      [a.id, '', all.items[1].title],
    ]);
  });

  it('readBatches gives the same items in the same order, batch by batch (the JSON download reads this way)', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const ids = (await lib.saveMany([1, 2, 3, 4, 5, 6, 7].map((i) => articleInput(i)))).map((r) => r.id);
    const all = await lib.getMany();
    const batches: string[][] = [];
    const htmls: string[] = [];
    for await (const b of lib.readBatches(undefined, { batch: 3 })) {
      batches.push(b.items.map((i) => i.id));
      htmls.push(...b.items.map((i) => i.html));
    }
    expect(batches.map((b) => b.length)).toEqual([3, 3, 1]);
    expect(batches.flat()).toEqual(all.items.map((i) => i.id));
    expect(htmls).toEqual(all.items.map((i) => i.html));
    expect(htmls.every((h) => /story \d/.test(h))).toBe(true);
    // by ids: unknown ones left out, newest first
    const some: string[] = [];
    for await (const b of lib.readBatches([ids[0], 'nope', ids[5]], { batch: 1 })) some.push(...b.items.map((i) => i.id));
    expect(some).toEqual([ids[5], ids[0]].filter((id) => all.items.some((i) => i.id === id)).sort((x, y) => all.items.findIndex((i) => i.id === x) - all.items.findIndex((i) => i.id === y)));
    // an item deleted while the export runs is left out (not written with empty text)
    const seen: string[] = [];
    const damaged: string[] = [];
    let deleted = false;
    for await (const b of lib.readBatches(undefined, { batch: 1, ahead: 1, bodyAs: 'json' })) {
      seen.push(...b.items.map((i) => i.id));
      damaged.push(...b.damaged.map((d) => d.id));
      if (!deleted) {
        deleted = true;
        await lib.delete([all.items[3]!.id]);
      }
    }
    expect(seen).toEqual(all.items.map((i) => i.id).filter((id) => id !== all.items[3]!.id));
    expect(damaged).toEqual([]); // gone is not damaged
    // an empty library: one empty batch
    const { lib: empty } = freshLibrary();
    const out = [];
    for await (const b of empty.readBatches()) out.push(b);
    expect(out).toEqual([{ items: [], damaged: [] }]);
  });
});

describe('Library: the entry count a cold first page reports', () => {
  it('stays exact through saves, re-saves, deletes, restores and clear', async () => {
    const { lib, factory } = freshLibrary();
    const { Library } = await import('../../../utils/library/store');
    const coldTotal = async () => (await new Library({ indexedDB: factory }).list({ limit: 5 })).total;
    const ids = (await lib.saveMany([1, 2, 3, 4].map((i) => articleInput(i)))).map((r) => r.id);
    await lib.save(articleInput(2)); // re-save: still 4
    expect(await coldTotal()).toBe(4);
    const gone = await lib.delete([ids[0], ids[1], 'missing']);
    expect(await coldTotal()).toBe(2);
    await lib.restore(gone);
    await lib.restore(gone); // restoring twice does not count twice
    expect(await coldTotal()).toBe(4);
    await lib.clear();
    expect(await coldTotal()).toBe(0);
    await lib.saveLink('https://p.example/x');
    expect(await coldTotal()).toBe(1);
  });
});

describe('Library: listing and searching never read the article bodies', () => {
  it('no request touches the bodies store during list, filter, search and stats', async () => {
    const { vi } = await import('vitest');
    const { IDBObjectStore } = await import('fake-indexeddb');
    const { lib, factory } = freshLibrary();
    await lib.saveMany(Array.from({ length: 30 }, (_, i) => articleInput(i)));
    const { Library } = await import('../../../utils/library/store');
    const cold = new Library({ indexedDB: factory });
    const touched: string[] = [];
    for (const m of ['get', 'getAll', 'openCursor', 'getAllKeys', 'count'] as const) {
      const original = IDBObjectStore.prototype[m] as (...a: unknown[]) => unknown;
      vi.spyOn(IDBObjectStore.prototype, m).mockImplementation(function (this: IDBObjectStore, ...args: unknown[]) {
        touched.push(`${this.name}.${m}`);
        return original.apply(this, args);
      } as never);
    }
    try {
      expect((await cold.list({ limit: 10 })).items).toHaveLength(10);
      expect((await cold.list({ filter: { unread: true } })).total).toBe(30);
      expect((await cold.search('harbour council')).total).toBe(30);
      await cold.stats();
    } finally {
      vi.restoreAllMocks();
    }
    expect(touched.length).toBeGreaterThan(0);
    expect(touched.filter((t) => t.startsWith('bodies.'))).toEqual([]);
  });
});
