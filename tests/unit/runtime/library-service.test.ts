/**
 * The background's library service (utils/runtime/background/library.ts) over fake-indexeddb
 * and wxt's fakeBrowser, in a service-worker-like context (no DOM): saving from a tab through
 * the reader script, links, list/get/update/delete/restore, exports that need no DOM, imports
 * (merge, dates/tags/state kept, bad files write nothing), failures resolved not thrown.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Library } from '../../../utils/library/store';
import type { Article } from '../../../utils/types';
import {
  clearLibrary,
  deleteSaved,
  exportSaved,
  getSaved,
  importPreview,
  importSaved,
  listSaved,
  restoreSaved,
  saveArticle,
  saveLink,
  savedState,
  setLibrary,
  updateSaved,
} from '../../../utils/runtime/background/library';
import { installTestHook } from '../../../utils/runtime/background/test-hook';
import { READER_SCRIPT } from '../../../utils/runtime/background/reader';
import { withDom } from '../../../utils/runtime/background/dom';

type Envelope = { lectern: 1; type: string; data: unknown };

const ORIGINAL = 'https://www.cascadeobserver.example/science/2026/02/27/tree-ring-study/';

function article(over: Partial<Article> = {}): Article {
  return {
    url: 'https://www.inkl.com/news/tree-ring-study',
    isArticle: true,
    aggregator: 'inkl',
    title: 'Tree-ring study pushes drought record back',
    byline: 'Priya Raman',
    source: { name: 'The Cascade Observer', url: ORIGINAL },
    published: '2026-02-27T08:00:00Z',
    canonicalUrl: null,
    lang: 'en',
    dir: 'ltr',
    leadImage: null,
    html: '<p>A new analysis of more than 1,300 tree-ring samples suggests a long history.</p><p>Second paragraph.</p>',
    text: 'A new analysis of more than 1,300 tree-ring samples suggests a long history.\nSecond paragraph.',
    excerpt: 'A new analysis…',
    words: 16,
    readingMinutes: 1,
    ...over,
  };
}

/** Tabs whose reader script answers `reader:article` with what the test says. */
function fakeTabs(pages: Record<number, unknown>, opts: { noScript?: number[] } = {}) {
  const sent: Array<[number, string]> = [];
  const injected = new Set<number>();
  vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation((async (tabId: number, message: Envelope) => {
    sent.push([tabId, message.type]);
    if (!injected.has(tabId)) throw new Error('Could not establish connection. Receiving end does not exist.');
    if (message.type === 'reader:ping') return { ok: true, open: false };
    if (message.type === 'reader:article') return pages[tabId];
    return { ok: true };
  }) as never);
  vi.spyOn(fakeBrowser.scripting, 'executeScript').mockImplementation((async (details: { target: { tabId: number } }) => {
    if (opts.noScript?.includes(details.target.tabId)) throw new Error('Cannot access contents of the page');
    injected.add(details.target.tabId);
    return [];
  }) as never);
  return { sent, injected };
}

const answer = (a: Article | null, url = a?.url ?? 'https://www.msn.com/en-us/news/us', title = 'MSN') => ({
  ok: true,
  url,
  title,
  aggregator: a?.aggregator ?? 'msn',
  article: a,
});

let fetchSpy: ReturnType<typeof vi.fn>;

beforeEach(() => {
  fakeBrowser.reset();
  setLibrary(new Library({ indexedDB: new IDBFactory(), autoCompact: false }));
  fetchSpy = vi.fn(() => Promise.reject(new Error('no network')));
  vi.stubGlobal('fetch', fetchSpy);
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  setLibrary(null);
});

describe('saveArticle / saveLink', () => {
  it('saves the article the tab\'s reader script extracts (injecting it first), once', async () => {
    const tabs = fakeTabs({ 7: answer(article()) });
    const first = await saveArticle(7);
    expect(first).toMatchObject({ ok: true, updated: false });
    expect(tabs.injected.has(7)).toBe(true);
    expect(fakeBrowser.scripting.executeScript).toHaveBeenCalledWith({ target: { tabId: 7 }, files: [READER_SCRIPT] });
    const again = await saveArticle(7);
    expect(again).toEqual({ ok: true, id: (first as { id: string }).id, updated: true });
    const list = await listSaved();
    expect(list).toMatchObject({ ok: true, total: 1 });
    const item = (list as { items: Array<Record<string, unknown>> }).items[0];
    expect(item).toMatchObject({
      url: 'https://www.inkl.com/news/tree-ring-study',
      aggregator: 'inkl',
      source: { name: 'The Cascade Observer', url: ORIGINAL },
      byline: 'Priya Raman',
      hasContent: true,
      words: 16,
    });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('the same article read on another aggregator updates the one entry', async () => {
    fakeTabs({
      1: answer(article()),
      2: answer(article({ url: 'https://www.yahoo.com/news/tree-ring-1.html', aggregator: 'yahoo', source: { name: 'The Cascade Observer', url: `${ORIGINAL}?utm_source=yahoo` } })),
    });
    const a = await saveArticle(1);
    const b = await saveArticle(2);
    expect(b).toEqual({ ok: true, id: (a as { id: string }).id, updated: true });
    expect((await listSaved()) as { total: number }).toMatchObject({ total: 1, items: [{ aggregator: 'yahoo' }] });
  });

  it('a page that is not an article is saved as a link without content', async () => {
    fakeTabs({ 3: answer(null, 'https://www.msn.com/en-us/news/us', 'MSN News') });
    expect(await saveArticle(3)).toMatchObject({ ok: true, updated: false });
    const [item] = ((await listSaved()) as { items: Array<Record<string, unknown>> }).items;
    expect(item).toMatchObject({ url: 'https://www.msn.com/en-us/news/us', title: 'MSN News', hasContent: false, words: 0, aggregator: 'msn' });
  });

  it('a tab the reader cannot run in is saved by its address; a browser page is an error, not a throw', async () => {
    fakeTabs({}, { noScript: [1, 2] });
    const pdf = (await fakeBrowser.tabs.create({ url: 'https://example.org/report.pdf' })) as { id?: number };
    const internal = (await fakeBrowser.tabs.create({ url: 'chrome://settings' })) as { id?: number };
    vi.mocked(fakeBrowser.scripting.executeScript).mockRejectedValue(new Error('Cannot access contents of the page'));
    expect(await saveArticle(pdf.id!)).toMatchObject({ ok: true, updated: false });
    expect(((await listSaved()) as { items: Array<{ url: string; hasContent: boolean }> }).items).toEqual([
      expect.objectContaining({ url: 'https://example.org/report.pdf', hasContent: false }),
    ]);
    expect(await saveArticle(internal.id!)).toEqual({ ok: false, error: 'Cannot access contents of the page' });
    expect(await saveArticle(-3)).toEqual({ ok: false, error: 'invalid-tab' });
  });

  it('withUndo resolves the entry as it was before the save (null when new)', async () => {
    fakeTabs({ 4: answer(article()) });
    const first = (await saveArticle(4, { withUndo: true })) as { id: string; previous: unknown };
    expect(first.previous).toBeNull();
    await updateSaved([first.id], { tags: ['keep'] });
    const before = ((await getSaved(first.id)) as { item: unknown }).item;
    const second = (await saveArticle(4, { withUndo: true })) as { previous: unknown; updated: boolean };
    expect(second.updated).toBe(true);
    expect(second.previous).toEqual(before);
    // Undo of the update: restore; Undo of the first save: delete
    expect(await restoreSaved([second.previous as never])).toEqual({ ok: true });
    expect(((await getSaved(first.id)) as { item: unknown }).item).toEqual(before);
  });

  it('saveLink stores a link without content and never fetches it; non-web URLs are refused', async () => {
    const r = await saveLink('https://news.example/story?utm_source=x#top', '  A story ');
    expect(r).toMatchObject({ ok: true, updated: false });
    expect(await saveLink('https://news.example/story', 'A story')).toMatchObject({ ok: true, updated: true });
    expect(await saveLink('javascript:alert(1)', 'x')).toMatchObject({ ok: false });
    expect(await saveLink('file:///etc/passwd', 'x')).toMatchObject({ ok: false });
    const list = (await listSaved()) as { items: Array<{ title: string; hasContent: boolean }> };
    expect(list.items).toHaveLength(1);
    expect(list.items[0]).toMatchObject({ title: 'A story', hasContent: false });
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('savedState tells whether the tab\'s page is saved, without saving', async () => {
    fakeTabs({ 5: answer(article()) });
    expect(await savedState(5)).toEqual({ ok: true, saved: false, item: null });
    expect(((await listSaved()) as { total: number }).total).toBe(0);
    const s = (await saveArticle(5)) as { id: string };
    expect(await savedState(5)).toMatchObject({ ok: true, saved: true, item: { id: s.id } });
  });
});

describe('list, get, update, delete, restore', () => {
  it('lists newest first with total and paging; delete resolves the items, restore puts them back', async () => {
    let t = Date.parse('2026-03-01T10:00:00Z');
    setLibrary(new Library({ indexedDB: new IDBFactory(), autoCompact: false, now: () => new Date((t += 1000)) }));
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(((await saveLink(`https://news.example/${i}`, `Story ${i}`)) as { id: string }).id);
    const page = (await listSaved({ limit: 2, offset: 1 })) as { items: Array<{ id: string }>; total: number };
    expect(page.total).toBe(5);
    expect(page.items.map((i) => i.id)).toEqual([ids[3], ids[2]]);
    expect(await updateSaved([ids[0]], { archived: true, favourite: true })).toMatchObject({ ok: true, items: [{ archived: true, favourite: true }] });
    expect(((await listSaved({ filter: { archived: true } })) as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual([ids[0]]);
    const before = await listSaved();
    const del = (await deleteSaved([ids[0], ids[4]])) as { ok: true; deleted: Array<{ id: string }> };
    expect(del.deleted.map((i) => i.id).sort()).toEqual([ids[0], ids[4]].sort());
    expect(((await listSaved()) as { total: number }).total).toBe(3);
    expect(await restoreSaved(del.deleted as never)).toEqual({ ok: true });
    expect(await listSaved()).toEqual(before);
  });

  it('failures resolve { ok: false, error } instead of throwing', async () => {
    expect(await getSaved('nope')).toEqual({ ok: false, error: 'not-found' });
    expect(await updateSaved(['nope'], { archived: true })).toMatchObject({ ok: false, error: expect.stringMatching(/nope/) });
    expect(await restoreSaved([{ id: 'x' } as never])).toMatchObject({ ok: false });
    expect(await exportSaved({ format: 'pdf' as never })).toMatchObject({ ok: false });
    expect(await importSaved('docx' as never, '')).toMatchObject({ ok: false });
  });

  it('a failed write (quota) writes nothing and says so', async () => {
    await saveLink('https://news.example/kept', 'Kept');
    const before = await listSaved();
    const put = IDBObjectStore.prototype.put;
    const spy = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function () {
      throw new DOMException('quota', 'QuotaExceededError');
    });
    try {
      const r = await saveLink('https://news.example/new', 'New');
      expect(r).toMatchObject({ ok: false, error: expect.stringMatching(/quota/i) });
      const imp = await importSaved('pocket-csv', 'title,url,time_added,cursor,tags,status\nA,https://a.example/1,1700000000,,,unread\n');
      expect(imp).toMatchObject({ ok: false, error: expect.stringMatching(/nothing was changed/i) });
    } finally {
      spy.mockRestore();
      expect(IDBObjectStore.prototype.put).toBe(put);
    }
    expect(await listSaved()).toEqual(before);
  });
});

describe('export and import (no DOM needed)', () => {
  it('JSON export works without a DOM; importing its html without any DOM fails cleanly and writes nothing', async () => {
    fakeTabs({ 1: answer(article()) });
    await saveArticle(1);
    await saveLink('https://news.example/link', 'A link');
    const [first] = ((await listSaved()) as { items: Array<{ id: string }> }).items;
    await updateSaved([first.id], { tags: ['Reading'], archived: true });
    const exp = (await exportSaved({ format: 'json' })) as { ok: true; filename: string; mimeType: string; text: string };
    expect(exp).toMatchObject({ ok: true, mimeType: 'application/json' });
    expect(exp.filename).toMatch(/^lectern-\d{4}-\d{2}-\d{2}\.json$/);
    expect(await clearLibrary()).toEqual({ ok: true });
    expect(((await listSaved()) as { total: number }).total).toBe(0);
    // a JSON import's html is untrusted: it is sanitised, which needs a DOM — here (no DOM, no
    // offscreen API) that is a clean failure that writes nothing
    const noDom = await importSaved('json', exp.text);
    expect(noDom).toMatchObject({ ok: false, error: expect.stringMatching(/DOM/) });
    expect(((await listSaved()) as { total: number }).total).toBe(0);
    // (the round trip itself: library-dom.test.ts and tests/e2e/library-bg.spec.ts)
  });

  it('CSV and bookmarks exports are made without a DOM; ids and filter limit them', async () => {
    const a = (await saveLink('https://news.example/a', 'Alpha')) as { id: string };
    await saveLink('https://news.example/b', 'Beta');
    await updateSaved([a.id], { archived: true });
    const csv = (await exportSaved({ format: 'csv' })) as { text: string; mimeType: string };
    expect(csv.mimeType).toBe('text/csv');
    expect(csv.text.split('\r\n')[0]).toMatch(/^title,url,time_added,tags,status/);
    expect(csv.text).toContain('Alpha');
    const onlyA = (await exportSaved({ format: 'csv', ids: [a.id, 'unknown'] })) as { text: string };
    expect(onlyA.text).toContain('Alpha');
    expect(onlyA.text).not.toContain('Beta');
    const archived = (await exportSaved({ format: 'bookmarks', filter: { archived: false } })) as { text: string; mimeType: string };
    expect(archived.mimeType).toBe('text/html');
    expect(archived.text).toContain('Beta');
    expect(archived.text).not.toContain('Alpha');
  });

  it('imports merge by identity, keep dates/tags/state, report bad lines, never fetch', async () => {
    await saveLink('https://news.example/already', 'Already here');
    const csv = [
      'title,url,time_added,cursor,tags,status',
      'Already,https://news.example/already?utm_source=pocket,1600000000,,x,unread',
      'New one,https://news.example/new,1700000000,,a|b,archive',
      'Broken,notaurl,1700000000,,,unread',
    ].join('\n');
    const preview = await importPreview('auto', csv);
    expect(preview).toMatchObject({ ok: true, format: 'pocket-csv', new: 1, existing: 1 });
    expect(((await listSaved()) as { total: number }).total).toBe(1);
    const r = await importSaved('pocket-csv', csv);
    expect(r).toEqual({ ok: true, imported: 1, skipped: 1, errors: [{ line: 4, message: expect.any(String) }] });
    const items = ((await listSaved()) as { items: Array<Record<string, unknown>> }).items;
    expect(items.find((i) => i.title === 'New one')).toMatchObject({
      archived: true,
      tags: ['a', 'b'],
      savedAt: new Date(1700000000_000).toISOString(),
      hasContent: false,
    });
    // the existing entry is untouched (not re-tagged, not re-dated)
    expect(items.find((i) => i.title === 'Already here')).toMatchObject({ tags: [] });
    expect(await importSaved('json', '{"format":"lectern","items":[')).toMatchObject({ ok: false });
    expect(await importSaved('pocket-zip', 'bm90IGEgemlw')).toMatchObject({ ok: false });
    expect(((await listSaved()) as { total: number }).total).toBe(2);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('Markdown/EPUB need a DOM: without one and without an offscreen API, a clear error', async () => {
    await saveLink('https://news.example/a', 'Alpha');
    expect(await exportSaved({ format: 'markdown' })).toMatchObject({ ok: false, error: expect.stringMatching(/DOM/) });
  });
});

describe('withDom in Chrome MV3 (offscreen document)', () => {
  it('creates the offscreen document once for concurrent tasks and sends them there', async () => {
    let exists = false;
    const created: unknown[] = [];
    const offscreen = {
      createDocument: vi.fn(async (p: unknown) => {
        await new Promise((r) => setTimeout(r, 5));
        created.push(p);
        exists = true;
      }),
      closeDocument: vi.fn(async () => void (exists = false)),
      hasDocument: vi.fn(async () => exists),
    };
    vi.stubGlobal('chrome', { offscreen });
    const sent: unknown[] = [];
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (m: Envelope) => {
      sent.push(m);
      const task = (m.data as { task: { kind: string; items: unknown[] } }).task;
      return { ok: true, result: { kind: 'sanitize', html: task.items.map(() => '<p>clean</p>') } };
    }) as never);
    const lib = () => new Library({ indexedDB: new IDBFactory() });
    const results = await Promise.all([
      withDom({ kind: 'sanitize', items: [{ html: '<p onclick="x()">a</p>', baseUrl: null }] }, lib),
      withDom({ kind: 'sanitize', items: [{ html: '<script>x</script>', baseUrl: null }] }, lib),
    ]);
    expect(results).toEqual([
      { kind: 'sanitize', html: ['<p>clean</p>'] },
      { kind: 'sanitize', html: ['<p>clean</p>'] },
    ]);
    expect(offscreen.createDocument).toHaveBeenCalledTimes(1);
    expect(created[0]).toMatchObject({ url: '/offscreen.html', reasons: expect.arrayContaining(['DOM_PARSER', 'BLOBS']) });
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({ lectern: 1, type: 'offscreen:run' });
  });

  it('an error in the offscreen document comes back as a failure of the call', async () => {
    vi.stubGlobal('chrome', { offscreen: { createDocument: vi.fn(async () => undefined), closeDocument: vi.fn(), hasDocument: vi.fn(async () => true) } });
    vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockResolvedValue({ ok: false, error: 'boom' } as never);
    await saveLink('https://news.example/a', 'Alpha');
    expect(await exportSaved({ format: 'epub' })).toEqual({ ok: false, error: 'boom' });
  });
});

describe('offscreen document lifetime', () => {
  it('stays open while a download\'s blob URL is alive, closes once idle after the revoke', async () => {
    vi.useFakeTimers();
    try {
      let exists = false;
      const offscreen = {
        createDocument: vi.fn(async () => void (exists = true)),
        closeDocument: vi.fn(async () => void (exists = false)),
        hasDocument: vi.fn(async () => exists),
      };
      vi.stubGlobal('chrome', { offscreen });
      vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (m: Envelope) => {
        const task = (m.data as { task: { kind: string } }).task;
        const file = { kind: 'export', filename: 'lectern.csv', mimeType: 'text/csv', damaged: 0, blobUrl: 'blob:x/1' };
        return { ok: true, result: task.kind === 'export' ? file : { kind: 'revoke' } };
      }) as never);
      const lib = () => new Library({ indexedDB: new IDBFactory() });
      expect(await withDom({ kind: 'export', format: 'csv', ids: null, blob: true }, lib)).toMatchObject({ kind: 'export', blobUrl: 'blob:x/1' });
      await vi.advanceTimersByTimeAsync(120_000);
      expect(offscreen.closeDocument).not.toHaveBeenCalled();
      await withDom({ kind: 'revoke', url: 'blob:x/1' }, lib);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(offscreen.closeDocument).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(31_000);
      expect(offscreen.closeDocument).toHaveBeenCalledTimes(1);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the e2e hook narrows to the contract\'s shapes', () => {
  it('listSaved / getSaved / saveArticle / exportLibrary / importLibrary / clearLibrary', async () => {
    fakeTabs({ 9: answer(article()) });
    const hook = installTestHook();
    const saved = await hook.saveArticle(9);
    expect(Object.keys(saved).sort()).toEqual(['id', 'ok', 'updated']);
    const list = (await hook.listSaved()) as { ok: true; items: Array<Record<string, unknown>> };
    expect(Object.keys(list).sort()).toEqual(['items', 'ok']);
    expect(Object.keys(list.items[0]).sort()).toEqual(
      ['aggregator', 'archived', 'byline', 'favourite', 'hasContent', 'id', 'published', 'savedAt', 'source', 'tags', 'title', 'url', 'words'],
    );
    const got = (await hook.getSaved(list.items[0].id as string)) as { item: Record<string, unknown> };
    expect(Object.keys(got.item)).toContain('html');
    expect(got.item.html).toContain('tree-ring samples');
    expect(Object.keys(got.item)).toHaveLength(14);
    const csv = await hook.exportLibrary('csv');
    expect(Object.keys(csv).sort()).toEqual(['filename', 'mimeType', 'ok', 'text']);
    expect(await hook.importLibrary('bookmarks', '<!DOCTYPE NETSCAPE-Bookmark-file-1><DL><DT><A HREF="https://b.example/x" ADD_DATE="1700000000">X</A></DL>')).toEqual({
      ok: true,
      imported: 1,
      skipped: 0,
      errors: [],
    });
    expect(await hook.clearLibrary()).toEqual({ ok: true });
    expect(await hook.listSaved()).toEqual({ ok: true, items: [] });
  });
});
