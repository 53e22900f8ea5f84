/** Shared helpers for the library-store tests (fake-indexeddb, generated articles). */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { Library, type SaveInput } from '../../../utils/library/store';
import { seededRandom } from '../../../bench/score';

/** A Library on a fresh, empty, private IndexedDB. */
export function freshLibrary(opts: { now?: () => Date; factory?: IDBFactory } = {}): { lib: Library; factory: IDBFactory } {
  const factory = opts.factory ?? new IDBFactory();
  return { lib: new Library({ indexedDB: factory, now: opts.now }), factory };
}

/** A clock that advances one minute per call, from a fixed start. */
export function tickingClock(start = '2026-01-01T00:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => new Date((t += 60_000));
}

/** Deterministic PRNG (mulberry32), the one bench/score.ts uses for its bootstrap. */
export const rng: (seed: number) => () => number = seededRandom;

const SYLL = ['ka', 'lo', 'mer', 'tin', 'sa', 'ro', 'vel', 'du', 'pra', 'ne', 'quo', 'zi', 'bar', 'ton', 'el', 'fi', 'gra', 'mun', 'os', 'ter'];

/** A vocabulary of distinct pseudo-words (articleHtml samples it Zipf-like). */
export function vocabulary(size: number, seed = 1): string[] {
  const r = rng(seed);
  const out = new Set<string>();
  while (out.size < size) {
    const n = 2 + Math.floor(r() * 3);
    let w = '';
    for (let i = 0; i < n; i++) w += SYLL[Math.floor(r() * SYLL.length)];
    out.add(w);
  }
  return [...out];
}

/** An article body of about `bytes` of HTML made of <p>s of pseudo-words, plus `extra` text at the very end. */
export function articleHtml(seed: number, bytes = 30_000, vocab = vocabulary(20_000), extra = ''): string {
  const r = rng(seed);
  const parts: string[] = ['<h2>Section one</h2>'];
  let len = 0;
  while (len < bytes) {
    const words: string[] = [];
    const n = 40 + Math.floor(r() * 60);
    for (let i = 0; i < n; i++) {
      // Zipf (s≈1), like word frequencies in English text: log-uniform rank
      const idx = Math.floor(Math.pow(vocab.length, r())) - 1;
      words.push(vocab[idx]);
    }
    const p = `<p>${words.join(' ')}. <a href="https://example.org/${seed}">link</a> &amp; more</p>`;
    parts.push(p);
    len += p.length;
  }
  if (extra) parts.push(`<p>${extra}</p>`);
  return parts.join('\n');
}

export function articleInput(i: number, overrides: Partial<SaveInput> = {}): SaveInput {
  return {
    url: `https://www.inkl.com/news/story-${i}?utm_source=twitter`,
    title: `Story number ${i} about the harbour`,
    byline: `Reporter ${i % 7}`,
    source: { name: `Publisher ${i % 5}`, url: `https://publisher${i % 5}.example/news/story-${i}` },
    aggregator: 'inkl',
    published: '2026-03-01T10:00:00Z',
    html: `<p>Body of story ${i}. The harbour council met.</p>`,
    ...overrides,
  };
}

/**
 * `inputs` as an import of a Lectern JSON file read from its bytes gives them: each html (not
 * blank) as the range of its JSON string literal in one pack, words and excerpt filled in when
 * missing (an input with a range must carry them). Pass the pack to saveMany(…, { pack }).
 */
export function packInputs(inputs: SaveInput[], prefix = '{"items":['): { inputs: SaveInput[]; pack: Blob; bytes: Uint8Array } {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [enc.encode(prefix)];
  let at = parts[0]!.length;
  const out = inputs.map((input) => {
    if (typeof input.html !== 'string' || !input.html.trim()) return input;
    const lit = enc.encode(JSON.stringify(input.html));
    const start = at + 1;
    parts.push(enc.encode(','), lit);
    at += 1 + lit.length;
    const { html: _html, ...rest } = input;
    return { ...rest, words: input.words ?? 7, excerpt: input.excerpt ?? 'An excerpt', rawBody: { start, end: start + lit.length } };
  });
  const bytes = new Uint8Array(at);
  let k = 0;
  for (const p of parts) {
    bytes.set(p, k);
    k += p.length;
  }
  return { inputs: out, pack: new Blob([bytes]), bytes };
}

/** Write a raw record straight into the database, bypassing the Library (a damaged disk record). */
export async function putRaw(factory: IDBFactory, store: string, value: unknown): Promise<void> {
  const db: IDBDatabase = await new Promise((resolve, reject) => {
    const req = factory.open('lectern-library');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  await new Promise<void>((resolve, reject) => {
    const tx = db.transaction([store, 'meta'], 'readwrite');
    tx.objectStore(store).put(value);
    // bump the revision like any write, so warm caches notice
    const meta = tx.objectStore('meta');
    const g = meta.get('rev');
    g.onsuccess = () => meta.put(((g.result as number | undefined) ?? 0) + 1000, 'rev');
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
  });
  db.close();
}
