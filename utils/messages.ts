/**
 * Lectern's one message contract. Two protocol maps (messages to the background, messages to
 * a tab's reader script), tiny typed senders, and a handler-map helper that answers only the
 * types it knows (so several listeners in one context never answer for each other).
 */
import { browser, type Browser } from 'wxt/browser';
import type { AggregatorId, Source } from './types';

export interface Failure {
  ok: false;
  error: string;
}
export type Result = { ok: true } | Failure;

/** openReader: ok once the body is in the DOM; 'not-article' / 'not-readable' show a message. */
export type OpenResult = { ok: true } | Failure;

export interface PageInfo {
  ok: true;
  isArticle: boolean;
  aggregator: AggregatorId | null;
  title: string;
  byline: string | null;
  source: Source | null;
  published: string | null;
  readingMinutes: number;
}
export type PageInfoResult = PageInfo | Failure;

export interface SaveResult {
  ok: true;
  id: string;
  updated: boolean;
}

/** Messages handled by the background. `tabId` defaults to the sender's tab. */
export type BackgroundProtocol = {
  openReader(data: { tabId?: number }): OpenResult;
  closeReader(data: { tabId?: number }): Result;
  pageInfo(data: { tabId?: number }): PageInfoResult;
};

/** Messages handled by the reader script inside a tab. */
export type TabProtocol = {
  'reader:ping'(data: Record<string, never>): { ok: true; open: boolean };
  'reader:open'(data: { force?: boolean }): OpenResult;
  'reader:close'(data: Record<string, never>): Result;
  'reader:pageInfo'(data: Record<string, never>): PageInfoResult;
};

type AnyProtocol = Record<string, (data: any) => unknown>;
export type DataOf<P extends AnyProtocol, K extends keyof P> = Parameters<P[K]>[0];
export type ReturnOf<P extends AnyProtocol, K extends keyof P> = ReturnType<P[K]>;

export interface Envelope<K = string, D = unknown> {
  lectern: 1;
  type: K;
  data: D;
}

export function envelope<K extends string, D>(type: K, data: D): Envelope<K, D> {
  return { lectern: 1, type, data };
}

export function isEnvelope(message: unknown): message is Envelope {
  return (
    !!message &&
    typeof message === 'object' &&
    (message as Envelope).lectern === 1 &&
    typeof (message as Envelope).type === 'string'
  );
}

/** Send to the background. */
export async function sendMessage<K extends keyof BackgroundProtocol>(
  type: K,
  data: DataOf<BackgroundProtocol, K>,
): Promise<ReturnOf<BackgroundProtocol, K>> {
  return (await browser.runtime.sendMessage(envelope(type, data))) as ReturnOf<BackgroundProtocol, K>;
}

/** Send to the reader script of a tab (rejects when nothing in the tab listens). */
export async function sendTabMessage<K extends keyof TabProtocol>(
  tabId: number,
  type: K,
  data: DataOf<TabProtocol, K>,
): Promise<ReturnOf<TabProtocol, K> | undefined> {
  return (await browser.tabs.sendMessage(tabId, envelope(type, data), { frameId: 0 })) as
    | ReturnOf<TabProtocol, K>
    | undefined;
}

export type Handlers<P extends AnyProtocol> = {
  [K in keyof P]?: (
    data: DataOf<P, K>,
    sender: Browser.runtime.MessageSender,
  ) => ReturnOf<P, K> | Promise<ReturnOf<P, K>>;
};

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The listener behind `onMessages`: answers with sendResponse + `return true` (works with the
 * native API, the polyfill and fake-browser); returns undefined for messages it does not own.
 */
export function createListener<P extends AnyProtocol>(handlers: Handlers<P>) {
  return (message: unknown, sender: Browser.runtime.MessageSender, sendResponse: (r: unknown) => void) => {
    if (!isEnvelope(message)) return undefined;
    const handler = (handlers as Record<string, ((d: unknown, s: unknown) => unknown) | undefined>)[message.type];
    if (typeof handler !== 'function' || !Object.prototype.hasOwnProperty.call(handlers, message.type)) {
      return undefined;
    }
    Promise.resolve()
      .then(() => handler(message.data ?? {}, sender))
      .then(
        (result) => sendResponse(result),
        (error) => sendResponse({ ok: false, error: errorText(error) } satisfies Failure),
      );
    return true;
  };
}

/** Register handlers on `browser.runtime.onMessage`; returns a function that removes them. */
export function onMessages<P extends AnyProtocol>(handlers: Handlers<P>): () => void {
  const listener = createListener(handlers);
  browser.runtime.onMessage.addListener(listener as never);
  return () => browser.runtime.onMessage.removeListener(listener as never);
}
