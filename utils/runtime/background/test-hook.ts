/**
 * The e2e test hook (../shared/test-contract.md). Only installed when
 * `import.meta.env.MODE === 'e2e'` (see entrypoints/background.ts); it calls the very functions
 * the popup, the command and the overlay use and does no work of its own.
 */
import { closeReader, openReader, pageInfo } from './reader';

export interface LecternTestHook {
  openReader: typeof openReader;
  closeReader: typeof closeReader;
  pageInfo: typeof pageInfo;
}

export function installTestHook(): LecternTestHook {
  const hook: LecternTestHook = {
    openReader: (tabId: number) => openReader(tabId),
    closeReader: (tabId: number) => closeReader(tabId),
    pageInfo: (tabId: number) => pageInfo(tabId),
  };
  (globalThis as unknown as { lecternTest: LecternTestHook }).lecternTest = hook;
  return hook;
}
