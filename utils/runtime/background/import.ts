/**
 * The background's import functions (the library page's import panel and the test hook's
 * `importLibrary`): parse a file with the pure formats layer, sanitise imported HTML where a DOM
 * is (./dom.ts), write everything in one transaction. Never throws: failures resolve
 * `{ ok: false, error }`.
 */
import type { SaveInput } from '../../library/store';
import { parseImport } from '../../library/formats/import';
import { IMPORT_FORMATS, type ImportFormat } from '../../library/formats/types';
import type { ImportLibraryResult, ImportPreviewResult } from '../../messages';
import { withDom } from './dom';
import { broadcastChanged, fail, getLibrary } from './library';

const SANITIZE_BATCH = 200;

function readImport(format: ImportFormat, data: string) {
  if (!IMPORT_FORMATS.includes(format)) return { ok: false as const, error: `Unknown import format "${String(format)}".` };
  if (typeof data !== 'string') return { ok: false as const, error: 'The import data must be a string (text, or base64 for a zip).' };
  return parseImport(format, data);
}

/** What an import would do, without writing anything. */
export async function importPreview(format: ImportFormat, data: string): Promise<ImportPreviewResult> {
  try {
    const parsed = readImport(format, data);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const lib = getLibrary();
    let existing = 0;
    const seen = new Set<string>();
    for (const item of parsed.items) {
      const row = await lib.findSaved(item as SaveInput);
      if (row) existing++;
      else seen.add(item.source?.url ?? item.url);
    }
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
 * `skipped`), keeps dates, tags and state, sanitises imported HTML, fetches nothing. Everything
 * is written in one transaction: a file that cannot be read, or a failed write, writes nothing.
 */
export async function importSaved(format: ImportFormat, data: string): Promise<ImportLibraryResult> {
  try {
    const parsed = readImport(format, data);
    if (!parsed.ok) return { ok: false, error: parsed.error };
    const inputs: SaveInput[] = parsed.items.map(({ unsanitisedHtml: _raw, ...rest }) => ({ ...(rest as SaveInput), html: null }));
    // imported HTML is untrusted: sanitise it where a DOM is, in batches
    const withHtml = parsed.items.map((item, i) => [i, item.unsanitisedHtml] as const).filter(([, h]) => !!h?.trim());
    for (let start = 0; start < withHtml.length; start += SANITIZE_BATCH) {
      const batch = withHtml.slice(start, start + SANITIZE_BATCH);
      const r = await withDom(
        { kind: 'sanitize', items: batch.map(([i, html]) => ({ html: html as string, baseUrl: parsed.items[i].url })) },
        getLibrary,
      );
      if (r.kind !== 'sanitize') throw new Error('unexpected answer');
      batch.forEach(([i], k) => {
        inputs[i].html = r.html[k] || null;
      });
    }
    const results = await getLibrary().saveMany(inputs, { ifExists: 'skip' });
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
