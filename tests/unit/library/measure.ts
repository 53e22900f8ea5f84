/**
 * Library-store measurements in Node + fake-indexeddb (NOT a unit test, not run by vitest):
 *   npx tsx --max-old-space-size=12000 tests/unit/library/measure.ts [items=10000] [kb=30]
 * Prints the time to list the first 50 rows from a cold start, to load every row + build the
 * title/author index, search p50/p95, save p50/p95 and the index sizes. fake-indexeddb is a
 * pure-JS IndexedDB, much slower than Chromium's; the real-browser numbers come from
 * `bench:library` (BENCH).
 */
import { IDBFactory } from 'fake-indexeddb';
import { articleHtml, articleInput, rng, vocabulary } from './helpers';
import { Library, type SaveInput } from '../../../utils/library/store';
import { LightIndex, htmlToText, indexTerms } from '../../../utils/library/search';


const N = Number(process.argv[2] ?? 10_000);
const KB = Number(process.argv[3] ?? 30);
const vocab = vocabulary(50_000);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}
const fmt = (x: number) => `${x.toFixed(1)} ms`;

function input(i: number): SaveInput {
  const extra = i % 1000 === 7 ? `the rare word quixotically${i}` : '';
  return articleInput(i, {
    html: articleHtml(i, KB * 1000, vocab, extra),
    savedAt: new Date(Date.parse('2024-01-01T00:00:00Z') + i * 60_000).toISOString(),
    tags: i % 10 === 0 ? ['climate'] : [],
  });
}

async function main() {
  const factory = new IDBFactory();
  const lib = new Library({ indexedDB: factory });
  const t0 = performance.now();
  let prepMs = 0;
  for (let i = 0; i < N; i += 100) {
    const batch: SaveInput[] = [];
    for (let j = i; j < Math.min(N, i + 100); j++) batch.push(input(j));
    const tp = performance.now();
    for (const b of batch) indexTerms(htmlToText(b.html!));
    prepMs += performance.now() - tp;
    await lib.saveMany(batch);
    if ((i / 100) % 10 === 0) process.stdout.write(`\rseeded ${i + batch.length}/${N} (${((performance.now() - t0) / 1000).toFixed(0)} s, heap ${(process.memoryUsage().heapUsed / 1e9).toFixed(2)} GB)`);
  }
  console.log(`\nseeded ${N} × ~${KB} KB in ${((performance.now() - t0) / 1000).toFixed(1)} s (text+terms CPU per item ${(prepMs / N).toFixed(2)} ms)`);

  // cold start: a new Library (the popup / a restarted service worker) lists the first 50
  await lib.close();
  const cold = new Library({ indexedDB: factory });
  let t = performance.now();
  const first = await cold.list({ limit: 50 });
  const firstMs = performance.now() - t;
  t = performance.now();
  const first2 = await cold.list({ limit: 50 });
  const first2Ms = performance.now() - t;
  t = performance.now();
  await cold.warm();
  const warmMs = performance.now() - t;
  t = performance.now();
  const warmList = await cold.list({ limit: 50 });
  const warmListMs = performance.now() - t;
  t = performance.now();
  await cold.list({ filter: { unread: true, tag: 'climate' }, limit: 50 });
  const filterMs = performance.now() - t;
  if (first.items[0].id !== warmList.items[0].id || first.items.length !== 50 || first2.items.length !== 50) throw new Error('list mismatch');

  // search
  // 'quixotically7 ' (trailing space: the whole word) is deep in one body; without the space
  // it is also a prefix of quixotically7007
  const queries = ['quixotically7 ', 'quixotically9007', vocab[3], vocab[500], `${vocab[40]} ${vocab[900]}`, vocab[2000].slice(0, 5), 'story 123', 'harbour', 'publisher 3', 'reporter', 'climate', vocab[10000], 'storry'];
  const times: number[] = [];
  const hits: Record<string, number> = {};
  const slowest: Record<string, number> = {};
  for (let round = 0; round < 3; round++) {
    for (const q of queries) {
      const ts = performance.now();
      const r = await cold.search(q, { limit: 50 });
      const dt = performance.now() - ts;
      times.push(dt);
      hits[q] = r.total;
      slowest[q] = Math.max(slowest[q] ?? 0, Math.round(dt));
    }
  }
  if (hits['quixotically7 '] !== 1) throw new Error(`deep word not found: ${hits['quixotically7 ']}`);

  // saves: new articles, and re-saves of existing ones (dedupe path)
  const saveTimes: number[] = [];
  const r = rng(99);
  for (let k = 0; k < 100; k++) {
    const i = k % 2 ? N + k : Math.floor(r() * N);
    const inp = input(i);
    const ts = performance.now();
    await cold.save(inp);
    saveTimes.push(performance.now() - ts);
  }

  // sizes
  const db: IDBDatabase = await new Promise((res) => {
    const q = factory.open('lectern-library');
    q.onsuccess = () => res(q.result);
  });
  const all = <T>(store: string): Promise<T[]> =>
    new Promise((res) => {
      const q = db.transaction(store).objectStore(store).getAll();
      q.onsuccess = () => res(q.result as T[]);
    });
  const rows = await all<object>('items');
  await cold.idle();
  const segments = await all<{ docs: string[]; terms: string; postings: Uint8Array; offsets: Uint32Array }>('segments');
  const rowBytes = rows.reduce((s, x) => s + JSON.stringify(x).length, 0);
  const segBytes = segments.reduce((s, x) => s + x.postings.byteLength + x.offsets.byteLength + x.terms.length * 2 + x.docs.length * 14, 0);
  const postings = segments.reduce((s, x) => {
    let n = 0;
    for (const b of x.postings) if (b < 0x80) n++;
    return s + n;
  }, 0);
  const allRows = (await cold.list()).items;
  const tl = performance.now();
  new LightIndex().load(allRows);
  const lightBuildMs = performance.now() - tl;
  console.log(JSON.stringify({
    items: N,
    htmlKB: KB,
    listFirst50Cold: fmt(firstMs),
    listFirst50ColdAgain: fmt(first2Ms),
    warmAllRowsAndTitleIndex: fmt(warmMs),
    listFirst50Warm: fmt(warmListMs),
    listFiltered: fmt(filterMs),
    searchP50: fmt(pct(times, 50)),
    searchP95: fmt(pct(times, 95)),
    searchMax: fmt(Math.max(...times)),
    saveP50: fmt(pct(saveTimes, 50)),
    saveP95: fmt(pct(saveTimes, 95)),
    rowsMB: +(rowBytes / 1e6).toFixed(1),
    bodyIndexSegments: segments.length,
    bodyIndexPostings: postings,
    bodyIndexMB: +(segBytes / 1e6).toFixed(1),
    titleIndexBuild: fmt(lightBuildMs),
    heapGB: +(process.memoryUsage().heapUsed / 1e9).toFixed(2),
    hits,
    slowestMsPerQuery: slowest,
  }, null, 2));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
