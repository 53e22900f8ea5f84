// @vitest-environment jsdom
/**
 * The import panel reads a file in the page itself, in slices (components/library/ImportPanel.tsx:
 * importFileChunks / readImportFile) — nothing is uploaded to the background any more. A text
 * part never ends inside a character wherever a slice boundary falls (UTF-8, UTF-16 with BOM),
 * a zip is read as its bytes, progress is reported per slice, and a read that is no longer
 * wanted (Cancel, another file) stops.
 */
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { importFileChunks, readImportFile } from '../../../components/library/ImportPanel';
import { readImport } from '../../../utils/library/import-run';

async function partsOf(blob: Blob & { name?: string }, bytes: number): Promise<Array<string | Uint8Array>> {
  const out: Array<string | Uint8Array> = [];
  for await (const { part } of importFileChunks(blob, bytes)) out.push(part);
  return out;
}

function utf16le(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(2 + text.length * 2);
  out.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    out[2 + i * 2] = text.charCodeAt(i) & 0xff;
    out[3 + i * 2] = text.charCodeAt(i) >> 8;
  }
  return out;
}

describe('reading an import file in slices (import panel)', () => {
  it('never ends a text part inside a character, wherever the byte boundary falls', async () => {
    // 4-byte UTF-8 characters (surrogate pairs in JS) and 2/3-byte ones at every offset
    const text = `{"x":"${'a😀é€'.repeat(40)}𝄞"}`;
    for (const bytes of [4, 5, 6, 7, 9, 13]) {
      const parts = (await partsOf(new Blob([text]), bytes)) as string[];
      expect(parts.length, `slice size ${bytes}`).toBeGreaterThan(1);
      expect(parts.join(''), `slice size ${bytes}`).toBe(text);
      for (const c of parts) {
        expect(typeof c).toBe('string');
        expect(/[\uD800-\uDBFF]$/.test(c), `${JSON.stringify(c)} ends with a high surrogate`).toBe(false);
        expect(/^[\uDC00-\uDFFF]/.test(c), `${JSON.stringify(c)} starts with a low surrogate`).toBe(false);
      }
      expect(await readImportFile(new Blob([text]), { chunkBytes: bytes })).toBe(text);
    }
  });

  it('UTF-16 files with a byte order mark are decoded as a stream too, and parse', async () => {
    const text = 'title,url,time_added,tags,status\n"😀 Café",https://a.example/,1700000000,,unread\n';
    const file = new Blob([utf16le(text)]);
    expect(((await partsOf(file, 5)) as string[]).join('')).toBe(text);
    const data = await readImportFile(file, { chunkBytes: 5 });
    expect(data).toBe(text);
    const parsed = readImport('auto', data as string);
    expect(parsed).toMatchObject({ ok: true, format: 'pocket-csv', items: [{ title: '😀 Café', url: 'https://a.example/' }] });
  });

  it('a zip is read as its bytes, slice by slice, into the same bytes', async () => {
    const zip = zipSync({ 'a.txt': strToU8('hello '.repeat(500)), 'b.txt': strToU8('world') });
    const parts = await partsOf(new File([zip], 'export.zip'), 100);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.every((p) => p instanceof Uint8Array)).toBe(true);
    const read = await readImportFile(new File([zip], 'export.zip'), { chunkBytes: 100 });
    expect(read).toBeInstanceOf(Uint8Array);
    expect(Array.from(read as Uint8Array)).toEqual(Array.from(zip));
    // recognised by its first bytes even without the .zip name
    expect(await readImportFile(new Blob([zip]), { chunkBytes: 64 })).toBeInstanceOf(Uint8Array);
  });

  it('an empty file reads as an empty string (an "empty file" error, nothing to import)', async () => {
    expect(await partsOf(new Blob([]), 16)).toEqual([]);
    expect(await readImportFile(new Blob([]))).toBe('');
    expect(readImport('auto', '')).toMatchObject({ ok: false, error: 'empty file' });
  });

  it('reports how much of the file was read, and stops when the read is no longer wanted', async () => {
    const reads: number[] = [];
    for await (const { read } of importFileChunks(new Blob(['x'.repeat(25)]), 10)) reads.push(read);
    expect(reads).toEqual([10, 20, 25]);

    const fractions: number[] = [];
    expect(await readImportFile(new Blob(['x'.repeat(25)]), { chunkBytes: 10, onProgress: (f) => fractions.push(f) })).toBe('x'.repeat(25));
    expect(fractions).toEqual([0.4, 0.8, 1]);

    let slices = 0;
    const counting = new Blob(['y'.repeat(100)]);
    const slice = counting.slice.bind(counting);
    counting.slice = (...a: Parameters<Blob['slice']>) => {
      slices++;
      return slice(...a);
    };
    const stopped = await readImportFile(counting, { chunkBytes: 10, onProgress: () => undefined, wanted: () => slices < 3 });
    expect(stopped).toBeNull();
    // the head, then slices until it was no longer wanted: never the whole file
    expect(slices).toBeLessThan(6);
  });
});
