/**
 * Cleaning indexes each sanitised body through an Indexer: in the calling thread (indexHere) or
 * in a worker beside it (utils/library/index-worker.ts, started by dom-tasks.ts), answering
 * later. Both must give the library exactly what indexing in place gave.
 */
import { describe, expect, it, vi } from 'vitest';
import { htmlToText, indexBody, indexTerms } from '../../../utils/library/search';
import type { Indexer } from '../../../utils/library/store';
import { indexHere } from '../../../utils/library/store';
import { articleInput, freshLibrary, tickingClock } from './helpers';

const clean = (html: string) => html.replace(/<script>.*?<\/script>/g, '').replace(/<form>.*?<\/form>/g, '');

describe('indexing a cleaned body', () => {
  it('indexBody: the terms of its text and excerpt, its words when asked, the excerpt made when missing', () => {
    const html = '<h2>Quolls</h2><p>The quoll census — “eighty” quolls — counted 80 of them.</p>';
    const text = htmlToText(html);
    expect(indexBody(html, 'Given', false)).toEqual({ terms: indexTerms(`${text}\nGiven`), words: -1, excerpt: 'Given' });
    const made = indexBody(html, null, true);
    expect(made.excerpt).toBe(text.slice(0, 200));
    expect(made.terms).toEqual(indexTerms(`${text}\n${text.slice(0, 200)}`));
    expect(made.words).toBe(10);
  });

  it('the worker answers each request with indexBody, by id, and reports a failure instead of dying', async () => {
    const posted: unknown[] = [];
    const scope = { onmessage: null as null | ((e: { data: unknown }) => void), postMessage: (m: unknown) => posted.push(m) };
    vi.stubGlobal('self', scope);
    vi.resetModules();
    await import('../../../utils/library/index-worker');
    scope.onmessage!({ data: { id: 7, html: '<p>Wombat tide</p>', excerpt: null, counts: true } });
    scope.onmessage!({ data: { id: 8, html: null, excerpt: null, counts: false } });
    vi.unstubAllGlobals();
    expect(posted[0]).toEqual({ id: 7, result: indexBody('<p>Wombat tide</p>', null, true) });
    expect(posted[1]).toMatchObject({ id: 8, error: expect.any(String) });
  });

  it('cleanPending with an indexer that answers later (a worker) stores what indexing in place stores', async () => {
    const inputs = Array.from({ length: 9 }, (_, i) =>
      articleInput(i + 1, { html: `<p>Story ${i} numbat${i}</p><form>Subscribe</form><script>x()</script>`, ...(i % 2 ? { words: 50, excerpt: 'Given' } : {}) }),
    );
    const inPlace = freshLibrary({ now: tickingClock() });
    const beside = freshLibrary({ now: tickingClock() });
    await inPlace.lib.saveMany(inputs, { ifExists: 'skip', untrusted: true });
    await beside.lib.saveMany(inputs, { ifExists: 'skip', untrusted: true });
    // answers in reverse order, a few ms later
    const later: Indexer = (html, excerpt, counts) =>
      new Promise((resolve) => setTimeout(() => resolve(indexHere(html, excerpt, counts)), 20 - html.length % 7));
    const a = await inPlace.lib.cleanPending(100, clean);
    const b = await beside.lib.cleanPending(100, clean, later);
    expect({ ...b, timings: null }).toEqual({ ...a, timings: null });
    expect(await beside.lib.getMany()).toEqual(await inPlace.lib.getMany());
    for (let i = 0; i < 9; i++) {
      expect((await beside.lib.search(`numbat${i}`)).items.map((x) => x.title)).toEqual((await inPlace.lib.search(`numbat${i}`)).items.map((x) => x.title));
      expect((await beside.lib.search(`numbat${i}`)).items).toHaveLength(1);
    }
    expect((await beside.lib.search('subscribe')).items).toEqual([]);
  });
});
