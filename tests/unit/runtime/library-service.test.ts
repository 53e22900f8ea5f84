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
  importSaved,
  libraryStats,
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
import { serveDomTasks, withDom } from '../../../utils/runtime/background/dom';
import { drainPending } from '../../../utils/runtime/background/import';

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
  it('JSON export works without a DOM; an import without any DOM stores its html unsanitised as pending, and a JSON export refuses it until it is clean', async () => {
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
    // a JSON import's html is untrusted: the import writes it as pending and returns; sanitising
    // needs a DOM — here (no DOM, no offscreen API) the drain fails and the body keeps waiting
    const noDom = await importSaved('json', exp.text);
    expect(noDom).toMatchObject({ ok: true, imported: 2, skipped: 0 });
    expect(((await listSaved()) as { total: number }).total).toBe(2);
    await expect(drainPending()).rejects.toThrow(/DOM/);
    expect(await libraryStats()).toMatchObject({ ok: true, total: 2, pending: 1 });
    // an export never writes a body that was not sanitised: it fails clearly instead
    expect(await exportSaved({ format: 'json' })).toMatchObject({ ok: false, error: expect.stringMatching(/DOM/) });
    // CSV carries no bodies: it never waits for them
    expect(await exportSaved({ format: 'csv' })).toMatchObject({ ok: true, mimeType: 'text/csv' });
    // the library says why the imported article still waits (and restarts the drain when asked)
    expect(await libraryStats()).toMatchObject({ ok: true, pending: 1, cleaningError: expect.stringMatching(/DOM/) });
    // the hook's import waits for the drain (here it fails again: the import itself is done)
    expect(await installTestHook().importLibrary('json', exp.text)).toMatchObject({ ok: true, imported: 0, skipped: 2 });
    expect(await libraryStats()).toMatchObject({ ok: true, total: 2, pending: 1 });
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

// ------------------------------------------------------------------ Chrome's offscreen document
// A fake of Chrome's offscreen API and of runtime.connect: `answer` plays the document. Messages
// cross the fake port JSON-copied and asynchronously, like Chrome's. While the document does not
// exist, or for the first `refuse` connects (its onConnect listener not registered yet), the
// port is disconnected at once with Chrome's lastError. closeDocument disconnects the open port.
type Listener = (...a: never[]) => void;
function fakeEvent() {
  const listeners: Listener[] = [];
  return {
    addListener: (f: Listener) => void listeners.push(f),
    removeListener: (f: Listener) => {
      const i = listeners.indexOf(f);
      if (i >= 0) listeners.splice(i, 1);
    },
    hasListener: (f: Listener) => listeners.includes(f),
    fire: (...a: unknown[]) => {
      for (const f of [...listeners]) (f as (...x: unknown[]) => void)(...a);
    },
  };
}
const NO_RECEIVER = 'Could not establish connection. Receiving end does not exist.';
type Task = { kind: string; limit?: number; url?: string };
let openPorts: Array<{ drop(error?: string): void }> = [];

function fakeOffscreen(answer: (task: Task) => unknown, opts: { refuse?: number } = {}) {
  let exists = false;
  let refuse = opts.refuse ?? 0;
  const requests: Array<{ id: number; task: Task }> = [];
  const ports: Array<ReturnType<typeof makePort>> = [];
  const offscreen = {
    createDocument: vi.fn(async (_p: unknown) => {
      await new Promise((r) => setTimeout(r, 5));
      exists = true;
    }),
    closeDocument: vi.fn(async () => {
      exists = false;
      for (const p of ports) p.drop();
    }),
    hasDocument: vi.fn(async () => exists),
  };
  vi.stubGlobal('chrome', { offscreen });
  const copy = <T>(m: T): T => JSON.parse(JSON.stringify(m)) as T;
  function makePort(name: string) {
    const onMessage = fakeEvent();
    const onDisconnect = fakeEvent();
    let open = true;
    const toWorker = (m: unknown) =>
      void Promise.resolve().then(() => {
        if (open) onMessage.fire(copy(m), port);
      });
    const port = {
      name,
      onMessage,
      onDisconnect,
      get open() {
        return open;
      },
      postMessage: vi.fn((m: { id: number; task: Task }) => {
        if (!open) throw new Error('Attempting to use a disconnected port object');
        const req = copy(m);
        requests.push(req);
        Promise.resolve()
          .then(() => answer(req.task))
          .then(
            (result) => toWorker({ id: req.id, ok: true, result }),
            (e: unknown) => toWorker({ id: req.id, ok: false, error: (e as Error).message }),
          );
      }),
      disconnect: vi.fn(() => void (open = false)),
      /** the other end goes away (Chrome fires onDisconnect, lastError set when it is an error) */
      drop(error?: string) {
        if (!open) return;
        open = false;
        void Promise.resolve().then(() => {
          (fakeBrowser.runtime as { lastError?: unknown }).lastError = error ? { message: error } : undefined;
          onDisconnect.fire(port);
          (fakeBrowser.runtime as { lastError?: unknown }).lastError = undefined;
        });
      },
    };
    return port;
  }
  const connect = vi.spyOn(fakeBrowser.runtime, 'connect').mockImplementation(((info: { name: string }) => {
    const port = makePort(info.name);
    ports.push(port);
    openPorts.push(port);
    if (!exists || refuse-- > 0) port.drop(NO_RECEIVER);
    else void Promise.resolve().then(() => port.open && port.onMessage.fire({ ready: true }, port));
    return port;
  }) as never);
  const sendMessage = vi.spyOn(fakeBrowser.runtime, 'sendMessage');
  return { offscreen, connect, sendMessage, requests, ports };
}

/** a small task to carry over the port; the fake answers each with its own `limit` as `cleaned` */
const cleanTask = (limit: number) => ({ kind: 'clean' as const, limit });
const cleanOf = (task: Task) => ({ kind: 'clean', cleaned: task.limit, remaining: 0, changed: [] });
const cleaned = (n: number) => ({ kind: 'clean', cleaned: n, remaining: 0, changed: [] });
const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 1));
  expect(cond()).toBe(true);
};

// every test starts without a connection: the previous test's port goes away
afterEach(async () => {
  for (const p of openPorts) p.drop();
  openPorts = [];
  await Promise.resolve();
});

describe('withDom in Chrome MV3 (offscreen document)', () => {
  it('creates the offscreen document once for concurrent tasks and sends them over one dedicated port, not runtime.sendMessage', async () => {
    const fake = fakeOffscreen(async (task) => {
      // the first task answers last: answers are matched to their calls by id
      if (task.limit === 1) await new Promise((r) => setTimeout(r, 20));
      return cleanOf(task);
    });
    const lib = () => new Library({ indexedDB: new IDBFactory() });
    const results = await Promise.all([
      withDom(cleanTask(1), lib),
      withDom(cleanTask(2), lib),
    ]);
    expect(results).toEqual([
      cleaned(1),
      cleaned(2),
    ]);
    expect(fake.offscreen.createDocument).toHaveBeenCalledTimes(1);
    expect(fake.offscreen.createDocument.mock.calls[0][0]).toMatchObject({ url: '/offscreen.html', reasons: expect.arrayContaining(['DOM_PARSER', 'BLOBS']) });
    expect(fake.connect).toHaveBeenCalledTimes(1);
    expect(fake.connect).toHaveBeenCalledWith({ name: 'lectern-offscreen' });
    expect(fake.requests).toHaveLength(2);
    expect(new Set(fake.requests.map((r) => r.id)).size).toBe(2);
    expect(fake.requests[0].task).toMatchObject({ kind: 'clean' });
    // nothing broadcast to the other extension pages
    expect(fake.sendMessage).not.toHaveBeenCalled();
    // the port stays for the next call
    expect(await withDom(cleanTask(3), lib)).toEqual(cleaned(3));
    expect(fake.connect).toHaveBeenCalledTimes(1);
  });

  it('retries briefly while the document has not registered its listener yet', async () => {
    const fake = fakeOffscreen(cleanOf, { refuse: 3 });
    const lib = () => new Library({ indexedDB: new IDBFactory() });
    expect(await withDom(cleanTask(4), lib)).toEqual(cleaned(4));
    expect(fake.connect).toHaveBeenCalledTimes(4);
    expect(fake.offscreen.createDocument).toHaveBeenCalledTimes(1);
    expect(fake.requests).toHaveLength(1);
  });

  it('gives up with Chrome\'s error when the document never listens', async () => {
    vi.useFakeTimers();
    try {
      const fake = fakeOffscreen(cleanOf, { refuse: Infinity });
      const call = withDom(cleanTask(4), () => new Library({ indexedDB: new IDBFactory() }));
      const outcome = expect(call).rejects.toThrow(/Receiving end does not exist/);
      await vi.advanceTimersByTimeAsync(10_000);
      await outcome;
      expect(fake.requests).toHaveLength(0);
      expect(fake.connect.mock.calls.length).toBeGreaterThan(3);
    } finally {
      vi.useRealTimers();
    }
  });

  it('an error in the offscreen document comes back as a failure of the call', async () => {
    fakeOffscreen(() => {
      throw new Error('boom');
    });
    await saveLink('https://news.example/a', 'Alpha');
    expect(await exportSaved({ format: 'epub' })).toEqual({ ok: false, error: 'boom' });
  });

  it('the document going away rejects the calls waiting on it; the next call recreates it and reconnects', async () => {
    let hang = true;
    const fake = fakeOffscreen((task) => (hang ? new Promise(() => undefined) : cleanOf(task)));
    const lib = () => new Library({ indexedDB: new IDBFactory() });
    const a = withDom(cleanTask(11), lib);
    const b = withDom(cleanTask(12), lib);
    const failures = Promise.all([expect(a).rejects.toThrow(/background stopped before this step finished/), expect(b).rejects.toThrow(/background stopped before this step finished/)]);
    await until(() => fake.requests.length === 2);
    await fake.offscreen.closeDocument(); // e.g. closed from outside, or crashed
    await failures;
    hang = false;
    expect(await withDom(cleanTask(13), lib)).toEqual(cleaned(13));
    expect(fake.offscreen.createDocument).toHaveBeenCalledTimes(2);
    expect(fake.connect).toHaveBeenCalledTimes(2);
    expect(fake.ports[1].postMessage).toHaveBeenCalledTimes(1);
  });

  it('a port dropped with an error names it; the document still there is reached on a new port', async () => {
    let hang = true;
    const fake = fakeOffscreen((task) => (hang ? new Promise(() => undefined) : cleanOf(task)));
    const lib = () => new Library({ indexedDB: new IDBFactory() });
    const a = withDom(cleanTask(11), lib);
    const failed = expect(a).rejects.toThrow(/background stopped before this step finished.*message port closed/i);
    await until(() => fake.requests.length === 1);
    fake.ports[0].drop('The message port closed before a response was received.');
    await failed;
    hang = false;
    expect(await withDom(cleanTask(12), lib)).toEqual(cleaned(12));
    expect(fake.offscreen.createDocument).toHaveBeenCalledTimes(1);
    expect(fake.connect).toHaveBeenCalledTimes(2);
  });
});

describe('offscreen document lifetime', () => {
  it('stays open while a download\'s blob URL is alive, closes once idle after the revoke, reopens on demand', async () => {
    vi.useFakeTimers();
    try {
      const file = { kind: 'export', filename: 'lectern.csv', mimeType: 'text/csv', damaged: 0, blobUrl: 'blob:x/1' };
      const fake = fakeOffscreen((task) => (task.kind === 'export' ? file : task.kind === 'revoke' ? { kind: 'revoke' } : cleanOf(task)));
      const lib = () => new Library({ indexedDB: new IDBFactory() });
      const exported = withDom({ kind: 'export', format: 'csv', ids: null, blob: true }, lib);
      await vi.advanceTimersByTimeAsync(10); // createDocument takes a moment
      expect(await exported).toMatchObject({ kind: 'export', blobUrl: 'blob:x/1' });
      await vi.advanceTimersByTimeAsync(120_000);
      expect(fake.offscreen.closeDocument).not.toHaveBeenCalled();
      await withDom({ kind: 'revoke', url: 'blob:x/1' }, lib);
      await vi.advanceTimersByTimeAsync(30_000);
      expect(fake.offscreen.closeDocument).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(31_000);
      expect(fake.offscreen.closeDocument).toHaveBeenCalledTimes(1);
      expect(fake.ports[0].disconnect).toHaveBeenCalled();
      // the next task creates the document again, on a new port
      const again = withDom(cleanTask(14), lib);
      await vi.advanceTimersByTimeAsync(10);
      expect(await again).toEqual(cleaned(14));
      expect(fake.offscreen.createDocument).toHaveBeenCalledTimes(2);
      expect(fake.connect).toHaveBeenCalledTimes(2);
      expect(fake.sendMessage).not.toHaveBeenCalled();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('serveDomTasks (the offscreen document\'s side)', () => {
  it('answers only ports named lectern-offscreen: greets them, runs each request, answers with its id', async () => {
    const listeners: Array<(port: unknown) => void> = [];
    vi.spyOn(fakeBrowser.runtime.onConnect, 'addListener').mockImplementation(((f: (port: unknown) => void) => void listeners.push(f)) as never);
    const removed = vi.spyOn(fakeBrowser.runtime.onConnect, 'removeListener').mockImplementation((() => undefined) as never);
    const onMessage = vi.spyOn(fakeBrowser.runtime.onMessage, 'addListener');
    const stop = serveDomTasks(() => new Library({ indexedDB: new IDBFactory() }));
    expect(listeners).toHaveLength(1);
    expect(onMessage).not.toHaveBeenCalled();
    const port = (name: string) => {
      const p = { name, onMessage: fakeEvent(), onDisconnect: fakeEvent(), postMessage: vi.fn(), disconnect: vi.fn() };
      listeners[0](p);
      return p;
    };
    const other = port('something-else');
    expect(other.postMessage).not.toHaveBeenCalled();
    other.onMessage.fire({ id: 1, task: { kind: 'revoke', url: 'blob:nothing' } }, other);
    const ours = port('lectern-offscreen');
    expect(ours.postMessage).toHaveBeenCalledWith({ ready: true });
    ours.onMessage.fire({ id: 7, task: { kind: 'revoke', url: 'blob:nothing' } }, ours);
    ours.onMessage.fire({ id: 8, task: { kind: 'no-such-task' } }, ours);
    await until(() => ours.postMessage.mock.calls.length === 3);
    expect(ours.postMessage).toHaveBeenCalledWith({ id: 7, ok: true, result: { kind: 'revoke' } });
    expect(ours.postMessage).toHaveBeenCalledWith({ id: 8, ok: false, error: expect.stringMatching(/unknown DOM task/) });
    expect(other.postMessage).not.toHaveBeenCalled();
    // a request arriving after the worker went away is not answered (posting would throw)
    ours.onDisconnect.fire(ours);
    ours.postMessage.mockImplementation(() => {
      throw new Error('Attempting to use a disconnected port object');
    });
    ours.onMessage.fire({ id: 9, task: { kind: 'revoke', url: 'blob:nothing' } }, ours);
    await new Promise((r) => setTimeout(r, 5));
    expect(ours.postMessage).toHaveBeenCalledTimes(3);
    stop();
    expect(removed).toHaveBeenCalledWith(listeners[0]);
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
