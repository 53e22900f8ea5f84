// @vitest-environment jsdom
import { h } from 'preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('../../../utils/messages', async (orig) => ({
  ...(await orig<typeof import('../../../utils/messages')>()),
  sendMessage: vi.fn(),
}));

import { Popup } from '../../../components/Popup';
import { FakeLibrary, makeItem } from './fake-library';
import { allById, byId, choose, click, mount, rowOf, settle, type, useFake } from './helpers';

let lib: FakeLibrary;
let view: ReturnType<typeof mount>;
const close = vi.fn();

async function open(items = lib.items) {
  lib.items = items;
  view = mount(h(Popup, { getTabId: async () => 7, close }));
  await settle();
  return view.root;
}

describe('Popup with the library', () => {
  beforeEach(() => {
    lib = new FakeLibrary();
    useFake(lib);
    close.mockReset();
  });
  afterEach(async () => {
    view?.unmount();
    // let Preact's after-paint timers (35 ms) run while jsdom's globals still exist
    await new Promise((r) => setTimeout(r, 60));
  });

  it('lists saved items newest first: title, publisher, via inkl, reading time, date', async () => {
    const root = await open([makeItem(1), makeItem(3), makeItem(2, { aggregator: null })]);
    const rows = allById(root, 'saved-row');
    expect(rows.map((r) => byId(r, 'row-title')?.textContent)).toEqual(['Story number 3', 'Story number 2', 'Story number 1']);
    const first = rows[0]!;
    expect(byId(first, 'row-publisher')?.textContent).toBe('Latin Times');
    expect(byId(first, 'row-via')?.textContent).toBe('via inkl');
    expect(first.textContent).toContain('4 min read');
    expect(first.textContent).toContain('4 Mar 2026');
    expect(byId(rows[1]!, 'row-via')).toBeNull();
  });

  it('renders only the first page of a big library, then shows more on request', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => makeItem(i));
    const root = await open(many);
    expect(allById(root, 'saved-row')).toHaveLength(50);
    expect(lib.of('listSaved')[0]?.data).toMatchObject({ limit: 50, offset: 0 });
    expect(byId(root, 'lib-count')?.textContent).toBe('Showing 50 of 10000');
    await click(byId(root, 'lib-more'));
    expect(allById(root, 'saved-row')).toHaveLength(100);
    expect(lib.of('listSaved').at(-1)?.data).toMatchObject({ limit: 50, offset: 50 });
    expect(allById(root, 'saved-row')[50]?.dataset.id).toBe('id-9949');
  });

  it('Save saves the tab, confirms in a live region, and Undo removes it again', async () => {
    const root = await open([makeItem(1)]);
    const save = byId(root, 'popup-save')!;
    expect(save.textContent).toBe('Save');
    await click(save);
    expect(lib.of('saveTab')[0]?.data).toEqual({ tabId: 7 });
    expect(byId(root, 'popup-save')?.textContent).toBe('Saved ✓');
    const notice = byId(root, 'lib-notice')!;
    expect(notice.getAttribute('aria-live')).toBe('polite');
    expect(notice.textContent).toContain('Saved to the library: The page in the tab');
    // the new item shows at the top of the list
    expect(allById(root, 'saved-row')[0]?.dataset.id).toBe(lib.tabItem.id);
    await click(byId(root, 'lib-undo'));
    expect(lib.of('deleteSaved')[0]?.data).toEqual({ ids: [lib.tabItem.id] });
    expect(lib.items.map((i) => i.id)).toEqual(['id-1']);
    expect(byId(root, 'popup-save')?.textContent).toBe('Save');
    expect(byId(root, 'lib-notice')?.textContent).toContain('Undone.');
  });

  it('shows "Saved ✓" for a page already in the library, and saving it again does nothing', async () => {
    const root = await open([structuredClone(lib.tabItem)]);
    const save = byId(root, 'popup-save')!;
    expect(save.textContent).toBe('Saved ✓');
    expect(save.getAttribute('aria-pressed')).toBe('true');
    await click(save);
    expect(lib.of('saveTab')).toHaveLength(0);
  });

  it('a failed save says so', async () => {
    lib.failing.set('saveTab', 'quota');
    const root = await open([]);
    await click(byId(root, 'popup-save'));
    expect(byId(root, 'lib-notice')?.textContent).toContain('Could not save: quota');
    expect(byId(root, 'popup-save')?.textContent).toBe('Save');
  });

  it('search sends the words as you type and shows only matches', async () => {
    const root = await open([makeItem(1), makeItem(2, { html: '<p>deep inside the body: marzipan</p>' }), makeItem(3)]);
    await type(byId(root, 'lib-search'), 'marzipan');
    await settle(200);
    expect(lib.of('listSaved').at(-1)?.data).toMatchObject({ query: 'marzipan', offset: 0 });
    expect(allById(root, 'saved-row').map((r) => r.dataset.id)).toEqual(['id-2']);
    await type(byId(root, 'lib-search'), 'nothing-like-this');
    await settle(200);
    expect(allById(root, 'saved-row')).toHaveLength(0);
    expect(byId(root, 'lib-empty')?.textContent).toBe('Nothing matches this search and filter.');
  });

  it('filters: state, tag and publisher become the list filter', async () => {
    const root = await open([
      makeItem(1, { archived: true }),
      makeItem(2, { favourite: true, tags: ['energy'] }),
      makeItem(3),
    ]);
    await choose(byId(root, 'lib-filter-show'), 'archived');
    expect(lib.of('listSaved').at(-1)?.data.filter).toEqual({ archived: true });
    expect(allById(root, 'saved-row').map((r) => r.dataset.id)).toEqual(['id-1']);
    await choose(byId(root, 'lib-filter-show'), 'favourites');
    expect(allById(root, 'saved-row').map((r) => r.dataset.id)).toEqual(['id-2']);
    await choose(byId(root, 'lib-filter-show'), 'unread');
    expect(lib.of('listSaved').at(-1)?.data.filter).toEqual({ unread: true, archived: false });
    await choose(byId(root, 'lib-filter-show'), 'all');
    await choose(byId(root, 'lib-filter-tag'), 'energy');
    expect(allById(root, 'saved-row').map((r) => r.dataset.id)).toEqual(['id-2']);
    await choose(byId(root, 'lib-filter-tag'), '');
    await choose(byId(root, 'lib-filter-publisher'), 'Latin Times');
    expect(lib.of('listSaved').at(-1)?.data.filter).toEqual({ publisher: 'Latin Times' });
    expect(allById(root, 'saved-row').map((r) => r.dataset.id)).toEqual(['id-3', 'id-1']);
  });

  it('favourite and archive toggle the item and show its new state', async () => {
    const root = await open([makeItem(1)]);
    await click(byId(rowOf(root, 'id-1'), 'row-favourite'));
    expect(lib.of('updateSaved')[0]?.data).toEqual({ ids: ['id-1'], patch: { favourite: true } });
    expect(byId(rowOf(root, 'id-1'), 'row-favourite')?.getAttribute('aria-pressed')).toBe('true');
    await click(byId(rowOf(root, 'id-1'), 'row-archive'));
    expect(lib.of('updateSaved')[1]?.data).toEqual({ ids: ['id-1'], patch: { archived: true } });
    expect(byId(rowOf(root, 'id-1'), 'row-archive')?.getAttribute('aria-pressed')).toBe('true');
    expect(lib.items[0]).toMatchObject({ favourite: true, archived: true });
  });

  it('a failed write is reported and the row keeps its state', async () => {
    const root = await open([makeItem(1)]);
    lib.failing.set('updateSaved', 'write-failed');
    await click(byId(rowOf(root, 'id-1'), 'row-favourite'));
    expect(byId(root, 'lib-notice')?.textContent).toContain('The change was not saved: write-failed');
    expect(byId(rowOf(root, 'id-1'), 'row-favourite')?.getAttribute('aria-pressed')).toBe('false');
  });

  it('delete removes the row; Undo restores exactly the deleted item', async () => {
    const root = await open([makeItem(1), makeItem(2, { tags: ['keep'] })]);
    await click(byId(rowOf(root, 'id-2'), 'row-more'));
    byId(rowOf(root, 'id-2'), 'row-delete')!.focus();
    await click(byId(rowOf(root, 'id-2'), 'row-delete'));
    expect(allById(root, 'saved-row').map((r) => r.dataset.id)).toEqual(['id-1']);
    // the focused row is gone: the keyboard focus is on Undo
    expect(document.activeElement).toBe(byId(root, 'lib-undo'));
    expect(byId(root, 'lib-notice')?.textContent).toContain('Deleted: Story number 2');
    await click(byId(root, 'lib-undo'));
    const restored = lib.of('restoreSaved')[0]?.data.items;
    expect(restored).toHaveLength(1);
    expect(restored[0]).toMatchObject({ id: 'id-2', tags: ['keep'], html: '<p>Body of story 2.</p>' });
    expect(allById(root, 'saved-row').map((r) => r.dataset.id)).toEqual(['id-2', 'id-1']);
  });

  it('tags: add and remove from the row', async () => {
    const root = await open([makeItem(1, { tags: ['old'] })]);
    await click(byId(rowOf(root, 'id-1'), 'row-more'));
    await type(byId(rowOf(root, 'id-1'), 'tag-input'), ' energy ');
    await click(byId(rowOf(root, 'id-1'), 'tag-add'));
    expect(lib.of('updateSaved').at(-1)?.data).toEqual({ ids: ['id-1'], patch: { tags: ['old', 'energy'] } });
    expect(byId(rowOf(root, 'id-1'), 'row-tags')?.textContent).toBe('oldenergy');
    await click(byId(rowOf(root, 'id-1'), 'tag-remove'));
    expect(lib.of('updateSaved').at(-1)?.data).toEqual({ ids: ['id-1'], patch: { tags: ['energy'] } });
  });

  it('links: the title opens the library at the item; original and where-read are real links', async () => {
    const root = await open([makeItem(1)]);
    await click(byId(rowOf(root, 'id-1'), 'row-title'));
    expect(lib.of('openLibrary')[0]?.data).toEqual({ id: 'id-1' });
    expect(close).toHaveBeenCalled();
    await click(byId(rowOf(root, 'id-1'), 'row-more'));
    const original = byId(rowOf(root, 'id-1'), 'row-original') as HTMLAnchorElement;
    expect(original.getAttribute('href')).toBe('https://publisher.example/story-1');
    expect(original.getAttribute('rel')).toBe('noopener noreferrer');
    expect((byId(rowOf(root, 'id-1'), 'row-where-read') as HTMLAnchorElement).getAttribute('href')).toBe(
      'https://www.inkl.com/news/story-1',
    );
  });

  it('a link saved without a copy: its title opens the page itself, and it says "link only"', async () => {
    const root = await open([makeItem(1, { hasContent: false, html: '' })]);
    const title = byId(rowOf(root, 'id-1'), 'row-title')!;
    expect(title.tagName).toBe('A');
    expect(title.getAttribute('href')).toBe('https://www.inkl.com/news/story-1');
    expect(rowOf(root, 'id-1').textContent).toContain('link only');
    await click(byId(rowOf(root, 'id-1'), 'row-more'));
    expect(byId(rowOf(root, 'id-1'), 'row-read')).toBeNull();
  });

  it('a browser page the extension may not read gets a plain explanation', async () => {
    lib.failing.set('pageInfo', 'Cannot access contents of the page. Extension manifest must request permission to access the respective host.');
    const root = await open([]);
    expect(byId(root, 'popup-unavailable')?.textContent).toBe('Lectern cannot read browser pages, extension pages or the web store.');
    expect((byId(root, 'popup-save') as HTMLButtonElement).disabled).toBe(true);
  });

  it('empty library and damaged records have their own messages', async () => {
    lib.damaged = [{ id: 'x', error: 'bad savedAt', store: 'items' }];
    const root = await open([]);
    expect(byId(root, 'lib-empty')?.textContent).toContain('Nothing saved yet');
    expect(byId(root, 'lib-damaged')?.textContent).toContain('1 saved record(s) are damaged');
  });

  it('export: format and scope go to exportLibrary with download: true', async () => {
    const root = await open([makeItem(1, { archived: true }), makeItem(2)]);
    await click(byId(root, 'lib-export-toggle'));
    await choose(byId(root, 'lib-export-format'), 'markdown');
    await click(byId(root, 'lib-export-run'));
    expect(lib.of('exportLibrary')[0]?.data).toEqual({ format: 'markdown', download: true });
    expect(byId(root, 'lib-notice')?.textContent).toContain('Download started: lectern-2026-03-04.markdown');
    await choose(byId(root, 'lib-filter-show'), 'archived');
    await click(byId(root, 'lib-export-scope-filter'));
    await click(byId(root, 'lib-export-run'));
    expect(lib.of('exportLibrary')[1]?.data).toEqual({ format: 'markdown', filter: { archived: true }, download: true });
    // with a search, the export names the matching ids (the message filters but does not search)
    await type(byId(root, 'lib-search'), 'Story');
    await settle(200);
    await click(byId(root, 'lib-export-run'));
    expect(lib.of('exportLibrary')[2]?.data).toEqual({ format: 'markdown', ids: ['id-1'], download: true });
  });
});
