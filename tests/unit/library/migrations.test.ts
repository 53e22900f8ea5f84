import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { MigrationError, migrateRecord, type RecordV1, type RecordV2 } from '../../../utils/library/migrations';
import { SCHEMA_VERSION, validateItem } from '../../../utils/library/schema';
import { idFromKey } from '../../../utils/library/identity';
import { Library } from '../../../utils/library/store';

const v1: RecordV1 = {
  id: '8f14e45f-ceea-467f-a8f4-2f2b1c0e0001',
  url: 'https://www.inkl.com/news/tree-ring-study?utm_source=x',
  title: 'Tree-ring study pushes Upper Basin drought record back nine centuries',
  author: 'Mara Ellison',
  source: 'The Cascade Observer',
  sourceUrl: 'https://www.cascadeobserver.example/science/tree-ring-study/',
  aggregator: 'inkl',
  published: '2026-02-27T08:00:00Z',
  savedAt: Date.parse('2026-03-01T12:00:00Z'),
  archived: true,
  favourite: true,
  html: '<p>Dendrochronologists sampled bristlecone pines.</p>',
  excerpt: 'Dendrochronologists sampled',
  words: 5,
};

const v2: RecordV2 = {
  id: 'v2-0001',
  url: 'https://www.yahoo.com/news/pacific-trade-ministers-agree-pilot-102200417.html',
  title: 'Pacific trade ministers agree to pilot shared customs data system',
  byline: 'Ana Reyes',
  source: { name: 'Meridian Wire', url: 'https://www.meridianwire.example/world/pacific-trade/' },
  aggregator: 'yahoo',
  published: '2026-04-08',
  savedAt: '2026-04-09T09:30:00.000Z',
  tags: ['trade', ' Trade ', 'asia'],
  status: 'read',
  favourite: false,
  html: '<p>The customs pilot begins in autumn.</p>',
  excerpt: 'The customs pilot',
  words: 6,
  hasContent: true,
  leadImage: null,
  canonicalUrl: null,
};

describe('migrateRecord (pure), from every earlier version', () => {
  it('v1 → current', () => {
    const item = migrateRecord(v1, 1);
    expect(validateItem(item).ok).toBe(true);
    expect(item).toMatchObject({
      id: idFromKey('https://www.cascadeobserver.example/science/tree-ring-study/'),
      byline: 'Mara Ellison',
      source: { name: 'The Cascade Observer', url: 'https://www.cascadeobserver.example/science/tree-ring-study/' },
      savedAt: '2026-03-01T12:00:00.000Z',
      tags: [],
      archived: true,
      favourite: true,
      read: false,
      progress: 0,
      hasContent: true,
      readingMinutes: 1,
      html: v1.html,
    });
  });

  it('v1 without a publisher name takes the host of its source URL', () => {
    expect(migrateRecord({ ...v1, source: null }, 1).source).toEqual({ name: 'cascadeobserver.example', url: v1.sourceUrl });
    expect(migrateRecord({ ...v1, source: null, sourceUrl: null }, 1).source).toBeNull();
  });

  it('v2 → current', () => {
    const item = migrateRecord(v2, 2);
    expect(validateItem(item).ok).toBe(true);
    expect(item).toMatchObject({ tags: ['trade', 'asia'], read: true, progress: 1, archived: false, published: '2026-04-08', updatedAt: v2.savedAt });
  });

  it('current → current is the identity (after validation)', () => {
    const cur = migrateRecord(v2, 2);
    expect(migrateRecord(cur, SCHEMA_VERSION)).toEqual(cur);
  });

  it('explains what is wrong with a record it cannot migrate', () => {
    expect(() => migrateRecord({ ...v1, savedAt: 'yesterday' }, 1)).toThrow(/savedAt/);
    expect(() => migrateRecord({ ...v2, url: undefined }, 2)).toThrow(MigrationError);
    expect(() => migrateRecord('not a record', 1)).toThrow(/not an object/);
    expect(() => migrateRecord(v2, 7)).toThrow(/unknown schema version 7/);
  });
});

/** Build a database exactly as the old version left it. */
async function legacyDb(factory: IDBFactory, version: number, records: unknown[]): Promise<void> {
  const db: IDBDatabase = await new Promise((resolve, reject) => {
    const req = factory.open('lectern-library', version);
    req.onupgradeneeded = () => req.result.createObjectStore('articles', { keyPath: 'id' });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction('articles', 'readwrite');
    for (const r of records) tx.objectStore('articles').put(r);
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}

describe('opening a database of every earlier version', () => {
  it('v1 database: records migrate, duplicates merge, a damaged one is kept aside and reported', async () => {
    const factory = new IDBFactory();
    await legacyDb(factory, 1, [
      v1,
      // the same article saved twice in v1 (v1 did not dedupe), later, via Yahoo
      { ...v1, id: 'dup', url: 'https://www.yahoo.com/news/tree-ring.html', savedAt: v1.savedAt + 86_400_000, archived: false, html: '<p>Newer copy mentions bristlecone.</p>' },
      { ...v1, id: 'other', url: 'https://p.example/other', sourceUrl: null, source: 'P', title: 'Another story', html: '' },
      { id: 'bad', url: 'https://p.example/bad', savedAt: 'not a number' },
    ]);
    const lib = new Library({ indexedDB: factory });
    const list = await lib.list();
    expect(list.total).toBe(2);
    expect(list.damaged).toEqual([{ id: 'bad', store: 'quarantine', error: expect.stringMatching(/v1.*savedAt/) }]);
    const id = idFromKey('https://www.cascadeobserver.example/science/tree-ring-study/');
    const merged = await lib.get(id);
    expect(merged).toMatchObject({ savedAt: '2026-03-01T12:00:00.000Z', archived: true, favourite: true, tags: [] });
    expect(merged!.html).toBe('<p>Newer copy mentions bristlecone.</p>');
    const other = (await lib.list({ filter: { hasContent: false } })).items[0];
    expect(other).toMatchObject({ title: 'Another story', hasContent: false, source: { name: 'P', url: null } });
    // the body index was built during the migration
    expect((await lib.search('bristlecone')).items.map((r) => r.id)).toEqual([id]);
    // re-saving the article now updates the migrated entry
    const again = await lib.save({ url: 'https://www.msn.com/x', title: 't', source: { name: 'Cascade Observer', url: v1.sourceUrl }, html: '<p>x</p>' });
    expect(again).toEqual({ id, updated: true });
    // and the old store is gone: reopening does not migrate again
    await lib.close();
    const reopened = new Library({ indexedDB: factory });
    expect((await reopened.list()).total).toBe(2);
  });

  it('v2 database: records migrate with their tags and reading state', async () => {
    const factory = new IDBFactory();
    await legacyDb(factory, 2, [v2, { ...v2, id: 'v2-0002', url: 'https://p.example/a', source: null, status: 'archived', tags: [], title: 'Archived thing', savedAt: '2026-04-01T08:00:00.000Z', html: '<p>Nothing about trade here.</p>', excerpt: '' }]);
    const lib = new Library({ indexedDB: factory });
    const { items, damaged } = await lib.list();
    expect(damaged).toEqual([]);
    expect(items.map((r) => r.title)).toEqual(['Pacific trade ministers agree to pilot shared customs data system', 'Archived thing']);
    expect(items[0]).toMatchObject({ tags: ['trade', 'asia'], read: true, archived: false });
    expect(items[1]).toMatchObject({ archived: true, read: false });
    expect((await lib.search('customs')).total).toBe(1);
    expect((await lib.list({ filter: { tag: 'asia' } })).total).toBe(1);
  });

  it('a database from a newer Lectern is refused clearly, not damaged', async () => {
    const factory = new IDBFactory();
    await legacyDb(factory, SCHEMA_VERSION + 1, []);
    const lib = new Library({ indexedDB: factory });
    await expect(lib.list()).rejects.toMatchObject({ name: 'LibraryError', code: 'version' });
  });
});
