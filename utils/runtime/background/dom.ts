/**
 * `withDom(task)`: run a step that needs a DOM (./dom-tasks.ts) from the background.
 *
 * - Firefox (MV2) and any context with a DOM (unit tests under jsdom): the background page has
 *   one, the task runs right here.
 * - Chrome (MV3): the service worker has no DOMParser, no window for DOMPurify and no
 *   URL.createObjectURL, so the task is sent to the offscreen document
 *   (entrypoints/offscreen, reasons DOM_PARSER + BLOBS), created on demand and closed again
 *   once it has been idle for a while and holds no download's blob URL.
 */
import { browser } from 'wxt/browser';
import { createListener, envelope, isEnvelope, type Failure } from '../../messages';
import type { Library } from '../../library/store';
import { runDomTask, type DomTask, type DomTaskResult } from './dom-tasks';

export const OFFSCREEN_PATH = '/offscreen.html';
const RUN = 'offscreen:run';
const IDLE_CLOSE_MS = 60_000;

export type OffscreenProtocol = {
  'offscreen:run'(data: { task: DomTask }): { ok: true; result: DomTaskResult } | Failure;
};

interface ChromeOffscreen {
  createDocument(p: { url: string; reasons: string[]; justification: string }): Promise<void>;
  closeDocument(): Promise<void>;
  hasDocument?(): Promise<boolean>;
}

function chromeApi(): { offscreen?: ChromeOffscreen; runtime?: { getContexts?(f: unknown): Promise<unknown[]> } } {
  return ((globalThis as { chrome?: unknown }).chrome ?? {}) as never;
}

/** true when this context can run DOM tasks itself. */
export function hasDom(): boolean {
  return typeof window !== 'undefined' && typeof document !== 'undefined' && typeof DOMParser !== 'undefined';
}

let creating: Promise<void> | null = null;
let pending = 0;
const liveBlobs = new Set<string>();
let closeTimer: ReturnType<typeof setTimeout> | null = null;

async function offscreenExists(): Promise<boolean> {
  const c = chromeApi();
  if (c.offscreen?.hasDocument) return c.offscreen.hasDocument();
  if (c.runtime?.getContexts) {
    const url = browser.runtime.getURL(OFFSCREEN_PATH as never);
    return (await c.runtime.getContexts({ contextTypes: ['OFFSCREEN_DOCUMENT'], documentUrls: [url] })).length > 0;
  }
  return false;
}

async function ensureOffscreen(): Promise<void> {
  const off = chromeApi().offscreen;
  if (!off) throw new Error('This browser gives the background no DOM for this step.');
  if (await offscreenExists()) return;
  creating ??= off
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: ['DOM_PARSER', 'BLOBS'],
      justification: 'Parse saved articles for Markdown/EPUB export, sanitise imported HTML, make export files downloadable.',
    })
    .catch((e: unknown) => {
      // another call created it meanwhile
      if (!/single offscreen|already/i.test(String(e instanceof Error ? e.message : e))) throw e;
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}

function scheduleClose(): void {
  if (closeTimer) clearTimeout(closeTimer);
  closeTimer = null;
  if (pending > 0 || liveBlobs.size > 0) return;
  closeTimer = setTimeout(() => {
    closeTimer = null;
    if (pending > 0 || liveBlobs.size > 0) return;
    void chromeApi()
      .offscreen?.closeDocument()
      .catch(() => undefined);
  }, IDLE_CLOSE_MS);
}

async function runOffscreen(task: DomTask): Promise<DomTaskResult> {
  await ensureOffscreen();
  let lastError = 'The offscreen document did not answer.';
  // the document's listener is registered while it loads: retry briefly on "no receiver"
  for (let attempt = 0; attempt < 20; attempt++) {
    let answer: unknown;
    try {
      answer = await browser.runtime.sendMessage(envelope(RUN, { task }));
    } catch (e) {
      lastError = e instanceof Error ? e.message : String(e);
      if (!/receiving end|establish connection/i.test(lastError)) throw new Error(lastError);
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    const a = answer as { ok: true; result: DomTaskResult } | Failure | undefined;
    if (!a) {
      await new Promise((r) => setTimeout(r, 50));
      continue;
    }
    if (!a.ok) throw new Error(a.error);
    return a.result;
  }
  throw new Error(lastError);
}

/** Run a DOM-needing step here (a DOM exists) or in the offscreen document (Chrome MV3). */
export async function withDom(task: DomTask, library: () => Library): Promise<DomTaskResult> {
  if (hasDom()) return runDomTask(task, library);
  pending++;
  if (closeTimer) clearTimeout(closeTimer);
  try {
    const result = await runOffscreen(task);
    if (result.kind === 'export' && result.blobUrl) liveBlobs.add(result.blobUrl);
    if (task.kind === 'revoke') liveBlobs.delete(task.url);
    return result;
  } finally {
    pending--;
    scheduleClose();
  }
}

/** The offscreen document's side: answer `offscreen:run` with its own library reader. */
export function serveDomTasks(library: () => Library): () => void {
  const listener = createListener<OffscreenProtocol>({
    'offscreen:run': async (data) => ({ ok: true, result: await runDomTask(data.task, library) }),
  });
  const fn = (message: unknown, sender: never, sendResponse: (r: unknown) => void) =>
    isEnvelope(message) && message.type === RUN ? listener(message, sender, sendResponse) : undefined;
  browser.runtime.onMessage.addListener(fn as never);
  return () => browser.runtime.onMessage.removeListener(fn as never);
}
