import { afterEach, describe, expect, it, vi } from 'vitest';
import { IDBObjectStore } from 'fake-indexeddb';
import { Library, LibraryError } from '../../../utils/library/store';
import { JsonChunkWriter } from '../../../utils/library/formats/json';
import { articleInput, freshLibrary, putRaw, tickingClock } from './helpers';

/** Everything a user could observe of a library. */
async function snapshot(lib: Library) {
  const list = await lib.list();
  const items = await Promise.all(list.items.map((r) => lib.get(r.id)));
  const search = (await lib.search('harbour')).items.map((r) => r.id);
  return { list, items, search, stats: await lib.stats() };
}

/** Make `put` and `add` on one object store fail the way the browser does when it is full. */
function failPutsOn(storeName: string, error: () => Error) {
  for (const method of ['put', 'add'] as const) {
    const original = IDBObjectStore.prototype[method];
    vi.spyOn(IDBObjectStore.prototype, method).mockImplementation(function (this: IDBObjectStore, ...args: unknown[]) {
      if (this.name === storeName) throw error();
      return original.apply(this, args as Parameters<typeof original>);
    });
  }
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('Library: a failed write leaves the library as it was', () => {
  it('quota exceeded on a new save rejects with code "quota" and writes nothing', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    await lib.save(articleInput(1));
    await lib.save(articleInput(2));
    const before = await snapshot(lib);
    failPutsOn('bodies', () => new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
    const err = await lib.save(articleInput(3, { html: '<p>harbour news that never arrives</p>' })).catch((e) => e);
    expect(err).toBeInstanceOf(LibraryError);
    expect(err.code).toBe('quota');
    expect(err.message).toMatch(/full/i);
    expect(err.message).toMatch(/Nothing was changed/);
    vi.restoreAllMocks();
    expect(await snapshot(lib)).toEqual(before);
    // and a fresh reader of the same database agrees (nothing half-written on disk)
  });

  it('quota exceeded while updating an existing entry keeps its old content and state', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const { id } = await lib.save(articleInput(1));
    await lib.update(id, { tags: ['t'] });
    const before = await snapshot(lib);
    failPutsOn('segments', () => new DOMException('full', 'QuotaExceededError'));
    await expect(lib.save(articleInput(1, { html: '<p>replacement text</p>', title: 'Changed title' }))).rejects.toMatchObject({ code: 'quota' });
    vi.restoreAllMocks();
    expect(await snapshot(lib)).toEqual(before);
    const other = new Library({ indexedDB: factory });
    expect((await other.get(id))!.html).toBe('<p>Body of story 1. The harbour council met.</p>');
  });

  it('any other failure rejects with "write-failed"; a failed saveMany writes none of its items', async () => {
    const { lib } = freshLibrary();
    await lib.save(articleInput(1));
    const before = await snapshot(lib);
    const original = IDBObjectStore.prototype.put;
    let n = 0;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: unknown[]) {
      if (this.name === 'items' && ++n === 3) throw new DOMException('disk error', 'UnknownError');
      return original.apply(this, args as Parameters<typeof original>);
    });
    const err = await lib.saveMany([2, 3, 4, 5].map((i) => articleInput(i))).catch((e) => e);
    expect(err).toMatchObject({ name: 'LibraryError', code: 'write-failed' });
    expect(err.message).toContain('UnknownError');
    vi.restoreAllMocks();
    expect(await snapshot(lib)).toEqual(before);
  });

  it('a transaction aborted after its writes (as on a commit-time quota error) leaves nothing behind', async () => {
    const { lib } = freshLibrary();
    await lib.save(articleInput(1));
    const before = await snapshot(lib);
    const original = IDBObjectStore.prototype.put;
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, ...args: unknown[]) {
      const req = original.apply(this, args as Parameters<typeof original>);
      if (this.name === 'meta') req.addEventListener('success', () => this.transaction.abort());
      return req;
    });
    await expect(lib.save(articleInput(9))).rejects.toMatchObject({ code: 'write-failed' });
    vi.restoreAllMocks();
    expect(await snapshot(lib)).toEqual(before);
  });
});


describe('Library: a damaged record is skipped and reported, the rest stays readable', () => {
  it('list, get, search and stats skip it and report it', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const good = await Promise.all([1, 2, 3].map((i) => lib.save(articleInput(i))));
    const valid = (await lib.get(good[1].id))!;
    await lib.close();
    // one record with a wrong field type, one whose savedAt is not even a valid index key
    const { html: _html, ...row } = valid;
    await putRaw(factory, 'items', { ...row, id: 'broken1', urlKeys: ['x.example/1'], titleKey: null, idKey: 'k', schema: 3, words: 'many' });
    await putRaw(factory, 'items', { id: 'broken2', title: 'half a record', savedAt: { bad: true } });

    const cold = new Library({ indexedDB: factory });
    // the first page (read by cursor) reports what it meets: broken2 has no valid savedAt
    const first = await cold.list({ limit: 10 });
    expect(first.items.map((r) => r.id).sort()).toEqual(good.map((g) => g.id).sort());
    expect(first.damaged.map((d) => d.id)).toEqual(['broken1']);
    expect(first.damaged[0].error).toContain('"words"');
    expect(first.total).toBe(3);

    const full = await cold.list({ filter: { unread: true } });
    expect(full.items).toHaveLength(3);
    expect(full.damaged.map((d) => d.id).sort()).toEqual(['broken1', 'broken2']);

    await expect(cold.get('broken1')).rejects.toMatchObject({ code: 'damaged', id: 'broken1' });
    expect((await cold.get(good[0].id))!.html).toContain('Body of story 1');
    expect((await cold.search('harbour')).total).toBe(3);
    const stats = await cold.stats();
    expect(stats.total).toBe(3);
    expect(stats.damaged).toHaveLength(2);

    // saving an article whose match would be the damaged record creates a good entry instead
    const r = await cold.save({ url: 'https://x.example/1', title: 'Fresh', html: '<p>fresh</p>' });
    expect(r.updated).toBe(false);
    expect((await cold.list()).total).toBe(4);
    // the user can delete the damaged record
    await cold.delete(['broken1', 'broken2']);
    expect((await cold.list()).damaged).toEqual([]);
  });

  it('a damaged body makes only that item unreadable', async () => {
    const { lib, factory } = freshLibrary();
    const a = await lib.save(articleInput(1));
    const b = await lib.save(articleInput(2));
    await putRaw(factory, 'bodies', { id: a.id, html: 42 });
    await expect(lib.get(a.id)).rejects.toMatchObject({ code: 'damaged' });
    expect((await lib.get(b.id))!.html).toContain('story 2');
    expect((await lib.list()).total).toBe(2);
    // an export reads around it and reports it
    const many = await lib.getMany();
    expect(many.items.map((i) => i.id)).toEqual([b.id]);
    expect(many.damaged).toEqual([{ id: a.id, error: expect.any(String), store: 'bodies' }]);
    const batches = [];
    for await (const batch of lib.readBatches(undefined, { batch: 1 })) batches.push(batch);
    expect(batches.map((x) => x.items.map((i) => i.id))).toEqual([[b.id], []]);
    expect(batches[1].damaged.map((d) => d.id)).toEqual([a.id]);
  });
});

async function getRaw(factory: IDBFactory, store: string, key: string): Promise<unknown> {
  const db: IDBDatabase = await new Promise((resolve, reject) => {
    const req = factory.open('lectern-library');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  return new Promise((resolve, reject) => {
    const r = db.transaction(store).objectStore(store).get(key);
    r.onsuccess = () => {
      resolve(r.result);
      db.close();
    };
    r.onerror = () => reject(r.error);
  });
}

describe('Library: body records', () => {
  it("are written as the UTF-8 of the html's JSON string literal; the older { id, html } form still reads", async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const html = '<p>“Curly” "straight" \\ back — 日本語 😀</p>';
    const a = await lib.save({ ...articleInput(1), html });
    const raw = (await getRaw(factory, 'bodies', a.id)) as { id: string; json: Uint8Array; html?: unknown };
    expect(raw.html).toBeUndefined();
    expect(new TextDecoder().decode(raw.json)).toBe(JSON.stringify((await lib.get(a.id))!.html));
    expect((await lib.get(a.id))!.html).toContain('“Curly” "straight" \\ back — 日本語 😀');
    // a body written by an earlier version
    const b = await lib.save(articleInput(2));
    await putRaw(factory, 'bodies', { id: b.id, html: '<p>written before</p>' });
    expect((await lib.get(b.id))!.html).toBe('<p>written before</p>');
    const all = await lib.getMany();
    expect(all.items.find((i) => i.id === b.id)!.html).toBe('<p>written before</p>');
    const json: string[] = [];
    for await (const batch of lib.readBatches(undefined, { bodyAs: 'json' })) json.push(...batch.json!.map((j) => new TextDecoder().decode(j)));
    expect(json.map((j) => JSON.parse(j))).toEqual(all.items.map((i) => i.html));
    // re-saving rewrites it in the new form
    await lib.save({ ...articleInput(2), html: '<p>new text</p>' });
    expect(await getRaw(factory, 'bodies', b.id)).toMatchObject({ json: expect.anything() });
  });

  it('a body whose bytes are not a JSON string is reported damaged, the rest stays readable', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const a = await lib.save(articleInput(1));
    const b = await lib.save(articleInput(2));
    await putRaw(factory, 'bodies', { id: a.id, json: new TextEncoder().encode('"unterminated') });
    await expect(lib.get(a.id)).rejects.toMatchObject({ code: 'damaged' });
    // bytes that pass a look at the quotes but would break a backup, or are not UTF-8: the JSON
    // download path (bodyAs: 'json', bytes copied undecoded) reports them and leaves them out too
    for (const json of [new TextEncoder().encode('"a"b"'), new Uint8Array([0x22, 0xff, 0xfe, 0x22]), new TextEncoder().encode('"x\\"')]) {
      await putRaw(factory, 'bodies', { id: a.id, json });
      await expect(lib.get(a.id)).rejects.toMatchObject({ code: 'damaged' });
      const w = new JsonChunkWriter(new Date('2026-11-29T00:00:00Z'));
      const damaged: string[] = [];
      for await (const batch of lib.readBatches(undefined, { bodyAs: 'json' })) {
        w.addWithBodies(batch.items, batch.json!);
        damaged.push(...batch.damaged.map((d) => d.id));
      }
      expect(damaged).toEqual([a.id]);
      const { chunks } = w.finish();
      const text = new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(chunks.flatMap((c) => [...c])));
      expect((JSON.parse(text) as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual([b.id]);
    }
    await putRaw(factory, 'bodies', { id: a.id, json: 'a string' });
    const many = await lib.getMany();
    expect(many.items.map((i) => i.id)).toEqual([b.id]);
    expect(many.damaged.map((d) => d.id)).toEqual([a.id]);
    const batches = [];
    for await (const batch of lib.readBatches(undefined, { bodyAs: 'json' })) batches.push(batch);
    expect(batches[0].items.map((i) => i.id)).toEqual([b.id]);
    expect(batches[0].damaged.map((d) => d.id)).toEqual([a.id]);
  });
});

describe('Library: a damaged body-index segment', () => {
  it('is left out; search still answers from the rest', async () => {
    const { lib, factory } = freshLibrary();
    const a = await lib.save(articleInput(1, { html: '<p>walrus sighting</p>' }));
    await putRaw(factory, 'segments', { docs: ['x'], terms: 'walrus', offsets: 'not an array' });
    const cold = new Library({ indexedDB: factory });
    expect((await cold.search('walrus')).items.map((r) => r.id)).toEqual([a.id]);
  });
});
