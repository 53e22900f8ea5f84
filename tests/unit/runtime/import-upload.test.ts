// @vitest-environment jsdom
/**
 * Staged uploads of big import files (utils/runtime/background/import.ts) and the page's
 * chunking (components/library/ImportPanel.tsx: importFileChunks): chunks never split a
 * character, an upload with out-of-order / duplicate / missing chunks fails with a clear error
 * and nothing is written, unknown and expired uploads answer `code: 'unknown-upload'`, and an
 * upload is dropped once imported. jsdom: the DOM steps (sanitising) run in place, as in Firefox.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { zipSync, strToU8 } from 'fflate';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Library } from '../../../utils/library/store';
import { getLibrary, getSaved, listSaved, setLibrary } from '../../../utils/runtime/background/library';
import {
  drainPending,
  MAX_UPLOAD_CHUNK,
  UPLOAD_IDLE_MS,
  importPreview,
  importSaved,
  stagedUploads,
  uploadCancel,
  uploadChunk,
  uploadEnd,
  uploadStart,
} from '../../../utils/runtime/background/import';
import { importFileChunks, readImportFile } from '../../../components/library/ImportPanel';

/** A Lectern JSON export of `n` articles. */
function backup(n: number, html = (i: number) => `<p>Body of story ${i} about the harbour.</p>`): string {
  return JSON.stringify({
    format: 'lectern',
    version: 1,
    exportedAt: '2026-03-10T09:00:00.000Z',
    items: Array.from({ length: n }, (_, i) => ({
      url: `https://news.example/story-${i}`,
      title: `Story ${i}`,
      savedAt: new Date(Date.UTC(2026, 2, 1) + i * 60_000).toISOString(),
      tags: [],
      archived: false,
      favourite: false,
      hasContent: true,
      html: html(i),
    })),
  });
}

/** Split like a careless sender would: every `size` code units, pairs or not. */
const cut = (s: string, size: number) => Array.from({ length: Math.ceil(s.length / size) }, (_, i) => s.slice(i * size, (i + 1) * size));

function stage(chunks: string[]): string {
  const start = uploadStart();
  if (!start.ok) throw new Error(start.error);
  chunks.forEach((c, i) => expect(uploadChunk(start.upload, i, c)).toEqual({ ok: true, received: i + 1 }));
  expect(uploadEnd(start.upload, chunks.length, chunks.reduce((n, c) => n + c.length, 0))).toMatchObject({ ok: true });
  return start.upload;
}

async function chunksOf(blob: Blob & { name?: string }, bytes: number): Promise<string[]> {
  const out: string[] = [];
  for await (const { text } of importFileChunks(blob, bytes)) out.push(text);
  return out;
}

async function savedCount(): Promise<number> {
  const r = await listSaved({});
  if (!r.ok) throw new Error(r.error);
  return r.total;
}

beforeEach(() => {
  fakeBrowser.reset();
  setLibrary(new Library({ indexedDB: new IDBFactory(), autoCompact: false }));
  vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new Error('no network'))));
});
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  setLibrary(null);
});

describe('staged import uploads (background)', () => {
  it('preview then import from an upload; the upload is dropped once imported', async () => {
    const json = backup(12);
    const before = stagedUploads();
    const upload = stage(cut(json, 1000));
    expect(stagedUploads()).toBe(before + 1);
    const preview = await importPreview('auto', { upload });
    expect(preview).toMatchObject({ ok: true, format: 'json', new: 12, existing: 0, errors: [] });
    expect(await savedCount()).toBe(0);
    // a second preview (another format chosen) reads the same upload
    expect(await importPreview('json', { upload })).toMatchObject({ ok: true, new: 12 });
    expect(await importSaved('json', { upload })).toMatchObject({ ok: true, imported: 12, skipped: 0 });
    expect(await savedCount()).toBe(12);
    expect(stagedUploads()).toBe(before);
    // the same id again: the background no longer has it, the page must upload again
    expect(await importSaved('json', { upload })).toMatchObject({ ok: false, code: 'unknown-upload' });
    expect(await importPreview('json', { upload })).toMatchObject({ ok: false, code: 'unknown-upload' });
  });

  it('imported html from an upload is still sanitised (by the drain the import starts)', async () => {
    const upload = stage([backup(1, () => '<p onclick="steal()">Hello<script>alert(1)</script> <a href="javascript:x">there</a></p>')]);
    expect(await importSaved('json', { upload })).toMatchObject({ ok: true, imported: 1 });
    await drainPending();
    expect(await getLibrary().pendingCount()).toBe(0);
    const id = ((await listSaved({})) as { items: Array<{ id: string }> }).items[0].id;
    const item = await getSaved(id);
    const html = (item as { item: { html: string } }).item.html;
    expect(html).toContain('Hello');
    expect(html).not.toMatch(/onclick|<script|javascript:/i);
  });

  it('an unknown upload id answers unknown-upload and writes nothing', async () => {
    for (const r of [await importPreview('json', { upload: 'nope' }), await importSaved('json', { upload: 'nope' })]) {
      expect(r).toMatchObject({ ok: false, code: 'unknown-upload' });
      expect((r as { error: string }).error).toMatch(/no longer here.*Choose the file again/);
    }
    expect(uploadChunk('nope', 0, 'x')).toMatchObject({ ok: false, code: 'unknown-upload' });
    expect(uploadEnd('nope', 0, 0)).toMatchObject({ ok: false, code: 'unknown-upload' });
    expect(await savedCount()).toBe(0);
  });

  it('out-of-order chunks: a clear error, the upload is unusable, nothing written', async () => {
    const [a, , c] = cut(backup(5), 200);
    const { upload } = uploadStart() as { upload: string };
    expect(uploadChunk(upload, 0, a)).toEqual({ ok: true, received: 1 });
    const r = uploadChunk(upload, 2, c);
    expect(r).toEqual({ ok: false, error: 'Upload damaged: chunk 2 arrived before chunk 1 (chunks missing or out of order).' });
    // the late chunk does not repair it
    expect(uploadChunk(upload, 1, 'x')).toEqual(r);
    expect(uploadEnd(upload, 3, 600)).toEqual(r);
    expect(await importPreview('json', { upload })).toEqual(r);
    expect(await importSaved('json', { upload })).toEqual(r);
    expect(await savedCount()).toBe(0);
    expect(uploadCancel(upload)).toEqual({ ok: true });
  });

  it('a duplicate chunk fails the upload; nothing written', async () => {
    const chunks = cut(backup(3), 300);
    const { upload } = uploadStart() as { upload: string };
    uploadChunk(upload, 0, chunks[0]);
    uploadChunk(upload, 1, chunks[1]);
    expect(uploadChunk(upload, 1, chunks[1])).toEqual({ ok: false, error: 'Upload damaged: chunk 1 arrived twice.' });
    expect(await importSaved('json', { upload })).toEqual({ ok: false, error: 'Upload damaged: chunk 1 arrived twice.' });
    expect(await savedCount()).toBe(0);
  });

  it('missing chunks: the end says how many arrived; an upload not ended cannot be imported', async () => {
    const chunks = cut(backup(4), 250);
    expect(chunks.length).toBeGreaterThan(3);
    const { upload } = uploadStart() as { upload: string };
    uploadChunk(upload, 0, chunks[0]);
    uploadChunk(upload, 1, chunks[1]);
    expect(await importSaved('json', { upload })).toEqual({ ok: false, error: 'Upload incomplete: 2 chunks arrived, the upload was not ended.' });
    expect(uploadEnd(upload, chunks.length, 0)).toEqual({ ok: false, error: `Upload incomplete: 2 of ${chunks.length} chunks arrived.` });
    expect(await importSaved('json', { upload })).toMatchObject({ ok: false, error: /Upload incomplete/ });
    // a count that matches but characters that do not
    const other = uploadStart() as { upload: string };
    uploadChunk(other.upload, 0, 'abc');
    expect(uploadEnd(other.upload, 1, 4)).toEqual({ ok: false, error: 'Upload damaged: 3 of 4 characters arrived.' });
    expect(await savedCount()).toBe(0);
  });

  it('refuses a chunk cut inside a surrogate pair, or bigger than the limit', () => {
    const { upload } = uploadStart() as { upload: string };
    const text = 'story 😀 end';
    const at = text.indexOf('😀') + 1; // between the two halves
    expect(uploadChunk(upload, 0, text.slice(0, at))).toEqual({
      ok: false,
      error: 'Upload damaged: chunk 0 ends inside a character (a split surrogate pair).',
    });
    const b = uploadStart() as { upload: string };
    uploadChunk(b.upload, 0, 'ok');
    expect(uploadChunk(b.upload, 1, text.slice(at))).toMatchObject({ ok: false, error: /starts inside a character/ });
    const c = uploadStart() as { upload: string };
    expect(uploadChunk(c.upload, 0, 'x'.repeat(MAX_UPLOAD_CHUNK + 1))).toMatchObject({ ok: false, error: /larger than/ });
  });

  it('an empty upload previews as an empty file and writes nothing', async () => {
    const upload = stage([]);
    expect(await importPreview('auto', { upload })).toMatchObject({ ok: false, error: expect.stringMatching(/empty/i) });
    expect(await importSaved('json', { upload })).toMatchObject({ ok: false });
    expect(await savedCount()).toBe(0);
  });

  it('cancel drops the upload', async () => {
    const upload = stage(['{}']);
    expect(uploadCancel(upload)).toEqual({ ok: true });
    expect(await importPreview('json', { upload })).toMatchObject({ code: 'unknown-upload' });
    expect(uploadCancel(upload)).toEqual({ ok: true });
  });

  it('an upload idle for 10 minutes is dropped; each use keeps it alive', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { upload } = uploadStart() as { upload: string };
    uploadChunk(upload, 0, 'abc');
    vi.advanceTimersByTime(UPLOAD_IDLE_MS - 60_000);
    expect(uploadChunk(upload, 1, 'def')).toEqual({ ok: true, received: 2 });
    vi.advanceTimersByTime(UPLOAD_IDLE_MS - 60_000);
    expect(uploadEnd(upload, 2, 6)).toEqual({ ok: true, length: 6 });
    vi.advanceTimersByTime(UPLOAD_IDLE_MS + 1);
    expect(uploadEnd(upload, 2, 6)).toMatchObject({ ok: false, code: 'unknown-upload' });
    expect(UPLOAD_IDLE_MS).toBe(600_000);
  });
});

describe('reading a file in chunks (import panel)', () => {
  it('never ends a chunk inside a character, wherever the byte boundary falls', async () => {
    // 4-byte UTF-8 characters (surrogate pairs in JS) and 2/3-byte ones at every offset
    const text = `{"x":"${'a😀é€'.repeat(40)}𝄞"}`;
    for (const bytes of [4, 5, 6, 7, 9, 13]) {
      const chunks = await chunksOf(new Blob([text]), bytes);
      expect(chunks.join(''), `chunk size ${bytes}`).toBe(text);
      for (const c of chunks) {
        expect(/[\uD800-\uDBFF]$/.test(c), `${JSON.stringify(c)} ends with a high surrogate`).toBe(false);
        expect(/^[\uDC00-\uDFFF]/.test(c), `${JSON.stringify(c)} starts with a low surrogate`).toBe(false);
      }
      // and the background takes them as they come
      const upload = stage(chunks);
      expect(uploadCancel(upload)).toEqual({ ok: true });
    }
  });

  it('UTF-16 files with a byte order mark are decoded as a stream too', async () => {
    const text = 'title,url\n"😀 Café",https://a.example/\n';
    const le = new Uint8Array(2 + text.length * 2);
    le.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      le[2 + i * 2] = text.charCodeAt(i) & 0xff;
      le[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    expect((await chunksOf(new Blob([le]), 5)).join('')).toBe(text);
    expect(await readImportFile(new Blob([le]))).toBe(text);
  });

  it("a zip's chunks join into the zip's base64", async () => {
    const zip = zipSync({ 'a.txt': strToU8('hello '.repeat(500)), 'b.txt': strToU8('world') });
    const chunks = await chunksOf(new File([zip], 'export.zip'), 100);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(Buffer.from(zip).toString('base64'));
    expect(chunks.join('')).toBe(await readImportFile(new File([zip], 'export.zip')));
  });

  it('an empty file gives no chunk', async () => {
    expect(await chunksOf(new Blob([]), 16)).toEqual([]);
  });

  it('reports how much of the file was read', async () => {
    const reads: number[] = [];
    for await (const { read } of importFileChunks(new Blob(['x'.repeat(25)]), 10)) reads.push(read);
    expect(reads).toEqual([10, 20, 25]);
  });
});
