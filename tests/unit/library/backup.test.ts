/**
 * A JSON backup keeps its parts for the next one (backup.ts, Library.backupParts): the next
 * backup must be exactly the file a backup written from scratch would be (item for item; byte for
 * byte while the order is the same), whatever happened in between, and a deleted article's text
 * must not stay in a stored part.
 */
import { describe, expect, it } from 'vitest';
import { BACKUP_PART_ITEMS, lastWithin, planBackup, planSelection, readBackupState, rowMark, type BackupPart, type BackupState } from '../../../utils/library/backup';
import { JsonChunkWriter, jsonBackupWriter, jsonFileOfParts, jsonItemChunks, jsonPartStarts } from '../../../utils/library/formats/json';
import { Library } from '../../../utils/library/store';
import { articleInput, freshLibrary, tickingClock } from './helpers';

const NOW = new Date('2026-11-30T01:00:00Z');
const PART = 10; // items per part in these tests (the product's is BACKUP_PART_ITEMS)

/** What a backup written from scratch holds (the download path before parts: JsonChunkWriter over readBatches). */
async function fromScratch(lib: Library, ids?: string[]): Promise<string> {
  const w = new JsonChunkWriter(NOW);
  for await (const b of lib.readBatches(ids, { bodyAs: 'json' })) w.addWithBodies(b.items, b.json!);
  return new Blob(w.finish().chunks as Uint8Array<ArrayBuffer>[]).text();
}

/** A backup through the parts: the file's text, and how many parts were kept / written. */
async function backup(lib: Library, clean?: (html: string) => string) {
  const b = await lib.backupParts(jsonBackupWriter, { partItems: PART, clean });
  if (!b) return null;
  const text = await new Blob(jsonFileOfParts(NOW, b.parts)).text();
  return { text, kept: b.kept, built: b.built, items: b.items, stored: await b.stored };
}

type Doc = { format: string; version: number; items: Array<{ id: string; html: string; [k: string]: unknown }> };
const byId = (text: string) => {
  const doc = JSON.parse(text) as Doc;
  return { ...doc, items: [...doc.items].sort((a, b) => (a.id < b.id ? -1 : 1)) };
};

/** The stored parts' text (what a backup leaves on disk). */
async function storedText(lib: Library): Promise<string> {
  const db = await (lib as unknown as { db(): Promise<{ transaction(s: string): { objectStore(s: string): { getAll(r: IDBKeyRange): Promise<unknown[]> } } }> }).db();
  const blobs = (await db.transaction('meta').objectStore('meta').getAll(IDBKeyRange.bound('backup:', 'backup:\uffff'))) as Blob[];
  return (await Promise.all(blobs.map((b) => b.text()))).join('\n');
}

async function library(n: number) {
  const { lib, factory } = freshLibrary({ now: tickingClock() });
  const inputs = Array.from({ length: n }, (_, i) => articleInput(i, { html: `<p>Body of story ${i}: “quotes”, é ü — 東京 and a unique phrase zq${i}zq.</p>` }));
  const saved = await lib.saveMany(inputs);
  return { lib, factory, ids: saved.map((s) => s.id) };
}

describe('planBackup (pure)', () => {
  const rows = (n: number, mark = 1) => Array.from({ length: n }, (_, i) => ({ id: `id${i}`, mark }));
  const state = (parts: Array<[number, string[]]>, mark = 1): BackupState => ({
    v: 1,
    writer: 'w',
    gen: 1,
    rev: 5,

    parts: parts.map(([key, ids]) => ({ key, ids, marks: ids.map(() => mark), bytes: 100 })),
  });

  it('no state: every item, newest first, in parts of the given size, all full but the first', () => {
    const p = planBackup(null, rows(25), null, 10);
    // every part full but the first (new items join it while it has room)
    const ids = rows(25).map((r) => r.id);
    expect(p.parts).toEqual([{ build: ids.slice(0, 5) }, { build: ids.slice(5, 15) }, { build: ids.slice(15) }]);
    expect(p.drop).toEqual([]);
  });

  it('nothing changed: every part kept; a changed row, a deleted item or a logged change rewrites only its part', () => {
    const s = state([
      [1, ['id0', 'id1']],
      [2, ['id2', 'id3']],
    ]);
    expect(planBackup(s, rows(4), new Set(), 2)).toEqual({ parts: [{ keep: s.parts[0] }, { keep: s.parts[1] }], drop: [] });
    const edited = rows(4).map((r) => (r.id === 'id3' ? { ...r, mark: 2 } : r));
    expect(planBackup(s, edited, new Set(), 2)).toEqual({ parts: [{ keep: s.parts[0] }, { build: ['id2', 'id3'] }], drop: [2] });
    expect(planBackup(s, rows(4).filter((r) => r.id !== 'id0'), null, 2)).toEqual({ parts: [{ build: ['id1'] }, { keep: s.parts[1] }], drop: [1] });
    expect(planBackup(s, rows(4), new Set(['id1']), 2)).toEqual({ parts: [{ build: ['id0', 'id1'] }, { keep: s.parts[1] }], drop: [1] });
  });

  it('new items come first, filling the first part while it has room', () => {
    const s = state([
      [1, ['id1']],
      [2, ['id2', 'id3']],
    ]);
    const r = [{ id: 'new', mark: 1 }, ...rows(4).slice(1)];
    expect(planBackup(s, r, new Set(), 2)).toEqual({ parts: [{ build: ['new', 'id1'] }, { keep: s.parts[1] }], drop: [1] });
    const full = state([[2, ['id2', 'id3']]]);
    expect(planBackup(full, [{ id: 'new', mark: 1 }, ...rows(4).slice(2)], new Set(), 2)).toEqual({ parts: [{ build: ['new'] }, { keep: full.parts[0] }], drop: [] });
  });

  it('an id stored in two parts is written once; far too many parts for the items: everything anew', () => {
    const s = state([
      [1, ['id0', 'id1']],
      [2, ['id1', 'id2']],
    ]);
    expect(planBackup(s, rows(3), new Set(), 2)).toEqual({ parts: [{ keep: s.parts[0] }, { build: ['id2'] }], drop: [2] });
    const sparse = state(Array.from({ length: 8 }, (_, k) => [k, [`id${k}`]] as [number, string[]]));
    const p = planBackup(sparse, rows(8), new Set(), 10);
    expect(p.parts).toEqual([{ build: rows(8).map((r) => r.id) }]);
    expect(p.drop).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('planSelection: whole parts, byte ranges for few long runs, the rest to read in the order asked', () => {
    // parts of 4 items of 10 bytes each: "\n" + 9 bytes, then ",\n" + 9 bytes… (starts after each line feed)
    const part = (key: number, ids: string[]): BackupPart => ({ key, ids, marks: ids.map(() => 1), bytes: 1 + 9 + 3 * 11, starts: [1, 12, 23, 34] });
    const p1 = part(1, ['a', 'b', 'c', 'd']);
    const p2 = part(2, ['e', 'f', 'g', 'h']);
    const p3 = { ...part(3, ['i', 'j', 'k', 'l']), starts: undefined };
    const cost = { slice: 0.5, read: 0.3 };
    const s = planSelection([p1, p2, p3], ['z', 'h', 'a', 'b', 'c', 'd', 'f', 'g', 'j', 'a'], cost);
    expect(s.whole).toEqual([p1]);
    // f, g, h: one run from f's line feed to the end of the part
    expect(s.ranges).toEqual([{ key: 2, start: 11, end: 43 }]);
    expect(s.items).toBe(3);
    expect(s.rest).toEqual(['z', 'j']); // in the order asked; no starts for part 3: read
    // e and g: two runs of one cost more than reading them; e, f alone: a run ending before g's ",\n"
    expect(planSelection([p2], ['e', 'g'], cost)).toMatchObject({ ranges: [], rest: ['e', 'g'] });
    expect(planSelection([p2], ['e', 'f'], cost).ranges).toEqual([{ key: 2, start: 0, end: 21 }]);
  });

  it('lastWithin: the parts to write last first, within the budget, at least one; stored parts stay', () => {
    const keep = { keep: { key: 9, ids: ['k'], marks: [1], bytes: 1 } };
    const plan = [{ build: ['a'] }, { build: ['b', 'c'] }, keep, { build: ['d', 'e'] }];
    expect(lastWithin(plan, 4)).toEqual([{ build: ['b', 'c'] }, keep, { build: ['d', 'e'] }]);
    expect(lastWithin(plan, 1)).toEqual([keep, { build: ['d', 'e'] }]);
    expect(lastWithin(plan, 10)).toEqual(plan);
  });

  it('readBackupState takes only a state this code wrote', () => {
    const good = state([[1, ['a']]]);
    expect(readBackupState(good)).toBe(good);
    for (const bad of [null, 1, {}, { ...good, v: 2 }, { ...good, parts: [{ key: 1, ids: ['a'], marks: [], bytes: 1 }] }, { ...good, parts: [{ key: 1, ids: [], marks: [], bytes: 1 }] }, { ...good, parts: [{ key: 1, ids: ['a'], marks: [1] }] }, { ...good, writer: 3 }]) {
      expect(readBackupState(bad)).toBeNull();
    }
    expect(rowMark({ a: 1 })).not.toBe(rowMark({ a: 2 }));
    expect(BACKUP_PART_ITEMS).toBe(50);
  });
});

describe('Library.backupParts', () => {
  it('the first backup is byte for byte the file written from scratch; the second reuses every part', async () => {
    const { lib } = await library(35);
    const first = (await backup(lib))!;
    expect(first).toMatchObject({ kept: 0, built: 4, items: 35, stored: true });
    expect(first.text).toBe(await fromScratch(lib));
    const second = (await backup(lib))!;
    expect(second).toMatchObject({ kept: 4, built: 0, items: 35 });
    expect(second.text).toBe(first.text);
  });

  it('after edits, tags, state, progress, a re-save with new content, a new save and a delete + Undo: equal to a backup from scratch, rewriting only the parts touched', async () => {
    const { lib, ids } = await library(45);
    await backup(lib);
    // the two oldest in list order: both in the last part (parts are full but the first)
    const [older, oldest] = (await lib.list()).items.slice(-2).map((it) => it.id);
    const rounds: Array<[string, () => Promise<unknown>, number]> = [
      ['tag', () => lib.update(ids[3]!, { tags: ['kept', 'new tag'] }), 1],
      ['read + archived + favourite', () => lib.updateMany([older!, oldest!], { read: true, archived: true, favourite: true }), 1],
      ['progress', () => lib.update(ids[20]!, { progress: 0.5 }), 1],
      ['title', () => lib.update(ids[12]!, { title: 'A title the user chose' }), 1],
      ['new content', () => lib.save(articleInput(7, { html: '<p>Rewritten body with fresh words qx7qx.</p>' })), 1],
      ['new save', () => lib.save(articleInput(1000, { html: '<p>A story saved after the backup.</p>' })), 1],
      // Undo puts the article back to be cleaned again (restore writes untrusted): no parts until
      // then. (The newest: the part it leaves is the one it comes back to)
      [
        'delete + undo',
        async () => {
          await lib.restore(await lib.delete([(await lib.list()).items[0]!.id]));
          expect(await lib.backupParts(jsonBackupWriter, { partItems: PART })).toBeNull();
          await lib.cleanPending(250, (html) => html);
        },
        1,
      ],
    ];
    for (const [what, change, rewritten] of rounds) {
      await change();
      const b = (await backup(lib))!;
      expect(byId(b.text), what).toEqual(byId(await fromScratch(lib)));
      expect(b.built, what).toBe(rewritten);
      expect(b.stored, what).toBe(true);
    }
    expect((await backup(lib))!.built).toBe(0);
    expect((await backup(lib))!.text).toContain('qx7qx');
  });

  it("a delete drops the stored parts holding the article at once: its text is in none of them, and the next backup does not have it", async () => {
    const { lib, ids } = await library(30);
    await backup(lib);
    expect(await storedText(lib)).toContain('zq5zq');
    const deleted = await lib.delete([ids[5]!]);
    const phrase = /zq\d+zq/.exec(deleted[0]!.html)![0];
    expect(await storedText(lib)).not.toContain(phrase);
    const b = (await backup(lib))!;
    expect(b.text).not.toContain(phrase);
    expect(byId(b.text)).toEqual(byId(await fromScratch(lib)));
    expect(await storedText(lib)).not.toContain(phrase);
  });

  it('clear drops every part; the next backup is empty, then holds only what was saved after', async () => {
    const { lib } = await library(12);
    await backup(lib);
    await lib.clear();
    expect(await storedText(lib)).toBe('');
    const empty = (await backup(lib))!;
    expect(JSON.parse(empty.text)).toMatchObject({ format: 'lectern', items: [] });
    expect(empty.text).toBe(await fromScratch(lib));
    await lib.save(articleInput(500));
    const one = (await backup(lib))!;
    expect((JSON.parse(one.text) as Doc).items.map((i) => i.url)).toEqual([articleInput(500).url]);
  });

  it('while imported bodies wait to be cleaned there are no parts (the caller writes from scratch); once cleaned, the backup holds the cleaned bodies', async () => {
    const { lib } = await library(5);
    await backup(lib);
    await lib.saveMany([articleInput(77, { html: '<p onclick="x()">Imported wombat<script>bad()</script></p>', words: 2, excerpt: 'Imported wombat' })], { untrusted: true });
    expect(await lib.backupParts(jsonBackupWriter, { partItems: PART })).toBeNull();
    await lib.cleanPending(250, (html) => html.replace(/<script>.*?<\/script>/g, '').replace(/ onclick="[^"]*"/g, ''));
    const b = (await backup(lib))!;
    expect(b.text).toContain('Imported wombat');
    expect(b.text).not.toMatch(/script|onclick/);
    expect(byId(b.text)).toEqual(byId(await fromScratch(lib)));
  });

  it('a delete while a backup is being written: that backup stores nothing, the next one is right', async () => {
    const { lib, ids } = await library(25);
    await backup(lib);
    await lib.update(ids[0]!, { tags: ['x'] });
    // the delete comes while the changed part is being written (before the parts are stored)
    let deleting: Promise<unknown> | null = null;
    const writeAndDelete = {
      id: jsonBackupWriter.id,
      write: (items: Parameters<typeof jsonItemChunks>[0], bodies: Parameters<typeof jsonItemChunks>[1]) => {
        deleting ??= lib.delete([ids[1]!]);
        return jsonItemChunks(items, bodies);
      },
    };
    const during = await lib.backupParts(writeAndDelete, { partItems: PART });
    await deleting;
    expect(during!.built).toBe(1);
    expect(await during!.stored).toBe(false);
    const b = (await backup(lib))!;
    expect(b.stored).toBe(true);
    expect(byId(b.text)).toEqual(byId(await fromScratch(lib)));
  });

  it('two Library instances on one database (the background and the offscreen document): each sees the other\'s changes and parts', async () => {
    const { lib, factory, ids } = await library(25);
    const other = new (lib.constructor as typeof Library)({ indexedDB: factory, now: tickingClock('2026-06-01T00:00:00.000Z') });
    await backup(lib);
    await other.update(ids[4]!, { tags: ['from the other'] });
    await other.delete([ids[9]!]);
    await other.save(articleInput(900));
    const b = (await backup(lib))!;
    expect(byId(b.text)).toEqual(byId(await fromScratch(other)));
    expect(b.text).toContain('from the other');
    const again = (await backup(other))!;
    expect(again).toMatchObject({ built: 0, kept: 3 });
    expect(again.text).toBe(b.text);
  });

  it('the new parts are stored only once the download is over (storeAfter); a delete meanwhile stores nothing', async () => {
    const { lib, ids } = await library(25);
    let downloaded = () => {};
    const b = (await lib.backupParts(jsonBackupWriter, { partItems: PART, storeAfter: new Promise<void>((r) => (downloaded = r)) }))!;
    await new Promise((r) => setTimeout(r, 20));
    expect(await storedText(lib)).toBe('');
    downloaded();
    expect(await b.stored).toBe(true);
    expect(await storedText(lib)).toContain('zq3zq');
    expect((await backup(lib))!.kept).toBe(3);
    await lib.update(ids[0]!, { tags: ['t'] });
    const c = (await lib.backupParts(jsonBackupWriter, { partItems: PART, storeAfter: new Promise<void>((r) => (downloaded = r)) }))!;
    await lib.delete([ids[20]!]);
    downloaded();
    expect(await c.stored).toBe(false);
    expect(byId((await backup(lib))!.text)).toEqual(byId(await fromScratch(lib)));
  });

  it('over 500 writes since the last backup (the log no longer reaches back): the row marks still rewrite only the part touched', async () => {
    const { lib, ids } = await library(25);
    await backup(lib);
    for (let i = 1; i <= 510; i++) await lib.update(ids[7]!, { progress: i / 1000 });
    const b = (await backup(lib))!;
    expect(b).toMatchObject({ built: 1, kept: 2 });
    expect(byId(b.text)).toEqual(byId(await fromScratch(lib)));
  });

  it('parts written by another item writer (an extension update) are all written again', async () => {
    const { lib } = await library(25);
    await backup(lib);
    const other = { id: 'another writer', write: jsonBackupWriter.write };
    const b = (await lib.backupParts(other, { partItems: PART }))!;
    expect(b).toMatchObject({ kept: 0, built: 3 });
    expect(await b.stored).toBe(true);
    expect((await lib.backupParts(other, { partItems: PART }))!.built).toBe(0);
    expect((await backup(lib))!.built).toBe(3);
  });

  it("golden: a part's bytes for a fixed item (when this changes, bump JSON_PART_FORMAT so stored parts are written again)", () => {
    const item = {
      id: 'abc', url: 'https://www.inkl.com/news/x', title: 'T “q”', byline: 'B', source: { name: 'P', url: 'https://p.example/x' }, aggregator: 'inkl' as const,
      published: '2026-03-01T10:00:00.000Z', savedAt: '2026-03-02T10:00:00.000Z', updatedAt: '2026-03-02T10:00:00.000Z', tags: ['a'], archived: false, favourite: true,
      read: false, progress: 0.25, words: 3, readingMinutes: 1, excerpt: 'E', hasContent: true, lang: 'en', dir: 'ltr', html: '',
    };
    const bytes = jsonItemChunks([item as never, item as never], [new TextEncoder().encode('"<p>é</p>"'), new TextEncoder().encode('""')]);
    const one = (html: string) =>
      `{"id":"abc","url":"https://www.inkl.com/news/x","title":"T “q”","byline":"B","source":{"name":"P","url":"https://p.example/x"},"aggregator":"inkl","published":"2026-03-01T10:00:00.000Z","savedAt":"2026-03-02T10:00:00.000Z","tags":["a"],"archived":false,"favourite":true,"words":3,"hasContent":true,"html":${html},"canonicalUrl":null,"excerpt":"E","leadImage":null,"readingMinutes":1,"lang":"en","dir":"ltr","read":false,"progress":0.25,"updatedAt":"2026-03-02T10:00:00.000Z"}`;
    expect(new TextDecoder().decode(Buffer.concat(bytes))).toBe(`\n${one('"<p>é</p>"')},\n${one('""')}`);
  });

  it('a stored part gone missing, or a state that is not one this code wrote, is written anew', async () => {
    const { lib, ids } = await library(25);
    await backup(lib);
    const db = await (lib as unknown as { db(): Promise<IDBDatabaseLike> }).db();
    const [first] = (await db.getAllKeys('meta', IDBKeyRange.bound('backup:', 'backup:\uffff'))) as string[];
    await db.delete('meta', first!);
    let b = (await backup(lib))!;
    expect(b.built).toBe(1);
    expect(byId(b.text)).toEqual(byId(await fromScratch(lib)));
    await db.put('meta', { v: 9, parts: 'nonsense' }, 'backup');
    b = (await backup(lib))!;
    expect(b).toMatchObject({ kept: 0, built: 3, stored: true });
    expect(b.text).toBe(await fromScratch(lib));
    await lib.update(ids[2]!, { read: true });
    expect(byId((await backup(lib))!.text)).toEqual(byId(await fromScratch(lib)));
  });
});

interface IDBDatabaseLike {
  getAllKeys(store: string, range: IDBKeyRange): Promise<unknown[]>;
  delete(store: string, key: string): Promise<void>;
  put(store: string, value: unknown, key: string): Promise<unknown>;
}

describe('an export and a re-save at the same time', () => {
  it('an item re-saved while an export reads goes out with its new row AND its new body, never the old row with the new body', async () => {
    const { lib } = await library(3);
    // one item a batch, in the list's order; the last batch is asked for only when the second is handed out
    const last = (await lib.list()).items[2]!;
    const n = Number(/story-(\d+)/.exec(last.url)![1]);
    const batches = lib.readBatches(undefined, { batch: 1, ahead: 1 });
    const got = [...(await batches.next()).value!.items];
    await lib.save(articleInput(n, { title: 'Retitled while exporting', html: '<p>Brand new body qz0qz.</p>' }));
    for await (const b of batches) got.push(...b.items);
    const item0 = got.find((i) => i.id === last.id)!;
    expect(item0.html).toContain('Brand new body');
    expect(item0.title).toBe('Retitled while exporting');
    expect(got).toHaveLength(3);
  });
});

describe('rows rewritten by another Library (the offscreen document cleaning an import)', () => {
  it('cleaning that changes no count still logs the rows it rewrites: parts this Library writes after are right after a restart (found by check:firefox)', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const offscreen = new Library({ indexedDB: factory });
    // counts not given (`recount` in the row), and a cleaning that changes none of them
    await lib.saveMany(Array.from({ length: 12 }, (_, i) => articleInput(i, { words: undefined, excerpt: undefined })), { untrusted: true });
    await lib.list(); // this Library's rows, cached
    expect((await offscreen.cleanPending(100, (h) => h)).changed).toEqual([]);
    expect(await backup(lib)).toMatchObject({ built: 2, stored: true });
    const restarted = new Library({ indexedDB: factory });
    expect(await backup(restarted)).toMatchObject({ built: 0, kept: 2 });
  });
});

describe('an export of a filter or a selection (backupParts `only`)', () => {
  const exportOf = async (lib: Library, only: string[]) => {
    const b = (await lib.backupParts(jsonBackupWriter, { partItems: PART, only }))!;
    return { text: await new Blob(jsonFileOfParts(NOW, b.parts)).text(), kept: b.kept, built: b.built, items: b.items, stored: await b.stored };
  };
  const listed = async (lib: Library) => (await lib.list()).items.map((it) => it.id);

  it('every item selected: every stored part as it is, nothing written; the file holds the library', async () => {
    const { lib } = await library(35);
    await backup(lib);
    const all = await listed(lib);
    const e = await exportOf(lib, [...all].reverse());
    expect(e).toMatchObject({ kept: 4, built: 0, items: 35 });
    expect(byId(e.text)).toEqual(byId(await fromScratch(lib)));
  });

  it('some selected: the parts all of whose items are chosen as stored, the others written; exactly the chosen items, nothing stored', async () => {
    const { lib } = await library(45);
    await backup(lib);
    const all = await listed(lib); // parts of 10, full but the first: [0–4] [5–14] [15–24] [25–34] [35–44]
    const chosen = [...all.slice(5, 15), ...all.slice(25, 45), all[2]!, all[17]!, all[17]!, 'no-such-id'];
    const before = await storedText(lib);
    const e = await exportOf(lib, chosen);
    expect(e).toMatchObject({ kept: 3, built: 1, items: 32, stored: true });
    expect(byId(e.text)).toEqual(byId(await fromScratch(lib, [...new Set(chosen)])));
    expect(await storedText(lib)).toBe(before);
  });

  it('a chosen part made stale by an edit is not used: the edit is in the file', async () => {
    const { lib } = await library(25);
    await backup(lib);
    const all = await listed(lib);
    await lib.update(all[20]!, { tags: ['edited after the backup'], title: 'Retitled' });
    const e = await exportOf(lib, all.slice(15));
    expect(e.kept).toBe(0);
    const doc = byId(e.text);
    expect(doc.items.find((it) => it.id === all[20])).toMatchObject({ title: 'Retitled', tags: ['edited after the backup'] });
    expect(doc).toEqual(byId(await fromScratch(lib, all.slice(15))));
  });

  it('runs of chosen items a stored part holds one after the other are slices of it (nothing read) when there are few runs; many short runs are read from the library', async () => {
    const { lib } = await library(80);
    const some = (only: string[]) => lib.backupParts(jsonBackupWriter, { partItems: 40, only });
    await (await lib.backupParts(jsonBackupWriter, { partItems: 40 }))!.stored;
    const all = await listed(lib); // two parts of 40
    const many = all.filter((_, i) => i % 10 !== 0); // 36 of each part, in 4 runs
    const a = (await some(many))!;
    expect(a).toMatchObject({ kept: 0, built: 0, slices: 8, items: 72 });
    const text = await new Blob(jsonFileOfParts(NOW, a.parts)).text();
    expect(text).toBe(await fromScratch(lib, many)); // same order here: byte for byte
    const alternate = all.filter((_, i) => i % 2 === 0); // 20 runs of one: read
    const b = (await some(alternate))!;
    expect(b).toMatchObject({ slices: 0, built: 1, items: 40 });
    expect(byId(await new Blob(jsonFileOfParts(NOW, b.parts)).text())).toEqual(byId(await fromScratch(lib, alternate)));
    // an edit makes its part stale: that part's chosen items are read from the library, with the edit
    await lib.update(all[4]!, { tags: ['after'] });
    const c = (await some(many))!;
    expect(c).toMatchObject({ slices: 4, built: 1, items: 72 });
    const doc = byId(await new Blob(jsonFileOfParts(NOW, c.parts)).text());
    expect(doc).toEqual(byId(await fromScratch(lib, many)));
    expect(doc.items.find((it) => it.id === all[4])!.tags).toEqual(['after']);
  });

  it('jsonPartStarts: where each item of a part starts, whatever the chunks (html with line breaks escaped)', () => {
    const items = [0, 1, 2].map((i) => ({ ...articleInput(i, { html: `<p>Line\nbreak ${i}, "quoted"</p>` }), id: `id-${i}` }));
    const chunks = jsonBackupWriter.write(items as never, items.map((it) => new TextEncoder().encode(JSON.stringify(it.html))));
    const part = Buffer.concat(chunks);
    const starts = jsonPartStarts(chunks);
    expect(starts).toHaveLength(3);
    starts.forEach((s, k) => expect(part.subarray(s, s + 11).toString()).toBe(`{"id":"id-${k}`));
    // the same over other chunk boundaries
    expect(jsonPartStarts([part.subarray(0, 7), part.subarray(7, 500), part.subarray(500)])).toEqual(starts);
  });

  it('with no backup parts at all, the chosen items are written from scratch', async () => {
    const { lib } = await library(12);
    const all = await listed(lib);
    const e = await exportOf(lib, all.slice(0, 7));
    expect(e).toMatchObject({ kept: 0, items: 7 });
    expect(byId(e.text)).toEqual(byId(await fromScratch(lib, all.slice(0, 7))));
    expect(await storedText(lib)).toBe('');
  });
});

describe('backup refresh (LibraryOptions.backupRefresh)', () => {
  const settle = async (lib: Library, ms = 40) => {
    await new Promise((r) => setTimeout(r, ms));
    await lib.idle();
  };
  /** a Library whose background keeps the parts ready, and every round its refresh made */
  const refreshing = (maxItems = 1000, factory = freshLibrary().factory) => {
    const rounds: Array<{ built: number; left: number }> = [];
    const alive = { calls: 0 };
    const lib = new Library({ indexedDB: factory, now: tickingClock(), backupRefresh: { write: jsonBackupWriter, afterMs: 5, maxItems, partItems: PART, keepAlive: () => alive.calls++ } });
    const run = lib.refreshBackup.bind(lib);
    lib.refreshBackup = async (...a) => {
      const r = await run(...a);
      rounds.push(r);
      return r;
    };
    /** until a round left nothing out (rounds follow one another) */
    const ready = async () => {
      for (let i = 0; i < 200 && rounds.at(-1)?.left !== 0; i++) await settle(lib, 10);
      await settle(lib, 10);
    };
    return { lib, factory, rounds, ready, alive };
  };
  const fill = (lib: Library, n: number, from = 0) => lib.saveMany(Array.from({ length: n }, (_, i) => articleInput(from + i, { html: `<p>Story ${from + i} zq${from + i}zq.</p>` })));

  it('with no backup yet, the parts are made ready after saves: the first backup writes nothing and is the file from scratch; later edits are refreshed too', async () => {
    const { lib, ready } = refreshing();
    const saved = await fill(lib, 35);
    await ready();
    expect(await storedText(lib)).toContain('zq34zq');
    const first = (await backup(lib))!;
    expect(first).toMatchObject({ built: 0, kept: 4, items: 35 });
    expect(first.text).toBe(await fromScratch(lib));
    await lib.update(saved[3]!.id, { tags: ['later'] });
    await lib.save(articleInput(99, { html: '<p>Saved after the backup.</p>' }));
    await settle(lib);
    const next = (await lib.backupParts(jsonBackupWriter, { partItems: PART }))!;
    expect(next.built).toBe(0);
    const text = await new Blob(jsonFileOfParts(NOW, next.parts)).text();
    expect(byId(text)).toEqual(byId(await fromScratch(lib)));
    expect(text).toContain('Saved after the backup.');
    await lib.close();
  });

  it('a library opened with articles in no part gets them ready without any write', async () => {
    const { lib: plain, factory } = freshLibrary({ now: tickingClock() });
    await plain.saveMany(Array.from({ length: 23 }, (_, i) => articleInput(i)));
    await plain.close();
    const { lib, ready } = refreshing(1000, factory);
    expect((await lib.list()).total).toBe(23);
    await ready();
    expect(await backup(lib)).toMatchObject({ built: 0, items: 23 });
    await lib.close();
  });

  it('more than maxItems to write: rounds of at most maxItems, one after another, until every item is in a part — the same file as one written whole', async () => {
    const { lib, rounds, ready, alive } = refreshing(PART * 2);
    await fill(lib, 73);
    await ready();
    // 73 items in parts of 10: 3 + 70 → rounds of 20, the last parts first
    expect(rounds.filter((r) => r.built > 0).map((r) => r.left)).toEqual([53, 33, 13, 0]);
    // each round first keeps the context alive (the background's service worker)
    expect(alive.calls).toBe(rounds.length);
    const b = (await backup(lib))!;
    expect(b).toMatchObject({ built: 0, items: 73 });
    expect(b.text).toBe(await fromScratch(lib));
    // more saved meanwhile, and a round smaller than a part: each round still writes one
    await fill(lib, 15, 200);
    await ready();
    const again = (await backup(lib))!;
    expect(again.built).toBe(0);
    expect(again.text).toBe(await fromScratch(lib));
    await lib.close();
  });

  it('a clear drops every part; what is saved after it is made ready alone', async () => {
    const { lib, ready } = refreshing();
    await fill(lib, 12);
    await ready();
    await lib.clear();
    expect(await storedText(lib)).toBe('');
    await lib.save(articleInput(500, { html: '<p>After the clear zq500zq.</p>' }));
    await settle(lib);
    await ready();
    const text = await storedText(lib);
    expect(text).toContain('zq500zq');
    expect(text).not.toContain('zq3zq');
    await lib.close();
  });

  it('nothing is written into parts while imported bodies wait to be cleaned', async () => {
    const { lib, rounds } = refreshing();
    await lib.saveMany([articleInput(1, { html: '<p>raw <img src=x onerror=alert(1)> zq1zq</p>' })], { untrusted: true });
    await settle(lib);
    expect(rounds.length).toBeGreaterThan(0);
    expect(rounds.every((r) => r.built === 0)).toBe(true);
    expect(await storedText(lib)).toBe('');
    await lib.close();
  });
});
