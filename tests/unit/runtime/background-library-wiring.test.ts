/**
 * The background's library entry points (utils/runtime/background/setup.ts): messages reach
 * the library functions, the context menus save a page (saveArticle) or a link (saveLink,
 * nothing fetched), a save made without the overlay is confirmed in the page when the reader
 * script is there, else by a badge; openLibrary opens or focuses the library page.
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { Library } from '../../../utils/library/store';
import { createListener, envelope, type BackgroundProtocol } from '../../../utils/messages';
import { setLibrary } from '../../../utils/runtime/background/library';
import { confirmSave, MENU_SAVE_LINK, MENU_SAVE_PAGE, onMenuClick, openLibrary, setupBackground } from '../../../utils/runtime/background/setup';

type Envelope = { lectern: 1; type: string; data: unknown };

function tabWithReader(answers: Record<string, unknown>) {
  const sent: Array<{ type: string; data: unknown }> = [];
  vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation((async (_id: number, m: Envelope) => {
    sent.push({ type: m.type, data: m.data });
    if (m.type === 'reader:ping') return { ok: true, open: false };
    return answers[m.type] ?? { ok: true };
  }) as never);
  vi.spyOn(fakeBrowser.scripting, 'executeScript').mockResolvedValue([] as never);
  return sent;
}

beforeEach(() => {
  fakeBrowser.reset();
  setLibrary(new Library({ indexedDB: new IDBFactory(), autoCompact: false }));
  vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new Error('no network'))));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllGlobals();
  setLibrary(null);
});

/** Call a background message the way runtime.onMessage would. */
async function message<K extends keyof BackgroundProtocol>(type: K, data: unknown, senderTab?: number): Promise<any> {
  let listener: ((m: unknown, s: unknown, r: (x: unknown) => void) => unknown) | undefined;
  vi.spyOn(fakeBrowser.runtime.onMessage, 'addListener').mockImplementation(((fn: typeof listener) => {
    listener ??= fn;
  }) as never);
  // not implemented by fakeBrowser: record instead
  vi.spyOn(fakeBrowser.commands.onCommand, 'addListener').mockImplementation((() => undefined) as never);
  const menus = fakeBrowser.contextMenus as unknown as Record<string, unknown>;
  vi.spyOn(fakeBrowser.contextMenus, 'removeAll').mockResolvedValue(undefined as never);
  vi.spyOn(fakeBrowser.contextMenus, 'create').mockImplementation((() => 1) as never);
  vi.spyOn(menus.onClicked as { addListener(): void }, 'addListener').mockImplementation(() => undefined);
  setupBackground();
  return new Promise((resolve) => {
    const answered = listener!(envelope(type, data), senderTab === undefined ? {} : { tab: { id: senderTab } }, resolve);
    if (answered !== true) resolve(undefined);
  });
}

describe('library messages', () => {
  it('saveTab from the overlay uses the sender\'s tab, withUndo gives the previous state', async () => {
    tabWithReader({ 'reader:article': { ok: true, url: 'https://www.msn.com/en-us/news/us', title: 'MSN', aggregator: 'msn', article: null } });
    const r = await message('saveTab', { withUndo: true }, 42);
    expect(r).toMatchObject({ ok: true, updated: false, previous: null });
    // the two context menus were registered
    expect(vi.mocked(fakeBrowser.contextMenus.create).mock.calls.map(([p]) => p)).toEqual([
      { id: MENU_SAVE_PAGE, title: expect.any(String), contexts: ['page'] },
      { id: MENU_SAVE_LINK, title: expect.any(String), contexts: ['link'] },
    ]);
    const list = await message('listSaved', {});
    expect(list).toMatchObject({ ok: true, total: 1, damaged: [], items: [{ url: 'https://www.msn.com/en-us/news/us', hasContent: false }] });
    expect(await message('deleteSaved', { ids: [r.id] })).toMatchObject({ ok: true, deleted: [{ id: r.id }] });
    expect(await message('libraryStats', {})).toMatchObject({ ok: true, total: 0 });
  });

  it('answers only its own message types (never another listener\'s)', () => {
    const listener = createListener<BackgroundProtocol>({ listSaved: async () => ({ ok: true, items: [], total: 0, damaged: [] }) });
    expect(listener(envelope('offscreen:run', {}), {} as never, () => undefined)).toBeUndefined();
    expect(listener({ type: 'listSaved' }, {} as never, () => undefined)).toBeUndefined();
  });
});

describe('context menus and confirmation', () => {
  it('"Save link to Lectern" saves the link without content and fetches nothing', async () => {
    const sent = tabWithReader({});
    const r = await onMenuClick({ menuItemId: MENU_SAVE_LINK, linkUrl: 'https://news.example/story?fbclid=1', editable: false } as never, { id: 3 } as never);
    expect(r).toMatchObject({ ok: true, updated: false });
    expect(fetch).not.toHaveBeenCalled();
    // confirmed in the page through the reader script
    expect(sent.find((m) => m.type === 'reader:saved')).toMatchObject({ data: { result: { ok: true, updated: false } } });
    expect(sent.some((m) => m.type === 'reader:article')).toBe(false);
  });

  it('"Save to Lectern" on a page saves the tab\'s article', async () => {
    const sent = tabWithReader({
      'reader:article': { ok: true, url: 'https://www.inkl.com/news/x', title: 'X', aggregator: 'inkl', article: null },
    });
    const r = await onMenuClick({ menuItemId: MENU_SAVE_PAGE, editable: false, pageUrl: 'https://www.inkl.com/news/x' } as never, { id: 5 } as never);
    expect(r).toMatchObject({ ok: true });
    expect(sent.map((m) => m.type)).toContain('reader:article');
  });

  it('without a reader script in the page, the toolbar badge confirms', async () => {
    vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockRejectedValue(new Error('Receiving end does not exist.'));
    const setBadgeText = vi.fn(async () => undefined);
    const setBadgeBackgroundColor = vi.fn(async () => undefined);
    (fakeBrowser as unknown as { action: unknown }).action = { setBadgeText, setBadgeBackgroundColor };
    await confirmSave(8, { ok: true, id: 'a', updated: false });
    expect(setBadgeText).toHaveBeenCalledWith({ tabId: 8, text: '✓' });
    await confirmSave(8, { ok: false, error: 'quota' });
    expect(setBadgeText).toHaveBeenLastCalledWith({ tabId: 8, text: '!' });
  });
});

describe('openLibrary', () => {
  it('opens the library page, then focuses it (on an entry when given)', async () => {
    const create = vi.spyOn(fakeBrowser.tabs, 'create');
    expect(await openLibrary()).toEqual({ ok: true });
    expect(create).toHaveBeenCalledWith({ url: expect.stringMatching(/\/library\.html$/) });
    vi.spyOn(fakeBrowser.tabs, 'query').mockResolvedValue([{ id: 77, windowId: 1 }] as never);
    const update = vi.spyOn(fakeBrowser.tabs, 'update').mockResolvedValue({} as never);
    expect(await openLibrary('abc')).toEqual({ ok: true });
    expect(update).toHaveBeenCalledWith(77, { active: true, url: expect.stringMatching(/\/library\.html#item=abc$/) });
    expect(create).toHaveBeenCalledTimes(1);
  });
});
