/**
 * Wires the background's entry points (messages, keyboard commands, context menus) to the
 * shared functions (./reader.ts, ./library.ts).
 */
import { browser, type Browser } from 'wxt/browser';
import { t } from '../../i18n';
import { onMessages, sendTabMessage, type BackgroundProtocol, type Result, type SaveTabResult } from '../../messages';
import { activeTabId, closeReader, openReader, pageInfo, pingReader } from './reader';
import { drainIfPending, importWritten } from './import';
import {
  deleteSaved,
  exportSaved,
  getSaved,
  libraryStats,
  listSaved,
  restoreSaved,
  saveArticle,
  saveLink,
  savedState,
  updateSaved,
} from './library';

/** The library page (entrypoints/library, built as /library.html). */
export const LIBRARY_PAGE = '/library.html';
export const MENU_SAVE_PAGE = 'lectern-save-page';
export const MENU_SAVE_LINK = 'lectern-save-link';

function tabOf(data: { tabId?: number }, sender: Browser.runtime.MessageSender): number {
  const id = data.tabId ?? sender.tab?.id;
  if (typeof id !== 'number') throw new Error('no-tab');
  return id;
}

/** Open the library page, or focus the one already open; `id` selects an entry (#item=ID). */
export async function openLibrary(id?: string): Promise<Result> {
  try {
    const base = browser.runtime.getURL(LIBRARY_PAGE as never);
    const url = id ? `${base}#item=${encodeURIComponent(id)}` : base;
    const open = await browser.tabs.query({ url: `${base}*` }).catch(() => []);
    const tab = open.find((t) => typeof t.id === 'number');
    if (tab?.id !== undefined) {
      await browser.tabs.update(tab.id, { active: true, ...(id ? { url } : {}) });
      if (typeof tab.windowId === 'number') await browser.windows?.update(tab.windowId, { focused: true }).catch(() => undefined);
    } else {
      await browser.tabs.create({ url });
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

type ActionApi = typeof browser.action;

function actionApi(): ActionApi | undefined {
  return (browser.action ?? (browser as unknown as { browserAction?: ActionApi }).browserAction) as ActionApi | undefined;
}

/**
 * Confirm a save made without the popup (command, context menu): a notice in the page through
 * the reader script when it is there, else a short badge on the toolbar button.
 */
export async function confirmSave(tabId: number | undefined, result: SaveTabResult): Promise<void> {
  if (tabId !== undefined && (await pingReader(tabId))) {
    const shown = await sendTabMessage(tabId, 'reader:saved', { result }).catch(() => undefined);
    if (shown?.ok) return;
  }
  const action = actionApi();
  if (!action) return;
  const text = result.ok ? '✓' : '!';
  const details = tabId !== undefined ? { tabId } : {};
  try {
    await action.setBadgeBackgroundColor({ ...details, color: result.ok ? '#1e5b3a' : '#b3261e' });
    await action.setBadgeText({ ...details, text });
    setTimeout(() => void Promise.resolve(action.setBadgeText({ ...details, text: '' })).catch(() => undefined), 4000);
  } catch {
    // no badge: nothing else to show
  }
}

async function setupMenus(): Promise<void> {
  const menus = browser.contextMenus;
  if (!menus) return;
  await menus.removeAll();
  menus.create({ id: MENU_SAVE_PAGE, title: t('contextSavePage'), contexts: ['page'] });
  menus.create({ id: MENU_SAVE_LINK, title: t('contextSaveLink'), contexts: ['link'] });
}

/** A context-menu click: the page → saveArticle; a link → saveLink (nothing fetched). */
export async function onMenuClick(info: Browser.contextMenus.OnClickData, tab?: Browser.tabs.Tab): Promise<SaveTabResult> {
  const tabId = tab?.id;
  let result: SaveTabResult;
  if (info.menuItemId === MENU_SAVE_LINK && info.linkUrl) {
    const title = (info as { linkText?: string }).linkText ?? info.selectionText ?? null;
    result = await saveLink(info.linkUrl, title, { withUndo: true });
  } else if (info.menuItemId === MENU_SAVE_PAGE && tabId !== undefined && tabId >= 0) {
    result = await saveArticle(tabId, { withUndo: true });
  } else {
    return { ok: false, error: 'no-target' };
  }
  await confirmSave(tabId, result);
  return result;
}

export function setupBackground(): void {
  onMessages<BackgroundProtocol>({
    openReader: (data, sender) => openReader(tabOf(data, sender)),
    closeReader: (data, sender) => closeReader(tabOf(data, sender)),
    pageInfo: (data, sender) => pageInfo(tabOf(data, sender)),
    saveTab: (data, sender) => saveArticle(tabOf(data, sender), { withUndo: !!data.withUndo }),
    saveLink: (data) => saveLink(data.url, data.title),
    savedState: (data, sender) => savedState(tabOf(data, sender)),
    listSaved: (data) => listSaved(data),
    getSaved: (data) => getSaved(data.id),
    updateSaved: (data) => updateSaved(data.ids, data.patch),
    deleteSaved: (data) => deleteSaved(data.ids),
    restoreSaved: (data) => restoreSaved(data.items),
    libraryStats: () => libraryStats(),
    exportLibrary: (data) => exportSaved(data),
    importWritten: (data) => importWritten(data?.ids),
    openLibrary: (data) => openLibrary(data.id),
  });

  browser.commands?.onCommand.addListener((command: string, tab?: Browser.tabs.Tab) => {
    void (async () => {
      const tabId = tab?.id ?? (await activeTabId());
      if (tabId === undefined) return;
      if (command === 'open-reader') await openReader(tabId);
      if (command === 'save-article') await confirmSave(tabId, await saveArticle(tabId, { withUndo: true }));
    })();
  });

  void setupMenus().catch(() => undefined);
  // imported bodies left waiting when the background last stopped: sanitise and index them now
  void drainIfPending().catch(() => undefined);
  browser.contextMenus?.onClicked.addListener((info, tab) => void onMenuClick(info, tab));
}
