// @vitest-environment jsdom
/**
 * The library steps that need a DOM, where the background has one (Firefox's MV2 background
 * page; jsdom here): `withDom` runs them in place — Markdown/EPUB exports, sanitising the HTML
 * of an import — and the JSON round trip keeps every field and the html.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { strFromU8, unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Library } from '../../../utils/library/store';
import { exportSaved, getLibrary, getSaved, importSaved, listSaved, saveInput, setLibrary, updateSaved, clearLibrary } from '../../../utils/runtime/background/library';
import { hasDom, serveDomTasks } from '../../../utils/runtime/background/dom';
import { drainPending, importWritten, isDraining } from '../../../utils/runtime/background/import';

const ARTICLE = {
  url: 'https://www.inkl.com/news/tree-ring-study',
  title: 'Tree-ring study pushes drought record back',
  byline: 'Priya Raman',
  source: { name: 'The Cascade Observer', url: 'https://www.cascadeobserver.example/science/tree-ring/' },
  aggregator: 'inkl' as const,
  published: '2026-02-27T08:00:00Z',
  // as the pipeline stores it (already sanitised: links open in a new tab)
  html: '<h2>Longer and deeper</h2><p>A new analysis of <a href="https://x.example/" target="_blank" rel="noopener noreferrer">tree-ring</a> samples.</p><ul><li>Four droughts</li></ul>',
};

beforeEach(() => {
  fakeBrowser.reset();
  setLibrary(new Library({ indexedDB: new IDBFactory(), autoCompact: false }));
  vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new Error('no network'))));
});
afterEach(() => {
  vi.unstubAllGlobals();
  setLibrary(null);
});

describe('DOM-needing library steps with a DOM in the background (Firefox)', () => {
  it('runs in place (no offscreen document)', () => {
    expect(hasDom()).toBe(true);
  });

  it('Markdown export: a zip of .md files with front matter and the body', async () => {
    await saveInput(ARTICLE);
    const r = (await exportSaved({ format: 'markdown' })) as { ok: true; filename: string; mimeType: string; base64: string };
    expect(r).toMatchObject({ ok: true, mimeType: 'application/zip' });
    expect(r.filename).toMatch(/-markdown\.zip$/);
    const files = unzipSync(Uint8Array.from(Buffer.from(r.base64, 'base64')));
    const md = Object.keys(files).filter((n) => n.endsWith('.md'));
    expect(md).toHaveLength(1);
    const text = strFromU8(files[md[0]]);
    expect(text).toMatch(/^---\n/);
    expect(text).toContain('publisher: The Cascade Observer');
    expect(text).toContain('## Longer and deeper');
    expect(text).toMatch(/- +Four droughts/);
  });

  it('EPUB export: an EPUB zip with one chapter per item', async () => {
    await saveInput(ARTICLE);
    await saveInput({ url: 'https://news.example/link', title: 'A link' });
    const r = (await exportSaved({ format: 'epub' })) as { ok: true; base64: string; mimeType: string };
    expect(r.mimeType).toBe('application/epub+zip');
    const files = unzipSync(Uint8Array.from(Buffer.from(r.base64, 'base64')));
    expect(strFromU8(files.mimetype)).toBe('application/epub+zip');
    const chapters = Object.keys(files).filter((n) => /text\/a\d+\.xhtml$/.test(n));
    expect(chapters).toHaveLength(2);
    expect(chapters.map((n) => strFromU8(files[n])).join('')).toContain('Longer and deeper');
  });

  it('imported HTML is stored as it came, then sanitised and indexed by the drain the import starts', async () => {
    const json = JSON.stringify({
      format: 'lectern',
      version: 1,
      exportedAt: '2026-03-01T00:00:00Z',
      items: [
        {
          url: 'https://evil.example/a',
          title: 'Evil',
          html: '<p onclick="steal()">Wallabyish text<img src="x" onerror="steal()"><script>steal()</script><a href="javascript:steal()">l</a></p>',
        },
      ],
    });
    expect(await importSaved('json', json)).toEqual({ ok: true, imported: 1, skipped: 0, errors: [] });
    await drainPending();
    expect(await getLibrary().pendingCount()).toBe(0);
    const [row] = ((await listSaved()) as { items: Array<{ id: string }> }).items;
    // its words are found now (they were not indexed before it was sanitised)
    expect((await getLibrary().search('wallabyish')).items.map((i) => i.id)).toEqual([row.id]);
    const html = ((await getSaved(row.id)) as { item: { html: string } }).item.html;
    expect(html).toContain('Wallabyish text');
    expect(html).not.toMatch(/onclick|onerror|<script|javascript:/i);
  });

  it('a drain asked for while one runs joins it and still cleans what was written meanwhile; a JSON export before the drain holds only sanitised copies', async () => {
    const file = (n: number, word: string) =>
      JSON.stringify({
        format: 'lectern',
        version: 1,
        items: Array.from({ length: n }, (_, i) => ({ url: `https://evil.example/${word}-${i}`, title: `${word} ${i}`, html: `<p onclick="x()">${word}body${i}<script>steal()</script></p>` })),
      });
    expect(await importSaved('json', file(300, 'first'))).toMatchObject({ ok: true, imported: 300 });
    // the first drain is running (300 > one batch): a second import's drain joins it
    expect(isDraining()).toBe(true);
    expect(await importSaved('json', file(5, 'second'))).toMatchObject({ ok: true, imported: 5 });
    await drainPending();
    expect(await getLibrary().pendingCount()).toBe(0);
    for (const q of ['firstbody299', 'secondbody4']) expect((await getLibrary().search(q)).items).toHaveLength(1);
    // and an export taken while bodies were still pending would have sanitised them on the way
    expect(await importSaved('json', file(3, 'third'))).toMatchObject({ ok: true, imported: 3 });
    const exp = (await exportSaved({ format: 'json' })) as { ok: true; text: string };
    expect(exp.text).toContain('thirdbody2');
    expect(exp.text).not.toMatch(/onclick|<script/);
    expect(importWritten(['ok', 3])).toMatchObject({ ok: false });
  });

  it('JSON export → clear → import: every field and the html come back', async () => {
    await saveInput(ARTICLE);
    await saveInput({ url: 'https://news.example/link?utm_source=x', title: 'A link', tags: ['later'] });
    const [first] = ((await listSaved()) as { items: Array<{ id: string }> }).items;
    await updateSaved([first.id], { archived: true, favourite: true, tags: ['x', 'y'] });
    const before = await listSaved();
    const ids = (before as { items: Array<{ id: string }> }).items.map((i) => i.id);
    const bodies = await Promise.all(ids.map((id) => getSaved(id)));
    const exp = (await exportSaved({ format: 'json' })) as { text: string };
    expect(await clearLibrary()).toEqual({ ok: true });
    expect(await importSaved('json', exp.text)).toEqual({ ok: true, imported: 2, skipped: 0, errors: [] });
    const after = await listSaved();
    // updatedAt is the import's time; everything else is what was exported
    const strip = (r: unknown) =>
      JSON.parse(JSON.stringify(r), (k, v) => (k === 'updatedAt' ? undefined : v)) as unknown;
    expect(strip(after)).toEqual(strip(before));
    expect(strip(await Promise.all(ids.map((id) => getSaved(id))))).toEqual(strip(bodies));
    expect(await importSaved('json', exp.text)).toEqual({ ok: true, imported: 0, skipped: 2, errors: [] });
  });

  it('download: the background downloads a blob URL of the file (nothing crosses a message) and revokes it when done', async () => {
    await saveInput(ARTICLE);
    const created: Blob[] = [];
    const revoked: string[] = [];
    vi.stubGlobal('URL', Object.assign(URL, {
      createObjectURL: (b: Blob) => (created.push(b), `blob:lectern/${created.length}`),
      revokeObjectURL: (u: string) => void revoked.push(u),
    }));
    let changed: ((d: { id: number; state?: { current?: string } }) => void) | undefined;
    vi.spyOn(fakeBrowser.downloads.onChanged, 'addListener').mockImplementation(((fn: typeof changed) => (changed = fn)) as never);
    vi.spyOn(fakeBrowser.downloads.onChanged, 'removeListener').mockImplementation((() => undefined) as never);
    const download = vi.spyOn(fakeBrowser.downloads, 'download').mockResolvedValue(31 as never);
    const r = await exportSaved({ format: 'epub', download: true });
    expect(r).toEqual({
      ok: true,
      filename: expect.stringMatching(/\.epub$/),
      mimeType: 'application/epub+zip',
      downloadId: 31,
      timings: { read: expect.any(Number), write: expect.any(Number), blob: expect.any(Number), task: expect.any(Number), download: expect.any(Number) },
    });
    expect(download).toHaveBeenCalledWith({ url: 'blob:lectern/1', filename: (r as { filename: string }).filename, saveAs: false });
    expect(created[0].type).toBe('application/epub+zip');
    expect(created[0].size).toBeGreaterThan(1000);
    expect(revoked).toEqual([]);
    changed!({ id: 31, state: { current: 'complete' } });
    await vi.waitFor(() => expect(revoked).toEqual(['blob:lectern/1']));
    // a refused download revokes at once and is reported
    download.mockRejectedValueOnce(new Error('Invalid filename'));
    expect(await exportSaved({ format: 'csv', download: true })).toEqual({ ok: false, error: 'Invalid filename' });
    await vi.waitFor(() => expect(revoked).toEqual(['blob:lectern/1', 'blob:lectern/2']));
  });

  it('a whole-library JSON download reuses the last backup\'s parts, stored once its download is over; a download that failed forgets them', async () => {
    await saveInput(ARTICLE);
    await saveInput({ url: 'https://news.example/link', title: 'A link' });
    // Node's Blob: fake-indexeddb keeps it (jsdom's comes back as a plain object, which the
    // library takes for a part gone bad and writes again — as it should)
    vi.stubGlobal('Blob', (await import('node:buffer')).Blob);
    let n = 0;
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => `blob:lectern/b${++n}`, revokeObjectURL: () => undefined }));
    type Delta = { id: number; state?: { current?: string }; error?: { current?: string } };
    const listeners: Array<(d: Delta) => void> = [];
    const changed = (d: Delta) => listeners.forEach((f) => f(d));
    vi.spyOn(fakeBrowser.downloads.onChanged, 'addListener').mockImplementation(((fn: (d: Delta) => void) => void listeners.push(fn)) as never);
    vi.spyOn(fakeBrowser.downloads.onChanged, 'removeListener').mockImplementation((() => undefined) as never);
    let id = 40;
    vi.spyOn(fakeBrowser.downloads, 'download').mockImplementation((async () => ++id) as never);
    type Answer = { ok: true; downloadId: number; timings: { kept?: number; built?: number } };
    const backup = async () => (await exportSaved({ format: 'json', download: true })) as Answer;
    const settle = () => new Promise((r) => setTimeout(r, 30));
    const first = await backup();
    expect(first.timings).toMatchObject({ kept: 0, built: 1 });
    // not stored while the download runs: a backup meanwhile writes the part again
    await settle();
    expect((await backup()).timings).toMatchObject({ kept: 0, built: 1 });
    changed({ id: first.downloadId, state: { current: 'complete' } });
    await settle();
    const reused = await backup();
    expect(reused.timings).toMatchObject({ kept: 1, built: 0 });
    // cancelled by the user: the parts are fine
    changed({ id: reused.downloadId, state: { current: 'interrupted' }, error: { current: 'USER_CANCELED' } });
    await settle();
    const again = await backup();
    expect(again.timings).toMatchObject({ kept: 1, built: 0 });
    // failed (a stored part could not be read): forgotten, the next backup writes the whole file
    changed({ id: again.downloadId, state: { current: 'interrupted' }, error: { current: 'FILE_FAILED' } });
    await settle();
    expect((await backup()).timings).toMatchObject({ kept: 0, built: 1 });
  });

  it('the offscreen side frees the file of an export whose worker went away before the answer', async () => {
    await saveInput(ARTICLE);
    const revoked: string[] = [];
    vi.stubGlobal('URL', Object.assign(URL, {
      createObjectURL: () => 'blob:lectern/orphan',
      revokeObjectURL: (u: string) => void revoked.push(u),
    }));
    const listeners: Array<(port: unknown) => void> = [];
    vi.spyOn(fakeBrowser.runtime.onConnect, 'addListener').mockImplementation(((f: (port: unknown) => void) => void listeners.push(f)) as never);
    vi.spyOn(fakeBrowser.runtime.onConnect, 'removeListener').mockImplementation((() => undefined) as never);
    const stop = serveDomTasks(getLibrary);
    const event = () => {
      const fs: Array<(...a: unknown[]) => void> = [];
      return { addListener: (f: (...a: unknown[]) => void) => void fs.push(f), removeListener: () => undefined, fire: (...a: unknown[]) => fs.forEach((f) => f(...a)) };
    };
    const port = { name: 'lectern-offscreen', onMessage: event(), onDisconnect: event(), postMessage: vi.fn(), disconnect: vi.fn() };
    listeners[0]!(port);
    port.onMessage.fire({ id: 1, task: { kind: 'export', format: 'json', ids: null, blob: true } });
    port.onDisconnect.fire(port); // the service worker stopped while the file was being written
    await vi.waitFor(() => expect(revoked).toEqual(['blob:lectern/orphan']));
    expect(port.postMessage).toHaveBeenCalledTimes(1); // only the greeting
    stop();
  });
});
