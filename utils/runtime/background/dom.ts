/**
 * `withDom(task)`: run a step that needs a DOM (./dom-tasks.ts) from the background.
 *
 * - Firefox (MV2) and any context with a DOM (unit tests under jsdom): the background page has
 *   one, the task runs right here.
 * - Chrome (MV3): the service worker has no DOMParser, no window for DOMPurify and no
 *   URL.createObjectURL, so the task is sent to the offscreen document
 *   (entrypoints/offscreen, reasons DOM_PARSER + BLOBS), created on demand and closed again
 *   once it has been idle for a while and holds no download's blob URL.
 *
 * The tasks travel over one dedicated port (`runtime.connect({ name: OFFSCREEN_PORT })`), not
 * `runtime.sendMessage`: a sendMessage from the worker reaches EVERY extension page that listens
 * (the library page, an open popup), and each of them would decode every request and answer
 * (an import's HTML used to go this way: hundreds of MB for a large backup). Only the offscreen document listens for this
 * port's name. Requests carry an id; the document answers `{ id, ok, result | error }`.
 *
 * Connecting: the document greets every new port with `{ ready: true }`. A connect made before
 * its onConnect listener is registered is disconnected at once ("Receiving end does not
 * exist"); that is retried briefly. A disconnect after the greeting means the document went
 * away: calls still waiting on that port fail with a clear error, and the next call reconnects
 * (recreating the document when needed).
 */
import { browser, type Browser } from 'wxt/browser';
import type { Library } from '../../library/store';
import { revokeDownloadBlob, runDomTask, type DomTask, type DomTaskResult } from './dom-tasks';

export const OFFSCREEN_PATH = '/offscreen.html';
/** the name of the port between the service worker and the offscreen document */
export const OFFSCREEN_PORT = 'lectern-offscreen';
const IDLE_CLOSE_MS = 60_000;
/** attempts (50 ms apart) to connect while the document's listener is not registered yet */
const CONNECT_ATTEMPTS = 40;
/** how long a connected document may take to greet the port */
const READY_TIMEOUT_MS = 30_000;

/** worker → document */
export interface OffscreenRequest {
  id: number;
  task: DomTask;
}
/** document → worker: the greeting, then one answer per request */
export type OffscreenReply =
  | { ready: true }
  | { id: number; ok: true; result: DomTaskResult }
  | { id: number; ok: false; error: string };

type Port = Browser.runtime.Port;

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

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** runtime.lastError's message inside an onDisconnect listener (reading it also marks it seen) */
function lastErrorText(): string | null {
  try {
    const e = (browser.runtime as { lastError?: { message?: string } | null }).lastError;
    return e?.message ?? null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let creating: Promise<void> | null = null;
let closing: Promise<void> | null = null;
let pending = 0;
const liveBlobs = new Set<string>();
let closeTimer: ReturnType<typeof setTimeout> | null = null;

interface Call {
  resolve(r: DomTaskResult): void;
  reject(e: Error): void;
}
interface Connection {
  port: Port;
  calls: Map<number, Call>;
}
let connection: Connection | null = null;
let connecting: Promise<Connection> | null = null;
let nextId = 1;

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
  if (closing) await closing;
  if (await offscreenExists()) return;
  creating ??= off
    .createDocument({
      url: OFFSCREEN_PATH,
      reasons: ['DOM_PARSER', 'BLOBS'],
      justification: 'Parse saved articles for Markdown/EPUB export, sanitise imported HTML, make export files downloadable.',
    })
    .catch((e: unknown) => {
      // another call created it meanwhile
      if (!/single offscreen|already/i.test(errorText(e))) throw e;
    })
    .finally(() => {
      creating = null;
    });
  await creating;
}

/** One connect attempt: the port once the document greets it, else why it failed. */
function tryConnect(): Promise<{ port: Port } | { error: string; retry: boolean }> {
  return new Promise((resolve) => {
    let port: Port;
    try {
      port = browser.runtime.connect({ name: OFFSCREEN_PORT });
    } catch (e) {
      resolve({ error: errorText(e), retry: /receiving end|establish connection/i.test(errorText(e)) });
      return;
    }
    let settled = false;
    const finish = (r: { port: Port } | { error: string; retry: boolean }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      port.onMessage.removeListener(onMessage);
      port.onDisconnect.removeListener(onDisconnect);
      resolve(r);
    };
    const onMessage = (m: unknown) => {
      if ((m as { ready?: unknown } | null)?.ready === true) finish({ port });
    };
    const onDisconnect = () =>
      finish({ error: lastErrorText() ?? 'The offscreen document did not accept the connection.', retry: true });
    const timer = setTimeout(() => {
      try {
        port.disconnect();
      } catch {
        // already gone
      }
      finish({ error: 'The offscreen document did not answer.', retry: false });
    }, READY_TIMEOUT_MS);
    port.onMessage.addListener(onMessage);
    port.onDisconnect.addListener(onDisconnect);
  });
}

function adopt(port: Port): Connection {
  const conn: Connection = { port, calls: new Map() };
  port.onMessage.addListener((m: unknown) => {
    const a = m as OffscreenReply | null;
    if (!a || !('id' in a)) return;
    const call = conn.calls.get(a.id);
    if (!call) return;
    conn.calls.delete(a.id);
    if (a.ok) call.resolve(a.result);
    else call.reject(new Error(a.error));
  });
  port.onDisconnect.addListener(() => {
    const why = lastErrorText();
    if (connection === conn) connection = null;
    // the document is gone, and with it the blob URLs it made
    liveBlobs.clear();
    const error = `Lectern's background stopped before this step finished${why ? ` (${why})` : ''}. Please try again.`;
    for (const call of conn.calls.values()) call.reject(new Error(error));
    conn.calls.clear();
  });
  return conn;
}

async function connect(): Promise<Connection> {
  let lastError = 'The offscreen document did not answer.';
  for (let attempt = 0; attempt < CONNECT_ATTEMPTS; attempt++) {
    await ensureOffscreen();
    const r = await tryConnect();
    if ('port' in r) return (connection = adopt(r.port));
    lastError = r.error;
    if (!r.retry) break;
    await sleep(50);
  }
  throw new Error(lastError);
}

function getConnection(): Promise<Connection> {
  if (connection) return Promise.resolve(connection);
  connecting ??= connect().finally(() => {
    connecting = null;
  });
  return connecting;
}

function scheduleClose(): void {
  if (closeTimer) clearTimeout(closeTimer);
  closeTimer = null;
  if (pending > 0 || liveBlobs.size > 0) return;
  closeTimer = setTimeout(() => {
    closeTimer = null;
    if (pending > 0 || liveBlobs.size > 0) return;
    const conn = connection;
    connection = null;
    try {
      conn?.port.disconnect();
    } catch {
      // already gone
    }
    const off = chromeApi().offscreen;
    if (!off) return;
    closing = off
      .closeDocument()
      .catch(() => undefined)
      .finally(() => {
        closing = null;
      });
  }, IDLE_CLOSE_MS);
}

async function runOffscreen(task: DomTask): Promise<DomTaskResult> {
  const conn = await getConnection();
  const id = nextId++;
  return new Promise<DomTaskResult>((resolve, reject) => {
    conn.calls.set(id, { resolve, reject });
    try {
      conn.port.postMessage({ id, task } satisfies OffscreenRequest);
    } catch (e) {
      conn.calls.delete(id);
      if (connection === conn) connection = null;
      reject(new Error(`Could not send this step to the offscreen document: ${errorText(e)}`));
    }
  });
}

/** Run a DOM-needing step here (a DOM exists) or in the offscreen document (Chrome MV3). */
export async function withDom(task: DomTask, library: () => Library): Promise<DomTaskResult> {
  if (hasDom()) return runDomTask(task, library);
  pending++;
  if (closeTimer) clearTimeout(closeTimer);
  closeTimer = null;
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

/**
 * The offscreen document's side: accept the worker's `OFFSCREEN_PORT` ports, greet each, run
 * each request with its own library reader and answer on the same port.
 */
export function serveDomTasks(library: () => Library): () => void {
  const ports = new Set<Port>();
  const onConnect = (port: Port) => {
    if (port.name !== OFFSCREEN_PORT) return;
    ports.add(port);
    let open = true;
    const reply = (r: OffscreenReply) => {
      if (!open) return;
      try {
        port.postMessage(r);
      } catch {
        // the worker went away; nobody is waiting for this answer
      }
    };
    port.onDisconnect.addListener(() => {
      open = false;
      ports.delete(port);
    });
    port.onMessage.addListener((m: unknown) => {
      const req = m as OffscreenRequest | null;
      if (!req || typeof req.id !== 'number' || !req.task || typeof req.task !== 'object') return;
      Promise.resolve()
        .then(() => runDomTask(req.task, library))
        .then(
          (result) => {
            // nobody will download or revoke a blob made for a worker that went away: free it now
            if (!open && result.kind === 'export' && result.blobUrl) revokeDownloadBlob(result.blobUrl, library);
            reply({ id: req.id, ok: true, result });
          },
          (e: unknown) => reply({ id: req.id, ok: false, error: errorText(e) }),
        );
    });
    reply({ ready: true });
  };
  browser.runtime.onConnect.addListener(onConnect);
  return () => {
    browser.runtime.onConnect.removeListener(onConnect);
    for (const port of ports) port.disconnect();
    ports.clear();
  };
}
