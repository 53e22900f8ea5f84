/**
 * The e2e test hook (../shared/test-contract.md). Only installed when
 * `import.meta.env.MODE === 'e2e'` (see entrypoints/background.ts); it calls the very functions
 * the popup, the command, the context menus and the overlay use and does no work of its own:
 * it only narrows their results to the contract's shapes.
 */
import type { ExportFormat, ImportFormat } from '../../library/formats/types';
import type { ItemRow } from '../../library/store';
import type { SavedItem } from '../../library/types';
import type { Failure, OpenResult, PageInfoResult, Result } from '../../messages';
import { clearLibrary, exportSaved, getSaved, importSaved, listSaved, saveArticle } from './library';
import { closeReader, openReader, pageInfo } from './reader';

/** The fields of a `listSaved()` item (test contract). */
export const CONTRACT_FIELDS = [
  'id',
  'url',
  'title',
  'byline',
  'source',
  'aggregator',
  'published',
  'savedAt',
  'tags',
  'archived',
  'favourite',
  'words',
  'hasContent',
] as const;
export type ContractItem = Pick<ItemRow, (typeof CONTRACT_FIELDS)[number]>;

function pick(row: ItemRow): ContractItem {
  const out: Record<string, unknown> = {};
  for (const k of CONTRACT_FIELDS) out[k] = row[k];
  return out as ContractItem;
}

export interface LecternTestHook {
  openReader(tabId: number): Promise<OpenResult>;
  closeReader(tabId: number): Promise<Result>;
  pageInfo(tabId: number): Promise<PageInfoResult>;
  saveArticle(tabId: number): Promise<{ ok: true; id: string; updated: boolean } | Failure>;
  listSaved(): Promise<{ ok: true; items: ContractItem[] } | Failure>;
  getSaved(id: string): Promise<{ ok: true; item: ContractItem & { html: string } } | Failure>;
  exportLibrary(
    format: ExportFormat,
    options?: { ids?: string[] },
  ): Promise<{ ok: true; filename: string; mimeType: string; text?: string; base64?: string } | Failure>;
  importLibrary(
    format: ImportFormat,
    data: string,
  ): Promise<{ ok: true; imported: number; skipped: number; errors: Array<{ line: number; message: string }> } | Failure>;
  clearLibrary(): Promise<Result>;
}

export function installTestHook(): LecternTestHook {
  const hook: LecternTestHook = {
    openReader: (tabId) => openReader(tabId),
    closeReader: (tabId) => closeReader(tabId),
    pageInfo: (tabId) => pageInfo(tabId),
    saveArticle: async (tabId) => {
      const r = await saveArticle(tabId);
      return r.ok ? { ok: true, id: r.id, updated: r.updated } : r;
    },
    listSaved: async () => {
      const r = await listSaved({});
      return r.ok ? { ok: true, items: r.items.map(pick) } : r;
    },
    getSaved: async (id) => {
      const r = await getSaved(id);
      return r.ok ? { ok: true, item: { ...pick(r.item), html: (r.item as SavedItem).html } } : r;
    },
    exportLibrary: async (format, options) => {
      const r = await exportSaved({ format, ids: options?.ids });
      if (!r.ok) return r;
      const { filename, mimeType } = r;
      return r.base64 !== undefined ? { ok: true, filename, mimeType, base64: r.base64 } : { ok: true, filename, mimeType, text: r.text ?? '' };
    },
    // resolves once the imported bodies are sanitised and indexed too (as the contract's import
    // did); if that fails (no DOM) it still resolves with what was written, the bodies pending
    importLibrary: (format, data) => importSaved(format, data, { wait: true }),
    clearLibrary: () => clearLibrary(),
  };
  (globalThis as unknown as { lecternTest: LecternTestHook }).lecternTest = hook;
  return hook;
}
