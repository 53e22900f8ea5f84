import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportLibrary, exportLibraryAsync } from '../../../utils/library/formats/export';
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
});
