// @vitest-environment jsdom
/**
 * The library page's import panel with a big file, against the real background wiring
 * (utils/runtime/background/setup.ts) over a Chrome-like message transport: every message is
 * JSON-serialised and refused over 64 MiB. A file over INLINE_MAX_BYTES is staged in chunks
 * (progress shown), previewed and imported from the upload; an upload the background forgot
 * (service worker stopped) is staged again transparently; Cancel and a new file drop it; a
 * damaged upload shows a clear error and writes nothing.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { h } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';

vi.mock('../../../utils/messages', async (orig) => ({
  ...(await orig<typeof import('../../../utils/messages')>()),
  sendMessage: vi.fn(),
}));

import { envelope, sendMessage } from '../../../utils/messages';
import { Library } from '../../../utils/library/store';
import { listSaved, setLibrary } from '../../../utils/runtime/background/library';
import { stagedUploads, uploadCancel } from '../../../utils/runtime/background/import';
import { setupBackground } from '../../../utils/runtime/background/setup';
import { CHUNK_BYTES, INLINE_MAX_BYTES, ImportPanel } from '../../../components/library/ImportPanel';
import { mockI18n } from './i18n-mock';

const CHROME_LIMIT = 64 * 1024 * 1024;

type Listener = (m: unknown, s: unknown, reply: (r: unknown) => void) => unknown;
let listener: Listener;
let log: Array<{ type: string; bytes: number; data: Record<string, unknown> }>;
/** return true to swallow a message (answer it as the test says instead of delivering it) */
let intercept: ((type: string, data: Record<string, unknown>) => unknown) | null;
let root: HTMLElement;

function bigBackup(items: number, paragraphChars: number): string {
  const words = 'harbour council river budget ferry school rail market winter garden ';
  const body = words.repeat(Math.ceil(paragraphChars / words.length)).slice(0, paragraphChars);
  return JSON.stringify({
    format: 'lectern',
    version: 1,
    exportedAt: '2026-03-10T09:00:00.000Z',
    items: Array.from({ length: items }, (_, i) => ({
      url: `https://news.example/big-${i}`,
      title: `Big story ${i} 😀`,
      savedAt: new Date(Date.UTC(2026, 2, 1) + i * 60_000).toISOString(),
      tags: ['backup'],
      hasContent: true,
      html: `<p>story${i} ${body}</p>`,
    })),
  });
}

const byId = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const of = (type: string) => log.filter((m) => m.type === type);

async function until(what: string, ok: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; status: ${byId('import-status')?.textContent}`);
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

async function choose(file: File): Promise<void> {
  const input = byId('import-file') as HTMLInputElement;
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  await act(async () => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

async function press(id: string): Promise<void> {
  const el = byId(id);
  if (!el) throw new Error(`no ${id}`);
  await act(async () => el.click());
}

const total = async () => ((await listSaved({})) as { total: number }).total;

beforeEach(() => {
  fakeBrowser.reset();
  mockI18n();
  setLibrary(new Library({ indexedDB: new IDBFactory(), autoCompact: false }));
  vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new Error('no network'))));
  vi.spyOn(fakeBrowser.runtime.onMessage, 'addListener').mockImplementation(((fn: Listener) => {
    listener = fn;
  }) as never);
  vi.spyOn(fakeBrowser.commands.onCommand, 'addListener').mockImplementation((() => undefined) as never);
  vi.spyOn(fakeBrowser.contextMenus, 'removeAll').mockResolvedValue(undefined as never);
  vi.spyOn(fakeBrowser.contextMenus, 'create').mockImplementation((() => 1) as never);
  vi.spyOn(fakeBrowser.contextMenus.onClicked as unknown as { addListener(): void }, 'addListener').mockImplementation(() => undefined);
  setupBackground();
  log = [];
  intercept = null;
  // Chrome: the message is JSON, refused over 64 MiB
  vi.mocked(sendMessage).mockImplementation((async (type: string, data: Record<string, unknown>) => {
    const json = JSON.stringify(envelope(type, data));
    const bytes = Buffer.byteLength(json, 'utf8');
    if (bytes > CHROME_LIMIT) throw new Error('Message exceeded maximum allowed size of 64MiB.');
    log.push({ type, bytes, data });
    const fake = intercept?.(type, data);
    if (fake !== undefined) return fake;
    return new Promise((resolve) => listener(JSON.parse(json), {}, (r) => resolve(JSON.parse(JSON.stringify(r)))));
  }) as never);
  root = document.createElement('div');
  document.body.append(root);
});

afterEach(async () => {
  if (root) {
    await act(async () => {
      (await import('preact')).render(null, root);
    });
    root.remove();
  }
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  setLibrary(null);
  await new Promise((r) => setTimeout(r, 60));
});

describe('import panel: big files', () => {
  it('stages a big file in chunks with progress, previews, re-stages once when the background forgot it, imports', async () => {
    const json = bigBackup(24, 600_000);
    expect(json.length).toBeGreaterThan(2 * CHUNK_BYTES);
    const onImported = vi.fn();
    await act(async () => {
      (await import('preact')).render(h(ImportPanel, { onImported }), root);
    });
    const progressSeen: Array<{ label: string | null; value: string | null; text: string }> = [];
    intercept = (type, data) => {
      if (type === 'importUploadChunk' && data.index === 1) {
        const bar = root.querySelector('progress');
        progressSeen.push({ label: bar?.getAttribute('aria-label') ?? null, value: bar?.getAttribute('value') ?? null, text: byId('import-progress')?.textContent ?? '' });
      }
      return undefined;
    };
    await choose(new File([json], 'big.json', { type: 'application/json' }));
    await until('the preview', () => !!byId('import-preview') || !!byId('import-failed'));
    expect(byId('import-failed')).toBeNull();
    expect(byId('import-preview')?.textContent).toContain('big.json (Lectern JSON): 24 new, 0 already in the library, 0 with errors.');
    // staged: several chunks, each well under the limit, the preview names the upload
    expect(of('importUploadChunk').length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...log.map((m) => m.bytes))).toBeLessThan(CHUNK_BYTES + 1024);
    expect(of('importPreview')[0]?.data).toEqual({ format: 'auto', upload: expect.any(String) });
    // progress was shown while it was read, accessibly
    expect(progressSeen[0]?.label).toBe('Reading the import file');
    expect(progressSeen[0]?.text).toMatch(/^Reading big\.json… \d+%$/);
    expect(stagedUploads()).toBe(1);
    expect(await total()).toBe(0);

    // Chrome stopped the service worker between preview and Import: the upload is gone
    const first = of('importPreview')[0]!.data.upload as string;
    uploadCancel(first);
    await press('import-confirm');
    await until('the result', () => !!byId('import-result') || !!byId('import-failed'));
    expect(byId('import-failed')).toBeNull();
    expect(byId('import-result')?.textContent).toContain('Imported 24;');
    expect(of('importUploadStart')).toHaveLength(2);
    const tries = of('importLibrary');
    expect(tries).toHaveLength(2);
    expect(tries[0]!.data.upload).toBe(first);
    expect(tries[1]!.data.upload).not.toBe(first);
    expect(await total()).toBe(24);
    expect(onImported).toHaveBeenCalledTimes(1);
    // the background dropped its copy with the import
    expect(stagedUploads()).toBe(0);
  });

  it('Cancel, and choosing another file, drop the staged upload', async () => {
    const json = bigBackup(8, 700_000);
    expect(json.length).toBeGreaterThan(INLINE_MAX_BYTES);
    await act(async () => {
      (await import('preact')).render(h(ImportPanel, { onImported: () => undefined }), root);
    });
    await choose(new File([json], 'one.json'));
    await until('the preview', () => !!byId('import-preview'));
    expect(stagedUploads()).toBe(1);
    await choose(new File([json], 'two.json'));
    await until('the second preview', () => byId('import-preview')?.textContent?.includes('two.json') ?? false);
    expect(of('importUploadCancel')).toHaveLength(1);
    expect(stagedUploads()).toBe(1);
    await press('import-cancel');
    await until('cancel', () => !byId('import-preview'));
    expect(of('importUploadCancel')).toHaveLength(2);
    expect(stagedUploads()).toBe(0);
    expect(of('importLibrary')).toHaveLength(0);
    expect(await total()).toBe(0);
  });

  it('Cancel while a big file is being handed over stops it: the upload dropped, no preview', async () => {
    await act(async () => {
      (await import('preact')).render(h(ImportPanel, { onImported: () => undefined }), root);
    });
    let pressed = false;
    intercept = (type, data) => {
      if (type === 'importUploadChunk' && data.index === 1 && !pressed) {
        pressed = true;
        expect((byId('import-format') as HTMLSelectElement).disabled).toBe(true);
        // one Cancel, a real button outside the live status region
        expect(root.querySelectorAll('[data-testid="import-cancel"]')).toHaveLength(1);
        expect(byId('import-cancel')?.closest('[role="status"]')).toBeNull();
        void press('import-cancel');
      }
      return undefined;
    };
    await choose(new File([bigBackup(24, 600_000)], 'stop.json'));
    await until('the cancel', () => pressed && !byId('import-progress'));
    await new Promise((r) => setTimeout(r, 200));
    expect(byId('import-preview')).toBeNull();
    expect(of('importPreview')).toHaveLength(0);
    await until('the upload dropped', () => stagedUploads() === 0);
    expect((byId('import-format') as HTMLSelectElement).disabled).toBe(false);
  });

  it('a preview answer that arrives after Import was pressed is ignored (it cannot undo the import)', async () => {
    await act(async () => {
      (await import('preact')).render(h(ImportPanel, { onImported: () => undefined }), root);
    });
    await choose(new File([bigBackup(6, 700_000)], 'race.json'));
    await until('the preview', () => !!byId('import-preview'));
    // the format is changed (a new preview is asked) and Import pressed before that answer comes
    let releasePreview: (() => void) | null = null;
    intercept = (type) => (type === 'importPreview' ? new Promise((r) => (releasePreview = () => r({ ok: false, error: 'late preview' }))) : undefined);
    const select = byId('import-format') as HTMLSelectElement;
    await act(async () => {
      select.value = 'json';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    intercept = null;
    await press('import-confirm');
    await until('the result', () => !!byId('import-result') || !!byId('import-failed'));
    expect(byId('import-result')?.textContent).toContain('Imported 6;');
    await act(async () => releasePreview!());
    await new Promise((r) => setTimeout(r, 100));
    expect(byId('import-failed')).toBeNull();
    expect(byId('import-result')?.textContent).toContain('Imported 6;');
    expect(of('importUploadStart')).toHaveLength(1);
    expect(await total()).toBe(6);
  });

  it('a small file still goes inline, in one message', async () => {
    await act(async () => {
      (await import('preact')).render(h(ImportPanel, { onImported: () => undefined }), root);
    });
    const json = bigBackup(2, 100);
    await choose(new File([json], 'small.json'));
    await until('the preview', () => !!byId('import-preview'));
    expect(of('importUploadStart')).toHaveLength(0);
    expect(of('importPreview')[0]?.data).toEqual({ format: 'auto', data: json });
  });

  it('a chunk lost on the way: a clear error, the upload dropped, nothing written', async () => {
    await act(async () => {
      (await import('preact')).render(h(ImportPanel, { onImported: () => undefined }), root);
    });
    intercept = (type, data) => (type === 'importUploadChunk' && data.index === 1 ? { ok: true, received: 2 } : undefined);
    await choose(new File([bigBackup(24, 600_000)], 'lossy.json'));
    await until('the error', () => !!byId('import-failed') || !!byId('import-preview'));
    expect(byId('import-failed')?.textContent).toBe(
      'Could not import: Upload damaged: chunk 2 arrived before chunk 1 (chunks missing or out of order).',
    );
    expect(byId('import-confirm')).toBeNull();
    expect(of('importPreview')).toHaveLength(0);
    expect(of('importUploadCancel')).toHaveLength(1);
    expect(stagedUploads()).toBe(0);
    expect(await total()).toBe(0);
  });
});
