/**
 * The background's reader functions. The toolbar popup, the keyboard command, the detector
 * content script and the e2e test hook all call these and nothing else.
 * None of them throws: failures resolve `{ ok: false, error }`.
 */
import { browser } from 'wxt/browser';
import { sendTabMessage, type Failure, type OpenResult, type PageInfoResult, type Result } from '../../messages';

/** The unlisted script built from entrypoints/reader.ts. */
export const READER_SCRIPT = '/reader.js';

function fail(error: unknown): Failure {
  const text = error instanceof Error ? error.message : String(error);
  return { ok: false, error: text || 'unknown-error' };
}

/** true when the reader script answers in the tab's top frame. */
export async function pingReader(tabId: number): Promise<boolean> {
  try {
    const answer = await sendTabMessage(tabId, 'reader:ping', {});
    return !!answer && answer.ok === true;
  } catch {
    return false;
  }
}

async function injectReader(tabId: number): Promise<void> {
  if (browser.scripting?.executeScript) {
    await browser.scripting.executeScript({ target: { tabId }, files: [READER_SCRIPT] });
  } else {
    // Firefox MV2 without the scripting API
    await (browser.tabs as unknown as {
      executeScript(tabId: number, details: { file: string }): Promise<unknown>;
    }).executeScript(tabId, { file: READER_SCRIPT });
  }
}

const injecting = new Map<number, Promise<void>>();

/** Ping first; inject on no answer. Concurrent callers for one tab share one injection. */
export function ensureReader(tabId: number): Promise<void> {
  const pending = injecting.get(tabId);
  if (pending) return pending;
  const work = (async () => {
    if (await pingReader(tabId)) return;
    await injectReader(tabId);
    if (!(await pingReader(tabId))) throw new Error('reader-unavailable');
  })().finally(() => injecting.delete(tabId));
  injecting.set(tabId, work);
  return work;
}

function checkTabId(tabId: unknown): number {
  if (typeof tabId !== 'number' || !Number.isInteger(tabId) || tabId < 0) throw new Error('invalid-tab');
  return tabId;
}

/** Opens the reader (never toggles): `{ ok: true }` once the body is in the page's DOM. */
export async function openReader(tabId: number, options: { force?: boolean } = {}): Promise<OpenResult> {
  try {
    const id = checkTabId(tabId);
    await ensureReader(id);
    const result = await sendTabMessage(id, 'reader:open', { force: options.force });
    return result ?? fail('no-response');
  } catch (error) {
    return fail(error);
  }
}

/** Closes the reader if it is open; a tab without the reader script is left untouched. */
export async function closeReader(tabId: number): Promise<Result> {
  try {
    const id = checkTabId(tabId);
    if (!(await pingReader(id))) return { ok: true };
    const result = await sendTabMessage(id, 'reader:close', {});
    return result ?? fail('no-response');
  } catch (error) {
    return fail(error);
  }
}

/** What the popup's current-page card shows. */
export async function pageInfo(tabId: number): Promise<PageInfoResult> {
  try {
    const id = checkTabId(tabId);
    await ensureReader(id);
    const result = await sendTabMessage(id, 'reader:pageInfo', {});
    return result ?? fail('no-response');
  } catch (error) {
    return fail(error);
  }
}

/** The tab the user is looking at (the contract's way to pick a tab). */
export async function activeTabId(): Promise<number | undefined> {
  const [tab] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
  return tab?.id;
}
