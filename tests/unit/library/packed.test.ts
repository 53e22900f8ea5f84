/**
 * An import of a Lectern JSON backup read from its bytes stores each article as a range of the
 * file (saveMany `pack` + SaveInput `rawBody`): the file is stored once (meta `pack:<rev>`), not
 * 10,000 copied bodies. These bodies must behave exactly like the raw bodies stored inline:
 * shown (to be sanitised at display), exported only once sanitised, cleaned and indexed by
 * cleanPending, given back by delete for an Undo — and the file is dropped once no body of it
 * waits any more.
 */
import { describe, expect, it } from 'vitest';
import type { IDBFactory } from 'fake-indexeddb';
import { DB_NAME, LibraryError, type SaveInput } from '../../../utils/library/store';
import { SCHEMA_VERSION, validateStoredRow } from '../../../utils/library/schema';
import { articleInput, freshLibrary, packInputs, tickingClock } from './helpers';

const HOSTILE = '<p onclick="x()">Numbat «ñ» 😀 at the harbour<script>alert(1)</script></p>';
const clean = (html: string) => html.replace(/<script>.*?<\/script>/g, '').replace(/ onclick="[^"]*"/g, '');
const ids = (r: { items: Array<{ id: string }> }) => r.items.map((i) => i.id);

/** the keys of the library's meta store that hold packs */
async function packKeys(factory: IDBFactory): Promise<string[]> {
  const db = await new Promise<IDBDatabase>((res, rej) => {
    const q = factory.open(DB_NAME);
    q.onsuccess = () => res(q.result);
    q.onerror = () => rej(q.error);
  });
  try {
    const keys = await new Promise<IDBValidKey[]>((res, rej) => {
      const q = db.transaction('meta').objectStore('meta').getAllKeys();
      q.onsuccess = () => res(q.result);
      q.onerror = () => rej(q.error);
    });
    return keys.map(String).filter((k) => k.startsWith('pack:'));
  } finally {
    db.close();
  }
}

describe('imported bodies kept as ranges of the import file', () => {
  it('are stored as ranges, shown and exported as the html they stand for, cleaned and indexed; the file goes when none waits', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const plain: SaveInput[] = [
      articleInput(1, { html: HOSTILE, words: 6, excerpt: 'Numbat' }),
      { url: 'https://a.example/link', title: 'Only a link' },
      articleInput(2, { html: '<p>Second \\ "quoted" \n story about quolls</p>' }),
    ];
    const { inputs, pack } = packInputs(plain);
    expect(inputs[0]!.rawBody).toBeTruthy();
    const [a, link, b] = await lib.saveMany(inputs, { ifExists: 'skip', untrusted: true, pack });
    expect(await packKeys(factory)).toHaveLength(1);
    expect(await lib.pendingCount()).toBe(2);
    expect(await lib.get(a.id)).toMatchObject({ hasContent: true, words: 6, excerpt: 'Numbat', html: HOSTILE });
    expect(await lib.get(link.id)).toMatchObject({ hasContent: false, html: '' });
    expect((await lib.get(b.id))!.html).toBe(plain[2]!.html);
    expect(ids(await lib.search('numbat'))).toEqual([]);

    // exports: sanitised on the way with `clean`, refused without
    const exported = await lib.getMany(undefined, { clean });
    expect(exported.damaged).toEqual([]);
    expect(exported.items.find((i) => i.id === a.id)!.html).toBe(clean(HOSTILE));
    await expect(lib.getMany()).rejects.toMatchObject({ code: 'pending' });
    const json: Uint8Array[] = [];
    for await (const batch of lib.readBatches(undefined, { bodyAs: 'json', clean, batch: 2 })) json.push(...batch.json!);
    expect(json.map((j) => JSON.parse(new TextDecoder().decode(j)))).toContain(clean(HOSTILE));

    expect(await lib.cleanPending(1, clean)).toMatchObject({ cleaned: 1, remaining: 1 });
    // one body still waits: the file is kept
    expect(await packKeys(factory)).toHaveLength(1);
    expect(await lib.cleanPending(10, clean)).toMatchObject({ cleaned: 1, remaining: 0 });
    expect(await packKeys(factory)).toEqual([]);
    expect((await lib.get(a.id))!.html).toBe(clean(HOSTILE));
    expect((await lib.get(b.id))!.html).toBe(plain[2]!.html);
    expect(ids(await lib.search('numbat'))).toEqual([a.id]);
    expect(ids(await lib.search('quolls'))).toEqual([b.id]);
  });

  it('give the same library as the same bodies stored inline', async () => {
    const plain = Array.from({ length: 12 }, (_, i) =>
      articleInput(i + 1, { html: i % 4 === 3 ? null : `<p>Story ${i} — ${'é😀'.repeat(i)} <b>bold</b></p>`, words: 10 + i, excerpt: `Ex ${i}`, tags: [`t${i % 3}`] }),
    );
    const inline = freshLibrary({ now: tickingClock() });
    const packed = freshLibrary({ now: tickingClock() });
    const r1 = await inline.lib.saveMany(plain, { ifExists: 'skip', untrusted: true });
    const { inputs, pack } = packInputs(plain);
    const r2 = await packed.lib.saveMany(inputs, { ifExists: 'skip', untrusted: true, pack });
    expect(r2).toEqual(r1);
    expect(await packed.lib.getMany(undefined, { clean })).toEqual(await inline.lib.getMany(undefined, { clean }));
    expect(await packed.lib.pendingCount()).toBe(await inline.lib.pendingCount());
    expect(await packed.lib.cleanPending(5, clean)).toEqual({ ...(await inline.lib.cleanPending(5, clean)), timings: expect.anything() });
    expect(await packed.lib.cleanPending(50, clean)).toMatchObject({ remaining: 0 });
    await inline.lib.cleanPending(50, clean);
    expect(await packed.lib.getMany()).toEqual(await inline.lib.getMany(undefined, { clean }));
  });

  it('two imports waiting at once each keep their own file until every body of both is clean', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const one = packInputs([articleInput(1, { html: '<p>first file wallaby</p>' })]);
    const two = packInputs([articleInput(2, { html: '<p>second file dingo</p>' })], '{"format":"lectern","items":[');
    await lib.saveMany(one.inputs, { ifExists: 'skip', untrusted: true, pack: one.pack });
    await lib.saveMany(two.inputs, { ifExists: 'skip', untrusted: true, pack: two.pack });
    expect(await packKeys(factory)).toHaveLength(2);
    expect(await lib.cleanPending(1, clean)).toMatchObject({ cleaned: 1, remaining: 1 });
    expect(await packKeys(factory)).toHaveLength(2);
    expect(await lib.cleanPending(1, clean)).toMatchObject({ cleaned: 1, remaining: 0 });
    expect(await packKeys(factory)).toEqual([]);
    expect(ids(await lib.search('wallaby'))).toHaveLength(1);
    expect(ids(await lib.search('dingo'))).toHaveLength(1);
  });

  it('a file none of whose articles is written (all already saved) is not stored', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    await lib.save(articleInput(1, { html: '<p>saved before</p>' }));
    const { inputs, pack } = packInputs([articleInput(1, { html: '<p>from the file</p>' })]);
    const [r] = await lib.saveMany(inputs, { ifExists: 'skip', untrusted: true, pack });
    expect(r!.skipped).toBe(true);
    expect(await packKeys(factory)).toEqual([]);
    expect(await lib.pendingCount()).toBe(0);
  });

  it('delete hands the html back for an Undo, which comes back pending; clear() drops the files', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const { inputs, pack } = packInputs([articleInput(1, { html: HOSTILE }), articleInput(2, { html: '<p>kept</p>' })]);
    const [a] = await lib.saveMany(inputs, { ifExists: 'skip', untrusted: true, pack });
    const deleted = await lib.delete([a!.id]);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.html).toBe(HOSTILE);
    await lib.restore(deleted);
    expect((await lib.get(a!.id))!.html).toBe(HOSTILE);
    expect(await lib.pendingCount()).toBe(2);
    await lib.clear();
    expect(await packKeys(factory)).toEqual([]);
    expect(await lib.pendingCount()).toBe(0);
    expect((await lib.list()).total).toBe(0);
  });

  it('a body whose file is missing is reported damaged, never shown or exported, and stops waiting', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const { inputs } = packInputs([articleInput(1, { html: '<p>x</p>' })]);
    // a pack shorter than the range: as if the stored file were cut short
    const [a] = await lib.saveMany(
      [{ ...inputs[0]!, rawBody: { start: 0, end: 3 } }],
      { ifExists: 'skip', untrusted: true, pack: new Blob(['abc']) },
    );
    await expect(lib.get(a!.id)).rejects.toMatchObject({ code: 'damaged' });
    const got = await lib.getMany(undefined, { clean });
    expect(got.items).toEqual([]);
    expect(got.damaged.map((d) => d.id)).toEqual([a!.id]);
    expect(await lib.cleanPending(10, clean)).toMatchObject({ cleaned: 0, remaining: 0 });
  });

  it('refuses a range outside the file, without words/excerpt, or without a pack — and writes nothing', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const { inputs, pack } = packInputs([articleInput(1, { html: '<p>ok</p>' }), articleInput(2, { html: '<p>two</p>' })]);
    const bad: Array<[SaveInput[], Blob | undefined]> = [
      [[inputs[0]!, { ...inputs[1]!, rawBody: { start: 5, end: pack.size + 1 } }], pack],
      [[inputs[0]!, { ...inputs[1]!, rawBody: { start: 4, end: 2 } }], pack],
      [[inputs[0]!, { ...inputs[1]!, words: undefined }], pack],
      [[inputs[0]!, { ...inputs[1]!, excerpt: null }], pack],
      [inputs, undefined],
    ];
    for (const [list, p] of bad) {
      const e = await lib.saveMany(list, { ifExists: 'skip', untrusted: true, pack: p }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(LibraryError);
      expect(e).toMatchObject({ code: 'invalid-input' });
    }
    await expect(lib.saveMany(inputs, { ifExists: 'skip', pack })).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await lib.list()).total).toBe(0);
  });

  it('the entry names its range (no body record is written); whichever body is written last wins', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    // saved normally first, then imported again with `update`: the file's body replaces the record
    const saved = await lib.save(articleInput(1, { html: '<p>first saved copy</p>' }));
    const first = packInputs([articleInput(1, { html: '<p>imported copy emu</p>' })]);
    const [r1] = await lib.saveMany(first.inputs, { ifExists: 'update', untrusted: true, pack: first.pack });
    expect(r1).toMatchObject({ id: saved.id, updated: true });
    expect((await lib.get(saved.id))!.html).toBe('<p>imported copy emu</p>');
    expect(await lib.get(saved.id)).not.toHaveProperty('packed');
    expect((await lib.list()).items[0]).not.toHaveProperty('packed');
    // a link saved over it (no content) keeps the imported body
    await lib.save({ url: articleInput(1).url, title: null });
    expect((await lib.get(saved.id))!.html).toBe('<p>imported copy emu</p>');
    // saved again with content before it was cleaned: the new record wins; cleaning leaves it as it is
    await lib.save(articleInput(1, { html: '<p>saved again</p>' }));
    expect((await lib.get(saved.id))!.html).toBe('<p>saved again</p>');
    expect(await lib.cleanPending(10, clean)).toMatchObject({ cleaned: 0, remaining: 0 });
    expect((await lib.get(saved.id))!.html).toBe('<p>saved again</p>');
    expect(await packKeys(factory)).toEqual([]);
    // and an import over that again: the file's body again
    const second = packInputs([articleInput(1, { html: '<p>second import</p>' })]);
    await lib.saveMany(second.inputs, { ifExists: 'update', untrusted: true, pack: second.pack });
    expect((await lib.get(saved.id))!.html).toBe('<p>second import</p>');
    expect(await lib.cleanPending(10, clean)).toMatchObject({ cleaned: 1, remaining: 0 });
    expect((await lib.get(saved.id))!.html).toBe('<p>second import</p>');
  });

  it('a stored row whose range is not three whole numbers is damaged', () => {
    const row = { ...validRow(), packed: { pack: 3, at: 10, len: 20 } };
    expect(validateStoredRow(row).ok).toBe(true);
    for (const packed of [{ pack: 3, at: -1, len: 20 }, { pack: 3, at: 1.5, len: 2 }, 'x', null, { pack: 1 }]) {
      expect(validateStoredRow({ ...row, packed }).ok, JSON.stringify(packed)).toBe(false);
    }
  });
});

/** Drain an export read (readBatches) from its second batch on: ids, html, damaged ids. */
async function rest(gen: AsyncGenerator<{ items: Array<{ id: string; html: string }>; damaged: Array<{ id: string }> }>) {
  const got: Array<[string, string]> = [];
  const damaged: string[] = [];
  for (;;) {
    const n = await gen.next();
    if (n.done) break;
    got.push(...n.value.items.map((i) => [i.id, i.html] as [string, string]));
    damaged.push(...n.value.damaged.map((d) => d.id));
  }
  return { got, damaged };
}

describe('an export outlives deletes and re-imports of waiting bodies (review findings)', () => {
  const three = (body: string): SaveInput[] => [1, 2, 3].map((i) => articleInput(i, { html: `<p>${body} ${i}</p>`, words: 2, excerpt: 'x' }));

  for (const drained of [false, true]) {
    it(`an item deleted meanwhile is left out, not exported nor reported damaged${drained ? ' (its file dropped meanwhile)' : ''}`, async () => {
      const { lib } = freshLibrary({ now: tickingClock() });
      const { inputs, pack } = packInputs(three('Body'));
      await lib.saveMany(inputs, { ifExists: 'skip', untrusted: true, pack });
      const gen = lib.readBatches(undefined, { batch: 1, ahead: 1, clean });
      const first = await gen.next();
      const order = (await lib.list()).items.map((i) => i.id);
      await lib.delete([order[2]!]);
      if (drained) expect(await lib.cleanPending(100, clean)).toMatchObject({ remaining: 0 });
      const { got, damaged } = await rest(gen);
      expect({ ids: [...(first.value as { items: Array<{ id: string }> }).items.map((i) => i.id), ...got.map(([id]) => id)], damaged }).toEqual({ ids: order.slice(0, 2), damaged: [] });
    });
  }

  it('an item imported again (update) meanwhile is exported with the new body, not the old file\'s', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const a = packInputs(three('Old body'));
    await lib.saveMany(a.inputs, { ifExists: 'skip', untrusted: true, pack: a.pack });
    const gen = lib.readBatches(undefined, { batch: 1, ahead: 1, clean });
    await gen.next();
    const order = (await lib.list()).items.map((i) => i.id);
    const b = packInputs(three('NEW body with more text'), '{"pad":"zzzzzzzzzzzzzzzz","items":[');
    await lib.saveMany(b.inputs, { ifExists: 'update', untrusted: true, pack: b.pack });
    const { got, damaged } = await rest(gen);
    expect(damaged).toEqual([]);
    expect(got.at(-1)).toEqual([order[2], (await lib.get(order[2]!))!.html]);
    expect(got.at(-1)![1]).toContain('NEW body');
  });

  it('an article deleted and imported again from a backup meanwhile is exported whole, never as an empty article', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const plain = three('Body');
    for (const p of plain) await lib.save(p);
    const gen = lib.readBatches(undefined, { batch: 1, ahead: 1, clean });
    await gen.next();
    const order = (await lib.list()).items.map((i) => i.id);
    await lib.delete([order[2]!]);
    const { inputs, pack } = packInputs(plain);
    await lib.saveMany(inputs, { ifExists: 'skip', untrusted: true, pack });
    const exported = new Map((await rest(gen)).got);
    expect(exported.has(order[2]!) ? exported.get(order[2]!) : 'left out').not.toBe('');
  });
});

/** a valid stored row, as the store writes it */
function validRow() {
  return {
    id: 'a',
    url: 'https://a.example/',
    title: 'A',
    byline: null,
    source: null,
    aggregator: null,
    published: null,
    savedAt: '2026-01-01T00:00:00.000Z',
    tags: [],
    archived: false,
    favourite: false,
    words: 1,
    hasContent: true,
    canonicalUrl: null,
    excerpt: '',
    leadImage: null,
    readingMinutes: 1,
    lang: null,
    dir: null,
    read: false,
    progress: 0,
    updatedAt: '2026-01-01T00:00:00.000Z',
    schema: SCHEMA_VERSION,
    idKey: 'k',
    urlKeys: [],
    titleKey: null,
  };
}
