/**
 * The background's import functions (the library page's import panel and the test hook's
 * `importLibrary`): parse a file with the pure formats layer, sanitise imported HTML where a DOM
 * is (./dom.ts), write everything in one transaction. Never throws: failures resolve
 * `{ ok: false, error }`.
 *
 * Big files arrive as a staged upload (Chrome refuses any extension message over 64 MiB): the
 * page sends the file's string in ordered chunks, the background keeps them under an upload id
 * and joins them once the upload ends; importPreview / importLibrary then name the upload
 * instead of carrying the data. An upload is dropped once imported, on cancel, or after
 * UPLOAD_IDLE_MS without use. Uploads live in this context's memory only: when Chrome stops the
 * service worker they are gone, and the page uploads again (`code: 'unknown-upload'`).
 */
import type { SaveInput } from '../../library/store';
import { parseImport } from '../../library/formats/import';
import { IMPORT_FORMATS, type ImportFormat } from '../../library/formats/types';
import type {
  Failure,
  ImportLibraryResult,
  ImportPreviewResult,
  ImportUploadChunkResult,
  ImportUploadEndResult,
  ImportUploadStartResult,
  Result,
  UnknownUpload,
} from '../../messages';
import { withDom } from './dom';
import { broadcastChanged, fail, getLibrary } from './library';

/**
 * Imported bodies sanitised and indexed per DOM task (one batch: read, DOMPurify, index terms,
 * one write transaction — all where the DOM is; only counts cross a message).
 */
export const CLEAN_BATCH = 250;

let draining: Promise<void> | null = null;
/** a drain was asked for while one ran: it looks once more before it ends (new ids may have come) */
let again = false;
/** the last failure of a drain (it is retried by the next import, export, or background start) */
export let lastDrainError: unknown = null;

/**
 * Sanitise and index every imported body still waiting (Library.cleanPending), CLEAN_BATCH at a
 * time where a DOM is; one drain at a time (a second call joins the running one, which then
 * looks for pending bodies once more before it ends, so none written meanwhile is missed). The library
 * page's import returns as soon as its write is done and shows what is left
 * (libraryStats.pending); exports wait for this first. Resolves when nothing waits; rejects when
 * a batch failed (what was cleaned stays cleaned).
 */
export function drainPending(): Promise<void> {
  if (draining) {
    again = true;
    return draining;
  }
  draining = (async () => {
    const t0 = now();
    try {
      for (;;) {
        again = false;
        const r = await withDom({ kind: 'clean', limit: CLEAN_BATCH }, getLibrary);
        if (r.kind !== 'clean') throw new Error('unexpected answer');
        if (r.changed.length) broadcastChanged(r.changed);
        if (r.remaining === 0 && !again) break;
      }
      lastDrainError = null;
      measure('clean', t0, now());
    } catch (e) {
      lastDrainError = e;
      throw e;
    } finally {
      draining = null;
    }
  })();
  return draining;
}

/** Drain when anything waits (a cheap check first: no DOM context is started for nothing). */
export async function drainIfPending(): Promise<void> {
  if ((await getLibrary().pendingCount()) > 0) await drainPending();
}

// ------------------------------------------------------------------ staged uploads

/** An upload not touched for this long is dropped. */
export const UPLOAD_IDLE_MS = 10 * 60_000;
/**
 * Largest chunk accepted, in UTF-16 code units. Chrome measures a message as JSON in UTF-8 and
 * refuses it over 64 MiB; one code unit is at most 6 bytes there ("\u001f"), so 8 Mi units
 * (48 MiB at worst, ~8 MiB for ordinary text) always pass.
 */
export const MAX_UPLOAD_CHUNK = 8 * 1024 * 1024;

interface Staged {
  /** chunks received so far, in order (released once the upload ends) */
  chunks: string[];
  /** the whole string once the upload ended; null before, and once imported */
  data: string | null;
  /** set when the upload went wrong: every later use answers it, nothing is imported */
  error: string | null;
  timer: ReturnType<typeof setTimeout> | null;
}

const uploads = new Map<string, Staged>();

function unknownUpload(id: unknown): UnknownUpload {
  return {
    ok: false,
    code: 'unknown-upload',
    error: `The uploaded file is no longer here (upload ${String(id)}: cancelled, already imported, idle too long, or the background restarted). Choose the file again.`,
  };
}

function touch(id: string, staged: Staged): void {
  if (staged.timer) clearTimeout(staged.timer);
  staged.timer = setTimeout(() => {
    if (uploads.get(id) === staged) uploads.delete(id);
  }, UPLOAD_IDLE_MS);
  (staged.timer as { unref?: () => void }).unref?.();
}

function drop(id: string): void {
  const staged = uploads.get(id);
  if (!staged) return;
  if (staged.timer) clearTimeout(staged.timer);
  staged.chunks = [];
  staged.data = null;
  uploads.delete(id);
}

/** Mark an upload as failed: its chunks are released, every later use answers `error`. */
function poison(id: string, staged: Staged, error: string): Failure {
  staged.error = error;
  staged.chunks = [];
  staged.data = null;
  touch(id, staged);
  return { ok: false, error };
}

function newId(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  return c?.randomUUID ? c.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
}

/** Open a staged upload. */
export function uploadStart(): ImportUploadStartResult {
  const id = newId();
  const staged: Staged = { chunks: [], data: null, error: null, timer: null };
  uploads.set(id, staged);
  touch(id, staged);
  return { ok: true, upload: id, maxChunk: MAX_UPLOAD_CHUNK };
}

const isHigh = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLow = (code: number) => code >= 0xdc00 && code <= 0xdfff;

/** Chunk `index` (0-based) of an upload; chunks must come in order, each exactly once. */
export function uploadChunk(id: string, index: number, chunk: string): ImportUploadChunkResult {
  const staged = uploads.get(id);
  if (!staged) return unknownUpload(id);
  if (staged.error) return { ok: false, error: staged.error };
  if (staged.data !== null) return poison(id, staged, `Upload damaged: chunk ${index} arrived after the upload ended.`);
  if (typeof chunk !== 'string') return poison(id, staged, `Upload damaged: chunk ${index} is not text.`);
  if (!Number.isInteger(index) || index < 0) return poison(id, staged, `Upload damaged: bad chunk number ${String(index)}.`);
  const expected = staged.chunks.length;
  if (index < expected) return poison(id, staged, `Upload damaged: chunk ${index} arrived twice.`);
  if (index > expected) {
    return poison(id, staged, `Upload damaged: chunk ${index} arrived before chunk ${expected} (chunks missing or out of order).`);
  }
  if (chunk.length > MAX_UPLOAD_CHUNK) return poison(id, staged, `Upload damaged: chunk ${index} is larger than ${MAX_UPLOAD_CHUNK} characters.`);
  // a surrogate pair cut in two does not survive Chrome's messaging (each half becomes U+FFFD)
  if (chunk.length && isHigh(chunk.charCodeAt(chunk.length - 1))) {
    return poison(id, staged, `Upload damaged: chunk ${index} ends inside a character (a split surrogate pair).`);
  }
  if (chunk.length && index > 0 && isLow(chunk.charCodeAt(0))) {
    return poison(id, staged, `Upload damaged: chunk ${index} starts inside a character (a split surrogate pair).`);
  }
  staged.chunks.push(chunk);
  touch(id, staged);
  return { ok: true, received: staged.chunks.length };
}

/** End an upload: checks that `chunks` chunks of `length` code units in all arrived, then joins them. */
export function uploadEnd(id: string, chunks: number, length: number): ImportUploadEndResult {
  const staged = uploads.get(id);
  if (!staged) return unknownUpload(id);
  if (staged.error) return { ok: false, error: staged.error };
  if (staged.data !== null) return { ok: true, length: staged.data.length };
  if (staged.chunks.length !== chunks) {
    return poison(id, staged, `Upload incomplete: ${staged.chunks.length} of ${chunks} chunks arrived.`);
  }
  const got = staged.chunks.reduce((n, c) => n + c.length, 0);
  if (got !== length) return poison(id, staged, `Upload damaged: ${got} of ${length} characters arrived.`);
  try {
    staged.data = staged.chunks.join('');
  } catch {
    // past the engine's longest string (~512 Mi characters in Chrome)
    return poison(id, staged, `The file is too big to import in one go (${Math.round(length / 1e6)} million characters): split it into smaller files.`);
  }
  staged.chunks = [];
  touch(id, staged);
  return { ok: true, length: staged.data.length };
}

/** Drop an upload (always ok: an unknown id is already dropped). */
export function uploadCancel(id: string): Result {
  drop(id);
  return { ok: true };
}

/** Staged uploads held right now (tests, diagnostics). */
export function stagedUploads(): number {
  return uploads.size;
}

/** Where an import's data comes from: the string itself, or a staged upload's id. */
export type ImportInput = string | { upload: string };

/**
 * The string an import reads. `consume`: the upload is dropped here (importLibrary), so the
 * only reference left is the caller's, released as soon as it has parsed it.
 */
function resolveInput(input: ImportInput, consume: boolean): { ok: true; data: string } | Failure {
  if (typeof input === 'string') return { ok: true, data: input };
  const id = input && typeof input === 'object' ? input.upload : undefined;
  if (typeof id !== 'string') return { ok: false, error: 'The import data must be a string (text, or base64 for a zip).' };
  const staged = uploads.get(id);
  if (!staged) return unknownUpload(id);
  if (staged.error) return { ok: false, error: staged.error };
  if (staged.data === null) return { ok: false, error: `Upload incomplete: ${staged.chunks.length} chunks arrived, the upload was not ended.` };
  const data = staged.data;
  if (consume) drop(id);
  else touch(id, staged);
  return { ok: true, data };
}

/** The message form `{ format, data }` or `{ format, upload }` → ImportInput. */
export function inputOf(message: { data?: string; upload?: string }): ImportInput {
  return typeof message.upload === 'string' ? { upload: message.upload } : (message.data as string);
}

const now = (): number => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * The last import's steps as performance measures `lectern:import:parse|write|clean` (and
 * the last preview's `lectern:import:preview-parse|preview-lookup`) in this
 * context (bench/import-browser.ts reads them from the service worker); only the last is kept.
 */
function measure(step: string, start: number, end: number): void {
  try {
    const name = `lectern:import:${step}`;
    performance.clearMeasures(name);
    performance.measure(name, { start, end });
  } catch {
    // no User Timing here: nothing to record
  }
}

function readImport(format: ImportFormat, data: string) {
  if (!IMPORT_FORMATS.includes(format)) return { ok: false as const, error: `Unknown import format "${String(format)}".` };
  if (typeof data !== 'string') return { ok: false as const, error: 'The import data must be a string (text, or base64 for a zip).' };
  return parseImport(format, data);
}

/** Identity lookups, LOOKUPS_IN_FLIGHT read transactions at a time (one by one took ~1 ms each). */
const LOOKUPS_IN_FLIGHT = 32;

async function findAll(lib: ReturnType<typeof getLibrary>, items: SaveInput[]): Promise<boolean[]> {
  const found = new Array<boolean>(items.length).fill(false);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      found[i] = !!(await lib.findSaved(items[i]));
    }
  };
  await Promise.all(Array.from({ length: Math.min(LOOKUPS_IN_FLIGHT, items.length) }, worker));
  return found;
}

/** What an import would do, without writing anything. */
export async function importPreview(format: ImportFormat, input: ImportInput): Promise<ImportPreviewResult> {
  try {
    const t0 = now();
    const source = resolveInput(input, false);
    if (!source.ok) return source;
    const parsed = readImport(format, source.data);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const t1 = now();
    const lib = getLibrary();
    let existing = 0;
    const seen = new Set<string>();
    // an empty library has none of them (the first import of a big file: no 10,000 lookups)
    const empty = (await lib.list({ limit: 1 })).total === 0;
    const found = empty ? null : await findAll(lib, parsed.items as SaveInput[]);
    parsed.items.forEach((item, i) => {
      if (found?.[i]) existing++;
      else seen.add(item.source?.url ?? item.url);
    });
    measure('preview-parse', t0, t1);
    measure('preview-lookup', t1, now());
    return {
      ok: true,
      format: parsed.format,
      counts: parsed.counts,
      new: seen.size,
      existing,
      errors: parsed.errors,
    };
  } catch (e) {
    return fail(e);
  }
}

/**
 * Import a file: merges by identity (an item already saved is kept as it is and counted in
 * `skipped`), keeps dates, tags and state, fetches nothing. Everything is written in one
 * transaction: a file that cannot be read, or a failed write, writes nothing. Imported HTML is
 * untrusted: it is stored as it came and sanitised + indexed right after by `drainPending`
 * (started here, not awaited unless `wait`), so the import is done when its write is.
 */
export async function importSaved(format: ImportFormat, input: ImportInput, options: { wait?: boolean } = {}): Promise<ImportLibraryResult> {
  try {
    const t0 = now();
    let source: ReturnType<typeof resolveInput> | null = resolveInput(input, true);
    if (!source.ok) return source;
    const parsed = readImport(format, source.data);
    // the background's copy of a staged file is not needed once parsed
    source = null;
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const t1 = now();
    const inputs: SaveInput[] = parsed.items.map(({ unsanitisedHtml, ...rest }) => ({ ...(rest as SaveInput), html: unsanitisedHtml ?? null }));
    const results = await getLibrary().saveMany(inputs, { ifExists: 'skip', untrusted: true });
    const t2 = now();
    measure('parse', t0, t1);
    measure('write', t1, t2);
    // a failed drain is kept in lastDrainError and retried by the next import, export or start;
    // the import itself is done (its result says what was written)
    const cleaning = drainPending().catch(() => undefined);
    if (options.wait) await cleaning;
    const imported = results.filter((r) => !r.skipped).length;
    const skipped = results.length - imported;
    if (imported) broadcastChanged([...new Set(results.filter((r) => !r.skipped).map((r) => r.id))]);
    return {
      ok: true,
      imported,
      skipped,
      errors: parsed.errors.map((e) => ({ line: e.line, message: e.file ? `${e.file}: ${e.message}` : e.message })),
    };
  } catch (e) {
    return fail(e);
  }
}
