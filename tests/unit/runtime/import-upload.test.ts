// @vitest-environment jsdom
/**
 * The import panel reads a file in the page itself, slice by slice into one buffer
 * (components/library/ImportPanel.tsx: readImportFile) — nothing is uploaded to the background.
 * Every format is read as its bytes (parseImport decodes text itself, so no slice boundary can
 * cut a character), progress is reported per slice, and a read that is no longer wanted
 * (Cancel, another file) stops.
 */
import { zipSync, strToU8 } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readImportFile } from '../../../components/library/ImportPanel';
import { readImport } from '../../../utils/library/import-run';

function utf16le(text: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(2 + text.length * 2);
  out.set([0xff, 0xfe]);
  for (let i = 0; i < text.length; i++) {
    out[2 + i * 2] = text.charCodeAt(i) & 0xff;
    out[3 + i * 2] = text.charCodeAt(i) >> 8;
  }
  return out;
}

const bytesOf = (b: Uint8Array | null) => Array.from(b ?? []);

describe('reading an import file in slices (import panel)', () => {
  it('reads the exact bytes wherever the slice boundaries fall, and a Lectern JSON file parses from them', async () => {
    // 4-byte UTF-8 characters (surrogate pairs in JS) and 2/3-byte ones at every offset
    const html = `<p>${'a😀é€'.repeat(400)}𝄞</p>`;
    const text = `{"format":"lectern","version":1,"items":[{"url":"https://a.example/x","words":3,"excerpt":"e","html":${JSON.stringify(html)}}]}`;
    const want = new TextEncoder().encode(text);
    for (const bytes of [4, 5, 7, 13, 1000]) {
      const read = await readImportFile(new Blob([text]), { chunkBytes: bytes });
      expect(bytesOf(read), `slice size ${bytes}`).toEqual(Array.from(want));
      const parsed = readImport('auto', read!);
      expect(parsed.ok && parsed.items.length).toBe(1);
    }
  });

  it('UTF-16 files with a byte order mark are read as bytes and parse', async () => {
    const text = 'title,url,time_added,tags,status\n"😀 Café",https://a.example/,1700000000,,unread\n';
    const file = new Blob([utf16le(text)]);
    const data = await readImportFile(file, { chunkBytes: 5 });
    expect(bytesOf(data)).toEqual(Array.from(utf16le(text)));
    const parsed = readImport('auto', data!);
    expect(parsed).toMatchObject({ ok: true, format: 'pocket-csv', items: [{ title: '😀 Café', url: 'https://a.example/' }] });
  });

  it('a zip is read slice by slice into the same bytes', async () => {
    const zip = zipSync({ 'a.txt': strToU8('hello '.repeat(500)), 'b.txt': strToU8('world') });
    const read = await readImportFile(new File([zip], 'export.zip'), { chunkBytes: 100 });
    expect(bytesOf(read)).toEqual(Array.from(zip));
  });

  it('an empty file reads as no bytes (an "empty file" error, nothing to import)', async () => {
    const read = await readImportFile(new Blob([]));
    expect(read).toBeInstanceOf(Uint8Array);
    expect(read!.length).toBe(0);
    expect(readImport('auto', read!)).toMatchObject({ ok: false, error: 'empty file' });
  });

  it('reports how much of the file was read, and stops when the read is no longer wanted', async () => {
    const fractions: number[] = [];
    const read = await readImportFile(new Blob(['x'.repeat(25)]), { chunkBytes: 10, onProgress: (f) => fractions.push(f) });
    expect(new TextDecoder().decode(read!)).toBe('x'.repeat(25));
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
    // slices until it was no longer wanted: never the whole file
    expect(slices).toBeLessThan(6);
  });
});
