// @vitest-environment jsdom
/**
 * Cleaning indexes each sanitised body in a worker beside the sanitiser (dom-tasks indexBeside):
 * whatever the worker does — answers out of order, never loads, dies mid-batch, cannot be made,
 * or loads and never answers — cleaning finishes and stores exactly what indexing in place
 * stores. (A stand-in Worker; the real one runs in the e2e suite and bench:import:browser.)
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Library } from '../../../utils/library/store';
import { indexBody } from '../../../utils/library/search';
import { articleInput, tickingClock } from '../library/helpers';

type Mode = 'answers' | 'never-loads' | 'dies-after-2' | 'silent' | 'throws-in-ctor';
let mode: Mode = 'answers';
class FakeWorker {
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  posted = 0;
  terminated = false;
  constructor() {
    if (mode === 'throws-in-ctor') throw new Error('no workers here');
    if (mode === 'never-loads') setTimeout(() => this.onerror?.(new Event('error')), 5);
  }
  postMessage(m: { id: number; html: string; excerpt: string | null; counts: boolean }) {
    this.posted++;
    if (mode === 'never-loads' || mode === 'silent') return;
    if (mode === 'dies-after-2' && this.posted > 2) {
      if (this.posted === 3) setTimeout(() => this.onerror?.(new Event('error')), 1);
      return;
    }
    const data = structuredClone({ id: m.id, result: indexBody(m.html, m.excerpt, m.counts) });
    // later answers first
    setTimeout(() => {
      if (!this.terminated) this.onmessage?.({ data });
    }, 10 - this.posted);
  }
  terminate() {
    this.terminated = true;
  }
}

const HTML = (i: number) => `<p>Story ${i} numbat${i} tide</p><script>x()</script>`;
async function imported(): Promise<Library> {
  const lib = new Library({ indexedDB: new IDBFactory(), now: tickingClock(), autoCompact: false });
  const inputs = Array.from({ length: 6 }, (_, i) => articleInput(i + 1, { html: HTML(i), ...(i % 2 ? { words: 50, excerpt: 'Given' } : {}) }));
  await lib.saveMany(inputs, { ifExists: 'skip', untrusted: true });
  return lib;
}

async function runWith(m: Mode) {
  mode = m;
  vi.stubGlobal('Worker', FakeWorker);
  vi.resetModules();
  const tasks = await import('../../../utils/runtime/background/dom-tasks');
  tasks.indexing.timeoutMs = 200;
  const beside = await imported();
  const r = await tasks.runDomTask({ kind: 'clean', limit: 100 }, () => beside);
  // the reference: the same sanitiser (this window's DOMPurify), indexed in place (no Worker)
  vi.stubGlobal('Worker', undefined);
  vi.resetModules();
  const again = await import('../../../utils/runtime/background/dom-tasks');
  const inPlace = await imported();
  const ref = await again.runDomTask({ kind: 'clean', limit: 100 }, () => inPlace);
  return { r, ref, beside, inPlace };
}

afterEach(() => vi.unstubAllGlobals());

describe('cleaning with an indexing worker beside the sanitiser', () => {
  for (const m of ['answers', 'never-loads', 'dies-after-2', 'throws-in-ctor', 'silent'] as Mode[]) {
    it(`a worker that ${m}: cleaning finishes and stores what indexing in place stores`, async () => {
      const { r, ref, beside, inPlace } = await runWith(m);
      expect({ ...r, timings: null }).toEqual({ ...ref, timings: null });
      expect(await beside.getMany()).toEqual(await inPlace.getMany());
      for (let i = 0; i < 6; i++) expect((await beside.search(`numbat${i}`)).items).toHaveLength(1);
      expect(await beside.pendingCount()).toBe(0);
    });
  }
});
