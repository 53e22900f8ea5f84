/**
 * Playwright fixtures for Lectern's real-browser suite.
 *
 * - `extContext` (worker-scoped): Debian Chromium, persistent context with a fresh user-data-dir and
 *   the e2e build loaded (flags from ../shared/test-contract.md).
 * - `server` (worker-scoped): a fixture "server" made of `context.route('**' + '/*')`: serves the page
 *   registered for an exact URL and, on that page's host, assets by basename from the page's
 *   folder; aborts everything else AND records it. Every test fails if anything was recorded
 *   (Lectern makes no network request of its own; the fixture pages need none).
 * - `page` (per test): a new tab, brought to the front so that
 *   `chrome.tabs.query({ active: true, lastFocusedWindow: true })` in the service worker finds it.
 * - `lectern` (per test): calls `lecternTest.*(tabId)` in the service worker.
 */
import { test as base, expect, chromium, type BrowserContext, type Page, type Route, type Worker } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM, EXT_DIR, LAUNCH_FLAGS } from './paths';

export { expect };

export { LAUNCH_FLAGS };

const CONTENT_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

interface ServedPage {
  body: Buffer;
  contentType: string;
  assetDir: string | null;
}

/** 1×1 transparent PNG, the stand-in for a resource a page loads by itself but does not ship. */
const PIXEL = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

/**
 * URLs a page's markup makes the BROWSER load by itself: `src` and `srcset` attributes (img, iframe,
 * script, source, video…). Not `<meta content>` (og:image), not `data-src`, not `href`: a request for
 * one of those comes from Lectern, not from the page.
 */
export function selfLoadedUrls(html: string, base: string): string[] {
  const out = new Set<string>();
  const add = (raw: string) => {
    const v = raw.trim().replace(/&amp;/g, '&');
    if (!v || /^(data|javascript|blob|about):/i.test(v)) return;
    try {
      out.add(new URL(v, base).toString().replace(/#.*$/, ''));
    } catch {
      /* not a URL */
    }
  };
  for (const m of html.matchAll(/\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) add(m[1] ?? m[2] ?? '');
  for (const m of html.matchAll(/\ssrcset\s*=\s*(?:"([^"]*)"|'([^']*)')/gi)) {
    for (const part of (m[1] ?? m[2] ?? '').split(',')) add(part.trim().split(/\s+/)[0] ?? '');
  }
  return [...out];
}

/** The route-based fixture server. One per worker; `reset()` between tests. */
export class FixtureServer {
  private pages = new Map<string, ServedPage>();
  /** resources the served pages load by themselves without shipping them (see `serve(…, {pageOwned})`) */
  private pageOwned = new Set<string>();
  /** requests that were not fixture URLs (aborted), in order */
  readonly unexpected: string[] = [];
  /** fixture URLs that were served */
  readonly served: string[] = [];

  reset(): void {
    this.pages.clear();
    this.pageOwned.clear();
    this.unexpected.length = 0;
    this.served.length = 0;
  }

  /** Serve `body` (HTML) at exactly `url`; assets on the same host by basename from `assetDir`. */
  serve(
    url: string,
    body: string | Buffer,
    assetDir: string | null = null,
    opts: { contentType?: string; pageOwned?: boolean } = {},
  ): void {
    // requests never carry the fragment
    const key = url.replace(/#.*$/, '');
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8');
    this.pages.set(key, { body: buf, contentType: opts.contentType ?? 'text/html; charset=utf-8', assetDir });
    // Pages not written to the fixtures README's rules may load resources they do not ship
    // (an ad iframe, a missing photo). Those requests are the page's own: answer them with an
    // empty stand-in instead of counting them against Lectern.
    if (opts.pageOwned) for (const u of selfLoadedUrls(buf.toString('utf8'), key)) if (!this.pages.has(u)) this.pageOwned.add(u);
  }

  /** The asset file a request maps to, or null. */
  private asset(url: string): string | null {
    let u: URL;
    try {
      u = new URL(url);
    } catch {
      return null;
    }
    const name = path.basename(decodeURIComponent(u.pathname));
    const type = CONTENT_TYPES[path.extname(name).toLowerCase()];
    if (!type) return null;
    for (const [pageUrl, p] of this.pages) {
      if (!p.assetDir || new URL(pageUrl).host !== u.host) continue;
      const file = path.join(p.assetDir, name);
      if (fs.existsSync(file) && fs.statSync(file).isFile()) return file;
    }
    return null;
  }

  isFixtureUrl(url: string): boolean {
    return this.pages.has(url) || this.asset(url) !== null || this.pageOwned.has(url);
  }

  async handle(route: Route): Promise<void> {
    const url = route.request().url();
    if (!/^(https?|wss?):/i.test(url)) {
      // chrome-extension:, data:, blob: … never reach the network.
      await route.continue().catch(() => {});
      return;
    }
    const page = this.pages.get(url);
    if (page) {
      this.served.push(url);
      await route.fulfill({ status: 200, contentType: page.contentType, body: page.body }).catch(() => {});
      return;
    }
    const file = this.asset(url);
    if (file) {
      this.served.push(url);
      await route
        .fulfill({ status: 200, contentType: CONTENT_TYPES[path.extname(file).toLowerCase()], body: fs.readFileSync(file) })
        .catch(() => {});
      return;
    }
    if (this.pageOwned.has(url)) {
      this.served.push(url);
      const image = /\.(png|jpe?g|gif|webp|svg|avif)$/i.test(new URL(url).pathname) || route.request().resourceType() === 'image';
      await route
        .fulfill(image ? { status: 200, contentType: 'image/png', body: PIXEL } : { status: 200, contentType: 'text/html; charset=utf-8', body: '' })
        .catch(() => {});
      return;
    }
    this.record(url);
    await route.abort('blockedbyclient').catch(() => {});
  }

  record(url: string): void {
    if (!this.unexpected.includes(url)) this.unexpected.push(url);
  }
}

export type HookResult = { ok: boolean; error?: string; [key: string]: unknown };

export interface Lectern {
  /** The extension's service worker (re-resolved on every call). */
  worker(): Promise<Worker>;
  /** `{ id, url }` of `chrome.tabs.query({ active: true, lastFocusedWindow: true })[0]`. */
  activeTab(): Promise<{ id: number; url: string }>;
  /** Calls `lecternTest[method](...args)` in the service worker. */
  call(method: string, ...args: unknown[]): Promise<HookResult>;
  /** Calls `lecternTest[method](tabId, ...args)` with the tabId of the test's page (checked). */
  callTab(method: string, ...args: unknown[]): Promise<HookResult>;
  openReader(): Promise<HookResult>;
  closeReader(): Promise<HookResult>;
  pageInfo(): Promise<HookResult>;
}

type WorkerFixtures = {
  extContext: BrowserContext;
  extensionId: string;
  server: FixtureServer;
};

type TestFixtures = {
  lectern: Lectern;
  netGuard: void;
};

async function findWorker(context: BrowserContext, extensionId: string, timeout = 15_000): Promise<Worker> {
  const prefix = `chrome-extension://${extensionId}/`;
  const existing = context.serviceWorkers().find((w) => w.url().startsWith(prefix));
  if (existing) return existing;
  return context.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith(prefix), timeout });
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      await use(new FixtureServer());
    },
    { scope: 'worker' },
  ],

  extContext: [
    async ({ server }, use) => {
      if (!fs.existsSync(path.join(EXT_DIR, 'manifest.json'))) {
        throw new Error(`Lectern e2e build missing at ${EXT_DIR}: run \`npm run build:e2e\`. The suite never skips.`);
      }
      if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install chromium).`);
      const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-e2e-'));
      const context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: false, // '--headless=new' is passed explicitly below
        ignoreDefaultArgs: ['--disable-extensions'],
        args: LAUNCH_FLAGS(EXT_DIR),
        viewport: { width: 1280, height: 800 },
        colorScheme: 'light',
        locale: 'en-US',
        timezoneId: 'UTC',
        ignoreHTTPSErrors: true,
      });
      await context.route('**/*', (route) => server.handle(route));
      // Belt and braces: anything that shows up as a request without passing the route.
      context.on('request', (req) => {
        const url = req.url();
        if (/^(https?|wss?):/i.test(url) && !server.isFixtureUrl(url)) server.record(url);
      });
      try {
        await use(context);
      } finally {
        await context.close().catch(() => {});
        fs.rmSync(userDataDir, { recursive: true, force: true });
      }
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  extensionId: [
    async ({ extContext }, use) => {
      let sw = extContext.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
      if (!sw) {
        sw = await extContext
          .waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith('chrome-extension://'), timeout: 20_000 })
          .catch(() => {
            throw new Error(`Lectern's service worker did not start from ${EXT_DIR} (is the build broken?)`);
          });
      }
      const id = new URL(sw.url()).host;
      const hasHook = await sw.evaluate(() => typeof (globalThis as { lecternTest?: unknown }).lecternTest === 'object');
      if (!hasHook) {
        throw new Error(`globalThis.lecternTest is missing in ${sw.url()}: ${EXT_DIR} is not an e2e build with the test hook.`);
      }
      // The persistent context opens with one about:blank tab; tests use their own.
      for (const p of extContext.pages()) await p.close().catch(() => {});
      await use(id);
    },
    { scope: 'worker', timeout: 60_000 },
  ],

  page: async ({ extContext, extensionId }, use) => {
    void extensionId;
    const page = await extContext.newPage();
    await page.bringToFront();
    await use(page);
    await page.close().catch(() => {});
  },

  netGuard: [
    async ({ server }, use, testInfo) => {
      server.reset();
      await use();
      const unexpected = [...server.unexpected];
      server.reset();
      if (unexpected.length) testInfo.annotations.push({ type: 'non-fixture requests', description: unexpected.join(' ') });
      if (testInfo.status === 'passed' || testInfo.status === testInfo.expectedStatus) {
        expect(unexpected, 'requests to non-fixture URLs (Lectern must make no network request of its own)').toEqual([]);
      }
    },
    { auto: true },
  ],

  lectern: async ({ extContext, extensionId, page }, use) => {
    const worker = () => findWorker(extContext, extensionId);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const evalIn = async <R, A>(fn: (arg: any) => R | Promise<R>, arg: A): Promise<R> => {
      try {
        return await (await worker()).evaluate(fn, arg);
      } catch (e) {
        // The worker may have been restarted between calls: resolve it again once.
        if (/Target (page, context or browser )?(has been )?closed|Execution context was destroyed/i.test(String(e))) {
          return await (await worker()).evaluate(fn, arg);
        }
        throw e;
      }
    };
    const activeTab = async () => {
      const tab = await evalIn(async () => {
        const c = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<Array<{ id?: number; url?: string }>> } } }).chrome;
        const [t] = await c.tabs.query({ active: true, lastFocusedWindow: true });
        return t ? { id: t.id ?? -1, url: t.url ?? '' } : null;
      }, undefined);
      if (!tab) throw new Error('chrome.tabs.query({active:true,lastFocusedWindow:true}) found no tab');
      return tab;
    };
    const call = (method: string, ...args: unknown[]): Promise<HookResult> =>
      evalIn(
        async ([m, a]: [string, unknown[]]) => {
          const hook = (globalThis as unknown as { lecternTest?: Record<string, (...x: unknown[]) => Promise<HookResult>> }).lecternTest;
          if (!hook) return { ok: false, error: 'lecternTest hook missing (not an e2e build?)' };
          if (typeof hook[m] !== 'function') return { ok: false, error: `lecternTest.${m} is not a function` };
          return await hook[m](...a);
        },
        [method, args] as [string, unknown[]],
      );
    const callTab = async (method: string, ...args: unknown[]) => {
      const tab = await activeTab();
      // The hook is called with the tabId the contract prescribes; make sure it is this test's page.
      expect(tab.url, `the active tab (${tab.id}) is not the test's page`).toBe(page.url());
      return call(method, tab.id, ...args);
    };
    await use({
      worker,
      activeTab,
      call,
      callTab,
      openReader: () => callTab('openReader'),
      closeReader: () => callTab('closeReader'),
      pageInfo: () => callTab('pageInfo'),
    });
  },
});

/** Registers a page with the server, opens it and waits for its scripts (≥ 2.2 s, see fixtures README). */
export async function gotoFixture(
  page: Page,
  server: FixtureServer,
  url: string,
  html: string | Buffer,
  assetDir: string | null,
  settleMs = 2200,
  opts: { pageOwned?: boolean } = {},
): Promise<void> {
  server.serve(url, html, assetDir, opts);
  const res = await page.goto(url, { waitUntil: 'load' });
  expect(res?.status(), `fixture ${url} was not served`).toBe(200);
  expect(page.url()).toBe(url);
  if (settleMs > 0) await page.waitForTimeout(settleMs);
}
