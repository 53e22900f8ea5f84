/**
 * bench:library — the saved library at scale in the real extension (Debian Chromium, e2e build).
 *
 *   npx tsx bench/library.ts [--n 10000] [--runs 15] [--queries 30] [--saves 30] [--chunk 250]
 *                            [--size 30000] [--timeout 1500] [--keep-profile]
 *
 * The e2e build is `$LECTERN_EXT_DIR` or `.output/chrome-mv3-e2e` (copied to a temporary folder
 * first, so a concurrent rebuild cannot change it mid-run). Never downloads a browser.
 *
 * 1. load: n generated articles (bench/lib/articles.ts, deterministic, ~30 KB of HTML each) are
 *    imported through `lecternTest.importLibrary('json', …)` in chunks — the import menu's path
 *    (parse, sanitise in the offscreen document, IndexedDB). Timed.
 * 2. popup first rows: `popup.html?tabId=N` opened fresh `--runs` times in a new page; figure =
 *    the `lectern:first-rows` performance mark (rows in the DOM, set in SavedList's layout
 *    effect) measured from navigation start; also given from domInteractive (as the e2e test).
 *    The background (service worker) is already running — a warm-background open.
 * 3. library page first rows: the same with `library.html`.
 * 4. search: (a) message: `listSaved { query, limit: 50 }` sent by the popup page with
 *    chrome.runtime.sendMessage, round trip timed in the page (what the popup waits for);
 *    (b) UI: the query is put in the popup's search box at once (one `input` event, like a paste)
 *    and the time until the rows of that answer are rendered (first row id + count line) is
 *    taken with requestAnimationFrame polling; includes the UI's 120 ms debounce.
 * 5. save: `lecternTest.saveArticle(tabId)` on generated publisher pages served by a Playwright
 *    route (each a new article), timed inside the service worker. Alternating: (a) right after
 *    `pageInfo(tabId)` on the same page (the popup asks pageInfo when it opens, then Save; the
 *    reader script keeps the extracted article, so this is ≈ the save itself: message + store
 *    write), and (b) on a freshly loaded page (extraction in the tab + save).
 * 6. storage: `navigator.storage.estimate()` in an extension page, and the profile's IndexedDB
 *    folder on disk.
 *
 * It stops by itself: every step has a timeout and the whole run a global one (--timeout s).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { articlePage, fmtMs, makeArticle, percentile, searchQueries } from './lib/articles';
import { arg, CHROMIUM, findWorker, launchWithExtension, ROOT } from './lib/cli';


const N = Number(arg('n', '10000'));
const RUNS = Number(arg('runs', '15'));
const QUERIES = Number(arg('queries', '30'));
const SAVES = Number(arg('saves', '40'));
const CHUNK = Number(arg('chunk', '250'));
const SIZE = Number(arg('size', '30000'));
const SEED = Number(arg('seed', '20261129'));
const TIMEOUT_S = Number(arg('timeout', '1500'));

const TARGET_PAINT = 150;
const TARGET_SEARCH = 50;
const TARGET_SAVE = 50;

type Hook = Record<string, (...args: unknown[]) => Promise<{ ok: boolean; [k: string]: unknown }>>;

const stats = (xs: number[]) => ({ p50: percentile(xs, 50), p95: percentile(xs, 95), min: Math.min(...xs), max: Math.max(...xs), n: xs.length });
const verdict = (x: number, target: number) => (x <= target ? 'MET' : 'MISSED');
const line = (label: string, xs: number[], target?: number) => {
  const s = stats(xs);
  const t = target !== undefined ? `   target ≤ ${target} ms: p50 ${verdict(s.p50, target)}, p95 ${verdict(s.p95, target)}` : '';
  return `${label.padEnd(44)} p50 ${fmtMs(s.p50).padStart(6)} ms  p95 ${fmtMs(s.p95).padStart(6)} ms  (min ${fmtMs(s.min)}, max ${fmtMs(s.max)}, n=${s.n})${t}`;
};

async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<T>((_, rej) => (timer = setTimeout(() => rej(new Error(`timeout after ${ms} ms: ${what}`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  const src = path.resolve(ROOT, process.env.LECTERN_EXT_DIR ?? '.output/chrome-mv3-e2e');
  if (!fs.existsSync(path.join(src, 'manifest.json'))) throw new Error(`e2e build missing at ${src}: run \`npm run build:e2e\` (or WXT_OUT_DIR=.output-benchlib npx wxt build --mode e2e and LECTERN_EXT_DIR)`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
  const hasMark = (dir: string): boolean =>
    fs.readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? hasMark(path.join(dir, e.name)) : e.name.endsWith('.js') && fs.readFileSync(path.join(dir, e.name), 'utf8').includes('lectern:first-rows'),
    );
  if (!hasMark(src)) throw new Error(`${src} predates the 'lectern:first-rows' mark: rebuild it (WXT_OUT_DIR=.output-benchlib npx wxt build --mode e2e, then LECTERN_EXT_DIR=.output-benchlib/chrome-mv3-e2e)`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-benchlib-'));
  const ext = path.join(tmp, 'ext');
  fs.cpSync(src, ext, { recursive: true });
  const profile = path.join(tmp, 'profile');
  fs.mkdirSync(profile);

  const load = os.loadavg().map((x) => x.toFixed(1)).join(' ');
  console.log(`bench:library — ${new Date().toISOString()} — ${CHROMIUM} (${execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()})`);
  console.log(`build: ${path.relative(ROOT, src) || src} (built ${fs.statSync(path.join(src, 'manifest.json')).mtime.toISOString()}), ${os.cpus().length} CPUs, load average ${load}`);
  console.log(`library: ${N} generated articles of ~${SIZE} chars of HTML, seed ${SEED}; runs ${RUNS}, queries ${QUERIES}, saves ${SAVES}\n`);

  const ctx = await launchWithExtension(profile, ext, { ignoreHTTPSErrors: true });
  const cleanup = async () => {
    await ctx.close().catch(() => {});
    if (!process.argv.includes('--keep-profile')) fs.rmSync(tmp, { recursive: true, force: true });
  };
  const global = setTimeout(() => {
    console.error(`\nbench:library: global timeout (${TIMEOUT_S} s) — stopping`);
    void cleanup().finally(() => process.exit(2));
  }, TIMEOUT_S * 1000);

  // pages served by route; everything else is refused and counted
  const served = new Map<string, string>();
  const unexpected: string[] = [];
  await ctx.route('**/*', async (route) => {
    const url = route.request().url();
    if (!/^(https?|wss?):/i.test(url)) return route.continue().catch(() => {});
    const body = served.get(url.replace(/#.*$/, ''));
    if (body) return route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body }).catch(() => {});
    if (!/\/img\//.test(url)) unexpected.push(url); // generated pages reference images the page itself would load
    return route.abort().catch(() => {});
  });

  try {
    const sw = await findWorker(ctx);
    const extId = new URL(sw.url()).host;
    const hasHook = await sw.evaluate(() => typeof (globalThis as { lecternTest?: unknown }).lecternTest === 'object');
    if (!hasHook) throw new Error('lecternTest is missing: is this the e2e build (wxt build --mode e2e)?');
    const hook = async (method: string, ...args: unknown[]) => {
      const w = await findWorker(ctx);
      return w.evaluate(([m, a]) => ((globalThis as unknown as { lecternTest: Hook }).lecternTest[m as string]!)(...(a as unknown[])), [method, args] as const);
    };

    // ---------------------------------------------------------------- 1. load
    await hook('clearLibrary');
    const tLoad = performance.now();
    let imported = 0;
    let genMs = 0;
    for (let s = 0; s < N; s += CHUNK) {
      const g0 = performance.now();
      const items = Array.from({ length: Math.min(CHUNK, N - s) }, (_, k) => makeArticle(s + k, N, { seed: SEED, targetBytes: SIZE }));
      const json = JSON.stringify({ format: 'lectern', version: 1, exportedAt: new Date().toISOString(), items });
      genMs += performance.now() - g0;
      const r = await withTimeout(hook('importLibrary', 'json', json), 300_000, `importLibrary chunk at ${s}`);
      if (!r.ok) throw new Error(`import failed at ${s}: ${JSON.stringify(r).slice(0, 300)}`);
      imported += r.imported as number;
      if ((s / CHUNK) % 8 === 7 || s + CHUNK >= N) process.stdout.write(`  loaded ${Math.min(s + CHUNK, N)}/${N} (${((performance.now() - tLoad) / 1000).toFixed(0)} s)\n`);
    }
    const loadS = (performance.now() - tLoad - genMs) / 1000;
    console.log(`load: ${imported} imported in ${loadS.toFixed(1)} s through importLibrary('json') in chunks of ${CHUNK} (generation in Node excluded, ${(genMs / 1000).toFixed(1)} s) = ${((loadS * 1000) / N).toFixed(1)} ms/article`);
    if (imported !== N) console.log(`  WARNING: ${N - imported} not imported`);
    // let background work that follows a big import (segment merges) settle a little
    await new Promise((r) => setTimeout(r, 5000));

    // a normal tab, so that the popup has a tabId
    const tabPage = await ctx.newPage();
    const homeUrl = 'https://www.bench-publisher.example/';
    served.set(homeUrl, '<!doctype html><html lang="en"><head><title>Home</title></head><body><h1>Home</h1><p>Front page.</p></body></html>');
    await tabPage.goto(homeUrl);
    await tabPage.bringToFront();
    const tabId = await (await findWorker(ctx)).evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { tabs: { query(q: object): Promise<Array<{ id: number }>> } } }).chrome;
      return (await c.tabs.query({ active: true, lastFocusedWindow: true }))[0]!.id;
    });

    // ---------------------------------------------------------------- 2–3. first rows
    const firstRows = async (url: string, viewport: { width: number; height: number }) => {
      const fromNav: number[] = [];
      const fromInteractive: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        const p = await ctx.newPage();
        try {
          await p.setViewportSize(viewport);
          await p.goto(url);
          await p.waitForFunction(() => performance.getEntriesByName('lectern:first-rows').length > 0, undefined, { timeout: 60_000 });
          const t = await p.evaluate(() => {
            const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
            const mark = performance.getEntriesByName('lectern:first-rows')[0]!;
            return { nav: mark.startTime, interactive: mark.startTime - nav.domInteractive, rows: document.querySelectorAll('[data-testid="saved-row"]').length };
          });
          if (!t.rows) throw new Error(`${url}: the mark is set but no rows`);
          fromNav.push(t.nav);
          fromInteractive.push(t.interactive);
        } finally {
          await p.close().catch(() => {});
        }
      }
      return { fromNav, fromInteractive };
    };
    const popupUrl = `chrome-extension://${extId}/popup.html?tabId=${tabId}`;
    const popup = await firstRows(popupUrl, { width: 360, height: 600 });
    const library = await firstRows(`chrome-extension://${extId}/library.html`, { width: 1280, height: 800 });

    // ---------------------------------------------------------------- 4. search
    const queries = searchQueries(N, QUERIES);
    const sp = await ctx.newPage();
    await sp.setViewportSize({ width: 360, height: 600 });
    await sp.goto(popupUrl);
    await sp.waitForFunction(() => performance.getEntriesByName('lectern:first-rows').length > 0, undefined, { timeout: 60_000 });
    const msg = await withTimeout(
      sp.evaluate(async (qs) => {
        const c = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean; items?: Array<{ id: string }>; total?: number }> } } }).chrome;
        const out: Array<{ q: string; ms: number; total: number; first: string | null }> = [];
        // one warm-up query (not timed)
        await c.runtime.sendMessage({ lectern: 1, type: 'listSaved', data: { query: 'warmup', limit: 50 } });
        for (const q of qs) {
          const t0 = performance.now();
          const a = await c.runtime.sendMessage({ lectern: 1, type: 'listSaved', data: { query: q, limit: 50 } });
          const ms = performance.now() - t0;
          if (!a.ok) throw new Error(`listSaved failed for ${q}`);
          out.push({ q, ms, total: a.total ?? 0, first: a.items?.[0]?.id ?? null });
        }
        return out;
      }, queries),
      300_000,
      'search messages',
    );
    const ui: number[] = [];
    for (const m of msg) {
      const ms = await withTimeout(
        sp.evaluate(
          async ({ q, total, first }) => {
            // tsx (esbuild keepNames) wraps named functions in __name(): give the page one
            (globalThis as { __name?: unknown }).__name ??= (f: unknown) => f;
            const box = document.querySelector<HTMLInputElement>('[data-testid="lib-search"]')!;
            const rowsFor = () => {
              const row = document.querySelector<HTMLElement>('[data-testid="saved-row"]');
              const count = document.querySelector('[data-testid="lib-count"]')?.textContent ?? '';
              if (total === 0) return !!document.querySelector('[data-testid="lib-empty"]') && !row;
              return row?.dataset.id === first && new RegExp(`\\b${total}\\b`).test(count);
            };
            const frame = () => new Promise<void>((r) => requestAnimationFrame(() => r()));
            // start from a list that cannot look like the answer: no rows (a query that matches
            // nothing) before a query with hits, the whole list before one without
            box.value = total === 0 ? '' : 'zzqxnotawordzz';
            box.dispatchEvent(new Event('input', { bubbles: true }));
            const ready = () =>
              total === 0 ? !!document.querySelector('[data-testid="saved-row"]') : !!document.querySelector('[data-testid="lib-empty"]') && !document.querySelector('[data-testid="saved-row"]');
            for (let k = 0; k < 1200 && !ready(); k++) await frame();
            if (!ready()) return -2;
            await frame();
            await frame();
            const t0 = performance.now();
            box.value = q;
            box.dispatchEvent(new Event('input', { bubbles: true }));
            const deadline = t0 + 20_000;
            while (!rowsFor()) {
              if (performance.now() > deadline) return -1;
              await frame();
            }
            return performance.now() - t0;
          },
          m,
        ),
        30_000,
        `search UI "${m.q}"`,
      );
      if (ms >= 0) ui.push(ms);
      else console.log(`  search UI: "${m.q}" ${ms === -2 ? 'the starting list never showed' : 'never showed its answer'} (skipped)`);
    }
    await sp.close();

    // ---------------------------------------------------------------- 5. save
    const info: number[] = [];
    const save: number[] = [];
    const diff: number[] = [];
    let updated = 0;
    for (let k = 0; k < SAVES; k++) {
      const item = makeArticle(N + k, N + SAVES, { seed: SEED + 1, targetBytes: SIZE });
      const url = item.source!.url!;
      served.set(url, articlePage(item));
      await tabPage.goto(url, { waitUntil: 'load' });
      const w = await findWorker(ctx);
      const r = await withTimeout(
        w.evaluate(
          async ([id, withInfo]) => {
            const h = (globalThis as unknown as { lecternTest: Hook }).lecternTest;
            const t0 = performance.now();
            const i = withInfo ? await h.pageInfo!(id) : { ok: true, isArticle: true };
            const t1 = performance.now();
            const s = await h.saveArticle!(id);
            const t2 = performance.now();
            return { info: t1 - t0, save: t2 - t1, infoOk: i.ok && i.isArticle, s };
          },
          [tabId, k % 2 === 0] as const,
        ),
        60_000,
        `save ${k}`,
      );
      if (!r.s.ok) throw new Error(`saveArticle failed: ${JSON.stringify(r.s)}`);
      if (!r.infoOk) console.log(`  note: page ${k} not taken for an article by pageInfo`);
      if (r.s.updated) updated++;
      if (k % 2 === 0) {
        info.push(r.info);
        save.push(r.save);
      } else diff.push(r.save);
    }

    // ---------------------------------------------------------------- 6. storage
    const sPage = await ctx.newPage();
    await sPage.goto(`chrome-extension://${extId}/library.html`);
    const est = await sPage.evaluate(async () => {
      const e = (await navigator.storage.estimate()) as StorageEstimate & { usageDetails?: Record<string, number> };
      return { usage: e.usage ?? 0, quota: e.quota ?? 0, details: e.usageDetails ?? {} };
    });
    const count = (await hook('listSaved')) as { ok: boolean; items?: unknown[] };
    await sPage.close();
    let idbDisk = '';
    try {
      idbDisk = execFileSync('du', ['-sh', path.join(profile, 'Default', 'IndexedDB')], { encoding: 'utf8' }).split('\t')[0]!;
    } catch {
      idbDisk = '?';
    }

    // ---------------------------------------------------------------- report
    const MB = 1024 * 1024;
    console.log('');
    console.log(`Results (${N} articles; ${new Date().toISOString()}; load average now ${os.loadavg().map((x) => x.toFixed(1)).join(' ')})`);
    console.log(line('popup first rows (from navigation start)', popup.fromNav, TARGET_PAINT));
    console.log(line('  same, from domInteractive', popup.fromInteractive));
    console.log(line('library page first rows (from nav. start)', library.fromNav, TARGET_PAINT));
    console.log(line('  same, from domInteractive', library.fromInteractive));
    console.log(`  each open, in order (from nav. start): popup ${popup.fromNav.map((x) => x.toFixed(0)).join(' ')}; library ${library.fromNav.map((x) => x.toFixed(0)).join(' ')}`);
    console.log(line('search: listSaved{query} message round trip', msg.map((m) => m.ms), TARGET_SEARCH));
    console.log(line('search: popup box → rows rendered (incl. debounce)', ui));
    console.log(line('  same minus the 120 ms debounce', ui.map((x) => x - 120), TARGET_SEARCH));
    console.log(line('save: saveArticle after pageInfo (popup flow)', save, TARGET_SAVE));
    console.log(line('  pageInfo(tabId) just before (extraction)', info));
    console.log(line('save: saveArticle on a fresh page (+ extraction)', diff, TARGET_SAVE));
    console.log(`  ${save.length + diff.length} saves of new ~${(SIZE / 1000).toFixed(0)} KB articles (alternating); ${updated} reported updated:true`);
    const det = Object.entries(est.details).map(([k, v]) => `${k} ${(v / MB).toFixed(0)} MB`).join(', ');
    console.log(`storage: navigator.storage.estimate() usage ${(est.usage / MB).toFixed(0)} MB${det ? ` (${det})` : ''}, quota ${(est.quota / MB / 1024).toFixed(1)} GB; IndexedDB folder on disk ${idbDisk}; ${count.items?.length ?? '?'} items listed`);
    console.log(`  = ${((est.usage / (N + SAVES)) / 1024).toFixed(1)} KB per article (${N + SAVES} articles)`);
    console.log(`network: ${unexpected.length} request(s) outside the served pages${unexpected.length ? `: ${unexpected.slice(0, 5).join(', ')}` : ''}`);
    console.log('targets: first paint ≤ 150 ms, search p95 ≤ 50 ms, save p95 ≤ 50 ms (the save itself)');
    const slowQ = [...msg].sort((a, b) => b.ms - a.ms).slice(0, 3).map((m) => `"${m.q}" ${fmtMs(m.ms)} ms (${m.total} hits)`).join(', ');
    console.log(`slowest queries (message): ${slowQ}`);
    await hook('clearLibrary').catch(() => {});
  } finally {
    clearTimeout(global);
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`bench:library failed: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exit(1);
  },
);
