// @vitest-environment jsdom
/**
 * The library page's import panel, run as in the extension: the page reads and parses the file
 * itself and writes it into its own Library (components/library/ImportPanel.tsx pageLibrary) —
 * here a second Library on the same IndexedDB as the background's, as the page and the service
 * worker share the extension's origin — then tells the real background wiring
 * (utils/runtime/background/setup.ts, over a Chrome-like transport: JSON, refused over 64 MiB)
 * with ONE small `importWritten`, which sanitises and indexes what was written (jsdom: the DOM
 * step runs in place, as in Firefox). No message carries the file.
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
import { getSaved, libraryStats, listSaved, saveLink, setLibrary } from '../../../utils/runtime/background/library';
import { setupBackground } from '../../../utils/runtime/background/setup';
import { CHUNK_BYTES, ImportPanel, pageLibrary, setPageLibrary } from '../../../components/library/ImportPanel';
import { mockI18n } from './i18n-mock';

const CHROME_LIMIT = 64 * 1024 * 1024;

type Listener = (m: unknown, s: unknown, reply: (r: unknown) => void) => unknown;
let listener: Listener;
let log: Array<{ type: string; bytes: number; data: Record<string, unknown> }>;
/** answer a message as the test says instead of delivering it (undefined: deliver it) */
let intercept: ((type: string, data: Record<string, unknown>) => unknown) | null;
let root: HTMLElement;

function bigBackup(items: number, paragraphChars: number, html = (i: number, body: string) => `<p>story${i} ${body}</p>`): string {
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
      html: html(i, body),
    })),
  });
}

/** A File that counts how often it is read (slice). */
function countedFile(text: string, name: string): File & { reads: number } {
  const file = new File([text], name, { type: 'application/json' }) as File & { reads: number };
  file.reads = 0;
  const slice = file.slice.bind(file);
  file.slice = (...a: Parameters<Blob['slice']>) => {
    file.reads++;
    return slice(...a);
  };
  return file;
}

const byId = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);
const of = (type: string) => log.filter((m) => m.type === type);

async function until(what: string, ok: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await ok())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}; status: ${byId('import-status')?.textContent}`);
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
  }
}

async function render(onImported: () => void = () => undefined): Promise<void> {
  await act(async () => {
    (await import('preact')).render(h(ImportPanel, { onImported }), root);
  });
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

async function pickFormat(value: string): Promise<void> {
  const select = byId('import-format') as HTMLSelectElement;
  await act(async () => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}

/** a libraryStats answer with `pending` waiting */
const statsOf = (pending: number) => ({ total: 2, unread: 2, archived: 0, favourites: 0, withContent: 2, tags: [], publishers: [], damaged: [], schemaVersion: 3, pending });

/** What the background sees (its own Library instance). */
const total = async () => ((await listSaved({})) as { total: number }).total;
const pending = async () => ((await libraryStats()) as { pending: number }).pending;

beforeEach(() => {
  fakeBrowser.reset();
  mockI18n();
  const idb = new IDBFactory();
  setLibrary(new Library({ indexedDB: idb, autoCompact: false }));
  setPageLibrary(new Library({ indexedDB: idb, searchIndex: 'lazy', autoCompact: false }));
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
  setPageLibrary(null);
  await new Promise((r) => setTimeout(r, 60));
});

/** Preview `file`, then press Import while the library refuses every write; resolves once the panel shows the failure. */
async function importWhileWritesFail(file: File): Promise<void> {
  await render();
  await choose(file);
  await until('the preview', () => !!byId('import-preview'));
  vi.spyOn(pageLibrary(), 'saveMany').mockRejectedValue(new Error('The library could not be written: disk full.'));
  await press('import-confirm');
  await until('the error', () => !!byId('import-failed'));
}

describe('import panel: the page reads, parses and writes the file itself', () => {
  it('a big file: read with a progress bar, previewed, imported without being read or sent again; then sanitised', async () => {
    const json = bigBackup(24, 600_000, (i, body) =>
      i === 3 ? `<p onclick="steal()">Quokkaland tide report <a href="javascript:alert(1)">here</a><script>alert(1)</script> ${body}</p>` : `<p>story${i} ${body}</p>`,
    );
    expect(json.length).toBeGreaterThan(1.5 * CHUNK_BYTES);
    const file = countedFile(json, 'big.json');
    const onImported = vi.fn();
    await render(onImported);
    const progressSeen: Array<{ label: string | null; text: string; formatLocked: boolean }> = [];
    const observer = new MutationObserver(() => {
      const bar = root.querySelector('progress');
      if (bar) {
        progressSeen.push({
          label: bar.getAttribute('aria-label'),
          text: byId('import-progress')?.textContent ?? '',
          formatLocked: (byId('import-format') as HTMLSelectElement).disabled,
        });
      }
    });
    observer.observe(root, { subtree: true, childList: true, attributes: true, characterData: true });
    await choose(file);
    await until('the preview', () => !!byId('import-preview') || !!byId('import-failed'));
    observer.disconnect();
    expect(byId('import-failed')).toBeNull();
    expect(byId('import-preview')?.textContent).toContain('big.json (Lectern JSON): 24 new, 0 already in the library, 0 with errors.');
    // progress was shown while it was read, accessibly, with the format locked
    expect(progressSeen.length).toBeGreaterThan(0);
    expect(progressSeen[0]).toMatchObject({ label: 'Reading the import file', formatLocked: true });
    expect(progressSeen.some((p) => /^Reading big\.json… \d+%$/.test(p.text))).toBe(true);
    expect(byId('import-progress')).toBeNull();
    // nothing written, nothing sent to the background yet
    expect(await total()).toBe(0);
    expect(log.filter((m) => m.type !== 'libraryStats')).toEqual([]);
    const readsForPreview = file.reads;
    // in slices (the file is over 1.5 slices long)
    expect(readsForPreview).toBeGreaterThanOrEqual(2);

    await press('import-confirm');
    await until('the result', () => !!byId('import-result') || !!byId('import-failed'));
    expect(byId('import-failed')).toBeNull();
    expect(byId('import-result')?.textContent).toContain('Imported 24; 0 already saved were kept as they were.');
    expect(onImported).toHaveBeenCalledTimes(1);
    // Import used what the preview parsed: the file was not read again
    expect(file.reads).toBe(readsForPreview);
    // one small message told the background, with the ids written; none carried the file
    expect(of('importWritten')).toHaveLength(1);
    expect((of('importWritten')[0]!.data.ids as string[]).length).toBe(24);
    expect(Math.max(...log.map((m) => m.bytes))).toBeLessThan(64 * 1024);
    // the background's own Library sees the page's write
    expect(await total()).toBe(24);

    // the panel shows what is left, then that everything can be searched
    await until('everything indexed', () => !!byId('import-indexed'));
    expect(await pending()).toBe(0);
    expect(byId('import-indexed')?.textContent).toBe('Every imported article can be searched now.');
    // its body words are found now (they were not before it was sanitised)
    expect(((await listSaved({ query: 'quokkaland' })) as { items: unknown[] }).items).toHaveLength(1);
    const three = ((await listSaved({ query: 'story 3' })) as { items: Array<{ id: string; title: string }> }).items;
    expect(three.map((i) => i.title)).toEqual(['Big story 3 😀']);
    const saved = (await getSaved(three[0]!.id)) as { ok: true; item: { html: string } };
    expect(saved.item.html).toContain('Quokkaland tide report');
    expect(saved.item.html).not.toMatch(/<script|onclick|javascript:/i);
  });

  it('an entry already in the library is counted as existing and kept as it was', async () => {
    await saveLink('https://news.example/big-1', 'Saved before');
    await render();
    await choose(new File([bigBackup(3, 100)], 'small.json'));
    await until('the preview', () => !!byId('import-preview'));
    expect(byId('import-preview')?.textContent).toContain('small.json (Lectern JSON): 2 new, 1 already in the library, 0 with errors.');
    expect(byId('import-confirm')?.textContent).toBe('Import 2 new items');
    await press('import-confirm');
    await until('the result', () => !!byId('import-result'));
    expect(byId('import-result')?.textContent).toContain('Imported 2; 1 already saved were kept as they were.');
    const items = ((await listSaved({})) as { items: Array<{ title: string }> }).items.map((i) => i.title);
    expect(items.sort()).toEqual(['Big story 0 😀', 'Big story 2 😀', 'Saved before']);
  });

  it('Cancel while a big file is read stops it: no preview, nothing written, the format unlocked', async () => {
    await render();
    const file = countedFile(bigBackup(24, 600_000), 'stop.json');
    await choose(file);
    await until('the progress bar', () => !!byId('import-progress'));
    expect((byId('import-format') as HTMLSelectElement).disabled).toBe(true);
    // one Cancel, a real button outside the live status region
    expect(root.querySelectorAll('[data-testid="import-cancel"]')).toHaveLength(1);
    expect(byId('import-cancel')?.closest('[role="status"]')).toBeNull();
    await press('import-cancel');
    const readsAtCancel = file.reads;
    await new Promise((r) => setTimeout(r, 300));
    await act(async () => undefined);
    expect(byId('import-progress')).toBeNull();
    expect(byId('import-preview')).toBeNull();
    expect(byId('import-failed')).toBeNull();
    // it stopped reading (at most the slice on its way)
    expect(file.reads).toBeLessThanOrEqual(readsAtCancel + 1);
    expect(file.reads).toBeLessThan(Math.ceil(file.size / CHUNK_BYTES) + 1);
    expect((byId('import-format') as HTMLSelectElement).disabled).toBe(false);
    expect(await total()).toBe(0);
    expect(of('importWritten')).toHaveLength(0);
  });

  it('a late answer for an old run is ignored: a second file chosen while the first is read wins', async () => {
    await render();
    await choose(new File([bigBackup(24, 600_000)], 'first.json'));
    await until('the first read', () => !!byId('import-progress'));
    await choose(new File([bigBackup(2, 100)], 'second.json'));
    await until('the preview', () => !!byId('import-preview'));
    expect(byId('import-preview')?.textContent).toContain('second.json (Lectern JSON): 2 new');
    // the first file's read finishes meanwhile: its preview never replaces the second's
    await new Promise((r) => setTimeout(r, 500));
    await act(async () => undefined);
    expect(byId('import-preview')?.textContent).toContain('second.json (Lectern JSON): 2 new');
    await press('import-confirm');
    await until('the result', () => !!byId('import-result'));
    expect(await total()).toBe(2);
  });

  it('another format re-reads the file: a JSON file read as Pocket CSV fails with the parser error; Cancel forgets it', async () => {
    await render();
    await choose(new File([bigBackup(2, 100)], 'backup.json'));
    await until('the preview', () => !!byId('import-preview'));
    await pickFormat('json');
    await until('the JSON preview', () => byId('import-preview')?.textContent?.includes('backup.json (Lectern JSON)') ?? false);
    await pickFormat('pocket-csv');
    await until('the error', () => !!byId('import-failed'));
    expect(byId('import-failed')?.getAttribute('role')).toBe('alert');
    expect(byId('import-failed')?.textContent).toMatch(/^Could not import: /);
    expect(byId('import-confirm')).toBeNull();
    await pickFormat('auto');
    await choose(new File([bigBackup(2, 100)], 'backup.json'));
    await until('the preview again', () => !!byId('import-preview'));
    await press('import-cancel');
    expect(byId('import-preview')).toBeNull();
    expect(byId('import-confirm')).toBeNull();
    expect(await total()).toBe(0);
    expect(of('importWritten')).toHaveLength(0);
  });

  it('a file that cannot be read: a clear error, nothing written, nothing sent', async () => {
    await render();
    const cleared = vi.fn();
    Object.defineProperty(byId('import-file')!, 'value', { set: cleared, get: () => '', configurable: true });
    await choose(new File(['{"format":"lectern","version":1,"items":[{"url":'], 'broken.json'));
    await until('the error', () => !!byId('import-failed'));
    // the input was emptied as the file was taken: picking the same file again is a change the page hears
    expect(cleared).toHaveBeenCalledWith('');
    expect(byId('import-failed')?.textContent).toMatch(/^Could not import: .+/);
    expect(byId('import-confirm')).toBeNull();
    expect(await total()).toBe(0);
    expect(log.filter((m) => m.type !== 'libraryStats')).toEqual([]);
  });

  it('while Import writes, the file input is locked and a dropped file ignored: the outcome is shown', async () => {
    await render();
    await choose(new File([bigBackup(3, 100)], 'three.json'));
    await until('the preview', () => !!byId('import-preview'));
    let release: () => void = () => undefined;
    const saveMany = pageLibrary().saveMany.bind(pageLibrary());
    vi.spyOn(pageLibrary(), 'saveMany').mockImplementation(async (...a) => {
      await new Promise<void>((r) => (release = r));
      return saveMany(...a);
    });
    await press('import-confirm');
    expect((byId('import-file') as HTMLInputElement).disabled).toBe(true);
    const drop = new Event('drop', { bubbles: true }) as Event & { dataTransfer: unknown };
    drop.dataTransfer = { files: [new File(['title,url\nX,https://x.example/'], 'other.csv')] };
    await act(async () => {
      byId('import-dropzone')!.dispatchEvent(drop);
    });
    release();
    await until('the result', () => !!byId('import-result'));
    expect(byId('import-result')?.textContent).toContain('Imported 3;');
    expect((byId('import-file') as HTMLInputElement).disabled).toBe(false);
  });

  it('when the imported articles cannot be prepared for search, the panel says why (and the background retries)', async () => {
    intercept = (type) => (type === 'libraryStats' ? { ok: true, ...statsOf(2), cleaningError: 'the offscreen document could not be created' } : undefined);
    await render();
    await choose(new File([bigBackup(2, 100)], 'two.json'));
    await until('the preview', () => !!byId('import-preview'));
    await press('import-confirm');
    await until('the failure', () => !!byId('import-indexing-failed'));
    expect(byId('import-indexing-failed')?.textContent).toBe(
      'Could not prepare the imported articles for search yet (the offscreen document could not be created). Lectern tries again while this page is open.',
    );
    expect(byId('import-indexing')?.textContent).toContain('2 left');
  });

  it('a write that fails shows the error and writes nothing', async () => {
    await importWhileWritesFail(new File([bigBackup(3, 100)], 'three.json'));
    expect(byId('import-failed')?.textContent).toBe('Could not import: The library could not be written: disk full.');
    expect(await total()).toBe(0);
    expect(of('importWritten')).toHaveLength(0);
  });
});

/**
 * Another UI language: the keys the import errors use say something else (like a translated
 * messages.json would); every other key stays English (mockI18n).
 */
function mockOtherLanguage(): void {
  const en = fakeBrowser.i18n.getMessage;
  const de: Record<string, (s: string[]) => string> = {
    libImportFailed: ([e]) => `Import fehlgeschlagen: ${e}`,
    libImportLineError: ([l, m]) => `Zeile ${l}: ${m}`,
    libImportFileLineError: ([f, l, m]) => `${f}, Zeile ${l}: ${m}`,
    impErrInFile: ([f, m]) => `In ${f}: ${m}`,
    impErrNotZip: () => 'keine ZIP-Datei',
    impErrPocketHeader: ([, line, found]) => `Zeile ${line} ist keine Pocket-Kopfzeile („${found}“)`,
    impErrMissingUrl: () => 'URL fehlt',
    impErrInvalidUrl: ([u]) => `ungültige URL „${u}“`,
    libImportFileChanged: () => 'die Datei hat sich nach dem Lesen geändert; bitte erneut wählen',
  };
  fakeBrowser.i18n.getMessage = ((key: string, subs?: string | string[]) => {
    const list = subs === undefined ? [] : Array.isArray(subs) ? subs : [subs];
    return de[key]?.(list.map(String)) ?? en(key as never, subs);
  }) as never;
}

const POCKET_WITH_BAD_ROWS = [
  'title,url,time_added,cursor,tags,status',
  'Good,https://news.example/good,1700000000,,,unread',
  'No link,,1700000000,,,unread',
  'Junk,not a url,1700000000,,,unread',
].join('\n');

describe('import panel: what goes wrong with a file is said in the UI language', () => {
  it('a bad file: the failure is the translated message, not the English one', async () => {
    mockOtherLanguage();
    await render();
    await pickFormat('pocket-zip');
    await choose(new File([new Uint8Array([1, 2, 3, 4, 5, 6])], 'export.zip'));
    await until('the error', () => !!byId('import-failed'));
    expect(byId('import-failed')?.getAttribute('role')).toBe('alert');
    expect(byId('import-failed')?.textContent).toBe('Import fehlgeschlagen: keine ZIP-Datei');
    expect(await total()).toBe(0);
  });

  it("a bad file inside a zip: its name and the translated message (the zip member's own)", async () => {
    mockOtherLanguage();
    const { zipSync, strToU8 } = await import('fflate');
    const zip = zipSync({ 'part_000000.csv': strToU8('name,link\nx,https://x.example/\n') });
    await render();
    await choose(new File([zip], 'pocket.zip'));
    await until('the error', () => !!byId('import-failed'));
    expect(byId('import-failed')?.textContent).toBe('Import fehlgeschlagen: In part_000000.csv: Zeile 1 ist keine Pocket-Kopfzeile („name,link“)');
  });

  it('bad rows: each reason translated, its line said once, in the preview and after the import', async () => {
    mockOtherLanguage();
    await render();
    await choose(new File([POCKET_WITH_BAD_ROWS], 'pocket.csv', { type: 'text/csv' }));
    await until('the preview', () => !!byId('import-preview') || !!byId('import-failed'));
    const rows = () => [...(byId('import-errors')?.querySelectorAll('li') ?? [])].map((li) => li.textContent);
    expect(rows()).toEqual(['Zeile 3: URL fehlt', 'Zeile 4: ungültige URL „not a url“']);
    await press('import-confirm');
    await until('the result', () => !!byId('import-result') || !!byId('import-failed'));
    expect(rows()).toEqual(['Zeile 3: URL fehlt', 'Zeile 4: ungültige URL „not a url“']);
    expect(await total()).toBe(1);
  });

  it("bad rows inside a zip: the member's name, the line and the translated reason (English: as before)", async () => {
    const { zipSync, strToU8 } = await import('fflate');
    const zip = zipSync({ 'part_000000.csv': strToU8(POCKET_WITH_BAD_ROWS) });
    const rows = () => [...(byId('import-errors')?.querySelectorAll('li') ?? [])].map((li) => li.textContent);
    await render();
    await choose(new File([zip], 'pocket.zip'));
    await until('the preview', () => !!byId('import-preview') || !!byId('import-failed'));
    expect(rows()).toEqual(['part_000000.csv — Line 3: missing url', 'part_000000.csv — Line 4: invalid url "not a url"']);
    await press('import-cancel');
    mockOtherLanguage();
    await choose(new File([zip], 'pocket.zip'));
    await until('the preview', () => !!byId('import-preview') || !!byId('import-failed'));
    expect(rows()).toEqual(['part_000000.csv, Zeile 3: URL fehlt', 'part_000000.csv, Zeile 4: ungültige URL „not a url“']);
  });

  it('in English the rows read as before: "Line N: <reason>", never the line twice', async () => {
    await render();
    await choose(new File([POCKET_WITH_BAD_ROWS], 'pocket.csv', { type: 'text/csv' }));
    await until('the preview', () => !!byId('import-preview') || !!byId('import-failed'));
    expect([...byId('import-errors')!.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Line 3: missing url',
      'Line 4: invalid url "not a url"',
    ]);
  });

  it('a backup file that changed after it was read is refused in the UI language, and nothing is written', async () => {
    mockOtherLanguage();
    await render();
    // a backup whose bodies are kept as ranges of the file: long enough (LIFT_MIN), counts given
    const doc = JSON.parse(bigBackup(2, 3000)) as { items: Array<Record<string, unknown>> };
    for (const it of doc.items) Object.assign(it, { words: 500, readingMinutes: 2, excerpt: 'harbour council' });
    const file = new File([JSON.stringify(doc)], 'two.json');
    await choose(file);
    await until('the preview', () => !!byId('import-preview'));
    // replaced on disk meanwhile: the articles' ranges would name other bytes
    Object.defineProperty(file, 'size', { value: file.size + 1 });
    const save = vi.spyOn(pageLibrary(), 'saveMany');
    await press('import-confirm');
    await until('the error', () => !!byId('import-failed'));
    expect(byId('import-failed')?.textContent).toBe('Import fehlgeschlagen: die Datei hat sich nach dem Lesen geändert; bitte erneut wählen');
    expect(save).not.toHaveBeenCalled();
    expect((await pageLibrary().list()).items).toHaveLength(0);
  });

  it('an error from elsewhere (the library write) stays as it is, in the translated frame', async () => {
    mockOtherLanguage();
    await importWhileWritesFail(new File([bigBackup(2, 100)], 'two.json'));
    expect(byId('import-failed')?.textContent).toBe('Import fehlgeschlagen: The library could not be written: disk full.');
  });
});
