/**
 * saveMany of many items (an import) matches each item against an in-memory copy of the
 * identity indexes read once in its transaction (MemoryFinder) instead of ~4 index requests per
 * item. It must decide exactly as the per-item lookups do: same merges, same skips, same ids,
 * same rows — checked here on random libraries and files full of near-duplicates.
 */
import { describe, expect, it } from 'vitest';
import { IDBFactory } from 'fake-indexeddb';
import { BULK_MIN, Library, type SaveInput } from '../../../utils/library/store';
import { rng } from './helpers';

const NOW = () => new Date('2026-05-01T12:00:00.000Z');

/** inputs drawn from a small pool of URLs, canonicals, publishers and titles: many collide */
function randomInputs(seed: number, n: number): SaveInput[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const stories = Array.from({ length: Math.max(4, Math.floor(n / 3)) }, (_, i) => i);
  return Array.from({ length: n }, (_, k) => {
    const s = pick(stories);
    const via = pick(['https://www.inkl.com/news/', 'https://www.msn.com/en-us/news/', 'https://news.yahoo.com/', 'https://pub.example/']);
    const withSource = r() < 0.7;
    // sometimes the "same" story names another original (a conflict: never merged by title)
    const original = `https://publisher${s % 4}.example/${r() < 0.1 ? 'other-' : ''}story-${s}`;
    return {
      url: `${via}story-${s}${r() < 0.3 ? '?utm_source=x' : ''}`,
      title: r() < 0.1 ? null : `Story ${r() < 0.2 ? Math.floor(s / 2) : s}`,
      source: withSource ? { name: `Publisher ${s % 4}`, url: r() < 0.8 ? original : null } : null,
      canonicalUrl: r() < 0.3 ? original : null,
      html: r() < 0.6 ? `<p>Text ${k} of story ${s}</p>` : null,
      tags: r() < 0.3 ? [pick(['a', 'b', 'C'])] : [],
      savedAt: new Date(Date.UTC(2026, 0, 1) + k * 60_000).toISOString(),
      archived: r() < 0.2,
      favourite: r() < 0.1,
    };
  });
}

async function run(seed: number, bulkFrom: number, ifExists: 'update' | 'skip', untrusted: boolean) {
  const lib = new Library({ indexedDB: new IDBFactory(), now: NOW, autoCompact: false, bulkFrom });
  // an existing library (saved one by one), then a big file
  for (const input of randomInputs(seed, 40)) await lib.save(input);
  const results = await lib.saveMany(randomInputs(seed + 1, 300), { ifExists, untrusted });
  // (pending imported bodies are handed out through a stand-in sanitiser that changes nothing)
  const { items, damaged } = await lib.getMany(undefined, { clean: (html) => html });
  return { results, items, damaged, pending: await lib.pendingCount() };
}

describe('saveMany in bulk (in-memory matching) decides exactly as per-item lookups', () => {
  for (const ifExists of ['skip', 'update'] as const) {
    for (const seed of [1, 2, 3, 4, 5]) {
      it(`ifExists ${ifExists}, seed ${seed}`, async () => {
        const reference = await run(seed, Infinity, ifExists, ifExists === 'skip');
        const bulk = await run(seed, 0, ifExists, ifExists === 'skip');
        expect(bulk.results).toEqual(reference.results);
        expect(bulk.items).toEqual(reference.items);
        expect(bulk.pending).toBe(reference.pending);
        expect(bulk.damaged).toEqual([]);
        // the files really do merge and skip (the comparison means something)
        expect(reference.results.some((x) => x.skipped || x.updated)).toBe(true);
        expect(reference.results.some((x) => !x.skipped && !x.updated)).toBe(true);
      });
    }
  }

  it('uses the bulk path from BULK_MIN items, and it is all or nothing too', async () => {
    expect(BULK_MIN).toBeGreaterThan(1);
    const lib = new Library({ indexedDB: new IDBFactory(), now: NOW, autoCompact: false });
    const inputs = randomInputs(9, BULK_MIN);
    // one bad input (no URL) anywhere: nothing is written
    await expect(lib.saveMany([...inputs, { url: '' }])).rejects.toMatchObject({ code: 'invalid-input' });
    expect((await lib.list()).total).toBe(0);
    const r = await lib.saveMany(inputs, { ifExists: 'skip' });
    expect((await lib.list()).total).toBe(new Set(r.map((x) => x.id)).size);
  });
});

describe('findSavedMany (an import preview) answers exactly as findSaved does for each', () => {
  for (const seed of [1, 2, 3]) {
    it(`seed ${seed}: in memory (bulk) and by index (few) both equal findSaved one by one`, async () => {
      const lib = new Library({ indexedDB: new IDBFactory(), now: NOW, autoCompact: false });
      for (const input of randomInputs(seed, 60)) await lib.save(input);
      const file = randomInputs(seed + 1, 200);
      const one = await Promise.all(file.map((x) => lib.findSaved(x)));
      expect(await lib.findSavedMany(file)).toEqual(one);
      // fewer than BULK_MIN: the per-item path, same answers
      expect(await lib.findSavedMany(file.slice(0, BULK_MIN - 1))).toEqual(one.slice(0, BULK_MIN - 1));
      // the comparison means something: some are found, some are not
      expect(one.some((r) => r !== null)).toBe(true);
      expect(one.some((r) => r === null)).toBe(true);
    });
  }
});
