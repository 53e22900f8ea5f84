/**
 * bench:export (browser part) — exports of a large library as a user gets them: in the real
 * extension (Debian Chromium, e2e build), through the same message the export menu sends
 * (`exportLibrary { format, download: true }` from an extension page), until the file is on disk.
 *
 *   npx tsx bench/export-browser.ts [--n 10000] [--size 30000] [--runs 3] [--changed-runs 2] [--formats json,csv,...]
 *                                   [--runs-dom 1] [--chunk 500] [--timeout 1800] [--reuse DIR]
 *                                   [--kinds first,sel-alternate,…] (JSON: only these of the runs below)
 *
 * The e2e build is `$LECTERN_EXT_DIR` or `.output/chrome-mv3-e2e` (copied to a temporary folder
 * first). Never downloads a browser. `--reuse DIR` keeps the profile (and the loaded library) in
 * DIR for the next run with the same --n/--size/--seed AND the same build (Chromium would keep
 * running the old build's service worker), which then skips step 1. Steps:
 * 1. load: `--n` generated articles (bench/lib/articles.ts, deterministic, the library of
 *    bench:library and the Node part) through `lecternTest.importLibrary('json', …)` in chunks
 *    (its time is printed but is not the import figure: bench/import-browser.ts measures that).
 * 2. per format, `--runs` times (JSON: first a backup at once after the load — a 10,000-article
 *    import just cleaned, the background making the backup's parts meanwhile —, then, once the
 *    extension's storage has stopped growing (the background made the parts), a backup,
 *    selections of every item, of the newest half, of every other, every tenth, and all but every
 *    tenth item, `--runs - 1` backups
 *    with nothing changed, and
 *    `--changed-runs` (default 2) backups each right after changeLibrary: 5 new imported and
 *    cleaned, then 20 articles spread over the library tagged and the 10 newest marked read, and
 *    `--refreshed-runs` (default 2) with the same changes made 25 s before (the background has
 *    rewritten the parts they made stale); every file is checked against the library): t0 in the extension page → the message's answer (the background
 *    has the file and started the download: "started") → `downloads.search` says complete
 *    ("on disk", polled every 50 ms from Node, so ±50 ms). The downloaded file is then checked
 *    (size; JSON: parsed, item count) and removed.
 * 3. memory: the Chromium process tree's memory (sum of the proportional set size, Pss in
 *    /proc/<pid>/smaps_rollup, over the browser and its children: the offscreen document's
 *    renderer, the service worker, GPU…),
 *    sampled every 100 ms during each export; printed as peak and as peak minus the idle level
 *    just before it.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fmtMs, makeArticle, percentile } from './lib/articles';
import { arg, CHROMIUM, findWorker, launchWithExtension, ROOT } from './lib/cli';
import type { ExportTimings } from '../utils/messages';


const N = Number(arg('n', '10000'));
const SIZE = Number(arg('size', '30000'));
const SEED = Number(arg('seed', '20261129'));
const RUNS = Number(arg('runs', '3'));
/** Markdown and EPUB take tens of seconds at 10,000: fewer runs */
const RUNS_DOM = Number(arg('runs-dom', '1'));
const CHUNK = Number(arg('chunk', '500'));
const TIMEOUT_S = Number(arg('timeout', '1800'));
const FORMATS = arg('formats', 'json,csv,bookmarks,markdown,epub').split(',');
const TARGET_MS: Record<string, number> = { json: 2000 };

type HookResult = { ok: boolean; [k: string]: unknown };
/** JSON backups measured right after changing the library (after the `--runs` unchanged ones) */
const CHANGED_RUNS = Number(arg('changed-runs', '2'));
/** JSON backups measured 25 s after changing the library (the background refreshed the parts) */
const REFRESHED_RUNS = Number(arg('refreshed-runs', '2'));

/**
 * What a user does between two backups (through the same messages as the library page): tags 20
 * articles spread over the library (up to 20 of its 40 parts to write again), marks the 10 newest
 * read, saves 5 new articles (an import of 5; waits until they are cleaned). Deterministic per run.
 */
async function changeLibrary(page: import('playwright-core').Page, hook: (m: string, ...a: unknown[]) => Promise<HookResult>, run: number): Promise<string> {
  const list = (await hook('listSaved')).items as Array<{ id: string }>;
  const spread = Array.from({ length: 20 }, (_, k) => list[Math.floor(((k + 0.5) * list.length) / 20 + run) % list.length]!.id);
  const send = (type: string, data: unknown) =>
    page.evaluate(
      ([t, d]) => (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<HookResult> } } }).chrome.runtime.sendMessage({ lectern: 1, type: t, data: d }),
      [type, data] as const,
    );
  // the import first: once it is cleaned the background writes the parts at once (1 s), and the
  // edits after it are what a backup "right after changes" finds stale (their refresh waits 15 s)
  const items = Array.from({ length: 5 }, (_, k) => makeArticle(N + run * 5 + k, N, { seed: SEED + 1, targetBytes: SIZE }));
  const imp = await hook('importLibrary', 'json', JSON.stringify({ format: 'lectern', version: 1, exportedAt: new Date().toISOString(), items }));
  for (let waited = 0; ; waited += 200) {
    const stats = await send('libraryStats', {});
    if ((stats as { pending?: number }).pending === 0) break;
    if (waited > 60_000) throw new Error('the imported articles were not cleaned within 60 s');
    await new Promise((r) => setTimeout(r, 200));
  }
  const tag = await send('updateSaved', { ids: spread, patch: { tags: [`bench-run-${run}`] } });
  const read = await send('updateSaved', { ids: list.slice(0, 10).map((i) => i.id), patch: { read: true } });
  if (!tag.ok || !read.ok || !imp.ok) throw new Error(`changes failed: ${JSON.stringify([tag, read, imp]).slice(0, 300)}`);
  return '5 new imported and cleaned, then 20 spread over the library tagged, the 10 newest (before the import) marked read';
}
const MB = 1024 * 1024;
const PAGE = 4096; // bytes per page in /proc/<pid>/statm

/** Memory (MB, Pss) of the process tree under the browser process whose command line names `profile`. */
function treeRssMB(profile: string): number {
  const procs: Array<{ pid: number; ppid: number; rss: number; cmd: string }> = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      // proportional set size: shared pages split among the processes sharing them (RSS would count them in each)
      const pss = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${d}/smaps_rollup`, 'utf8'));
      const rss = pss ? Number(pss[1]) * 1024 : Number(fs.readFileSync(`/proc/${d}/statm`, 'utf8').split(' ')[1]) * PAGE;
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'utf8');
      procs.push({ pid: Number(d), ppid, rss, cmd });
    } catch {
      /* gone */
    }
  }
  const roots = procs.filter((p) => p.cmd.includes(profile) && !p.cmd.includes('--type='));
  const inTree = new Set(roots.map((r) => r.pid));
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of procs) {
      if (!inTree.has(p.pid) && inTree.has(p.ppid)) {
        inTree.add(p.pid);
        grew = true;
      }
    }
  }
  return procs.filter((p) => inTree.has(p.pid)).reduce((n, p) => n + p.rss, 0) / MB;
}

async function main(): Promise<void> {
  const src = path.resolve(ROOT, process.env.LECTERN_EXT_DIR ?? '.output/chrome-mv3-e2e');
  if (!fs.existsSync(path.join(src, 'manifest.json'))) throw new Error(`e2e build missing at ${src}: run \`npm run build:e2e\``);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}`);
  const reuse = arg('reuse', '');
  const tmp = reuse ? path.resolve(reuse) : fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-benchexport-browser-'));
  const ext = path.join(tmp, 'ext');
  const profile = path.join(tmp, 'profile');
  // a profile is reused only with the same build: Chromium keeps running the service worker it
  // registered for an unpacked extension whose files changed on disk (same path, same version)
  const buildId = createHash('sha1');
  for (const f of fs.readdirSync(src, { recursive: true, encoding: 'utf8' }).sort()) {
    const full = path.join(src, f);
    if (fs.statSync(full).isFile()) buildId.update(f).update(fs.readFileSync(full));
  }
  const loadedMark = path.join(tmp, `loaded-${N}-${SIZE}-${SEED}-${buildId.digest('hex').slice(0, 12)}`);
  if (reuse && !fs.existsSync(loadedMark)) {
    fs.rmSync(profile, { recursive: true, force: true });
    for (const f of fs.existsSync(tmp) ? fs.readdirSync(tmp) : []) if (f.startsWith('loaded-')) fs.rmSync(path.join(tmp, f));
  }
  fs.rmSync(ext, { recursive: true, force: true });
  fs.cpSync(src, ext, { recursive: true });
  fs.mkdirSync(profile, { recursive: true });
  const version = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  console.log(`bench:export (browser) — ${new Date().toISOString()} — ${version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`build: ${path.relative(ROOT, src)} (built ${fs.statSync(path.join(src, 'manifest.json')).mtime.toISOString()}); library: ${N} generated articles of ~${SIZE} chars of HTML, seed ${SEED}\n`);

  const ctx = await launchWithExtension(profile, ext, { acceptDownloads: true });
  const cleanup = async () => {
    await ctx.close().catch(() => {});
    if (!reuse) fs.rmSync(tmp, { recursive: true, force: true });
  };
  const global = setTimeout(() => {
    console.error(`\nbench:export (browser): global timeout (${TIMEOUT_S} s) — stopping`);
    void cleanup().finally(() => process.exit(2));
  }, TIMEOUT_S * 1000);
  let failed = false;
  try {
    const sw = await findWorker(ctx);
    const extId = new URL(sw.url()).host;
    const hook = async (method: string, ...args: unknown[]): Promise<HookResult> =>
      (await findWorker(ctx)).evaluate(
        ([m, a]) => (globalThis as unknown as { lecternTest: Record<string, (...x: unknown[]) => Promise<HookResult>> }).lecternTest[m as string]!(...(a as unknown[])),
        [method, args] as const,
      );
    if (!(await sw.evaluate(() => typeof (globalThis as { lecternTest?: unknown }).lecternTest === 'object'))) throw new Error('lecternTest is missing: not the e2e build');

    // ---------------------------------------------------------------- 1. load
    const have = await hook('listSaved');
    const reused = fs.existsSync(loadedMark) && Array.isArray(have.items) && have.items.length === N;
    if (reused) console.log(`load: reusing the library of ${N} articles in ${tmp}\n`);
    else await hook('clearLibrary');
    const tLoad = performance.now();
    let genMs = 0;
    for (let s = 0; s < N && !reused; s += CHUNK) {
      const g0 = performance.now();
      const items = Array.from({ length: Math.min(CHUNK, N - s) }, (_, k) => makeArticle(s + k, N, { seed: SEED, targetBytes: SIZE }));
      const json = JSON.stringify({ format: 'lectern', version: 1, exportedAt: new Date().toISOString(), items });
      genMs += performance.now() - g0;
      const r = await hook('importLibrary', 'json', json);
      if (!r.ok || r.imported !== items.length) throw new Error(`load failed at ${s}: ${JSON.stringify(r).slice(0, 300)}`);
      if ((s / CHUNK) % 4 === 3 || s + CHUNK >= N) process.stdout.write(`  loaded ${Math.min(s + CHUNK, N)}/${N} (${((performance.now() - tLoad) / 1000).toFixed(0)} s)\n`);
    }
    if (!reused) {
      console.log(`load: ${N} articles in ${((performance.now() - tLoad - genMs) / 1000).toFixed(1)} s (hook importLibrary in chunks of ${CHUNK}; generation excluded)\n`);
      if (reuse) fs.writeFileSync(loadedMark, new Date().toISOString());
    }

    const page = await ctx.newPage();
    await page.goto(`chrome-extension://${extId}/popup.html`);

    // ---------------------------------------------------------------- 2. exports
    const rows: string[] = [];
    for (const format of FORMATS) {
      const started: number[] = [];
      const onDisk: number[] = [];
      let size = 0;
      let peak = 0;
      let extra = 0;
      const runs = format === 'markdown' || format === 'epub' ? RUNS_DOM : RUNS;
      // JSON, in one run: a backup at once after the load (a 10,000-article import just cleaned:
      // the background is making the backup's parts meanwhile, 1 s after the cleaning); then,
      // once it has made them, the first backup after that,
      // selections (every item; the newest half: whole parts; every other and every tenth item:
      // read from the library; all but every tenth: runs of items as slices of the parts),
      // backups with the library unchanged, right after changes, and 25 s after changes
      type Kind = 'scratch' | 'first' | 'sel-all' | 'sel-newest' | 'sel-alternate' | 'sel-tenth' | 'sel-dense' | 'unchanged' | 'changed' | 'refreshed' | 'run';
      const only = arg('kinds', '') ? new Set(arg('kinds', '').split(',')) : null;
      const kinds: Kind[] = (
        format === 'json'
          ? ([
              'scratch',
              'first',
              'sel-all',
              'sel-newest',
              'sel-alternate',
              'sel-tenth',
              'sel-dense',
              ...Array<Kind>(Math.max(0, runs - 1)).fill('unchanged'),
              ...Array<Kind>(CHANGED_RUNS).fill('changed'),
              ...Array<Kind>(REFRESHED_RUNS).fill('refreshed'),
            ] as Kind[])
          : Array<Kind>(runs).fill('run')
      ).filter((k) => !only || k === 'run' || only.has(k));
      const byKind = new Map<Kind, number[]>();
      const allIds = format === 'json' ? ((await hook('listSaved')).items as Array<{ id: string }>).map((i) => i.id) : [];
      const storageMB = async () => (await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0)) / MB;
      if (format === 'json') console.log(`  extension storage after the load: ${(await storageMB()).toFixed(0)} MB`);
      const chosen: Partial<Record<Kind, string[]>> = {
        'sel-all': allIds,
        'sel-newest': allIds.slice(0, Math.ceil(allIds.length / 2)),
        'sel-alternate': allIds.filter((_, i) => i % 2 === 0),
        'sel-tenth': allIds.filter((_, i) => i % 10 === 0),
        'sel-dense': allIds.filter((_, i) => i % 10 !== 0),
      };
      for (let run = 0; run < kinds.length; run++) {
        const kind = kinds[run]!;
        if (kind === 'first') {
          // the background writes the parts 15 s after the load's last cleaning, in rounds of
          // 2,500: wait until the extension's storage stops growing (polled every 2 s)
          const w0 = performance.now();
          let last = await storageMB();
          for (let still = 0; still < 4 && performance.now() - w0 < 240_000; ) {
            await new Promise((r) => setTimeout(r, 2000));
            const u = await storageMB();
            still = performance.now() - w0 > 20_000 && Math.abs(u - last) < 1 ? still + 1 : 0;
            last = u;
          }
          console.log(`  the background made the backup's parts: storage ${last.toFixed(0)} MB, steady ${((performance.now() - w0) / 1000).toFixed(0)} s after the first export`);
        }
        if (kind === 'changed' || kind === 'refreshed') console.log(`  changes before ${format} run ${run + 1}: ${await changeLibrary(page, hook, run)}`);
        // the background rewrites the parts the changes made stale 15 s after the last write
        if (kind === 'refreshed') await new Promise((r) => setTimeout(r, 25_000));
        await new Promise((r) => setTimeout(r, 1500));
        const idle = treeRssMB(profile);
        let max = idle;
        const sampler = setInterval(() => (max = Math.max(max, treeRssMB(profile))), 100);
        const t0 = performance.now();
        const r = (await page.evaluate(async ([f, ids]) => {
          const a = performance.now();
          const res = await (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<HookResult> } } }).chrome.runtime.sendMessage({
            lectern: 1,
            type: 'exportLibrary',
            data: { format: f, download: true, ...(ids ? { ids } : {}) },
          });
          return { ...res, ms: performance.now() - a };
        }, [format, chosen[kind] ?? null] as const)) as HookResult & { ms: number; downloadId?: number; timings?: ExportTimings & { task?: number; download?: number } };
        if (!r.ok) throw new Error(`${format}: ${JSON.stringify(r).slice(0, 300)}`);
        const worker = await findWorker(ctx);
        let d: { state: string; filename: string; fileSize: number; error?: string } | null = null;
        for (;;) {
          d = await worker.evaluate(async (id) => {
            const c = (globalThis as unknown as { chrome: { downloads: { search(q: object): Promise<Array<{ state: string; filename: string; fileSize: number; error?: string }>> } } }).chrome;
            return (await c.downloads.search({ id }))[0] ?? null;
          }, r.downloadId!);
          if (!d || d.state !== 'in_progress') break;
          await new Promise((res) => setTimeout(res, 50));
        }
        const disk = performance.now() - t0;
        clearInterval(sampler);
        if (!d || d.state !== 'complete') throw new Error(`${format}: download ${JSON.stringify(d)}`);
        size = fs.statSync(d.filename).size;
        if (format === 'json') {
          // every backup is checked: the item count, and the changes made before it are in it
          const doc = JSON.parse(fs.readFileSync(d.filename, 'utf8')) as { items: Array<{ url: string; tags: string[] }> };
          const only = chosen[kind] ? new Set(chosen[kind]) : null;
          const want = ((await hook('listSaved')).items as Array<{ id: string; url: string; tags: string[] }>).filter((i) => !only || only.has(i.id));
          if (doc.items.length !== want.length) throw new Error(`json: ${doc.items.length} items in the file, the library has ${want.length}`);
          const tagsOf = new Map(doc.items.map((i) => [i.url, i.tags.join('|')]));
          const wrong = want.filter((i) => tagsOf.get(i.url) !== i.tags.join('|'));
          if (wrong.length) throw new Error(`json: ${wrong.length} items differ from the library (first: ${wrong[0]!.url})`);
        }
        fs.rmSync(d.filename, { force: true });
        byKind.set(kind, [...(byKind.get(kind) ?? []), disk]);
        if (kind === 'run' || kind === 'unchanged') {
          started.push(r.ms);
          onDisk.push(disk);
        }
        peak = Math.max(peak, max);
        extra = Math.max(extra, max - idle);
        const tm = r.timings
          ? ` [${r.timings.kept !== undefined ? `parts kept ${r.timings.kept}, written ${r.timings.built}${r.timings.slices ? `, slices ${r.timings.slices}` : ''}; ` : ''}read ${fmtMs(r.timings.read)}, write ${fmtMs(r.timings.write)}, blob ${fmtMs(r.timings.blob)} ms; background: waited ${fmtMs(r.timings.task ?? NaN)} ms for the file, ${fmtMs(r.timings.download ?? NaN)} ms for downloads.download]`
          : '';
        // what the library takes on disk (the backup parts are stored once the download is over)
        let usage = '';
        if (format === 'json') {
          await new Promise((res) => setTimeout(res, 3000));
          const u = await page.evaluate(async () => (await navigator.storage.estimate()).usage ?? 0);
          usage = `, extension storage ${(u / MB).toFixed(0)} MB after`;
        }
        console.log(`  ${format} run ${run + 1}${kind === 'run' ? '' : ` (${kind})`}: started ${fmtMs(r.ms)} ms${tm}, on disk ${fmtMs(disk)} ms, ${(size / MB).toFixed(1)} MB, memory peak ${max.toFixed(0)} MB (+${(max - idle).toFixed(0)})${usage}`);
      }
      const labels: Partial<Record<Kind, string>> = {
        scratch: 'at once after a 10,000-article import was cleaned (the background making the parts meanwhile)',
        first: 'once the background made the parts',
        'sel-all': 'a selection of every item',
        'sel-newest': 'a selection of the newest half (whole parts)',
        'sel-alternate': 'a selection of every other item (25 a part: read one by one)',
        'sel-tenth': 'a selection of every tenth item (5 a part: read one by one)',
        'sel-dense': 'a selection of all but every tenth item (45 a part in 5 runs: slices of the parts)',
        changed: 'right after changes (5 new, then 20 tagged, 10 read)',
        refreshed: 'the same changes 25 s before (parts refreshed in the background)',
      };
      for (const [kind, label] of Object.entries(labels) as Array<[Kind, string]>) {
        const xs = byKind.get(kind);
        const target = TARGET_MS[format];
        if (xs) rows.push(`| ${format}, ${label} | ${(chosen[kind]?.length ?? N).toLocaleString('en')} | | ${fmtMs(percentile(xs, 50))} ms (${xs.map((x) => fmtMs(x)).join(', ')}) | | | ${target ? (percentile(xs, 50) <= target ? 'met' : 'missed') : ''} |`);
      }
      const med = percentile(onDisk, 50);
      const target = TARGET_MS[format];
      const verdict = target ? (med <= target ? `≤ ${target / 1000} s: MET` : `≤ ${target / 1000} s: MISSED`) : '';
      rows.push(
        `| ${format}${format === 'json' ? ', unchanged since the last backup' : ''} | ${N.toLocaleString('en')} | ${fmtMs(percentile(started, 50))} ms | ${fmtMs(med)} ms (${onDisk.map((x) => fmtMs(x)).join(', ')}) | ${(size / MB).toFixed(1)} MB | ${peak.toFixed(0)} MB (+${extra.toFixed(0)}) | ${verdict} |`,
      );
    }
    console.log('\n| format | n | started (median) | on disk: median (runs) | file | Chromium memory peak (+ over idle) | target |');
    console.log('|---|---|---|---|---|---|---|');
    for (const r of rows) console.log(r);
  } catch (e) {
    failed = true;
    console.error(`bench:export (browser) failed: ${e instanceof Error ? e.stack : String(e)}`);
  } finally {
    clearTimeout(global);
    await cleanup();
  }
  process.exit(failed ? 1 : 0);
}

void main();
