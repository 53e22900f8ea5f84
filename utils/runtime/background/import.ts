/**
 * The background's side of imports. The library page's import panel reads, parses and writes a
 * file in the page itself (utils/library/import-run.ts on the page's own Library: no upload),
 * then tells the background with `importWritten`; the e2e test hook's importLibrary runs the
 * same functions here (`importSaved`). Either way the imported bodies are written unsanitised
 * and this module's drainPending sanitises and indexes them after, where a DOM is (./dom.ts).
 * Never throws: failures resolve `{ ok: false, error }`.
 */
import { measureImport, now, readImport, writeImport } from '../../library/import-run';
import type { ImportFormat } from '../../library/formats/types';
import type { ImportLibraryResult, Result } from '../../messages';
import { withDom } from './dom';
import { broadcastChanged, fail, getLibrary } from './library';

/**
 * Imported bodies sanitised and indexed per DOM task (one batch: read, DOMPurify, index terms,
 * one write transaction — all where the DOM is; only counts cross a message).
 */
export const CLEAN_BATCH = 250;

const utf8 = new TextEncoder();

let draining: Promise<void> | null = null;
/** a drain was asked for while one ran: it looks once more before it ends (new ids may have come) */
let again = false;
/** the last failure of a drain (it is retried by the next import, libraryStats, JSON text export, or background start) */
export let lastDrainError: unknown = null;

/** Is a drain running? */
export function isDraining(): boolean {
  return draining !== null;
}

/**
 * Sanitise and index every imported body still waiting (Library.cleanPending), CLEAN_BATCH at a
 * time where a DOM is; one drain at a time (a second call joins the running one, which then
 * looks for pending bodies once more before it ends, so none written meanwhile is missed). The library
 * page's import is done as soon as its write is and shows what is left
 * (libraryStats.pending; libraryStats also restarts a drain that stopped). Exports do not depend
 * on it: they sanitise a pending body they meet (Library.readBatches `clean`). Resolves when
 * nothing waits; rejects when a batch failed (what was cleaned stays cleaned).
 */
export function drainPending(): Promise<void> {
  if (draining) {
    again = true;
    return draining;
  }
  draining = (async () => {
    const t0 = now();
    /** where the drain's time went in the DOM context, summed over its batches */
    const spent = { read: 0, clean: 0, index: 0, write: 0 };
    try {
      for (;;) {
        again = false;
        const r = await withDom({ kind: 'clean', limit: CLEAN_BATCH }, getLibrary);
        if (r.kind !== 'clean') throw new Error('unexpected answer');
        for (const k of Object.keys(spent) as Array<keyof typeof spent>) spent[k] += r.timings?.[k] ?? 0;
        if (r.changed.length) broadcastChanged(r.changed);
        if (r.remaining === 0 && !again) break;
      }
      lastDrainError = null;
      // the bodies were cleaned by another context's Library: this one makes the backup's parts
      // ready, at once (no edits to wait for: the refresh's 15 s are for a user's run of edits)
      getLibrary().backupSoon(1000);
      measureImport('clean', t0);
      // lectern:import:clean-read|clean-sanitise|clean-index|clean-write (bench:import:browser)
      measureImport('clean-read', t0, t0 + spent.read);
      measureImport('clean-sanitise', t0, t0 + spent.clean);
      measureImport('clean-index', t0, t0 + spent.index);
      measureImport('clean-write', t0, t0 + spent.write);
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

/**
 * The library page wrote an import (`ids`: the entries it wrote): tell the extension's pages and
 * sanitise + index the imported bodies (not awaited: the page polls libraryStats.pending).
 */
export function importWritten(ids: unknown): Result {
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) return { ok: false, error: 'importWritten: ids must be strings.' };
  if (ids.length) broadcastChanged(ids as string[]);
  // a failed drain is kept in lastDrainError and retried by the next import, export or start
  void drainPending().catch(() => undefined);
  return { ok: true };
}

/**
 * Import a file into the background's Library (the e2e test hook): utils/library/import-run.ts
 * writeImport — merges by identity (an item already saved is kept as it is and counted in
 * `skipped`), keeps dates, tags and state, fetches nothing, one transaction: a file that cannot
 * be read, or a failed write, writes nothing. The bodies are sanitised + indexed right after by
 * `drainPending` (started here, not awaited unless `wait`). Records `lectern:import:parse|write`.
 */
export async function importSaved(format: ImportFormat, data: string, options: { wait?: boolean } = {}): Promise<ImportLibraryResult> {
  try {
    const t0 = now();
    // a Lectern JSON backup is parsed from its bytes (its articles stored as ranges of them), as the library page does
    const parsed = readImport(format, typeof data === 'string' && /^\uFEFF?\s*\{/.test(data.slice(0, 64)) ? utf8.encode(data) : data);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const t1 = now();
    const written = await writeImport(getLibrary(), parsed);
    measureImport('parse', t0, t1);
    measureImport('write', t1);
    // a failed drain is kept in lastDrainError and retried by the next import, export or start;
    // the import itself is done (its result says what was written)
    const cleaning = drainPending().catch(() => undefined);
    if (options.wait) await cleaning;
    if (written.ids.length) broadcastChanged(written.ids);
    return { ok: true, imported: written.imported, skipped: written.skipped, errors: written.errors };
  } catch (e) {
    return fail(e);
  }
}
