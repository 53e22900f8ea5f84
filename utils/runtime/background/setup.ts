/**
 * Wires the background's entry points (messages, keyboard command) to the shared functions.
 */
import { browser, type Browser } from 'wxt/browser';
import { onMessages, type BackgroundProtocol } from '../../messages';
import { activeTabId, closeReader, openReader, pageInfo } from './reader';

function tabOf(data: { tabId?: number }, sender: Browser.runtime.MessageSender): number {
  const id = data.tabId ?? sender.tab?.id;
  if (typeof id !== 'number') throw new Error('no-tab');
  return id;
}

export function setupBackground(): void {
  onMessages<BackgroundProtocol>({
    openReader: (data, sender) => openReader(tabOf(data, sender)),
    closeReader: (data, sender) => closeReader(tabOf(data, sender)),
    pageInfo: (data, sender) => pageInfo(tabOf(data, sender)),
  });

  browser.commands?.onCommand.addListener((command: string, tab?: Browser.tabs.Tab) => {
    void (async () => {
      const tabId = tab?.id ?? (await activeTabId());
      if (tabId === undefined) return;
      if (command === 'open-reader') await openReader(tabId);
      // 'save-article' is wired when the library lands (saveArticle).
    })();
  });
}
