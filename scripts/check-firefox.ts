/**
 * A real-Firefox check of Lectern (docs/firefox.md): builds the Firefox e2e extension, loads it
 * into Debian's stock Firefox ESR (/usr/bin/firefox-esr) through WebDriver BiDi (puppeteer-core,
 * no browser download), and checks, step by step:
 *
 *  1. the extension loads and the background answers (a message, and the e2e `lecternTest` hook);
 *  2. a small Lectern JSON is imported through the hook and listed;
 *  3. exports started the way the popup starts them (`exportLibrary` with `download: true`, sent
 *     from popup.html) land in the download folder and parse: JSON, CSV, Markdown (zip), EPUB,
 *     bookmarks; an export survives its popup closing at once; a whole-library JSON backup twice
 *     (the second one made of the backup parts stored as Blobs in IndexedDB); a selection (`ids`);
 *  4. the reader overlay on local fixture pages (served through a local HTTP proxy at their real
 *     host names, over http), opened through the hook, per ../shared/test-contract.md;
 *  6–8. the library page's own import (its file input), the popup's Export menu (its buttons),
 *     a backup after the background restarts (runtime.reload);
 *  9. the production build (no hook) loads, answers, saves a link and exports (a fresh profile);
 *  10. no request reached the proxy but the fixture pages' (and Firefox's own).
 *
 * Usage: npx tsx scripts/check-firefox.ts [--no-build] [--headful] [--keep] [--fixtures=name,name]
 *   (npm run check:firefox). Exit 0: every step passed; 1: a step failed; 2: no Firefox.
 *
 * Nothing here reaches the internet: the proxy answers every request itself (404 for anything
 * that is not a fixture) and lists the requests it saw.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { unzipSync, strFromU8 } from 'fflate';
import Papa from 'papaparse';
import puppeteer, { type Browser, type ElementHandle, type Page } from 'puppeteer-core';
import type { SavedItem } from '../utils/library/types';

const FIREFOX = '/usr/bin/firefox-esr';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = '.output-ff';
const EXT_DIR = join(ROOT, OUT_DIR, 'firefox-mv2-e2e');
/** the production build (no hook, no <all_urls>): what users install */
const PROD_DIR = join(ROOT, OUT_DIR, 'firefox-mv2');
const ADDON_ID = 'lectern@lectern.example';
const FIXTURES = join(ROOT, 'tests/fixtures/aggregators');
const args = new Set(process.argv.slice(2));

// ------------------------------------------------------------------ reporting

interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
  /** passed, with a known problem worth reading (does not fail the run) */
  warn?: boolean;
}
const results: StepResult[] = [];

/** A step's detail starting with this passes with a warning (printed WARN, exit code unchanged). */
const WARN = 'WARN: ';

class StepFailure extends Error {}
function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new StepFailure(message);
}

async function step(name: string, fn: () => Promise<string>): Promise<boolean> {
  const t0 = Date.now();
  let ok = false;
  let detail: string;
  try {
    detail = await withTimeout(fn(), 120_000, `step "${name}" timed out after 120 s`);
    ok = true;
  } catch (e) {
    detail = e instanceof Error ? e.message : String(e);
  }
  const warn = ok && detail.startsWith(WARN);
  if (warn) detail = detail.slice(WARN.length);
  const r = { name, ok, detail, ms: Date.now() - t0, warn };
  results.push(r);
  console.log(`${ok ? (warn ? 'WARN' : 'PASS') : 'FAIL'}  ${name} (${r.ms} ms)\n      ${detail.split('\n').join('\n      ')}`);
  return ok;
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(message)), ms))),
  ]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------ test data (our own text)

/** A generated article as a Lectern JSON file carries it (the library's own item type, without what the library derives). */
type GenItem = Pick<SavedItem, 'url' | 'title' | 'byline' | 'source' | 'aggregator' | 'published' | 'savedAt' | 'tags' | 'archived' | 'favourite' | 'html'> & { id?: string };

function article(n: number, extra = ''): GenItem {
  const paras = Array.from(
    { length: 6 },
    (_, i) =>
      `<p>Paragraph ${i + 1} of test article ${n}${extra}: the Firefox check writes this text itself — “quotes”, café, 雪 — so that every export can be searched for it.</p>`,
  ).join('');
  return {
    url: `https://news.example/firefox-check/${extra ? 'bulk-' : ''}${n}`,
    title: `Firefox check article ${n}${extra}`,
    byline: `Writer ${n}`,
    source: { name: `Example Gazette ${n % 3}`, url: `https://gazette${n % 3}.example/story/${extra ? 'bulk-' : ''}${n}` },
    aggregator: n % 2 ? 'inkl' : null,
    published: `2026-0${(n % 9) + 1}-1${n % 10}T08:00:00Z`,
    savedAt: new Date(Date.UTC(2026, 10, 1, 12, 0, n % 60, 0) + n * 60_000).toISOString(),
    tags: n % 2 ? ['firefox', 'check'] : ['firefox'],
    archived: n % 3 === 0,
    favourite: n % 4 === 0,
    html: `<h2>Section for article ${n}</h2>${paras}`,
  };
}

function lecternJson(items: GenItem[]): string {
  return JSON.stringify({ format: 'lectern', version: 1, exportedAt: new Date().toISOString(), items }, null, 0);
}

const SMALL = [1, 2, 3].map((n) => article(n));
const BULK = Array.from({ length: 200 }, (_, i) => article(i + 1, ' (bulk)'));

// ------------------------------------------------------------------ local fixture proxy

interface Fixture {
  name: string;
  dir: string;
  expected: {
    url: string;
    kind: string;
    aggregator: string | null;
    title: string;
    byline: string | null;
    source: { name: string; url: string | null } | null;
    mustContain: string[];
    mustNotContain: string[];
  };
  httpUrl: string;
}

function loadFixture(name: string): Fixture {
  const dir = join(FIXTURES, name);
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Fixture['expected'];
  return { name, dir, expected, httpUrl: expected.url.replace(/^https:/, 'http:') };
}

/** An HTTP proxy that answers everything itself: the fixtures at their real URLs (over http), 404 else. */
function startProxy(fixtures: Fixture[]): Promise<{ server: Server; port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '';
    seen.push(`${req.method} ${url}`);
    let u: URL;
    try {
      u = new URL(url, 'http://unknown.invalid');
    } catch {
      res.writeHead(400).end();
      return;
    }
    for (const f of fixtures) {
      const page = new URL(f.httpUrl);
      if (u.host !== page.host) continue;
      if (u.pathname === page.pathname) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(join(f.dir, 'page.html')));
        return;
      }
      const file = join(f.dir, basename(decodeURIComponent(u.pathname)));
      if (basename(file) !== 'expected.json' && existsSync(file) && statSync(file).isFile()) {
        const type = file.endsWith('.png') ? 'image/png' : file.endsWith('.svg') ? 'image/svg+xml' : 'application/octet-stream';
        res.writeHead(200, { 'content-type': type }).end(readFileSync(file));
        return;
      }
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('not a fixture');
  });
  server.on('connect', (req, socket) => {
    // https through the proxy: refused (nothing here may reach the internet)
    seen.push(`CONNECT ${req.url}`);
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
  });
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => ok({ server, port: (server.address() as { port: number }).port, seen })),
  );
}

// ------------------------------------------------------------------ browser helpers

type Json = any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Send one Lectern message from an extension page, exactly as the popup does (utils/messages.ts). */
async function send(page: Page, type: string, data: unknown): Promise<Json> {
  return page.evaluate(
    async (type, data) => {
      const b = (globalThis as Json).browser;
      const r = await b.runtime.sendMessage({ lectern: 1, type, data });
      return JSON.parse(JSON.stringify(r ?? null));
    },
    type,
    data as Json,
  );
}

/** Call the e2e hook on the background page (getBackgroundPage: MV2, same process). */
async function hook(page: Page, method: string, ...params: unknown[]): Promise<Json> {
  return page.evaluate(
    async (method, params) => {
      const b = (globalThis as Json).browser;
      const bg = await b.runtime.getBackgroundPage();
      if (!bg) return { ok: false, error: 'getBackgroundPage() gave nothing' };
      const h = bg.lecternTest;
      if (!h) return { ok: false, error: 'no lecternTest on the background page' };
      if (typeof h[method] !== 'function') return { ok: false, error: `lecternTest.${method} missing` };
      const r = await h[method](...params);
      return JSON.parse(JSON.stringify(r ?? null));
    },
    method,
    params as Json,
  );
}

/**
 * Open an extension page in `page`. Firefox navigates the tab, but puppeteer never hears that
 * navigation end (the page is in the extension process): its goto times out. So goto is not
 * waited for; the page is polled until it is the extension page, loaded.
 */
async function openExtensionPage(page: Page, url: string): Promise<void> {
  void page.goto(url, { timeout: 20_000 }).catch(() => undefined);
  const t0 = Date.now();
  for (;;) {
    const state = await page
      .evaluate(() => `${location.href} ${document.readyState} ${typeof (globalThis as Json).browser?.runtime}`)
      .catch((e: unknown) => String(e));
    if (state === `${url} complete object`) return;
    if (Date.now() - t0 > 20_000) throw new StepFailure(`${url} did not open (last seen: ${state})`);
    await sleep(100);
  }
}

/** Poll `get` until it gives something. */
async function waitFor<T>(page: Page, get: () => Promise<T | null | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await get().catch(() => null);
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new StepFailure(`${what} did not appear in ${timeoutMs} ms (${page.url()})`);
    await sleep(100);
  }
}

/** The text of `[data-testid=id]` once it matches `re`. */
async function waitText(page: Page, testId: string, re: RegExp, timeoutMs = 20_000): Promise<string> {
  let last = '';
  try {
    return await waitFor(
      page,
      async () => {
        last = await page.evaluate((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '', testId);
        return re.test(last) ? last : null;
      },
      `[data-testid="${testId}"] matching ${re}`,
      timeoutMs,
    );
  } catch (e) {
    throw new StepFailure(`${(e as Error).message}; last text: "${last}"`);
  }
}

/** A click as the DOM gets it (the button's onClick runs as for a user's click). */
async function clickTestId(page: Page, testId: string): Promise<void> {
  const ok = await page.evaluate((id) => {
    const el = document.querySelector(`[data-testid="${id}"]`) as HTMLElement | null;
    if (!el || (el as HTMLButtonElement).disabled) return false;
    el.click();
    return true;
  }, testId);
  check(ok, `[data-testid="${testId}"] missing or disabled`);
}

/**
 * Collect the background page's uncaught errors, unhandled rejections and console.warn/error
 * calls from now on (into `__lecternCheckLog` on its window). Start-up errors are missed.
 */
const WATCH_BACKGROUND = `(async () => {
  const bg = await browser.runtime.getBackgroundPage();
  if (!bg) return false;
  if (bg.__lecternCheckLog) return true;
  const log = (bg.__lecternCheckLog = []);
  const text = (v) => { try { return v instanceof bg.Error || v instanceof Error ? v.name + ': ' + v.message : typeof v === 'string' ? v : JSON.stringify(v); } catch (e) { return String(v); } };
  bg.addEventListener('error', (e) => log.push('uncaught: ' + (e.message || text(e.error))));
  bg.addEventListener('unhandledrejection', (e) => log.push('unhandled rejection: ' + text(e.reason)));
  for (const level of ['warn', 'error']) {
    const orig = bg.console[level].bind(bg.console);
    bg.console[level] = (...a) => { log.push('console.' + level + ': ' + a.map(text).join(' ')); orig(...a); };
  }
  // the watch itself works: a probe goes in (and is taken out again)
  bg.console.error('check-firefox probe');
  const ok = log.length === 1 && log[0] === 'console.error: check-firefox probe';
  log.length = 0;
  return ok;
})()`;

async function backgroundLog(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const bg = await (globalThis as Json).browser.runtime.getBackgroundPage();
    return JSON.parse(JSON.stringify(bg?.__lecternCheckLog ?? ['(no log: the background page was not watched)']));
  });
}

interface DownloadItem {
  id: number;
  filename: string;
  state: string;
  error?: string;
  fileSize: number;
  mime?: string;
}

async function downloads(page: Page, query: Record<string, unknown>): Promise<DownloadItem[]> {
  return page.evaluate(async (query) => {
    const b = (globalThis as Json).browser;
    const items = await b.downloads.search(query);
    return JSON.parse(JSON.stringify(items));
  }, query as Json);
}

/** Wait until download `id` is complete (or fails) and return it. */
async function waitDownload(page: Page, id: number, timeoutMs = 60_000): Promise<DownloadItem> {
  const t0 = Date.now();
  for (;;) {
    const [d] = await downloads(page, { id });
    if (d && d.state === 'complete') return d;
    if (d && d.state === 'interrupted') throw new StepFailure(`download ${id} interrupted: ${d.error ?? '?'}`);
    if (Date.now() - t0 > timeoutMs) throw new StepFailure(`download ${id} not complete after ${timeoutMs} ms (state ${d?.state ?? 'unknown'})`);
    await sleep(100);
  }
}

/** The export as the popup sends it (components/library/ExportMenu.tsx), then its file from disk. */
async function exportViaPopup(
  page: Page,
  downloadDir: string,
  data: { format: string; ids?: string[] },
): Promise<{ answer: Json; file: Buffer; path: string }> {
  const answer = await send(page, 'exportLibrary', { ...data, download: true });
  check(answer?.ok === true, `exportLibrary(${JSON.stringify(data)}) failed: ${JSON.stringify(answer)}`);
  check(typeof answer.downloadId === 'number', `no downloadId in ${JSON.stringify(answer)}`);
  const d = await waitDownload(page, answer.downloadId);
  check(d.filename.startsWith(downloadDir), `download went to ${d.filename}, not into ${downloadDir}`);
  check(existsSync(d.filename), `the download says complete but ${d.filename} is not on disk`);
  return { answer, file: readFileSync(d.filename), path: d.filename };
}

interface LecternFile {
  format: string;
  version: number;
  exportedAt: string;
  items: Array<GenItem & { id: string; html: string }>;
}
function parseLectern(buf: Buffer): LecternFile {
  const v = JSON.parse(buf.toString('utf8')) as LecternFile;
  check(v.format === 'lectern' && Number.isInteger(v.version) && Array.isArray(v.items), 'not a Lectern JSON file');
  return v;
}

function sameTitles(got: string[], want: string[], what: string): void {
  const g = [...got].sort();
  const w = [...want].sort();
  check(JSON.stringify(g) === JSON.stringify(w), `${what}: titles ${JSON.stringify(g)} ≠ expected ${JSON.stringify(w)}`);
}

/**
 * What the overlay shows (test contract's data-testids). A string, not a function: tsx (esbuild,
 * keepNames) would wrap a function's inner helpers in `__name(...)`, which the page lacks.
 */
const READ_OVERLAY = `(() => {
  const host = document.querySelector('lectern-reader');
  const root = host && host.shadowRoot;
  if (!root) return null;
  const q = (id) => root.querySelector('[data-testid="' + id + '"]');
  const txt = (id) => { const e = q(id); return e ? (e.textContent || '').trim() : null; };
  const src = q('reader-source');
  return {
    title: txt('reader-title'),
    byline: txt('reader-byline'),
    source: txt('reader-source'),
    sourceHref: src && src.getAttribute('href'),
    via: txt('reader-via'),
    body: txt('reader-body'),
    message: txt('reader-message'),
    hasSave: !!q('reader-save'),
    hasClose: !!q('reader-close'),
    all: root.textContent || '',
  };
})()`;
interface OverlayState {
  title: string | null;
  byline: string | null;
  source: string | null;
  sourceHref: string | null;
  via: string | null;
  body: string | null;
  message: string | null;
  hasSave: boolean;
  hasClose: boolean;
  all: string;
}

/** the browser's own traffic (remote settings, updates…), not Lectern's */
const BROWSER_OWN = /(^|\.)(mozilla\.(com|net|org)|firefox\.com|mozaws\.net)(:\d+)?(\/|$)/;

// ------------------------------------------------------------------ main

async function main(): Promise<number> {
  if (!existsSync(FIREFOX)) {
    console.error(`check-firefox: ${FIREFOX} is absent. Install Debian's Firefox ESR: apt-get install -y firefox-esr`);
    return 2;
  }
  const version = spawnSync(FIREFOX, ['--version'], { encoding: 'utf8' }).stdout.trim();
  console.log(`check-firefox: ${version}, ${new Date().toISOString()}`);

  if (!args.has('--no-build')) {
    for (const mode of [['--mode', 'e2e'], []]) {
      console.log(`building: WXT_OUT_DIR=${OUT_DIR} wxt build -b firefox ${mode.join(' ')}`);
      const b = spawnSync('npx', ['wxt', 'build', '-b', 'firefox', ...mode], {
        cwd: ROOT,
        env: { ...process.env, WXT_OUT_DIR: OUT_DIR },
        encoding: 'utf8',
      });
      if (b.status !== 0) {
        console.error(b.stdout, b.stderr);
        console.error('check-firefox: the Firefox build failed');
        return 1;
      }
    }
  }
  if (!existsSync(join(EXT_DIR, 'manifest.json'))) {
    console.error(`check-firefox: no build at ${EXT_DIR} (run without --no-build)`);
    return 1;
  }

  const work = mkdtempSync(join(tmpdir(), 'lectern-ff-'));
  const downloadDir = join(work, 'downloads');
  const uuid = randomUUID();
  const base = `moz-extension://${uuid}`;
  // every fixture (tests/fixtures/aggregators); `--fixtures a,b` picks some
    const pick = process.argv.find((a) => a.startsWith('--fixtures='))?.slice('--fixtures='.length).split(',');
    const fixtures = readdirSync(FIXTURES)
      .filter((n) => existsSync(join(FIXTURES, n, 'expected.json')) && (!pick || pick.includes(n)))
      .sort()
      .map(loadFixture);
  const proxy = await startProxy(fixtures);

  let browser: Browser | null = null;
  try {
    const launch = (profile: string) =>
      puppeteer.launch({
        browser: 'firefox',
        executablePath: FIREFOX,
        headless: !args.has('--headful'),
        userDataDir: join(work, profile),
        protocolTimeout: 120_000,
        // WebDriver BiDi refuses to navigate a tab to a moz-extension:// URL without it
        args: ['--remote-allow-system-access'],
        extraPrefsFirefox: {
          'extensions.webextensions.uuids': JSON.stringify({ [ADDON_ID]: uuid }),
          'browser.download.folderList': 2,
          'browser.download.dir': downloadDir,
          'browser.download.useDownloadDir': true,
          'browser.download.always_ask_before_handling_new_types': false,
          'browser.download.start_downloads_in_tmp_dir': false,
          'browser.download.panel.shown': true,
          // the fixture pages come over http from the local proxy, at their real host names
          'network.proxy.type': 1,
          'network.proxy.http': '127.0.0.1',
          'network.proxy.http_port': proxy.port,
          'network.proxy.ssl': '127.0.0.1',
          'network.proxy.ssl_port': proxy.port,
          'network.proxy.no_proxies_on': '',
          'network.proxy.allow_hijacking_localhost': true,
          'dom.security.https_first': false,
          'dom.security.https_first_pbm': false,
          'dom.security.https_first_schemeless': false,
          'dom.security.https_only_mode': false,
          'browser.fixup.fallback-to-https': false,
          // www.msn.com is on the HSTS preload list: it would be upgraded to https (refused by the proxy)
          'network.stricttransportsecurity.preloadlist': false,
        },
      });
    browser = await launch('profile');

    let page: Page | null = null;
    const loaded = await step('1. extension loads, background answers', async () => {
      const id = await browser!.installExtension(EXT_DIR);
      check(id === ADDON_ID, `installed as ${id}, expected ${ADDON_ID}`);
      page = await browser!.newPage();
      await openExtensionPage(page, `${base}/popup.html`);
      const manifest = await page.evaluate(() => (globalThis as Json).browser.runtime.getManifest().version);
      const stats = await send(page, 'libraryStats', {});
      check(stats?.ok === true, `libraryStats: ${JSON.stringify(stats)}`);
      const hookType = await page.evaluate(async () => {
        const bg = await (globalThis as Json).browser.runtime.getBackgroundPage();
        return bg ? typeof bg.lecternTest : 'no background page';
      });
      check(hookType === 'object', `lecternTest on the background page: ${hookType}`);
      check(await page.evaluate(WATCH_BACKGROUND), 'could not watch the background page for errors');
      const clear = await hook(page, 'clearLibrary');
      check(clear?.ok === true, `clearLibrary: ${JSON.stringify(clear)}`);
      return `installed ${id} v${manifest} at ${base}; libraryStats ${JSON.stringify(stats)}; lecternTest present`;
    });
    if (!loaded || !page) return 1;
    let p: Page = page;
    /** the background page's errors and warnings (see WATCH_BACKGROUND) */
    const bgLog: string[] = [];

    let ids: string[] = [];
    const imported = await step('2. import a Lectern JSON (3 articles) through the hook, list them', async () => {
      const r = await hook(p, 'importLibrary', 'json', lecternJson(SMALL));
      check(r?.ok === true, `importLibrary: ${JSON.stringify(r)}`);
      check(r.imported === 3 && r.skipped === 0 && r.errors.length === 0, `import result ${JSON.stringify(r)}`);
      const list = await hook(p, 'listSaved');
      check(list?.ok === true, `listSaved: ${JSON.stringify(list)}`);
      sameTitles(list.items.map((i: GenItem) => i.title), SMALL.map((a) => a.title), 'listSaved');
      ids = list.items.map((i: { id: string }) => i.id);
      const one = await hook(p, 'getSaved', ids[0]);
      check(one?.ok === true && /test article \d/.test(one.item.html), `getSaved html: ${JSON.stringify(one).slice(0, 300)}`);
      const stats = await send(p, 'libraryStats', {});
      const again = await hook(p, 'importLibrary', 'json', lecternJson(SMALL));
      check(again?.ok === true && again.imported === 0 && again.skipped === 3, `re-import should skip 3: ${JSON.stringify(again)}`);
      return `imported 3, listed ${list.items.length} (newest first: ${list.items.map((i: GenItem) => i.title).join(' | ')}); getSaved html ${one.item.html.length} chars; re-import skipped 3; stats ${JSON.stringify(stats)}`;
    });
    if (!imported) return 1;

    const titles = SMALL.map((a) => a.title);

    await step('3a. JSON export from popup.html (download)', async () => {
      const { answer, file, path } = await exportViaPopup(p, downloadDir, { format: 'json' });
      const v = parseLectern(file);
      sameTitles(v.items.map((i) => i.title), titles, 'JSON file');
      check(v.items.every((i) => i.html.includes('café, 雪')), 'an item lost its text (or its encoding)');
      return `${basename(path)}: ${file.length} bytes, ${v.items.length} items, version ${v.version}; timings ${JSON.stringify(answer.timings)}`;
    });

    await step('3b. CSV export from popup.html (download)', async () => {
      const { file, path } = await exportViaPopup(p, downloadDir, { format: 'csv' });
      const text = file.toString('utf8').replace(/^\uFEFF/, '');
      check(text.startsWith('title,url,time_added,tags,status'), `header: ${text.slice(0, 80)}`);
      const rows = Papa.parse<Record<string, string>>(text, { header: true, skipEmptyLines: true }).data;
      sameTitles(rows.map((r) => r.title), titles, 'CSV file');
      const archived = rows.filter((r) => r.status === 'archive').length;
      check(archived === SMALL.filter((a) => a.archived).length, `archived rows: ${archived}`);
      return `${basename(path)}: ${file.length} bytes, ${rows.length} rows, ${archived} archived`;
    });

    await step('3c. Markdown (zip) export from popup.html (download)', async () => {
      const { file, path } = await exportViaPopup(p, downloadDir, { format: 'markdown' });
      const zip = unzipSync(new Uint8Array(file));
      const md = Object.keys(zip).filter((n) => n.endsWith('.md'));
      check(md.length === 3, `${md.length} .md files in the zip: ${Object.keys(zip).join(', ')}`);
      const texts = md.map((n) => strFromU8(zip[n]));
      for (const t of texts) {
        check(/^---\n(?:[\s\S]*?\n)?title: /.test(t) && /\npublisher: /.test(t) && /\nread_via: /.test(t), `front matter missing in:\n${t.slice(0, 300)}`);
        check(t.includes('café, 雪'), 'a Markdown file lost the article text');
      }
      sameTitles(
        texts.map((t) => /\ntitle: ["']?(.*?)["']?\n/.exec(t)?.[1] ?? '?'),
        titles,
        'Markdown front matter',
      );
      return `${basename(path)}: ${file.length} bytes, ${md.length} .md files (${md.join(', ')})`;
    });

    await step('3d. EPUB export from popup.html (download)', async () => {
      const { file, path } = await exportViaPopup(p, downloadDir, { format: 'epub' });
      const zip = unzipSync(new Uint8Array(file));
      const names = Object.keys(zip);
      check(names[0] === 'mimetype' && strFromU8(zip.mimetype) === 'application/epub+zip', `first entry ${names[0]}`);
      check(names.includes('META-INF/container.xml'), 'no META-INF/container.xml');
      const xhtml = names.filter((n) => n.endsWith('.xhtml') || n.endsWith('.html')).map((n) => strFromU8(zip[n])).join('\n');
      for (const t of titles) check(xhtml.includes(t), `EPUB lacks "${t}"`);
      check(xhtml.includes('café, 雪'), 'EPUB lacks the article text');
      return `${basename(path)}: ${file.length} bytes, ${names.length} entries`;
    });

    await step('3e. bookmarks export from popup.html (download)', async () => {
      const { file, path } = await exportViaPopup(p, downloadDir, { format: 'bookmarks' });
      const text = file.toString('utf8');
      check(/<!DOCTYPE NETSCAPE-Bookmark-file-1>/i.test(text), 'not a Netscape bookmarks file');
      for (const t of titles) check(text.includes(t), `bookmarks lack "${t}"`);
      return `${basename(path)}: ${file.length} bytes`;
    });

    const bulk = await step('3f. import 200 more articles (bulk) through the hook', async () => {
      const r = await hook(p, 'importLibrary', 'json', lecternJson(BULK));
      check(r?.ok === true && r.imported === 200, `importLibrary: ${JSON.stringify(r).slice(0, 400)}`);
      const stats = await send(p, 'libraryStats', {});
      check(stats?.ok === true, `libraryStats ${JSON.stringify(stats)}`);
      return `imported ${r.imported}; libraryStats ${JSON.stringify(stats).slice(0, 300)}`;
    });

    await step('3g. a popup closing right after asking does not kill the download (Markdown, 203 articles)', async () => {
      check(bulk, 'needs step 3f');
      const before = new Set((await downloads(p, {})).map((d) => d.id));
      const popup = await browser!.newPage();
      await openExtensionPage(popup, `${base}/popup.html`);
      await popup.evaluate(() => {
        // as ExportMenu does, but nobody waits for the answer: the page closes at once
        void (globalThis as Json).browser.runtime
          .sendMessage({ lectern: 1, type: 'exportLibrary', data: { format: 'markdown', download: true } })
          .catch(() => undefined);
      });
      await popup.close();
      const closedAt = Date.now();
      const t0 = Date.now();
      let found: DownloadItem | undefined;
      while (!found && Date.now() - t0 < 60_000) {
        found = (await downloads(p, {})).find((d) => !before.has(d.id) && /\.zip$/.test(d.filename));
        if (!found) await sleep(200);
      }
      check(found, 'no download started within 60 s after the popup closed');
      const d = await waitDownload(p, found.id);
      const zip = unzipSync(new Uint8Array(readFileSync(d.filename)));
      const md = Object.keys(zip).filter((n) => n.endsWith('.md'));
      check(md.length === 203, `${md.length} .md files, expected 203`);
      const started = Date.parse((d as DownloadItem & { startTime: string }).startTime);
      return `${basename(d.filename)}: ${d.fileSize} bytes, ${md.length} .md files; the page that asked was closed ${started - closedAt} ms before the download started`;
    });

    let firstBackup: LecternFile | null = null;
    await step('3h. whole-library JSON backup (first)', async () => {
      const { answer, file, path } = await exportViaPopup(p, downloadDir, { format: 'json' });
      const v = parseLectern(file);
      const expected = bulk ? 203 : 3;
      check(v.items.length === expected, `${v.items.length} items, expected ${expected}`);
      check(new Set(v.items.map((i) => i.id)).size === v.items.length, 'an item appears twice');
      firstBackup = v;
      return `${basename(path)}: ${file.length} bytes, ${v.items.length} items; parts kept ${answer.timings?.kept ?? '?'}, built ${answer.timings?.built ?? '?'}; timings ${JSON.stringify(answer.timings)}`;
    });

    await step('3i. whole-library JSON backup again: made of the stored backup parts (Blobs in IndexedDB)', async () => {
      check(firstBackup, 'needs step 3h');
      // the first backup's parts are stored once its download is done (backup.ts, dom-tasks.ts)
      await sleep(1500);
      const { answer, file, path } = await exportViaPopup(p, downloadDir, { format: 'json' });
      const v = parseLectern(file);
      const a = new Map(firstBackup.items.map((i) => [i.id, JSON.stringify(i)]));
      check(v.items.length === a.size, `${v.items.length} items, the first backup had ${a.size}`);
      for (const i of v.items) check(a.get(i.id) === JSON.stringify(i), `item ${i.id} differs from the first backup's`);
      const kept = answer.timings?.kept;
      const built = answer.timings?.built;
      check(typeof kept === 'number' && kept > 0 && built === 0, `not made of stored parts: kept ${kept}, built ${built} (timings ${JSON.stringify(answer.timings)})`);
      return `${basename(path)}: ${file.length} bytes, ${v.items.length} items equal to the first backup's; parts kept ${kept}, built ${built}; timings ${JSON.stringify(answer.timings)}`;
    });

    await step('3j. selection export (ids) from popup.html: JSON and CSV', async () => {
      const chosen = ids.slice(0, 2);
      const list = await hook(p, 'listSaved');
      const want = list.items.filter((i: { id: string }) => chosen.includes(i.id)).map((i: GenItem) => i.title);
      const j = await exportViaPopup(p, downloadDir, { format: 'json', ids: chosen });
      const v = parseLectern(j.file);
      sameTitles(v.items.map((i) => i.title), want, 'JSON selection');
      const c = await exportViaPopup(p, downloadDir, { format: 'csv', ids: chosen });
      const rows = Papa.parse<Record<string, string>>(c.file.toString('utf8').replace(/^\uFEFF/, ''), { header: true, skipEmptyLines: true }).data;
      sameTitles(rows.map((r) => r.title), want, 'CSV selection');
      return `JSON ${basename(j.path)}: ${v.items.length} items; CSV ${basename(c.path)}: ${rows.length} rows (${want.join(' | ')})`;
    });

    await step('3k. every file landed in the download folder', async () => {
      const files = readdirSync(downloadDir);
      const all = await downloads(p, {});
      const bad = all.filter((d) => d.state !== 'complete');
      check(!bad.length, `downloads not complete: ${JSON.stringify(bad)}`);
      return `${files.length} files: ${files.join(', ')}`;
    });

    // ---------------------------------------------------------------- 4. the reader overlay
    for (const f of fixtures) {
      const article = f.expected.kind !== 'not-article';
      await step(`4. reader overlay on ${f.name} (${f.httpUrl.slice(0, 60)}…)`, async () => {
        const tab = await browser!.newPage();
        try {
          await tab.goto(f.httpUrl, { waitUntil: 'load' });
          const tabId = await p.evaluate(async (url) => {
            const tabs = await (globalThis as Json).browser.tabs.query({});
            return tabs.find((t: { url?: string }) => t.url === url)?.id ?? null;
          }, f.httpUrl);
          check(typeof tabId === 'number', `no tab found at ${f.httpUrl}`);
          const info = await hook(p, 'pageInfo', tabId);
          const opened = await hook(p, 'openReader', tabId);
          const read = () => tab.evaluate(READ_OVERLAY) as Promise<OverlayState | null>;
          const o = await read();
          if (!article) {
            check(opened?.ok === false && opened.error === 'not-article', `openReader on a non-article: ${JSON.stringify(opened)}`);
            check(o && o.message && !o.body, `expected reader-message and no body: ${JSON.stringify(o)?.slice(0, 300)}`);
            return `openReader ${JSON.stringify(opened)}; reader-message "${o.message.slice(0, 80)}"; pageInfo isArticle ${info?.isArticle}`;
          }
          check(opened?.ok === true, `openReader: ${JSON.stringify(opened)}`);
          check(o, 'no <lectern-reader> with an open shadow root in the page');
          const e = f.expected;
          check(o.title === e.title, `reader-title "${o.title}" ≠ "${e.title}"`);
          if (e.byline) check(o.byline === e.byline, `reader-byline "${o.byline}" ≠ "${e.byline}"`);
          if (e.source) check(o.source === e.source.name, `reader-source "${o.source}" ≠ "${e.source.name}"`);
          if (e.source) check(o.sourceHref === e.source.url, `reader-source href ${o.sourceHref} ≠ ${e.source.url}`);
          if (e.aggregator) check(!!o.via && /inkl|msn|yahoo|aol|flipboard|newsbreak|smartnews/i.test(o.via), `reader-via "${o.via}"`);
          else check(o.via === null, `reader-via on a publisher page: "${o.via}"`);
          const body = o.body ?? '';
          const missing = e.mustContain.filter((s) => !body.includes(s));
          check(!missing.length, `reader-body lacks ${missing.length} of ${e.mustContain.length}: ${JSON.stringify(missing.slice(0, 2))}`);
          const leaked = e.mustNotContain.filter((s) => o.all.includes(s));
          check(!leaked.length, `the overlay shows ${leaked.length} wall/promo strings: ${JSON.stringify(leaked.slice(0, 3))}`);
          check(o.hasSave && o.hasClose, 'no reader-save / reader-close');
          check(
            info?.ok === true && info.title === e.title && (info.aggregator ?? null) === e.aggregator && (info.source?.name ?? null) === (e.source?.name ?? null),
            `pageInfo ${JSON.stringify(info)}`,
          );
          await sleep(2000);
          const later = await read();
          check(later?.title === e.title, 'the overlay is gone (or changed) 2 s later');
          const saved = await hook(p, 'saveArticle', tabId);
          check(saved?.ok === true, `saveArticle: ${JSON.stringify(saved)}`);
          const got = await hook(p, 'getSaved', saved.id);
          check(got?.ok === true && got.item.title === e.title && (got.item.source?.name ?? null) === (e.source?.name ?? null), `getSaved ${JSON.stringify(got).slice(0, 300)}`);
          const closed = await hook(p, 'closeReader', tabId);
          check(closed?.ok === true, `closeReader ${JSON.stringify(closed)}`);
          const gone = await tab.evaluate(() => {
            const h = document.querySelector('lectern-reader');
            return !h || (h as HTMLElement).hidden || getComputedStyle(h).display === 'none';
          });
          check(gone, 'the overlay is still shown after closeReader');
          return `title/byline/source/via as expected (${o.source}${o.via ? `, ${o.via}` : ''}); ${e.mustContain.length} snippets in the body, 0 of ${e.mustNotContain.length} promo strings; still there 2 s later; saved (${saved.updated ? 'updated' : 'new'}) and closed`;
        } finally {
          await tab.close().catch(() => undefined);
        }
      });
    }


    // ---------------------------------------------------------------- 6–8. the pages' own UI, a restart
    const LIB_N = 20;
    const LIB_ITEMS = Array.from({ length: LIB_N }, (_, i) => ({
      ...article(i + 1, ' (library page)'),
      url: `https://news.example/firefox-check/library-page-${i + 1}`,
      source: { name: 'Kestrelwick Herald', url: `https://kestrelwick.example/story/${i + 1}` },
      html: `<p>Kestrelwick library-page import ${i + 1}: the Firefox check wrote this — café, 雪.</p><p>Second paragraph.</p>`,
    }));
    await step(`6. library.html: import a Lectern JSON file (${LIB_N} articles) through its file input (stored as ranges of the File)`, async () => {
      const before = await send(p, 'libraryStats', {});
      const file = join(work, 'lectern-backup.json');
      writeFileSync(file, lecternJson(LIB_ITEMS));
      const lib = await browser!.newPage();
      try {
        await openExtensionPage(lib, `${base}/library.html`);
        await waitFor(lib, () => lib.evaluate(() => !!document.querySelector('[data-testid="lib-import-toggle"]')), 'the Import button');
        await clickTestId(lib, 'lib-import-toggle');
        // (page.$ looks in puppeteer's stale idea of the page, about:blank: a handle from evaluate instead)
        await waitFor(lib, () => lib.evaluate(() => !!document.querySelector('[data-testid="import-file"]')), 'the import file input');
        const input = (await lib.evaluateHandle(() => document.querySelector('[data-testid="import-file"]'))) as unknown as ElementHandle<HTMLInputElement>;
        await input.uploadFile(file);
        const preview = await waitText(lib, 'import-preview', /new/);
        check(preview.includes(`${LIB_N} new, 0 already in the library, 0 with errors`), `preview: ${preview}`);
        await clickTestId(lib, 'import-confirm');
        const result = await waitText(lib, 'import-result', /Imported/);
        check(result.includes(`Imported ${LIB_N};`), `result: ${result}`);
        const indexed = await waitText(lib, 'import-indexed', /./, 60_000);
        const after = await send(p, 'libraryStats', {});
        check(after.total === before.total + LIB_N && after.pending === 0, `libraryStats before ${before.total}, after ${JSON.stringify(after).slice(0, 200)}`);
        const found = await send(p, 'listSaved', { query: 'Kestrelwick' });
        check(found?.ok && found.total === LIB_N, `search "Kestrelwick": ${JSON.stringify(found).slice(0, 300)}`);
        const one = await send(p, 'getSaved', { id: found.items[0].id });
        check(one?.ok && one.item.html.includes('café, 雪'), `getSaved: ${JSON.stringify(one).slice(0, 300)}`);
        return `preview "${preview}"; "${result}"; "${indexed}"; library ${before.total} → ${after.total}, pending 0; search "Kestrelwick" finds ${found.total}; bodies sanitised and readable`;
      } finally {
        await lib.close().catch(() => undefined);
      }
    });

    await step('7. popup.html UI: Export menu → EPUB → Export downloads the whole library', async () => {
      const stats = await send(p, 'libraryStats', {});
      const before = new Set((await downloads(p, {})).map((d) => d.id));
      const popup = await browser!.newPage();
      try {
        await openExtensionPage(popup, `${base}/popup.html`);
        await waitFor(popup, () => popup.evaluate(() => !!document.querySelector('[data-testid="lib-export-toggle"]')), 'the Export button');
        await clickTestId(popup, 'lib-export-toggle');
        await popup.evaluate(() => {
          const s = document.querySelector('[data-testid="lib-export-format"]') as HTMLSelectElement;
          s.value = 'epub';
          s.dispatchEvent(new Event('change', { bubbles: true }));
        });
        await clickTestId(popup, 'lib-export-run');
        const notice = await waitText(popup, 'lib-notice', /\S/, 60_000);
        check(/Download started: .*\.epub/.test(notice), `notice: ${notice}`);
        let found: DownloadItem | undefined;
        const t0 = Date.now();
        while (!found && Date.now() - t0 < 30_000) {
          found = (await downloads(p, {})).find((d) => !before.has(d.id) && d.filename.endsWith('.epub'));
          if (!found) await sleep(200);
        }
        check(found, 'no EPUB download');
        const d = await waitDownload(p, found.id);
        const zip = unzipSync(new Uint8Array(readFileSync(d.filename)));
        const text = Object.keys(zip).filter((n) => /\.x?html$/.test(n)).map((n) => strFromU8(zip[n])).join('\n');
        const mine = new Set([...SMALL, ...BULK, ...LIB_ITEMS].map((a) => a.title));
        const listed = (await hook(p, 'listSaved')).items.map((i: GenItem) => i.title).filter((t: string) => mine.has(t));
        check(listed.length === stats.total - (stats.total - listed.length) && listed.length > 0, 'nothing to look for');
        const missing = listed.filter((t: string) => !text.includes(t)).length;
        check(!missing, `${missing} of ${listed.length} titles missing from the EPUB`);
        return `notice "${notice}"; ${basename(d.filename)}: ${d.fileSize} bytes, ${Object.keys(zip).length} entries for ${stats.total} articles (all ${listed.length} generated titles found)`;
      } finally {
        await popup.close().catch(() => undefined);
      }
    });

    await step('8. after the background restarts (runtime.reload), a backup is still made of the stored parts', async () => {
      const first = await exportViaPopup(p, downloadDir, { format: 'json' });
      const a = parseLectern(first.file);
      await sleep(1500); // its new parts are stored once the download is done
      // the same before the restart: every part stored
      const second = await exportViaPopup(p, downloadDir, { format: 'json' });
      const t2 = second.answer.timings ?? {};
      const beforeText = `before: ${basename(first.path)} (parts kept ${first.answer.timings?.kept}, built ${first.answer.timings?.built}), then ${basename(second.path)} (kept ${t2.kept}, built ${t2.built})`;
      check(t2.built === 0 && t2.kept > 0, `${beforeText}: the parts were not stored even before the restart`);
      await sleep(1500);
      bgLog.push(...(await backgroundLog(p)));
      await p.evaluate(() => {
        setTimeout(() => (globalThis as Json).browser.runtime.reload(), 50);
      });
      await sleep(3000);
      const fresh = await browser!.newPage();
      try {
        await openExtensionPage(fresh, `${base}/popup.html`);
        await fresh.evaluate(WATCH_BACKGROUND);
        const stats = await send(fresh, 'libraryStats', {});
        check(stats?.ok && stats.total === a.items.length, `after reload: ${JSON.stringify(stats).slice(0, 200)}`);
        const { answer, file, path } = await exportViaPopup(fresh, downloadDir, { format: 'json' });
        const v = parseLectern(file);
        const m = new Map(a.items.map((i) => [i.id, JSON.stringify(i)]));
        check(v.items.length === m.size, `${v.items.length} items, before the restart ${m.size}`);
        for (const i of v.items) check(m.get(i.id) === JSON.stringify(i), `item ${i.id} differs from the backup before the restart`);
        const { kept, built } = answer.timings ?? {};
        // the Firefox risk: the part Blobs IndexedDB holds must still be readable by a new background
        check(typeof kept === 'number' && kept > 0, `${beforeText}; after the restart: no stored part used: kept ${kept}, built ${built}`);
        p = fresh;
        const text = `${beforeText}; after the restart: ${basename(path)}, ${v.items.length} items equal to before, parts kept ${kept}, built ${built}`;
        // a part rebuilt after a restart though nothing changed: the parts holding articles that the
        // library page imported and the background then cleaned (their rows were rewritten without a
        // change-log entry, so the old background's rows were not the stored ones; docs/firefox.md)
        return built === 0 ? text : `${WARN}${text} — ${built} part(s) written again though nothing changed (known store issue, docs/firefox.md)`;
      } catch (e) {
        await fresh.close().catch(() => undefined);
        throw e;
      }
    });
    await step('8b. the background page logged no error (uncaught, unhandled rejection, console.error) during steps 1–8', async () => {
      bgLog.push(...(await backgroundLog(p)));
      const errors = bgLog.filter((l) => !l.startsWith('console.warn'));
      const warns = bgLog.filter((l) => l.startsWith('console.warn'));
      check(!errors.length, `${errors.length} error(s):\n${errors.slice(0, 10).join('\n')}`);
      return warns.length ? `${WARN}no error; ${warns.length} warning(s):\n${warns.slice(0, 10).join('\n')}` : 'nothing logged';
    });

    await step('9. the production build (no hook): loads, answers, saves a link, exports a download', async () => {
      check(existsSync(join(PROD_DIR, 'manifest.json')), `no production build at ${PROD_DIR} (run without --no-build)`);
      // a second Firefox with a fresh profile (same prefs): the e2e build's library is not there
      const prod = await launch('profile-production');
      const id = await prod.installExtension(PROD_DIR);
      const pp = await prod.newPage();
      try {
        await openExtensionPage(pp, `${base}/popup.html`);
        const hookType = await pp.evaluate(async () => {
          const bg = await (globalThis as Json).browser.runtime.getBackgroundPage();
          return bg ? typeof bg.lecternTest : 'no background page';
        });
        check(hookType === 'undefined', `lecternTest in the production build: ${hookType}`);
        const perms = await pp.evaluate(() => (globalThis as Json).browser.runtime.getManifest().permissions as string[]);
        check(!perms.includes('<all_urls>'), 'the production build asks for <all_urls>');
        const stats = await send(pp, 'libraryStats', {});
        check(stats?.ok === true, `libraryStats: ${JSON.stringify(stats)}`);
        const save = await send(pp, 'saveLink', { url: 'https://news.example/firefox-check/production-link', title: 'Production build link' });
        check(save?.ok === true, `saveLink: ${JSON.stringify(save)}`);
        const { file, path } = await exportViaPopup(pp, downloadDir, { format: 'json' });
        const v = parseLectern(file);
        check(v.items.some((i) => i.title === 'Production build link'), 'the saved link is not in the export');
        return `installed ${id} (${basename(PROD_DIR)}) in a fresh profile; no lecternTest, no <all_urls>; libraryStats total ${stats.total}; saveLink + JSON download ${basename(path)} with ${v.items.length} item(s)`;
      } finally {
        await prod.close().catch(() => undefined);
      }
    });

    await step('10. no request but the fixture pages (and Firefox\'s own) went through the proxy', async () => {
      const hostOf = (s: string) => s.split(' ')[1].replace(/^https?:\/\//, '').split('/')[0];
      const own = proxy.seen.filter((s) => BROWSER_OWN.test(hostOf(s)));
      const strangers = proxy.seen.filter((s) => !own.includes(s) && !fixtures.some((f) => hostOf(s) === new URL(f.httpUrl).host));
      check(!strangers.length, `other requests: ${strangers.join(', ')}`);
      return `${proxy.seen.length - own.length} requests, all to fixture hosts (and ${own.length} of Firefox's own: ${[...new Set(own.map(hostOf))].join(', ')})`;
    });
  } finally {
    await browser?.close().catch(() => undefined);
    proxy.server.close();
    if (!args.has('--keep')) rmSync(work, { recursive: true, force: true });
    else console.log(`kept ${work}`);
  }

  const failed = results.filter((r) => !r.ok);
  const warned = results.filter((r) => r.warn);
  console.log(`\ncheck-firefox: ${results.length - failed.length} passed (${warned.length} with a warning), ${failed.length} failed (${version})`);
  for (const w of warned) console.log(`  WARNING: ${w.name}: ${w.detail.split('\n')[0]}`);
  for (const f of failed) console.log(`  FAILED: ${f.name}: ${f.detail.split('\n')[0]}`);
  return failed.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error('check-firefox: crashed:', e);
    process.exit(1);
  },
);
