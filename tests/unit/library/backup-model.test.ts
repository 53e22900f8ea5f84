/**
 * Backup parts (backup.ts, Library.backupParts), written by an independent review: model-based random rounds of every
 * kind of change across two Library instances on one database, each backup compared with the
 * file written from scratch, and a deleted article's text looked for in the stored parts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { JsonChunkWriter, jsonFileOfParts, jsonItemChunks } from '../../../utils/library/formats/json';
import { Library, type BackupWriter } from '../../../utils/library/store';
import { articleInput, freshLibrary, packInputs, rng } from './helpers';
import type { IDBFactory } from 'fake-indexeddb';
import type { SavedItem } from '../../../utils/library/types';

const NOW = new Date('2026-11-30T01:00:00Z');

type WriteFn = (items: SavedItem[], bodies: Uint8Array[]) => Uint8Array[];
/** an item writer as Library.backupParts takes it */
function writerOf(fn: WriteFn, id = 'review-json-1'): BackupWriter {
  return { id, write: fn };
}
const JSON_WRITER = writerOf(jsonItemChunks);

type Doc = { format: string; version: number; items: Array<{ id: string; html: string; [k: string]: unknown }> };
const byId = (text: string) => {
  const doc = JSON.parse(text) as Doc;
  return { ...doc, items: [...doc.items].sort((a, b) => (a.id < b.id ? -1 : 1)) };
};

/** the truth: a from-scratch file read by a brand-new instance (full load) */
async function truth(factory: IDBFactory): Promise<string> {
  const lib = new Library({ indexedDB: factory });
  const w = new JsonChunkWriter(NOW);
  for await (const b of lib.readBatches(undefined, { bodyAs: 'json', clean: (h) => h })) w.addWithBodies(b.items, b.json!);
  const text = await new Blob(w.finish().chunks as Uint8Array<ArrayBuffer>[]).text();
  await lib.close();
  return text;
}

async function storedText(lib: Library): Promise<string> {
  const db = await (lib as unknown as { db(): Promise<{ transaction(s: string): { objectStore(s: string): { getAll(r: IDBKeyRange): Promise<unknown[]> } } }> }).db();
  const blobs = (await db.transaction('meta').objectStore('meta').getAll(IDBKeyRange.bound('backup:', 'backup:\uffff'))) as Blob[];
  return (await Promise.all(blobs.map((b) => b.text()))).join('\n');
}

async function backup(lib: Library, partItems: number, write = JSON_WRITER) {
  const b = await lib.backupParts(write, { partItems, clean: (h) => h });
  if (!b) return null;
  const text = await new Blob(jsonFileOfParts(NOW, b.parts)).text();
  return { text, kept: b.kept, built: b.built, stored: await b.stored };
}

function clockOf(kind: 'ticking' | 'frozen' | 'ms'): () => Date {
  let t = Date.parse('2026-01-01T00:00:00.000Z');
  if (kind === 'frozen') return () => new Date(t);
  if (kind === 'ms') return () => new Date((t += 1));
  return () => new Date((t += 60_000));
}

const tally = { kept: 0, built: 0 };
describe('backup parts: model-based rounds', () => {
  // the rounds must exercise the reuse, not only rebuilds
  afterAll(() => expect(tally.kept).toBeGreaterThan(tally.built));
  const cases: Array<[number, 'ticking' | 'frozen' | 'ms', number]> = [];
  for (let s = 1; s <= Number(process.env.REVIEW_SEEDS ?? 60); s++) cases.push([s, (['ticking', 'frozen', 'ms'] as const)[s % 3]!, 1 + (s % 5)]);
  for (const [seed, clock, part] of cases) {
    it(`seed ${seed}, ${clock} clock, parts of ${part}: every backup equals the file from scratch; deleted text never stays in stored parts`, async () => {
      const r = rng(seed);
      const { lib: a, factory } = freshLibrary({ now: clockOf(clock) });
      const b = new Library({ indexedDB: factory, now: clockOf(clock) });
      const libs = [a, b];
      const pick = <T,>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
      let version = 0;
      const tokensOf = new Map<string, string[]>(); // id → every body token it ever had
      const live = new Map<number, string>(); // article number → id
      const deleted: Array<{ items: Awaited<ReturnType<Library['delete']>> }> = [];
      const body = (n: number) => {
        const tok = `tk${++version}tk`;
        return { tok, html: `<p>Story ${n} body version ${tok}.</p>` };
      };
      const save = async (lib: Library, n: number) => {
        const { tok, html } = body(n);
        const res = await lib.save(articleInput(n, { html }));
        live.set(n, res.id);
        tokensOf.set(res.id, [...(tokensOf.get(res.id) ?? []), tok]);
      };
      /** one change by `other` to a live article: kind 0 tag it `tag`, 1 re-save it, 2 delete it, 3 save article `fresh` */
      const changeOne = async (other: Library, kind: number, tag: string, fresh: number) => {
        const ks = [...live.keys()];
        if (!ks.length) return;
        const n = pick(ks);
        const id = live.get(n)!;
        if (kind === 0) await other.update(id, { tags: [tag] });
        else if (kind === 1) await save(other, n);
        else if (kind === 2) {
          deleted.push({ items: await other.delete([id]) });
          live.delete(n);
        } else await save(other, fresh);
      };
      for (let n = 0; n < 8; n++) await save(a, n);
      const log: string[] = [];
      for (let round = 0; round < 60; round++) {
        const lib = pick(libs);
        const op = Math.floor(r() * 13);
        const liveIds = [...live.values()];
        if (op === 0 || liveIds.length === 0) {
          const n = Math.floor(r() * 14);
          log.push(`save ${n}`);
          await save(lib, n);
        } else if (op === 1) {
          const id = pick(liveIds);
          log.push(`update ${id}`);
          await lib.update(id, { tags: [`t${round}`], read: r() < 0.5 });
        } else if (op === 2) {
          const n = pick([...live.keys()]);
          log.push(`resave ${n}`);
          await save(lib, n);
        } else if (op === 3) {
          const n = pick([...live.keys()]);
          const id = live.get(n)!;
          log.push(`delete ${n}`);
          const gone = await lib.delete([id]);
          live.delete(n);
          deleted.push({ items: gone });
          const stored = await storedText(lib);
          for (const tok of tokensOf.get(id)!) expect(stored, `${log.join(' | ')}: ${tok} of deleted ${id}`).not.toContain(tok);
        } else if (op === 4 && deleted.length) {
          const d = deleted.pop()!;
          const ok = d.items.filter((it) => ![...live.values()].includes(it.id));
          if (ok.length) {
            log.push(`restore ${ok.map((i) => i.id)}`);
            await lib.restore(ok);
            for (const it of ok) {
              const n = Number(/story-(\d+)/.exec(it.url)![1]);
              live.set(n, it.id);
            }
            if (r() < 0.7) await lib.cleanPending(250, (h) => h);
          }
        } else if (op === 5) {
          const n = pick([...live.keys()]);
          const { tok, html } = body(n);
          log.push(`import ${n}`);
          const [res] = await lib.saveMany([articleInput(n, { html, words: 3, excerpt: 'x' })], { untrusted: true });
          tokensOf.set(res!.id, [...(tokensOf.get(res!.id) ?? []), tok]);
          if (r() < 0.7) await lib.cleanPending(250, (h) => h);
        } else if (op === 6 && r() < 0.15) {
          log.push('clear');
          await lib.clear();
          for (const id of live.values()) {
            const stored = await storedText(lib);
            for (const tok of tokensOf.get(id)!) expect(stored).not.toContain(tok);
          }
          live.clear();
        } else if (op === 7) {
          // a backup with a change made while its parts are being written (by either instance),
          // stored once that change is done; then a quiet backup must be the truth
          const other = pick(libs);
          const kind = Math.floor(r() * 4);
          log.push(`racing backup + ${kind}`);
          if ((await lib.pendingCount()) > 0) await lib.cleanPending(250, (h) => h);
          let change: Promise<unknown> | null = null;
          const doChange = () => changeOne(other, kind, `race${round}`, 20 + round);
          const write = writerOf((items, bodies) => {
            change ??= doChange();
            return jsonItemChunks(items, bodies);
          });
          let release = () => {};
          const storeAfter = new Promise<void>((res) => (release = res));
          const got = await lib.backupParts(write, { partItems: part, clean: (h) => h, storeAfter });
          if (!change) change = doChange();
          await change;
          release();
          if (got) {
            const doc = JSON.parse(await new Blob(jsonFileOfParts(NOW, got.parts)).text()) as Doc;
            expect(new Set(doc.items.map((i) => i.id)).size, log.join(' | ')).toBe(doc.items.length);
            await got.stored;
          }
          const stored = await storedText(lib);
          for (const d of deleted) for (const it of d.items) if (![...live.values()].includes(it.id)) for (const tok of tokensOf.get(it.id) ?? []) expect(stored, log.join(' | ')).not.toContain(tok);
          const quiet = await backup(lib, part);
          expect(byId(quiet!.text), log.join(' | ')).toEqual(byId(await truth(factory)));
        } else if (op === 9) {
          // a change started around the backup's start (random yields): the download holds every
          // item saved before and after, each as it was before or after; the next backup is the truth
          const other = pick(libs);
          const kind = Math.floor(r() * 4);
          const yields = Math.floor(r() * 12);
          log.push(`concurrent ${kind} after ${yields} yields`);
          if ((await lib.pendingCount()) > 0) await lib.cleanPending(250, (h) => h);
          const before = byId(await truth(factory)).items;
          const doChange = async () => {
            for (let i = 0; i < yields; i++) await (i % 2 ? Promise.resolve() : new Promise((res) => setTimeout(res, 0)));
            await changeOne(other, kind, `conc${round}`, 40 + round);
          };
          const change = doChange();
          const got = await lib.backupParts(JSON_WRITER, { partItems: part, clean: (h) => h });
          await change;
          const after = byId(await truth(factory)).items;
          if (got) {
            const doc = JSON.parse(await new Blob(jsonFileOfParts(NOW, got.parts)).text()) as Doc;
            expect(new Set(doc.items.map((i) => i.id)).size, log.join(' | ')).toBe(doc.items.length);
            const bOf = new Map(before.map((i) => [i.id, i]));
            const aOf = new Map(after.map((i) => [i.id, i]));
            const has = new Set(doc.items.map((i) => i.id));
            for (const id of bOf.keys()) if (aOf.has(id)) expect(has.has(id), `${log.join(' | ')}: ${id} missing`).toBe(true);
            for (const it of doc.items) {
              // (field by field: a re-save racing the read can give an item its old row and new html —
              // readBatches reads rows from the cache and bodies later, as the from-scratch file does: see 'pre-existing')
              const ok = Object.keys(it).every((k) => [bOf.get(it.id), aOf.get(it.id)].some((v) => v && JSON.stringify(v[k]) === JSON.stringify(it[k])));
              expect(ok, `${log.join(' | ')}: ${it.id} is neither before nor after`).toBe(true);
            }
            await got.stored;
          }
          const stored = await storedText(lib);
          for (const d of deleted) for (const it of d.items) if (![...live.values()].includes(it.id)) for (const tok of tokensOf.get(it.id) ?? []) expect(stored, log.join(' | ')).not.toContain(tok);
          const quiet = await backup(lib, part);
          expect(byId(quiet!.text), log.join(' | ')).toEqual(byId(await truth(factory)));
        } else if (op === 10) {
          // a Lectern JSON file imported from its bytes: bodies kept as ranges of the file (pack)
          const ns = [...new Set([pick([...live.keys(), 0]), Math.floor(r() * 14)])];
          log.push(`packed import ${ns}`);
          const tokens: string[] = [];
          const { inputs, pack } = packInputs(
            ns.map((n) => {
              const { tok, html } = body(n);
              tokens.push(tok);
              return articleInput(n, { html });
            }),
          );
          const res = await lib.saveMany(inputs, { untrusted: true, pack, ifExists: r() < 0.5 ? 'update' : 'skip' });
          res.forEach((x, i) => {
            if (x.skipped) return;
            live.set(ns[i]!, x.id);
            tokensOf.set(x.id, [...(tokensOf.get(x.id) ?? []), tokens[i]!]);
          });
          if (r() < 0.6) await lib.cleanPending(250, (h) => h);
        } else if (op === 8) {
          log.push('two backups at once');
          if ((await lib.pendingCount()) > 0) await lib.cleanPending(250, (h) => h);
          const want = byId(await truth(factory));
          const [x, y] = await Promise.all([backup(a, part), backup(r() < 0.5 ? a : b, part)]);
          expect(byId(x!.text), log.join(' | ')).toEqual(want);
          expect(byId(y!.text), log.join(' | ')).toEqual(want);
          expect(byId((await backup(lib, part))!.text), log.join(' | ')).toEqual(want);
        } else {
          log.push(`backup`);
          if ((await lib.pendingCount()) > 0) await lib.cleanPending(250, (h) => h);
          const got = await backup(lib, part);
          expect(got, log.join(' | ')).not.toBeNull();
          const doc = JSON.parse(got!.text) as Doc;
          expect(new Set(doc.items.map((i) => i.id)).size, log.join(' | ')).toBe(doc.items.length);
          expect(byId(got!.text), log.join(' | ')).toEqual(byId(await truth(factory)));
          tally.kept += got!.kept;
          tally.built += got!.built;
        }
      }
    });
  }
});

describe('backup parts: targeted edges', () => {
  const frozen = () => new Date('2026-05-01T00:00:00.000Z');

  it('empty library and a single item: the file of parts is byte for byte the one from scratch', async () => {
    const { lib, factory } = freshLibrary({ now: frozen });
    const empty = (await backup(lib, 3))!;
    expect(empty.text).toBe(await truth(factory));
    await lib.save(articleInput(1));
    const one = (await backup(lib, 3))!;
    expect(one.text).toBe(await truth(factory));
    expect((await backup(lib, 3))!.text).toBe(one.text);
  });

  it('a re-save changing only the markup (same row: same words, excerpt and updatedAt) is not served from the old part', async () => {
    const { lib, factory } = freshLibrary({ now: frozen });
    for (let n = 0; n < 6; n++) await lib.save(articleInput(n, { html: `<p>Plain words for story ${n} here.</p>` }));
    await backup(lib, 2);
    await lib.save(articleInput(3, { html: '<p>Plain <b>words</b> for story 3 here.</p>' }));
    const b = (await backup(lib, 2))!;
    expect(b.text).toContain('<b>words</b>');
    expect(byId(b.text)).toEqual(byId(await truth(factory)));
  });

  for (const writes of [498, 499, 500, 501]) {
    it(`a markup-only re-save (same row) followed by ${writes} other writes (the change log trimmed at 500) is still seen`, async () => {
      const { lib, factory } = freshLibrary({ now: frozen });
      for (let n = 0; n < 6; n++) await lib.save(articleInput(n, { html: `<p>Plain words for story ${n} here.</p>` }));
      const ids = (await lib.list()).items.map((i) => i.id);
      await backup(lib, 2);
      await lib.save(articleInput(3, { html: '<p>Plain <i>words</i> for story 3 here.</p>' }));
      const other = ids.find((id) => id !== ids[0])!;
      for (let i = 0; i < writes; i++) await lib.update(other, { progress: (i % 100) / 100 });
      const b = (await backup(lib, 2))!;
      expect(b.text).toContain('<i>words</i>');
      expect(byId(b.text)).toEqual(byId(await truth(factory)));
    });
  }

  it('parts left by a backup that stopped half-way (never named by a state) are deleted by the next one', async () => {
    const { lib } = freshLibrary({ now: clockOf('ms') });
    for (let n = 0; n < 6; n++) await lib.save(articleInput(n));
    await backup(lib, 2);
    const db = await (lib as unknown as { db(): Promise<{ getAllKeys(s: string, r: IDBKeyRange): Promise<string[]>; put(s: string, v: unknown, k: string): Promise<unknown> }> }).db();
    await db.put('meta', new Blob(['"a stray part of an old article"']), 'backup:12345');
    await lib.save(articleInput(99));
    await backup(lib, 2);
    expect(await db.getAllKeys('meta', IDBKeyRange.bound('backup:', 'backup:\uffff'))).not.toContain('backup:12345');
  });

  it('imports without counts (recount), cleaned by cleanPending: backups by the other instance stay right', async () => {
    const { lib, factory } = freshLibrary({ now: frozen });
    const other = new Library({ indexedDB: factory, now: frozen });
    for (let n = 0; n < 6; n++) await lib.save(articleInput(n));
    await backup(lib, 2);
    await lib.saveMany([articleInput(2, { html: '<p>Imported   again <script>x</script> with many more words than before now.</p>', words: undefined, excerpt: undefined })], { untrusted: true });
    expect(await other.backupParts(JSON_WRITER, { partItems: 2 })).toBeNull();
    await other.cleanPending(10, (h) => h.replace(/<script>.*?<\/script>/g, ''));
    const b = (await backup(lib, 2))!;
    expect(byId(b.text)).toEqual(byId(await truth(factory)));
    const c = (await backup(other, 2))!;
    expect(byId(c.text)).toEqual(byId(await truth(factory)));
  });
});

describe('backup parts: what the review found', () => {
  it('after 501 writes since the last backup (scroll progress saved on ONE article) the next backup rewrites only the part touched, not every part', async () => {
    const { lib } = freshLibrary({ now: clockOf('ms') });
    for (let n = 0; n < 40; n++) await lib.save(articleInput(n));
    const first = (await backup(lib, 10))!;
    expect(first).toMatchObject({ built: 4, stored: true });
    const id = (await lib.list()).items[20]!.id;
    // SavedReader.tsx saves progress every 0.5 % of scrolling: reading a few long articles is hundreds of writes
    for (let i = 1; i <= 501; i++) await lib.update(id, { progress: (i % 200) / 200 });
    const next = (await backup(lib, 10))!;
    // the change touched one item: only its part needs writing again (the row marks show which one)
    expect(next.built).toBe(1);
    expect(next.kept).toBe(3);
  });

  it('parts written by an older item writer are not reused by a newer one (an extension update changing the items)', async () => {
    const { lib } = freshLibrary({ now: clockOf('ms') });
    for (let n = 0; n < 6; n++) await lib.save(articleInput(n));
    await backup(lib, 2); // parts written by today's jsonItemChunks
    // the next version's writer (e.g. a field added to SAVED_ITEM_FIELDS, or LECTERN_JSON_VERSION bumped)
    // (in the working tree the writer carries an id: a newer writer has a new one)
    const newer = writerOf((items, bodies) => jsonItemChunks(items.map((it) => ({ ...it, note: 'v2 field' }) as typeof it), bodies), 'review-json-2');
    const b = await lib.backupParts(newer, { partItems: 2, clean: (h) => h });
    const doc = JSON.parse(await new Blob(jsonFileOfParts(NOW, b!.parts)).text()) as Doc;
    // every item of the new file must be in the new layout
    expect(doc.items.filter((i) => i.note !== 'v2 field').map((i) => i.id)).toEqual([]);
  });
});

describe('backup parts: robustness', () => {
  it('a stored part cut short (its size is not the one written) is written again, not served', async () => {
    const { lib } = freshLibrary({ now: clockOf('ms') });
    for (let n = 0; n < 6; n++) await lib.save(articleInput(n));
    await backup(lib, 2);
    const db = await (lib as unknown as { db(): Promise<{ getAllKeys(s: string, r: IDBKeyRange): Promise<string[]>; get(s: string, k: string): Promise<Blob>; put(s: string, v: unknown, k: string): Promise<unknown> }> }).db();
    const [key] = await db.getAllKeys('meta', IDBKeyRange.bound('backup:', 'backup:\uffff'));
    const good = await db.get('meta', key!);
    await db.put('meta', good.slice(0, good.size - 7), key!);
    for (let i = 0; i < 2; i++) {
      const b = (await backup(lib, 2))!;
      expect(() => JSON.parse(b.text), `backup ${i + 1} after the damage`).not.toThrow();
    }
  });
});
