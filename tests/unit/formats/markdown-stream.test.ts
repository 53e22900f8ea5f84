import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportFileWriter, exportLibrary } from '../../../utils/library/formats/export';
import { exportMarkdownZip, markdownZipWriter } from '../../../utils/library/formats/markdown';
import { concat, expectHoldsNoArticles, makeItem, parseHtml, variedItems } from './helpers';
import type { SavedItem } from '../../../utils/library/types';

/** Items whose names collide across batches ("Same title", "same TITLE (2)"…). */
function library(): ReturnType<typeof variedItems> {
  return [
    ...variedItems(),
    makeItem({ title: 'Same title' }),
    makeItem({ title: 'Another story', savedAt: 'not a date' }),
    makeItem({ title: 'same TITLE' }),
    ...variedItems(),
    makeItem({ title: 'Same title', html: '<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>' }),
  ];
}

describe('Markdown zip written batch by batch', () => {
  it('is byte for byte the zip exportMarkdownZip makes, whatever the batches', () => {
    const items = library().filter((i) => i.savedAt !== 'not a date'); // (no mtime: the zip says "now")
    const whole = exportMarkdownZip(items, parseHtml);
    for (const sizes of [[items.length], [1, 2, 3, 4, 5, 100], [5, 5, 5, 5]]) {
      const w = markdownZipWriter(parseHtml);
      let at = 0;
      for (const n of sizes) {
        w.add(items.slice(at, at + n));
        at += n;
      }
      expect(w.count).toBe(items.length);
      const streamed = concat(w.finish());
      expect(streamed).toEqual(whole);
    }
    const names = Object.keys(unzipSync(whole));
    expect(names).toContain('Same title.md');
    expect(names).toContain('same TITLE (2).md');
    expect(names).toContain('Same title (3).md');
  });

  it('same names and files as the synchronous export, items without a date included (exportFileWriter)', () => {
    const items = library();
    const now = new Date('2026-11-29T12:00:00Z');
    const w = exportFileWriter('markdown', { now, parseHtml });
    expect(w).toMatchObject({ filename: 'lectern-2026-11-29-markdown.zip', mimeType: 'application/zip' });
    for (let i = 0; i < items.length; i += 4) w.add(items.slice(i, i + 4));
    const file = w.finish();
    expect(file.bytes).toBe(file.chunks.reduce((n, c) => n + c.length, 0));
    const got = unzipSync(concat(file.chunks));
    const want = unzipSync((exportLibrary(items, 'markdown', { now, parseHtml }) as { bytes: Uint8Array }).bytes);
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const k of Object.keys(want)) expect(strFromU8(got[k]), k).toBe(strFromU8(want[k]));
    expect(Object.keys(got)).toHaveLength(items.length);
  });

  it('an empty library is an empty zip', () => {
    expect(concat(markdownZipWriter(parseHtml).finish())).toEqual(exportMarkdownZip([], parseHtml));
  });

  it('keeps no item and no html once a batch is added: only the compressed files', () => {
    const marker = 'ZEBRA-MARKER-';
    const batch = (b: number) =>
      Array.from({ length: 20 }, (_, i) =>
        makeItem({ html: `<p>${marker}${b}-${i} ${'All work and no play makes a dull article. '.repeat(2000)}</p>` }),
      );
    const w = markdownZipWriter(parseHtml);
    const added: SavedItem[] = [];
    for (let b = 0; b < 3; b++) {
      const items = batch(b);
      added.push(...items);
      w.add(items);
    }
    expectHoldsNoArticles(w, added, marker);
    expect(Object.keys(unzipSync(concat(w.finish())))).toHaveLength(60);
  });
});

