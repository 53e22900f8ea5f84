/**
 * The library steps that need a DOM (a `window`): Markdown and EPUB exports (they parse article
 * HTML), sanitising imported HTML with DOMPurify, and blob: URLs for downloads.
 *
 * They run where a DOM exists: in Firefox (MV2) the background page itself; in Chrome (MV3) the
 * offscreen document (entrypoints/offscreen), because a service worker has no DOMParser, no
 * window for DOMPurify and no URL.createObjectURL. `withDom` (./dom.ts) chooses; this module is
 * the one implementation both run.
 */
import { sanitizeHtml } from '../../extract/sanitize';
import { exportLibraryAsync } from '../../library/formats/export';
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
  /** a blob: URL of a file made elsewhere (text, or base64 bytes) */
  | { kind: 'blob'; mimeType: string; text?: string; base64?: string }
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
  | { kind: 'blob'; url: string }
  | { kind: 'revoke' };

function base64ToBytes(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

function blobUrl(mimeType: string, content: string | Uint8Array): string {
  const part = typeof content === 'string' ? content : (content as Uint8Array<ArrayBuffer>);
  return URL.createObjectURL(new Blob([part], { type: mimeType }));
}

/** Run one DOM-needing step in this context (which must have a DOM). */
export async function runDomTask(task: DomTask, library: () => Library): Promise<DomTaskResult> {
  switch (task.kind) {
    case 'export': {
      const { items, damaged } = await library().getMany(task.ids ?? undefined);
      const parser = new DOMParser();
      const file = await exportLibraryAsync(items, task.format, {
        parseHtml: (html: string) => parser.parseFromString(html, 'text/html'),
      });
      const head = { kind: 'export' as const, filename: file.filename, mimeType: file.mimeType, damaged: damaged.length };
      if (task.blob) return { ...head, blobUrl: blobUrl(file.mimeType, 'text' in file ? file.text : file.bytes) };
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
    case 'blob':
      return {
        kind: 'blob',
        url: blobUrl(task.mimeType, task.base64 !== undefined ? base64ToBytes(task.base64) : (task.text ?? '')),
      };
    case 'revoke':
      URL.revokeObjectURL(task.url);
      return { kind: 'revoke' };
    default:
      throw new Error(`unknown DOM task ${(task as { kind: string }).kind}`);
  }
}
