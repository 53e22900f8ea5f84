/**
 * npm run bench:quality [-- options]
 *
 * Lectern's pipeline vs plain Readability.js (`new Readability(clone).parse().textContent`, the
 * setup of the shared README's published row) on ../shared/bench/article-extraction/, in one
 * process, scored with the README's exact metric (bench/score.ts), plus timing.
 *
 * Options
 *   --bench <dir>       benchmark folder (default: ../shared/bench/article-extraction from the repo)
 *   --only <id-prefix>  only pages whose id starts with this
 *   --json <file>       write every figure (metrics, timing, per-page scores) as JSON
 *   --baseline <file>   an earlier --json output: print the overall change and every page whose
 *                       Lectern page F1 moved by more than 0.001
 *   --texts             with --json: include both tools' extracted text per page
 *   --warmup <n|all>    warm-up pages run before the timed pass (default 20; 0 = none)
 *   --repeat <n>        run both n times per page and keep each one's fastest time (default 1)
 *   --force             call extractArticle with {force: true}
 *   --resamples <n>     bootstrap resamples (default 1000), --seed <n> (default 42)
 *   --categories        rank heuristic error categories over all pages (bench/categorize.ts);
 *                       with --readability, for Readability too
 *   --diff <id-prefix>  diagnostics for the matching page(s): missed / extra text vs ground truth
 *                       (add --readability to show Readability's chunks too, --min <n> tokens)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Readability } from '@mozilla/readability';
import { categorizePage, summarize, type CategorySummary } from './categorize.ts';
import { diffPage, type Chunk } from './diff.ts';
import {
  listPages,
  cpuSince,
  loadDom,
  median,
  pageUrl,
  parseArgs,
  quantile,
  readGroundTruth,
  readHtml,
  runLectern,
  type GroundTruth,
  type PageFile,
} from './pages.ts';
import { pageF1, pairedF1Difference, scorePage, scoreWithBootstrap, DEFAULT_SEED, type MetricsWithError, type PageScore } from './score.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');

interface ReadabilityRun {
  text: string;
  title: string | null;
  /** clone + parse: what `new Readability(document.cloneNode(true)).parse()` costs a caller */
  ms: number;
  /** parse only */
  parseMs: number;
  /** CPU time of clone + parse */
  cpuMs: number;
  error: string | null;
}

function runReadability(clone: Document, cloneMs: number, cloneCpuMs: number): ReadabilityRun {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const r = new Readability(clone).parse();
    const parseMs = performance.now() - t0;
    return {
      text: r?.textContent ?? '',
      title: r?.title ?? null,
      ms: cloneMs + parseMs,
      parseMs,
      cpuMs: cloneCpuMs + cpuSince(c0),
      error: r ? null : 'parse() returned null',
    };
  } catch (e) {
    const parseMs = performance.now() - t0;
    return {
      text: '',
      title: null,
      ms: cloneMs + parseMs,
      parseMs,
      cpuMs: cloneCpuMs + cpuSince(c0),
      error: e instanceof Error ? `${e.name}: ${e.message}` : String(e),
    };
  }
}

interface PageResult {
  id: string;
  url: string;
  lectern: { text: string; title: string | null; ms: number; cpuMs: number; error: string | null; isArticle: boolean | null; mutated: boolean };
  readability: ReadabilityRun;
  domNote: string | null;
}

/** One page, both tools on the same DOM. The clone for Readability is taken first, so that
 * Lectern cannot affect it; the order of the two runs alternates with `lecternFirst`.
 * With repeat > 1 both run again on a freshly parsed document (so that no per-document cache
 * of either tool carries over; order still alternating) and each keeps its fastest time, which
 * is robust to other processes on a shared machine; the texts scored are those of the first run. */
function runPage(p: PageFile, url: string, force: boolean, lecternFirst: boolean, repeat = 1): PageResult {
  const html = readHtml(p.path);
  const { dom, note } = loadDom(html, url);
  const doc = dom.window.document;
  const before = doc.documentElement.outerHTML.length;
  let rd!: ReadabilityRun;
  let lx!: ReturnType<typeof runLectern>;
  for (let k = 0; k < Math.max(1, repeat); k++) {
    const kDom = k === 0 ? dom : loadDom(html, url).dom;
    const kDoc = kDom.window.document;
    const cc = process.cpuUsage();
    const tc = performance.now();
    const clone = kDoc.cloneNode(true) as Document;
    const cloneMs = performance.now() - tc;
    const cloneCpuMs = cpuSince(cc);
    let r: ReadabilityRun;
    let l: ReturnType<typeof runLectern>;
    if ((k % 2 === 0) === lecternFirst) {
      l = runLectern(kDoc, url, force);
      r = runReadability(clone, cloneMs, cloneCpuMs);
    } else {
      r = runReadability(clone, cloneMs, cloneCpuMs);
      l = runLectern(kDoc, url, force);
    }
    if (k === 0) {
      rd = r;
      lx = l;
    } else {
      rd = { ...rd, ms: Math.min(rd.ms, r.ms), parseMs: Math.min(rd.parseMs, r.parseMs), cpuMs: Math.min(rd.cpuMs, r.cpuMs) };
      lx = { ...lx, ms: Math.min(lx.ms, l.ms), cpuMs: Math.min(lx.cpuMs, l.cpuMs) };
      kDom.window.close();
    }
  }
  const mutated = doc.documentElement.outerHTML.length !== before;
  dom.window.close();
  return {
    id: p.id,
    url,
    lectern: {
      text: lx.article?.text ?? '',
      title: lx.article?.title || null,
      ms: lx.ms,
      cpuMs: lx.cpuMs,
      error: lx.error,
      isArticle: lx.article ? lx.article.isArticle : null,
      mutated,
    },
    readability: rd,
    domNote: note,
  };
}

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(3) : '  n/a');
const f1d = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : 'n/a');

function metricRows(name: string, m: MetricsWithError): string[] {
  return [
    name,
    `${f3(m.f1)} ± ${f3(m.f1Std)}`,
    `${f3(m.precision)} ± ${f3(m.precisionStd)}`,
    `${f3(m.recall)} ± ${f3(m.recallStd)}`,
    `${f3(m.accuracy)} ± ${f3(m.accuracyStd)}`,
    `${m.pages} (P ${m.precisionPages}, R ${m.recallPages})`,
  ];
}

function table(header: string[], rows: string[][]): string {
  const w = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(w[i])).join('  ');
  return [line(header), w.map((x) => '-'.repeat(x)).join('  '), ...rows.map(line)].join('\n');
}

function oneLine(s: string, max = 400): string {
  const t = s.replace(/\s*\n\s*/g, ' ⏎ ').replace(/\s+/g, ' ');
  return t.length > max ? `${t.slice(0, max)} …[${t.length - max} more chars]` : t;
}

function printChunks(label: string, chunks: Chunk[]): void {
  const total = chunks.reduce((a, c) => a + c.tokens, 0);
  console.log(`  ${label}: ${chunks.length} chunk(s), ${total} tokens`);
  for (const c of chunks) console.log(`    [${c.tokens} tok @${Math.round(c.at * 100)}%] ${oneLine(c.text)}`);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2), ['force', 'readability', 'categories', 'texts']);
  const benchDir = typeof args.bench === 'string' ? resolve(args.bench) : resolve(REPO, '../shared/bench/article-extraction');
  const gtPath = join(benchDir, 'ground-truth-dev.json');
  const htmlDir = join(benchDir, 'html');
  if (!existsSync(benchDir) || !existsSync(htmlDir)) {
    console.log(`skipped: ${typeof args.bench === 'string' ? args.bench : '../shared/bench/article-extraction'} not found`);
    process.exit(0);
  }
  const gtFile = existsSync(gtPath) ? gtPath : null;
  if (!gtFile) {
    console.log(`skipped: no ground-truth-dev.json in ${benchDir}`);
    process.exit(0);
  }
  const gt: GroundTruth = readGroundTruth(gtFile);
  const force = args.force === true;
  const resamples = typeof args.resamples === 'string' ? Number(args.resamples) : 1000;
  const seed = typeof args.seed === 'string' ? Number(args.seed) : DEFAULT_SEED;

  let pages = listPages(htmlDir).filter((p) => p.id in gt);
  const missingHtml = Object.keys(gt).filter((id) => !pages.some((p) => p.id === id));
  if (missingHtml.length) console.error(`warning: ${missingHtml.length} ground-truth ids have no html file (scored as empty)`);

  // ---- diagnostic mode --------------------------------------------------------------------
  if (typeof args.diff === 'string') {
    const prefix = args.diff;
    const sel = pages.filter((p) => p.id.startsWith(prefix));
    if (sel.length === 0) {
      console.error(`no page id starts with ${prefix}`);
      process.exit(2);
    }
    const minTok = typeof args.min === 'string' ? Number(args.min) : 1;
    for (const p of sel) {
      const url = pageUrl(p.id, gt);
      const r = runPage(p, url, force, true);
      const truth = gt[p.id].articleBody ?? '';
      const sl = scorePage(truth, r.lectern.text);
      const sr = scorePage(truth, r.readability.text);
      console.log(`\n=== ${p.id}\n    ${url}`);
      console.log(
        `  Lectern     F1 ${f3(pageF1(sl))}  P ${f3(sl.precision)}  R ${f3(sl.recall)}  exact ${sl.exact}` +
          `  ${f1d(r.lectern.ms)} ms${r.lectern.error ? `  error: ${r.lectern.error}` : ''}${r.lectern.mutated ? '  (MUTATED the document)' : ''}`,
      );
      console.log(
        `  Readability F1 ${f3(pageF1(sr))}  P ${f3(sr.precision)}  R ${f3(sr.recall)}  exact ${sr.exact}  ${f1d(r.readability.ms)} ms`,
      );
      const d = diffPage(truth, r.lectern.text, minTok);
      console.log(`  Lectern vs truth (${d.predictionTokens} vs ${d.truthTokens} tokens)`);
      printChunks('MISSED (in truth, not in Lectern)', d.missed);
      printChunks('EXTRA  (in Lectern, not in truth)', d.extra);
      if (args.readability === true) {
        const dr = diffPage(truth, r.readability.text, minTok);
        console.log(`  Readability vs truth (${dr.predictionTokens} vs ${dr.truthTokens} tokens)`);
        printChunks('MISSED (in truth, not in Readability)', dr.missed);
        printChunks('EXTRA  (in Readability, not in truth)', dr.extra);
      }
    }
    return;
  }

  if (typeof args.only === 'string') {
    const only = args.only;
    pages = pages.filter((p) => p.id.startsWith(only));
  }
  const ids = typeof args.only === 'string' ? pages.map((p) => p.id) : Object.keys(gt);

  // ---- warm-up ------------------------------------------------------------------------------
  const repeat = typeof args.repeat === 'string' ? Math.max(1, Number(args.repeat)) : 1;
  const warm = args.warmup === 'all' ? pages.length : typeof args.warmup === 'string' ? Number(args.warmup) : 20;
  const t0 = performance.now();
  for (const [i, p] of pages.slice(0, warm).entries()) runPage(p, pageUrl(p.id, gt), force, i % 2 === 0);
  if (warm > 0) console.error(`warm-up: ${Math.min(warm, pages.length)} pages in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---- timed, scored pass --------------------------------------------------------------------
  const results = new Map<string, PageResult>();
  for (const [i, p] of pages.entries()) {
    results.set(p.id, runPage(p, pageUrl(p.id, gt), force, i % 2 === 1, repeat));
    if ((i + 1) % 20 === 0) console.error(`scored ${i + 1}/${pages.length}`);
  }

  const withTexts = args.texts === true;
  const lxScores: PageScore[] = [];
  const rdScores: PageScore[] = [];
  const perPage: Array<{
    id: string;
    url: string;
    lectern: PageScore & { f1: number; ms: number | null; cpuMs: number | null; error: string | null; title: string | null; text?: string };
    readability: PageScore & { f1: number; ms: number | null; cpuMs: number | null; error: string | null; title: string | null; text?: string };
  }> = [];
  for (const id of ids) {
    const truth = gt[id].articleBody ?? '';
    const r = results.get(id);
    const sl = scorePage(truth, r?.lectern.text ?? '');
    const sr = scorePage(truth, r?.readability.text ?? '');
    lxScores.push(sl);
    rdScores.push(sr);
    perPage.push({
      id,
      url: gt[id].url ?? '',
      lectern: {
        ...sl,
        f1: pageF1(sl),
        ms: r?.lectern.ms ?? null,
        cpuMs: r?.lectern.cpuMs ?? null,
        error: r ? r.lectern.error : 'no html file',
        title: r?.lectern.title ?? null,
        ...(withTexts ? { text: r?.lectern.text ?? '' } : {}),
      },
      readability: {
        ...sr,
        f1: pageF1(sr),
        ms: r?.readability.ms ?? null,
        cpuMs: r?.readability.cpuMs ?? null,
        error: r ? r.readability.error : 'no html file',
        title: r?.readability.title ?? null,
        ...(withTexts ? { text: r?.readability.text ?? '' } : {}),
      },
    });
  }
  const lx = scoreWithBootstrap(lxScores, resamples, seed);
  const rd = scoreWithBootstrap(rdScores, resamples, seed);
  const paired = pairedF1Difference(lxScores, rdScores, resamples, seed);

  const all = [...results.values()];
  const lxErrors = all.filter((r) => r.lectern.error);
  const lxMutated = all.filter((r) => r.lectern.mutated).length;
  const notArticle = all.filter((r) => r.lectern.isArticle === false).length;
  const tL = all.map((r) => r.lectern.ms);
  const tR = all.map((r) => r.readability.ms);
  const tRp = all.map((r) => r.readability.parseMs);
  const cL = all.map((r) => r.lectern.cpuMs);
  const cR = all.map((r) => r.readability.cpuMs);
  const cpu = {
    lectern: { median: median(cL), p95: quantile(cL, 0.95), total: cL.reduce((a, b) => a + b, 0) },
    readability: { median: median(cR), p95: quantile(cR, 0.95), total: cR.reduce((a, b) => a + b, 0) },
  };
  const cpuRatio = {
    median: cpu.lectern.median / cpu.readability.median,
    p95: cpu.lectern.p95 / cpu.readability.p95,
    total: cpu.lectern.total / cpu.readability.total,
  };
  const timing = {
    lectern: { median: median(tL), p95: quantile(tL, 0.95), total: tL.reduce((a, b) => a + b, 0) },
    readability: { median: median(tR), p95: quantile(tR, 0.95), total: tR.reduce((a, b) => a + b, 0) },
    readabilityParseOnly: { median: median(tRp), p95: quantile(tRp, 0.95), total: tRp.reduce((a, b) => a + b, 0) },
  };
  const ratio = {
    median: timing.lectern.median / timing.readability.median,
    p95: timing.lectern.p95 / timing.readability.p95,
    total: timing.lectern.total / timing.readability.total,
  };

  console.log(`\nArticle-body extraction, ${benchDir} (${ids.length} pages, bootstrap ${resamples} × seed ${seed})\n`);
  console.log(
    table(['system', 'F1', 'precision', 'recall', 'accuracy', 'pages scored'], [
      metricRows('Lectern extractArticle', lx),
      metricRows('Readability.js 0.6.0 (plain)', rd),
    ]),
  );
  console.log(
    `\nF1 difference Lectern - Readability: ${paired.f1Delta >= 0 ? '+' : ''}${f3(paired.f1Delta)} ± ${f3(paired.f1DeltaStd)} ` +
      `(paired bootstrap; Lectern ahead in ${(paired.aBetterShare * 100).toFixed(1)}% of resamples)`,
  );
  if (lxErrors.length) {
    const byMsg = new Map<string, number>();
    for (const r of lxErrors) byMsg.set(r.lectern.error!, (byMsg.get(r.lectern.error!) ?? 0) + 1);
    console.log(`\nLectern failed on ${lxErrors.length} page(s) (empty body): ${[...byMsg].map(([m, n]) => `${n}× ${m}`).join('; ')}`);
  }
  if (notArticle) console.log(`Lectern said "not an article" on ${notArticle} page(s) (empty body; try --force)`);
  const notes = all.filter((r) => r.domNote);
  for (const r of notes) console.log(`note: ${r.id.slice(0, 12)}: ${r.domNote}`);
  if (lxMutated) console.log(`WARNING: extractArticle changed the given document on ${lxMutated} page(s)`);

  console.log(
    `\nPer-page time (ms; same jsdom DOM; warm-up ${Math.min(warm, pages.length)} pages; order alternated` +
      `${repeat > 1 ? `; fastest of ${repeat} runs` : ''})`,
  );
  console.log(
    table(['system', 'median', 'p95', 'total'], [
      ['Lectern extractArticle', f1d(timing.lectern.median), f1d(timing.lectern.p95), f1d(timing.lectern.total)],
      ['Readability clone+parse', f1d(timing.readability.median), f1d(timing.readability.p95), f1d(timing.readability.total)],
      ['Readability parse only', f1d(timing.readabilityParseOnly.median), f1d(timing.readabilityParseOnly.p95), f1d(timing.readabilityParseOnly.total)],
    ]),
  );
  console.log(
    `Lectern / Readability (clone+parse), wall: median ${ratio.median.toFixed(2)}×, p95 ${ratio.p95.toFixed(2)}×, total ${ratio.total.toFixed(2)}×`,
  );
  console.log(
    `CPU ms (process.cpuUsage, less sensitive to other load): Lectern median ${f1d(cpu.lectern.median)}, p95 ${f1d(cpu.lectern.p95)}; ` +
      `Readability median ${f1d(cpu.readability.median)}, p95 ${f1d(cpu.readability.p95)}; ` +
      `ratio median ${cpuRatio.median.toFixed(2)}×, p95 ${cpuRatio.p95.toFixed(2)}×, total ${cpuRatio.total.toFixed(2)}×`,
  );

  const losses = perPage
    .map((p) => ({ ...p, delta: p.readability.f1 - p.lectern.f1 }))
    .sort((a, b) => b.delta - a.delta);
  const worse = losses.filter((p) => p.delta > 0.05);
  const better = losses.filter((p) => p.delta < -0.05);
  console.log(`\nPages where Lectern's page F1 is more than 0.05 below Readability's: ${worse.length} (and ${better.length} more than 0.05 above)`);
  console.log('Top 10 losses (page F1 Lectern vs Readability):');
  console.log(
    table(
      ['id', 'Lectern F1 (P/R)', 'Readab. F1 (P/R)', 'loss', 'url'],
      losses.slice(0, 10).map((p) => [
        p.id.slice(0, 12),
        `${f3(p.lectern.f1)} (${f3(p.lectern.precision)}/${f3(p.lectern.recall)})`,
        `${f3(p.readability.f1)} (${f3(p.readability.precision)}/${f3(p.readability.recall)})`,
        f3(p.delta),
        p.url,
      ]),
    ),
  );
  let categories: { lectern: CategorySummary[]; readability?: CategorySummary[] } | undefined;
  if (args.categories === true) {
    const cats = (which: 'lectern' | 'readability') =>
      summarize(
        ids.map((id) => {
          const r = results.get(id);
          const truth = gt[id].articleBody ?? '';
          const d = diffPage(truth, r?.[which].text ?? '');
          return { id, truthTokens: d.truthTokens, labels: categorizePage(d, r?.[which].title ?? null) };
        }),
      );
    categories = { lectern: cats('lectern') };
    if (args.readability === true) categories.readability = cats('readability');
    for (const [who, list] of Object.entries(categories)) {
      console.log(`\nError categories for ${who} (heuristic labels of missed/extra chunks of >= 3 tokens; weight = Σ chunk tokens / truth tokens)`);
      console.log(
        table(
          ['category', 'pages', 'chunks', 'tokens', 'weight', 'examples (id: text)'],
          list.map((c) => [
            c.category,
            String(c.pages),
            String(c.chunks),
            String(c.tokens),
            c.weight.toFixed(2),
            c.examples.map((e) => `${e.id.slice(0, 8)}: ${oneLine(e.text, 60)}`).join(' | '),
          ]),
        ),
      );
    }
  }

  if (typeof args.baseline === 'string') {
    // compare with an earlier --json run: what did the latest pipeline change?
    try {
      const base = JSON.parse(readFileSync(resolve(args.baseline), 'utf8')) as {
        date?: string;
        pages?: number;
        lectern?: { f1: number; precision: number; recall: number; accuracy: number };
        perPage?: Array<{ id: string; url: string; lectern: { f1: number; precision: number; recall: number } }>;
      };
      const before = new Map((base.perPage ?? []).map((p) => [p.id, p]));
      const changes = perPage
        .filter((p) => before.has(p.id))
        .map((p) => ({ p, was: before.get(p.id)!, d: p.lectern.f1 - before.get(p.id)!.lectern.f1 }))
        .filter((x) => Math.abs(x.d) > 0.001)
        .sort((a, b) => a.d - b.d);
      const b = base.lectern;
      console.log(`\nVersus baseline ${args.baseline}${base.date ? ` (${base.date})` : ''}:`);
      if (b && base.pages !== ids.length) {
        console.log(`  (baseline scored ${base.pages ?? '?'} pages, this run ${ids.length}: overall figures not comparable)`);
      } else if (b) {
        console.log(
          `  Lectern F1 ${f3(b.f1)} -> ${f3(lx.f1)}, precision ${f3(b.precision)} -> ${f3(lx.precision)}, ` +
            `recall ${f3(b.recall)} -> ${f3(lx.recall)}, accuracy ${f3(b.accuracy)} -> ${f3(lx.accuracy)}`,
        );
      }
      console.log(`  ${changes.length} page(s) changed page F1 by more than 0.001 (${changes.filter((x) => x.d < 0).length} worse)`);
      for (const x of changes) {
        console.log(`  ${x.d > 0 ? '+' : ''}${x.d.toFixed(3)}  ${x.p.id.slice(0, 12)}  ${f3(x.was.lectern.f1)} -> ${f3(x.p.lectern.f1)}  ${x.p.url}`);
      }
    } catch (e) {
      console.log(`\ncannot read baseline ${args.baseline}: ${(e as Error).message}`);
    }
  }

  console.log('\nDiagnose a page: npm run bench:quality -- --diff <id-prefix> [--readability]');

  if (typeof args.json === 'string') {
    const out = resolve(args.json);
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(
      out,
      `${JSON.stringify(
        {
          date: new Date().toISOString(),
          bench: benchDir,
          pages: ids.length,
          force,
          lectern: lx,
          readability: rd,
          f1Difference: paired,
          timing: { ...timing, ratio, cpu, cpuRatio, warmupPages: Math.min(warm, pages.length), repeat },
          lecternFailures: lxErrors.length,
          lecternNotArticle: notArticle,
          lecternMutatedDocument: lxMutated,
          worseThanReadabilityBy005: worse.length,
          betterThanReadabilityBy005: better.length,
          categories,
          perPage: losses,
        },
        null,
        2,
      )}\n`,
    );
    console.error(`wrote ${out}`);
  }
}

main();
