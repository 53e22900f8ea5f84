// @vitest-environment jsdom
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { zipSync, strToU8 } from 'fflate';
import { h } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../../utils/messages', async (orig) => ({
  ...(await orig<typeof import('../../../utils/messages')>()),
  sendMessage: vi.fn(),
}));

import { LibraryPage, itemFromHash } from '../../../components/library/LibraryPage';
import { readImportFile, setPageLibrary } from '../../../components/library/ImportPanel';
import { Library } from '../../../utils/library/store';
import { savedToArticle, scrollFraction } from '../../../components/library/SavedReader';
import { FakeLibrary, makeItem } from './fake-library';
import { allById, byId, choose, click, mount, rowOf, settle, type, useFake } from './helpers';

let lib: FakeLibrary;
/** the database the page imports into itself (the fake background reads imported entries from it) */
let shared: Library;
let view: ReturnType<typeof mount>;

async function open(items: ReturnType<typeof makeItem>[], hash = '') {
  lib.items = items;
  history.replaceState(null, '', `/library.html${hash}`);
  view = mount(h(LibraryPage, {}));
  await settle();
  return view.root;
}

/** Let the page work (reading a file, IndexedDB) until `ok`. */
async function until(ok: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error('timed out');
    await settle(10);
  }
}

async function check(el: HTMLElement | null, on = true) {
  const box = el as HTMLInputElement;
  await act(async () => {
    box.checked = on;
    box.dispatchEvent(new Event('change', { bubbles: true }));
  });
  await settle();
}

describe('Library page', () => {
  beforeEach(() => {
    lib = new FakeLibrary();
    shared = new Library({ indexedDB: new IDBFactory(), autoCompact: false });
    lib.shared = shared;
    setPageLibrary(shared);
    useFake(lib);
  });
  afterEach(async () => {
    setPageLibrary(null);
    view?.unmount();
    // let Preact's after-paint timers (35 ms) run while jsdom's globals still exist
    await new Promise((r) => setTimeout(r, 60));
  });

  it('bulk: select rows, archive them in one write, favourite, tag and delete with Undo', async () => {
    const root = await open([makeItem(1), makeItem(2, { tags: ['a'] }), makeItem(3)]);
    expect(byId(root, 'lib-stats')?.textContent).toBe('3 saved · 0 favourites · 0 archived');
    await check(byId(rowOf(root, 'id-1'), 'row-select'));
    await check(byId(rowOf(root, 'id-2'), 'row-select'));
    expect(byId(root, 'lib-selected-count')?.textContent).toBe('2 selected');
    await click(byId(root, 'bulk-archive'));
    expect(lib.of('updateSaved')[0]?.data).toEqual({ ids: ['id-1', 'id-2'], patch: { archived: true } });
    expect(byId(root, 'lib-notice')?.textContent).toContain('Changed 2 items.');
    expect(byId(root, 'lib-stats')?.textContent).toBe('3 saved · 0 favourites · 2 archived');
    // the selection is cleared after a bulk action
    expect(byId(root, 'lib-selected-count')).toBeNull();

    await check(byId(root, 'lib-select-shown'));
    expect(byId(root, 'lib-selected-count')?.textContent).toBe('3 selected');
    await type(byId(root, 'bulk-tag-input'), 'energy');
    await click(byId(root, 'bulk-tag-add'));
    expect(lib.items.find((i) => i.id === 'id-2')?.tags).toEqual(['a', 'energy']);
    expect(lib.items.find((i) => i.id === 'id-3')?.tags).toEqual(['energy']);

    await check(byId(root, 'lib-select-shown'));
    await click(byId(root, 'bulk-delete'));
    expect(allById(root, 'saved-row')).toHaveLength(0);
    expect(lib.items).toHaveLength(0);
    expect(byId(root, 'lib-notice')?.textContent).toContain('Deleted 3 items.');
    await click(byId(root, 'lib-undo'));
    expect(lib.items).toHaveLength(3);
    expect(allById(root, 'saved-row')).toHaveLength(3);
  });

  it('"select all matching" selects beyond the first page, and export of the selection sends those ids', async () => {
    const root = await open(Array.from({ length: 120 }, (_, i) => makeItem(i)));
    expect(allById(root, 'saved-row')).toHaveLength(50);
    await click(byId(root, 'lib-select-all'));
    expect(byId(root, 'lib-selected-count')?.textContent).toBe('120 selected');
    await click(byId(root, 'lib-export-toggle'));
    await click(byId(root, 'lib-export-scope-selection'));
    await choose(byId(root, 'lib-export-format'), 'epub');
    await click(byId(root, 'lib-export-run'));
    const sent = lib.of('exportLibrary')[0]?.data;
    expect(sent.format).toBe('epub');
    expect(sent.download).toBe(true);
    expect(sent.ids).toHaveLength(120);
  });

  it('while the export is being written the menu says so (a status), and the button waits', async () => {
    const root = await open([makeItem(1), makeItem(2)]);
    let done = () => {};
    lib.exportGate = new Promise<void>((r) => (done = r));
    await click(byId(root, 'lib-export-toggle'));
    expect(byId(root, 'lib-export-status')?.textContent).toBe('');
    await click(byId(root, 'lib-export-run'));
    expect(byId(root, 'lib-export-status')?.getAttribute('role')).toBe('status');
    expect(byId(root, 'lib-export-status')?.textContent).toBe('Preparing the file…');
    expect((byId(root, 'lib-export-run') as HTMLButtonElement).disabled).toBe(true);
    done();
    await settle();
    expect(byId(root, 'lib-export-status')?.textContent).toBe('');
    expect((byId(root, 'lib-export-run') as HTMLButtonElement).disabled).toBe(false);
    expect(byId(root, 'lib-notice')?.textContent).toContain('Download started: lectern-2026-03-04.json');
  });

  it('#item=<id> opens the saved copy in the reader; Close goes back to the list', async () => {
    const root = await open([makeItem(1), makeItem(2, { html: '<p>Saved words</p><script>x()</script>' })], '#item=id-2');
    expect(lib.of('getSaved')[0]?.data).toEqual({ id: 'id-2' });
    const body = byId(root, 'reader-body')!;
    expect(body.textContent).toBe('Saved words');
    expect(body.querySelector('script')).toBeNull();
    expect(byId(root, 'reader-title')?.textContent).toBe('Story number 2');
    expect(byId(root, 'reader-source')?.textContent).toBe('Harbor Business Daily');
    expect(byId(root, 'reader-via')?.textContent).toBe('via inkl');
    expect(byId(root, 'reader-settings')).not.toBeNull();
    expect((root.querySelector('.library') as HTMLElement).hidden).toBe(true);
    await click(byId(root, 'reader-close'));
    expect(byId(root, 'reader-body')).toBeNull();
    expect((root.querySelector('.library') as HTMLElement).hidden).toBe(false);
    // the title of a row opens it through the hash
    await click(byId(rowOf(root, 'id-1'), 'row-title'));
    expect(location.hash).toBe('#item=id-1');
  });

  it('an unknown id and a link without a copy show a message instead of a body', async () => {
    let root = await open([makeItem(1)], '#item=nope');
    expect(byId(root, 'reader-message')?.textContent).toContain('This item is not in the library.');
    view.unmount();
    root = await open([makeItem(1, { hasContent: false, html: '' })], '#item=id-1');
    expect(byId(root, 'reader-message')?.textContent).toContain('Only the link was saved');
    expect(byId(root, 'reader-body')).toBeNull();
  });

  it('import: the page previews the file against the library first (counts, errors), nothing is written until Import', async () => {
    const root = await open([makeItem(1)]);
    await shared.saveLink('https://a.example/', 'A saved before');
    await click(byId(root, 'lib-import-toggle'));
    const input = byId(root, 'import-file') as HTMLInputElement;
    const csv = 'title,url,time_added,tags,status\nA,https://a.example/,1,,unread\nB,https://b.example/,2,x,archive\nBad,not a url,3,,unread\n';
    const file = new File([csv], 'pocket.csv', { type: 'text/csv' });
    Object.defineProperty(input, 'files', { value: [file], configurable: true });
    await act(async () => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await until(() => !!byId(root, 'import-preview'));
    const preview = byId(root, 'import-preview')!;
    expect(preview.textContent).toContain('pocket.csv (Pocket CSV): 1 new, 1 already in the library, 1 with errors.');
    expect(preview.textContent).toMatch(/Line 4: .*url/i);
    // the file stayed in the page: nothing was sent, nothing written
    expect(lib.calls.map((c) => c.type)).not.toContain('importWritten');
    expect((await shared.list()).total).toBe(1);
    await click(byId(root, 'import-confirm'));
    await until(() => !!byId(root, 'import-result'));
    expect(byId(root, 'import-result')?.textContent).toContain('Imported 1; 1 already saved were kept as they were.');
    expect((await shared.list()).items.map((i) => i.title).sort()).toEqual(['A saved before', 'B']);
    // the background was told which entries were written: the list shows the imported one
    expect(lib.of('importWritten')).toHaveLength(1);
    expect(lib.of('importWritten')[0]!.data.ids).toHaveLength(1);
    await settle(20);
    const rows = allById(root, 'saved-row').map((r) => r.textContent);
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(expect.arrayContaining([expect.stringMatching(/^Bb\.example/), expect.stringMatching(/^Story number 1/)]));
  });

  it('import: a dropped zip is read as a zip and previewed with the chosen format', async () => {
    const root = await open([]);
    await click(byId(root, 'lib-import-toggle'));
    await choose(byId(root, 'import-format'), 'pocket-zip');
    const bytes = zipSync({ 'part_000000.csv': strToU8('title,url,time_added,tags,status\nZipped,https://z.example/1,1700000000,,unread\n') });
    const drop = new Event('drop', { bubbles: true, cancelable: true });
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [new File([bytes], 'export.zip')] } });
    await act(async () => {
      byId(root, 'import-dropzone')!.dispatchEvent(drop);
    });
    await until(() => !!byId(root, 'import-preview') || !!byId(root, 'import-failed'));
    expect(drop.defaultPrevented).toBe(true);
    expect(byId(root, 'import-preview')?.textContent).toContain('export.zip (Pocket zip): 1 new, 0 already in the library, 0 with errors.');
    expect((await shared.list()).total).toBe(0);
  });

  it('coming back to the page reloads the list (saves made elsewhere show up)', async () => {
    const root = await open([makeItem(1)]);
    lib.items.push(makeItem(2));
    await act(async () => {
      document.dispatchEvent(new Event('visibilitychange'));
    });
    await settle();
    expect(allById(root, 'saved-row').map((r) => r.dataset.id)).toEqual(['id-2', 'id-1']);
  });

  it('import: a file that cannot be read shows the error and writes nothing', async () => {
    const root = await open([]);
    await click(byId(root, 'lib-import-toggle'));
    const input = byId(root, 'import-file') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [new File(['hello'], 'notes.txt')], configurable: true });
    await act(async () => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await until(() => !!byId(root, 'import-failed'));
    expect(byId(root, 'import-failed')?.textContent).toMatch(/^Could not import: unrecognised format: expected a Lectern JSON export/);
    expect(byId(root, 'import-confirm')).toBeNull();
    expect((await shared.list()).total).toBe(0);
    expect(lib.of('importWritten')).toHaveLength(0);
  });
});

describe('library helpers', () => {
  it('reads every import file as its bytes', async () => {
    const zip = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 255]);
    expect(Array.from((await readImportFile(new File([zip], 'export.zip'))) as Uint8Array)).toEqual(Array.from(zip));
    expect(new TextDecoder().decode((await readImportFile(new File(['{"format":"lectern"}'], 'x.json')))!)).toBe('{"format":"lectern"}');
  });

  it('item ids from the hash, scroll fraction, saved item → article', () => {
    expect(itemFromHash('#item=abc%2F1')).toBe('abc/1');
    expect(itemFromHash('#other=1')).toBeNull();
    expect(scrollFraction({ scrollTop: 500, scrollHeight: 1500, clientHeight: 500 })).toBe(0.5);
    expect(scrollFraction({ scrollTop: 0, scrollHeight: 400, clientHeight: 500 })).toBe(1);
    const article = savedToArticle(makeItem(1, { leadImage: 'https://x.example/a.jpg' }));
    expect(article).toMatchObject({ title: 'Story number 1', isArticle: true, leadImage: { src: 'https://x.example/a.jpg' } });
  });
});
