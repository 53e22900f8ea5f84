// @vitest-environment jsdom
/**
 * A backup downloaded while imported articles are still being cleaned holds what the library
 * will hold once they are: the sanitised html, and the counts and excerpt taken from it when the
 * import had none (not the ones counted from the html as it came). Re-importing that backup gives
 * the library it was taken from. (Review finding: it carried the raw html's counts, for good.)
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Library } from '../../../utils/library/store';
import { clearLibrary, exportSaved, getLibrary, importSaved, setLibrary } from '../../../utils/runtime/background/library';
import { drainPending } from '../../../utils/runtime/background/import';

beforeEach(() => {
  fakeBrowser.reset();
  setLibrary(new Library({ indexedDB: new IDBFactory(), autoCompact: false }));
});
afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  setLibrary(null);
});

// no counts in the file; a <video>'s fallback text is dropped with it by the sanitiser, but the
// raw html's text has it
const ITEMS = [
  { url: 'https://pub.example/tide', title: 'Tide', html: '<p>Tide tables for the harbour today.</p><video>Your browser cannot play this video please subscribe</video>' },
  { url: 'https://pub.example/walled', title: 'Walled', html: '<video>Only a video here subscribe to watch</video>' },
];
type Row = { url: string; words: number; excerpt: string; readingMinutes: number; hasContent: boolean; html: string };
const byUrl = (items: Row[]) => Object.fromEntries(items.map(({ url, words, excerpt, readingMinutes, hasContent, html }) => [url, { words, excerpt, readingMinutes, hasContent, html }]));

async function downloadedJson(): Promise<{ items: Row[] }> {
  const created: Blob[] = [];
  vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: (b: Blob) => (created.push(b), 'blob:x'), revokeObjectURL: () => undefined }));
  vi.spyOn(fakeBrowser.downloads.onChanged, 'addListener').mockImplementation((() => undefined) as never);
  vi.spyOn(fakeBrowser.downloads, 'download').mockResolvedValue(1 as never);
  expect(await exportSaved({ format: 'json', download: true })).toMatchObject({ ok: true });
  return JSON.parse(await created[0]!.text());
}

describe('a backup taken while an import is being cleaned', () => {
  it('holds the counts, excerpt and content state the cleaned library has, and re-imports to it', async () => {
    // what the library holds once the import is cleaned
    await getLibrary().saveMany(ITEMS, { ifExists: 'skip', untrusted: true });
    await drainPending();
    const cleaned = byUrl((await getLibrary().getMany()).items as unknown as Row[]);
    expect(cleaned['https://pub.example/tide']).toMatchObject({ words: 6, excerpt: 'Tide tables for the harbour today.', hasContent: true });
    expect(cleaned['https://pub.example/walled']).toMatchObject({ words: 0, excerpt: '', hasContent: false, html: '' });

    await clearLibrary();
    await getLibrary().saveMany(ITEMS, { ifExists: 'skip', untrusted: true });
    const early = await downloadedJson();
    // still waiting: the download sanitised on the way
    expect(await getLibrary().pendingCount()).toBe(2);
    expect(byUrl(early.items)).toEqual(cleaned);

    await drainPending();
    await clearLibrary();
    expect(await importSaved('json', JSON.stringify({ format: 'lectern', version: 1, items: early.items }))).toMatchObject({ ok: true, imported: 2 });
    await drainPending();
    expect(byUrl((await getLibrary().getMany()).items as unknown as Row[])).toEqual(cleaned);
  });
});
