/**
 * Imports store untrusted bodies raw and pending (saveMany `untrusted`); cleanPending sanitises
 * and indexes them later, in batches, where a DOM is. Here the "sanitiser" is a stand-in that
 * strips scripts and handlers and records what it was given, so the tests see exactly which
 * bodies went through it.
 */
import { describe, expect, it } from 'vitest';
import { articleInput, freshLibrary, tickingClock } from './helpers';

const HOSTILE = '<p onclick="x()">Wombatry at the harbour<script>alert(1)</script></p>';
/** stand-in sanitiser: drops scripts and handlers, records the base URL of each call */
function fakeClean(seen: string[] = []) {
  return (html: string, baseUrl: string) => {
    seen.push(baseUrl);
    return html.replace(/<script>.*?<\/script>/g, '').replace(/ onclick="[^"]*"/g, '');
  };
}
const ids = (r: { items: Array<{ id: string }> }) => r.items.map((i) => i.id);

describe('untrusted imports: pending until cleaned', () => {
  it('stores the body as it came, not indexed, pending (a link is not); cleanPending sanitises and indexes it', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const [a, link] = await lib.saveMany(
      [articleInput(1, { html: HOSTILE, words: 4, excerpt: 'At the harbour' }), { url: 'https://a.example/link', title: 'Only a link' }],
      { ifExists: 'skip', untrusted: true },
    );
    expect(await lib.pendingCount()).toBe(1);
    expect((await lib.stats()).pending).toBe(1);
    // the row is complete at once (its counts came with it); the body's words are not found yet
    expect(await lib.get(a.id)).toMatchObject({ hasContent: true, words: 4, html: HOSTILE });
    expect(await lib.get(link.id)).toMatchObject({ hasContent: false, html: '' });
    expect(ids(await lib.search('wombatry'))).toEqual([]);

    const seen: string[] = [];
    expect(await lib.cleanPending(250, fakeClean(seen))).toMatchObject({ cleaned: 1, remaining: 0, changed: [] });
    expect(seen).toEqual(['https://www.inkl.com/news/story-1?utm_source=twitter']);
    expect((await lib.get(a.id))!.html).toBe('<p>Wombatry at the harbour</p>');
    expect(ids(await lib.search('wombatry'))).toEqual([a.id]);
    expect(await lib.pendingCount()).toBe(0);
    // nothing left: nothing is read or cleaned again
    expect(await lib.cleanPending(250, fakeClean(seen))).toMatchObject({ cleaned: 0, remaining: 0, changed: [] });
    expect(seen).toHaveLength(1);
  });

  it('works in batches of `limit`, oldest first, and counts what is left', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const saved = await lib.saveMany(
      Array.from({ length: 7 }, (_, i) => articleInput(i + 1, { html: `<p>batchword${i + 1}</p>` })),
      { ifExists: 'skip', untrusted: true },
    );
    const seen: string[] = [];
    expect(await lib.cleanPending(3, fakeClean(seen))).toMatchObject({ cleaned: 3, remaining: 4 });
    expect(await lib.cleanPending(3, fakeClean(seen))).toMatchObject({ cleaned: 3, remaining: 1 });
    expect(await lib.cleanPending(3, fakeClean(seen))).toMatchObject({ cleaned: 1, remaining: 0 });
    expect(seen.map((u) => u.match(/story-(\d+)/)![1])).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    for (const [i, r] of saved.entries()) expect(ids(await lib.search(`batchword${i + 1}`))).toEqual([r.id]);
  });

  it('a body re-saved or deleted between the read and the write is left as it now is', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const [a, b] = await lib.saveMany([articleInput(1, { html: HOSTILE }), articleInput(2, { html: '<p>gone soon</p>' })], {
      ifExists: 'skip',
      untrusted: true,
    });
    const r = await lib.cleanPending(10, async (html, baseUrl) => {
      // meanwhile (the sanitiser is running): the user saves the article again, and deletes the other
      if (baseUrl.includes('story-1')) await lib.save(articleInput(1, { html: '<p>Fresh copy, kookaburra</p>' }));
      else await lib.delete([b.id]);
      return fakeClean()(html, baseUrl);
    });
    expect(r).toMatchObject({ cleaned: 0, remaining: 0, changed: [] });
    expect((await lib.get(a.id))!.html).toBe('<p>Fresh copy, kookaburra</p>');
    expect(await lib.get(b.id)).toBeNull();
    expect(ids(await lib.search('kookaburra'))).toEqual([a.id]);
    expect(ids(await lib.search('wombatry'))).toEqual([]);
  });

  it('a body that sanitises to nothing (or cannot be sanitised) makes its entry a link', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const [a, b] = await lib.saveMany([articleInput(1, { html: '<script>only()</script>' }), articleInput(2, { html: '<p>boom</p>' })], {
      ifExists: 'skip',
      untrusted: true,
    });
    const r = await lib.cleanPending(10, (html, baseUrl) => {
      if (baseUrl.includes('story-2')) throw new Error('parser crashed');
      return fakeClean()(html, baseUrl);
    });
    expect(r).toMatchObject({ cleaned: 2, remaining: 0, changed: [a.id, b.id] });
    for (const id of [a.id, b.id]) expect(await lib.get(id)).toMatchObject({ hasContent: false, words: 0, readingMinutes: 0, html: '' });
    expect((await lib.stats()).withContent).toBe(0);
  });

  it('ids saved while a batch was being cleaned stay pending; clear() forgets them all', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    await lib.saveMany([articleInput(1, { html: '<p>one</p>' })], { ifExists: 'skip', untrusted: true });
    const r = await lib.cleanPending(10, async (html, baseUrl) => {
      await lib.saveMany([articleInput(2, { html: '<p>two</p>' })], { ifExists: 'skip', untrusted: true });
      return fakeClean()(html, baseUrl);
    });
    expect(r).toMatchObject({ cleaned: 1, remaining: 1, changed: [] });
    expect(await lib.pendingCount()).toBe(1);
    await lib.clear();
    expect(await lib.pendingCount()).toBe(0);
    expect(await lib.cleanPending(10, fakeClean())).toMatchObject({ cleaned: 0, remaining: 0, changed: [] });
  });

  it('another Library on the same database sees the cleaned bodies in its search (segments are shared)', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    const other = freshLibrary({ factory }).lib;
    const [a] = await lib.saveMany([articleInput(1, { html: '<p>platypodes</p>' })], { ifExists: 'skip', untrusted: true });
    expect(ids(await other.search('platypodes'))).toEqual([]);
    await other.cleanPending(10, fakeClean());
    expect(ids(await lib.search('platypodes'))).toEqual([a.id]);
  });
});

describe('a pending body is never handed out as if clean (review findings)', () => {
  it('reads that hand bodies out (exports) sanitise a pending body with `clean`, or refuse without one', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const [a] = await lib.saveMany([articleInput(1, { html: HOSTILE })], { ifExists: 'skip', untrusted: true });
    await expect(lib.getMany()).rejects.toMatchObject({ code: 'pending' });
    const batches = lib.readBatches(undefined, { bodyAs: 'json' });
    await expect(batches.next()).rejects.toMatchObject({ code: 'pending' });
    const { items } = await lib.getMany(undefined, { clean: fakeClean() });
    expect(items.map((i) => [i.id, i.html])).toEqual([[a.id, '<p>Wombatry at the harbour</p>']]);
    const json: Uint8Array[] = [];
    for await (const b of lib.readBatches(undefined, { bodyAs: 'json', clean: fakeClean() })) json.push(...b.json!);
    expect(JSON.parse(new TextDecoder().decode(json[0]))).toBe('<p>Wombatry at the harbour</p>');
    // rows only (CSV, bookmarks): nothing to refuse
    expect((await lib.getMany(undefined, { html: false })).items).toHaveLength(1);
  });

  it('delete then Undo of a body not cleaned yet: it comes back pending, not as a clean copy', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const [a] = await lib.saveMany([articleInput(1, { html: HOSTILE })], { ifExists: 'skip', untrusted: true });
    const deleted = await lib.delete([a.id]);
    expect(await lib.pendingCount()).toBe(1); // (the id waits; the drain skips a missing body)
    await lib.restore(deleted);
    await expect(lib.getMany()).rejects.toMatchObject({ code: 'pending' });
    expect(ids(await lib.search('wombatry'))).toEqual([]);
    await lib.cleanPending(10, fakeClean());
    expect(await lib.pendingCount()).toBe(0);
    expect((await lib.getMany()).items[0].html).toBe('<p>Wombatry at the harbour</p>');
    expect(ids(await lib.search('wombatry'))).toEqual([a.id]);
  });

  it('an id imported again while its first body was being cleaned stays pending for the new body', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const [a] = await lib.saveMany([articleInput(1, { html: '<p>first copy</p>' })], { ifExists: 'skip', untrusted: true });
    const r = await lib.cleanPending(10, async (html, baseUrl) => {
      // meanwhile: the user deletes it and imports the same article again (same identity, same id)
      await lib.delete([a.id]);
      const [again] = await lib.saveMany([articleInput(1, { html: HOSTILE })], { ifExists: 'skip', untrusted: true });
      expect(again.id).toBe(a.id);
      return fakeClean()(html, baseUrl);
    });
    expect(r).toMatchObject({ cleaned: 0, remaining: 1 });
    await expect(lib.getMany()).rejects.toMatchObject({ code: 'pending' });
    expect(await lib.cleanPending(10, fakeClean())).toMatchObject({ cleaned: 1, remaining: 0 });
    expect((await lib.get(a.id))!.html).toBe('<p>Wombatry at the harbour</p>');
  });

  it('an id is pending once however often it is written raw', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    await lib.saveMany([articleInput(1, { html: '<p>one</p>' })], { ifExists: 'update', untrusted: true });
    await lib.saveMany([articleInput(1, { html: '<p>two</p>' }), articleInput(1, { html: '<p>three</p>' })], { ifExists: 'update', untrusted: true });
    expect(await lib.pendingCount()).toBe(1);
    expect(await lib.cleanPending(10, fakeClean())).toMatchObject({ cleaned: 1, remaining: 0 });
  });
});

describe('counts of an import that lacked them are taken again from the sanitised text', () => {
  const FORM = '<p>Tide tables for the harbour today.</p><form><label>Subscribe to our newsletter for many more words here</label></form>';
  /** stand-in sanitiser that drops a form with its text (the real one drops, e.g., a <video> with its fallback text) */
  const dropForms = (html: string) => html.replace(/<form>.*?<\/form>/g, '');

  it('words, reading time and excerpt derived from the raw html are counted again when it is cleaned; given ones are kept', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const [derived, given] = await lib.saveMany(
      [articleInput(1, { html: FORM }), articleInput(2, { html: FORM, words: 42, excerpt: 'Given excerpt', readingMinutes: 3 })],
      { ifExists: 'skip', untrusted: true },
    );
    // before cleaning: from the html as it came (the form's words included)
    const before = await lib.get(derived.id);
    expect(before).toMatchObject({ words: 15 });
    expect(before!.excerpt).toContain('Subscribe');
    const r = await lib.cleanPending(10, dropForms);
    expect(r).toMatchObject({ cleaned: 2, remaining: 0, changed: [derived.id] });
    const after = await lib.get(derived.id);
    expect(after).toMatchObject({ words: 6, excerpt: 'Tide tables for the harbour today.', readingMinutes: 1 });
    expect(after).not.toHaveProperty('recount');
    // what the file said is kept exactly (a backup re-imported is the library it was)
    expect(await lib.get(given.id)).toMatchObject({ words: 42, excerpt: 'Given excerpt', readingMinutes: 3 });
    // the entry's words are found by search, the dropped form's are not
    expect(ids(await lib.search('tide')).sort()).toEqual([derived.id, given.id].sort());
    expect(ids(await lib.search('newsletter'))).toEqual([]);
  });

  it('saved again with counts before it was cleaned: nothing is counted again', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const [a] = await lib.saveMany([articleInput(1, { html: FORM })], { ifExists: 'skip', untrusted: true });
    await lib.saveMany([articleInput(1, { html: '<p>Newer copy</p>', words: 99, excerpt: 'Newer' })], { ifExists: 'update', untrusted: true });
    await lib.cleanPending(10, dropForms);
    expect(await lib.get(a!.id)).toMatchObject({ words: 99, excerpt: 'Newer', html: '<p>Newer copy</p>' });
  });

  it('a body the sanitiser leaves nothing of: a link, and the excerpt that came from that html goes too', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const [derived, given] = await lib.saveMany(
      [articleInput(1, { html: '<form>Subscribe to watch</form>' }), articleInput(2, { html: '<form>Subscribe</form>', words: 3, excerpt: 'Given excerpt' })],
      { ifExists: 'skip', untrusted: true },
    );
    expect((await lib.get(derived.id))!.excerpt).toBe('Subscribe to watch');
    expect(await lib.cleanPending(10, dropForms)).toMatchObject({ cleaned: 2, remaining: 0 });
    expect(await lib.get(derived.id)).toMatchObject({ hasContent: false, words: 0, readingMinutes: 0, excerpt: '', html: '' });
    // an excerpt the file gave is the file's: kept
    expect(await lib.get(given.id)).toMatchObject({ hasContent: false, words: 0, excerpt: 'Given excerpt', html: '' });
  });
});
