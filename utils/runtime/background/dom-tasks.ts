/**
 * The library steps that need a DOM (a `window`): Markdown and EPUB exports (they parse article
 * HTML), sanitising imported HTML with DOMPurify, and blob: URLs for downloads — so every
 * downloaded export is written here, from the library read here: only the blob: URL crosses a
 * message (Chrome refuses extension messages over 64 MiB; a 10,000-article JSON is ~300 MB).
 *
 * They run where a DOM exists: in Firefox (MV2) the background page itself; in Chrome (MV3) the
 * offscreen document (entrypoints/offscreen), because a service worker has no DOMParser, no
 * window for DOMPurify and no URL.createObjectURL. `withDom` (./dom.ts) chooses; this module is
 * the one implementation both run.
 */
import { sanitizeHtml } from '../../extract/sanitize';
import { exportLibraryAsync, exportLibraryFileAsync } from '../../library/formats/export';
import { bytesToBase64 } from '../../library/formats/util';
import type { ExportFormat } from '../../library/formats/types';
import type { Library } from '../../library/store';

export type DomTask =
  /**
   * export `ids` (all when null) read from the library; `blob`: make a blob: URL of the file
   * and return that instead of the content
   */
  | { kind: 'export'; format: ExportFormat; ids: string[] | null; blob: boolean }
  /** sanitise HTML strings (imports); '' for an entry that cannot be sanitised */
  | { kind: 'sanitize'; items: Array<{ html: string; baseUrl: string | null }> }
  | { kind: 'revoke'; url: string };

export type DomTaskResult =
  | {
      kind: 'export';
      filename: string;
      mimeType: string;
      text?: string;
      base64?: string;
      blobUrl?: string;
      /** items skipped because their record is damaged */
      damaged: number;
    }
  | { kind: 'sanitize'; html: string[] }
  | { kind: 'revoke' };

/** Run one DOM-needing step in this context (which must have a DOM). */
export async function runDomTask(task: DomTask, library: () => Library): Promise<DomTaskResult> {
  switch (task.kind) {
    case 'export': {
      const { items, damaged } = await library().getMany(task.ids ?? undefined);
      const parser = new DOMParser();
      const opts = { parseHtml: (html: string) => parser.parseFromString(html, 'text/html') };
      if (task.blob) {
        // the file's bytes in chunks → one Blob: the export never exists as one huge string
        const file = await exportLibraryFileAsync(items, task.format, opts);
        const url = URL.createObjectURL(new Blob(file.chunks as Uint8Array<ArrayBuffer>[], { type: file.mimeType }));
        return { kind: 'export', filename: file.filename, mimeType: file.mimeType, damaged: damaged.length, blobUrl: url };
      }
      const file = await exportLibraryAsync(items, task.format, opts);
      const head = { kind: 'export' as const, filename: file.filename, mimeType: file.mimeType, damaged: damaged.length };
      return { ...head, ...('text' in file ? { text: file.text } : { base64: bytesToBase64(file.bytes) }) };
    }
    case 'sanitize':
      return {
        kind: 'sanitize',
        html: task.items.map(({ html, baseUrl }) => {
          try {
            return sanitizeHtml(html, baseUrl, window);
          } catch {
            return '';
          }
        }),
      };
    case 'revoke':
      URL.revokeObjectURL(task.url);
      return { kind: 'revoke' };
    default:
      throw new Error(`unknown DOM task ${(task as { kind: string }).kind}`);
  }
}
