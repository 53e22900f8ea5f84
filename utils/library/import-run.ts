/**
 * Running an import against a Library, in whichever context holds the parsed file: the library
 * page (its import panel reads, parses and writes in the page itself: no upload to the
 * background) and the background (the e2e test hook's importLibrary). Pure: no `browser.*`, no
 * DOM. One implementation of the preview (identity lookups) and of the write for both.
 *
 * Imported HTML is untrusted: it is written as it came (`untrusted: true`, kept out of the
 * search index, listed in meta 'pending') and sanitised + indexed afterwards, where a DOM is
 * (the background's drainPending → Library.cleanPending in the offscreen document).
 */
import { parseImport } from './formats/import';
import { IMPORT_FORMATS, type ConcreteImportFormat, type ImportCounts, type ImportError, type ImportFormat, type ImportResult } from './formats/types';
import { isTyped } from './schema';
import type { Library, SaveInput } from './store';

/** A file parseImport could read. */
export type ParsedImport = Extract<ImportResult, { ok: true }>;

export interface ImportPreview {
  /** the format read (the detected one for 'auto') */
  format: ConcreteImportFormat;
  counts: ImportCounts;
  /** items not yet in the library */
  new: number;
  /** items already in the library (an import keeps them as they are) */
  existing: number;
  errors: ImportError[];
}

export interface ImportWriteResult {
  imported: number;
  skipped: number;
  /** ids of the entries written (not those skipped) */
  ids: string[];
  errors: Array<{ line: number; message: string }>;
}

/**
 * Parse an import file (text, or bytes / base64 for a zip) with the pure formats layer; a file
 * it cannot read → `{ ok: false, error }` (nothing to write).
 */
export function readImport(format: ImportFormat, data: string | Uint8Array): ImportResult {
  if (!IMPORT_FORMATS.includes(format)) {
    return { ok: false, error: `Unknown import format "${String(format)}".`, code: 'impErrRunUnknownFormat', params: [String(format)] };
  }
  const bytes = typeof data === 'string' ? null : asBytes(data);
  if (typeof data !== 'string' && !bytes) {
    return { ok: false, error: 'The import data must be a string (text, or base64 for a zip).', code: 'impErrRunDataType', params: [] };
  }
  return parseImport(format, bytes ?? data);
}

/** Bytes from any realm (a page's, a worker's, a test DOM's) as this realm's Uint8Array; anything else null. */
function asBytes(v: unknown): Uint8Array | null {
  if (v instanceof Uint8Array) return v;
  if (!isTyped(v, 'Uint8Array')) return null;
  const b = v as Uint8Array;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** What importing `parsed` into `lib` would do, without writing anything. */
export async function previewImport(lib: Library, parsed: ParsedImport): Promise<ImportPreview> {
  let existing = 0;
  const seen = new Set<string>();
  // an empty library has none of them (the first import of a big file: no 10,000 lookups)
  const empty = (await lib.list({ limit: 1 })).total === 0;
  // otherwise every entry is looked up at once (one read of the library's rows)
  const found = empty ? null : (await lib.findSavedMany(parsed.items as SaveInput[])).map((row) => row !== null);
  parsed.items.forEach((item, i) => {
    if (found?.[i]) existing++;
    else seen.add(item.source?.url ?? item.url);
  });
  return { format: parsed.format, counts: parsed.counts, new: seen.size, existing, errors: parsed.errors };
}

/** writeImport's own refusals: English `message`, and the i18n key (messages.json) the page shows. */
export class ImportWriteError extends Error {
  constructor(
    readonly code: 'libImportSourceLost' | 'libImportFileChanged',
    message: string,
  ) {
    super(message);
    this.name = 'ImportWriteError';
  }
}

/**
 * Write `parsed` into `lib` in ONE transaction (Library.saveMany): merges by identity (an entry
 * already saved is kept as it is and counted in `skipped`), keeps dates, tags and state, fetches
 * nothing. A failed write writes nothing (it throws). The bodies are stored unsanitised and
 * wait in meta 'pending' until cleaned.
 */
export async function writeImport(lib: Library, parsed: ParsedImport, file?: Blob): Promise<ImportWriteResult> {
  let ranged = false;
  const inputs: SaveInput[] = parsed.items.map(({ unsanitisedHtml, unsanitisedBody, ...rest }) => {
    if (unsanitisedBody) ranged = true;
    return { ...(rest as SaveInput), html: unsanitisedHtml ?? null, rawBody: unsanitisedBody ?? null };
  });
  const pack = ranged ? packOf(parsed, file) : undefined;
  const results = await lib.saveMany(inputs, { ifExists: 'skip', untrusted: true, pack });
  const written = results.filter((r) => !r.skipped);
  return {
    imported: written.length,
    skipped: results.length - written.length,
    ids: [...new Set(written.map((r) => r.id))],
    errors: parsed.errors.map((e) => ({ line: e.line, message: e.file ? `${e.file}: ${e.message}` : e.message })),
  };
}

/**
 * What the bodies' byte ranges are ranges of: the file itself when the caller has it (the
 * library page: storing a File in IndexedDB is a copy of the file, ~0.1 s for 300 MB in
 * Chromium), else a Blob of the parsed bytes (~1.2 s for 300 MB).
 */
function packOf(parsed: ParsedImport, file: Blob | undefined): Blob {
  const source = parsed.source;
  if (!source) throw new ImportWriteError('libImportSourceLost', 'The import lost the bytes its articles are ranges of.');
  if (file) {
    if (file.size !== source.length) throw new ImportWriteError('libImportFileChanged', 'The file changed after it was read; choose it again.');
    return file;
  }
  return new Blob([source as Uint8Array<ArrayBuffer>]);
}

export const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * Record an import step as the performance measure `lectern:import:<step>` in this context
 * (bench/import-browser.ts reads them); only the last of each name is kept.
 */
export function measureImport(step: string, start: number, end: number = now()): void {
  try {
    const name = `lectern:import:${step}`;
    performance.clearMeasures(name);
    performance.measure(name, { start, end });
  } catch {
    // no User Timing here: nothing to record
  }
}
