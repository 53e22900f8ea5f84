import { zipSync } from 'fflate';

/**
 * The slow exports (Markdown, EPUB) are written as generators that yield the number of items
 * done after each one, so that one implementation serves both a plain synchronous call and an
 * async one that gives the event loop (and a progress bar) a turn every few items.
 */
export function runSteps<T>(gen: Generator<number, T>): T {
  for (;;) {
    const r = gen.next();
    if (r.done) return r.value;
  }
}

export interface StepOptions {
  /** called after each item with (done, total) */
  onProgress?: (done: number, total: number) => void;
  /** abort between items; the promise rejects with the signal's reason */
  signal?: AbortSignal;
  /** yield to the event loop after this many milliseconds of work (default 50) */
  sliceMs?: number;
}

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function runStepsAsync<T>(gen: Generator<number, T>, total: number, opts: StepOptions = {}): Promise<T> {
  const slice = opts.sliceMs ?? 50;
  let start = Date.now();
  for (;;) {
    opts.signal?.throwIfAborted();
    const r = gen.next();
    if (r.done) return r.value;
    opts.onProgress?.(r.value, total);
    if (Date.now() - start >= slice) {
      await tick();
      start = Date.now();
    }
  }
}

/**
 * A zip written file by file (Markdown and EPUB downloads): each file is compressed as it is
 * added and only the compressed bytes are kept, as chunks for a Blob; the central directory
 * (names, sizes, CRCs: ~100 bytes a file) is written by `finish`.
 *
 * Every entry is made by fflate's zipSync on that one file, so its local header and data are
 * byte for byte what zipSync writes for it in a whole archive (sizes and CRC in the local
 * header, no data descriptor: a STORED `mimetype` first, as EPUB readers expect); only the
 * central directory's offsets are moved. So the archive equals zipSync's of the same files in
 * the same order. (fflate's streaming `Zip` writes every entry with a data descriptor, which a
 * STORED EPUB `mimetype` should not have.)
 */
export class ZipChunks {
  private readonly chunks: Uint8Array[] = [];
  private central: Uint8Array[] = [];
  private offset = 0;
  private centralSize = 0;
  private count = 0;

  /** `opts.level` defaults to 6 (as zipSync's options are given everywhere here); 0 stores. */
  add(name: string, data: Uint8Array, opts: { level?: 0 | 6; mtime?: Date } = {}): void {
    if (this.count >= 0xffff) throw new Error('too many files for a zip (65,535 at most)');
    const one = zipSync({ [name]: [data, opts] }, { level: 6 });
    const eocd = one.length - 22;
    const cdStart = u32(one, eocd + 16);
    const entry = one.slice(cdStart, eocd);
    if (this.offset > 0xffffffff) throw new Error('the export is too large for a zip (4 GB at most)');
    entry[42] = this.offset & 0xff;
    entry[43] = (this.offset >>> 8) & 0xff;
    entry[44] = (this.offset >>> 16) & 0xff;
    entry[45] = (this.offset >>> 24) & 0xff;
    this.chunks.push(one.subarray(0, cdStart));
    this.central.push(entry);
    this.offset += cdStart;
    this.centralSize += entry.length;
    this.count++;
  }

  /** Files added so far. */
  get files(): number {
    return this.count;
  }

  /** The whole archive as chunks (the writer is spent afterwards). */
  finish(): Uint8Array[] {
    if (this.offset + this.centralSize > 0xffffffff) throw new Error('the export is too large for a zip (4 GB at most)');
    const end = new Uint8Array(22);
    const v = new DataView(end.buffer);
    v.setUint32(0, 0x06054b50, true);
    v.setUint16(8, this.count, true);
    v.setUint16(10, this.count, true);
    v.setUint32(12, this.centralSize, true);
    v.setUint32(16, this.offset, true);
    const out = [...this.chunks, ...this.central, end];
    this.chunks.length = 0;
    this.central = [];
    return out;
  }
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}
