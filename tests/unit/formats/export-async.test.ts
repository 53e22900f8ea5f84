import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { addBatchAsync, exportFileWriter, exportLibrary, exportLibraryAsync } from '../../../utils/library/formats/export';
import { parseHtml, variedItems } from './helpers';

const now = new Date('2026-11-29T00:00:00Z');
const unzipText = (b: Uint8Array) => Object.fromEntries(Object.entries(unzipSync(b)).map(([k, v]) => [k, strFromU8(v)]));

describe('exportLibraryAsync', () => {
  it('gives the same files as the synchronous export and reports progress per item', async () => {
    const items = variedItems();
    for (const format of ['markdown', 'epub'] as const) {
      const seen: number[] = [];
      const a = await exportLibraryAsync(items, format, { now, parseHtml, sliceMs: 0, onProgress: (done, total) => seen.push(done / total) });
      const s = exportLibrary(items, format, { now, parseHtml });
      expect(a.filename).toBe(s.filename);
      const fa = unzipText((a as { bytes: Uint8Array }).bytes);
      const fs = unzipText((s as { bytes: Uint8Array }).bytes);
      expect(Object.keys(fa).sort()).toEqual(Object.keys(fs).sort());
      for (const k of Object.keys(fs)) if (k !== 'EPUB/package.opf') expect(fa[k], k).toBe(fs[k]);
      expect(seen).toEqual(items.map((_, i) => (i + 1) / items.length));
    }
    const j = await exportLibraryAsync(items, 'json', { now });
    expect(j).toEqual(exportLibrary(items, 'json', { now }));
  });

  it('stops when aborted', async () => {
    const ctl = new AbortController();
    const p = exportLibraryAsync(variedItems(), 'markdown', {
      now,
      sliceMs: 0,
      signal: ctl.signal,
      onProgress: (done) => done === 2 && ctl.abort(new Error('cancelled by user')),
    });
    await expect(p).rejects.toThrow('cancelled by user');
  });

  it('a batch-by-batch writer yields to the event loop and counts items across batches, abortable', async () => {
    const items = [...variedItems(), ...variedItems()];
    for (const format of ['markdown', 'epub'] as const) {
      const w = exportFileWriter(format, { now, parseHtml, lang: 'en' });
      const seen: number[] = [];
      let ticks = 0;
      const timer = setInterval(() => ticks++, 0);
      try {
        await addBatchAsync(w, items.slice(0, 4), items.length, { sliceMs: 0, onProgress: (done) => seen.push(done) });
        await addBatchAsync(w, items.slice(4), items.length, { sliceMs: 0, onProgress: (done) => seen.push(done) });
      } finally {
        clearInterval(timer);
      }
      expect(seen).toEqual(items.map((_, i) => i + 1));
      expect(ticks).toBeGreaterThan(0);
      const f = w.finish();
      const s = exportLibrary(items, format, { now, parseHtml });
      expect(f.filename).toBe(s.filename);
      const got = Object.keys(unzipSync(new Uint8Array(await new Blob(f.chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer()))).sort();
      expect(got).toEqual(Object.keys(unzipSync((s as { bytes: Uint8Array }).bytes)).sort());
    }
    const ctl = new AbortController();
    const w = exportFileWriter('markdown', { now, parseHtml });
    ctl.abort(new Error('cancelled by user'));
    await expect(addBatchAsync(w, variedItems(), 5, { signal: ctl.signal })).rejects.toThrow('cancelled by user');
  });
});
