/**
 * npm run bench:extract -- --in <dir> --out <file.json> [--urls <ground-truth.json>] [--force] [--only <id-prefix>]
 *
 * Runs Lectern's extraction pipeline (utils/extract: extractArticle) under jsdom over every
 * *.html / *.html.gz in <dir> and writes
 *   { "<id>": { "articleBody": "<plain text>", "title", "byline", "siteName", "ms" [, "error"] } }
 * where <id> is the file name without .html / .html.gz, articleBody = article.text,
 * siteName = article.source.name and ms = time inside extractArticle only (DOM construction
 * excluded). A page that fails gets an empty articleBody and an "error" field; the run goes on.
 *
 * The page URL comes from --urls <json> or a ground-truth*.json in <dir> or its parent
 * ({"<id>": {"url": ...}}), else https://example.invalid/<id>.
 * --force passes {force: true} (extract even when the detector says "not an article");
 * by default the pipeline runs as the toolbar button does, and such pages get an empty body
 * with "isArticle": false.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import {
  findGroundTruth,
  listPages,
  loadDom,
  median,
  pageUrl,
  parseArgs,
  quantile,
  readGroundTruth,
  readHtml,
  runLectern,
  type GroundTruth,
} from './pages.ts';

interface OutEntry {
  articleBody: string;
  title: string | null;
  byline: string | null;
  siteName: string | null;
  ms: number;
  url: string;
  isArticle?: boolean;
  error?: string;
}

function usage(msg?: string): never {
  if (msg) console.error(`bench:extract: ${msg}`);
  console.error('usage: npm run bench:extract -- --in <dir> --out <file.json> [--urls <ground-truth.json>] [--force] [--only <id-prefix>]');
  process.exit(2);
}

function main(): void {
  const args = parseArgs(process.argv.slice(2), ['force', 'quiet']);
  if (typeof args.in !== 'string') usage('missing --in <dir>');
  if (typeof args.out !== 'string') usage('missing --out <file.json>');
  const dir = resolve(args.in);
  const outPath = resolve(args.out);
  const force = args.force === true;
  const quiet = args.quiet === true;

  let pages;
  try {
    pages = listPages(dir);
  } catch (e) {
    usage(`cannot read ${dir}: ${(e as Error).message}`);
  }
  if (typeof args.only === 'string') {
    const only = args.only;
    pages = pages.filter((p) => p.id.startsWith(only));
  }

  let gt: GroundTruth | null = null;
  const gtPath = findGroundTruth(dir, typeof args.urls === 'string' ? args.urls : undefined);
  if (gtPath) {
    try {
      gt = readGroundTruth(gtPath);
      if (!quiet) console.error(`bench:extract: page URLs from ${gtPath}`);
    } catch (e) {
      console.error(`bench:extract: ignoring ${gtPath}: ${(e as Error).message}`);
    }
  }

  const out: Record<string, OutEntry> = {};
  const times: number[] = [];
  let failed = 0;
  for (const [i, p] of pages.entries()) {
    const url = pageUrl(p.id, gt);
    let entry: OutEntry;
    let dom;
    let note: string | null = null;
    try {
      ({ dom, note } = loadDom(readHtml(p.path), url));
      if (note) console.error(`bench:extract: ${p.id}: ${note}`);
    } catch (e) {
      entry = { articleBody: '', title: null, byline: null, siteName: null, ms: 0, url, error: `load: ${(e as Error).message}` };
      out[p.id] = entry;
      failed++;
      continue;
    }
    const run = runLectern(dom.window.document, url, force);
    const a = run.article;
    entry = {
      articleBody: a?.text ?? '',
      title: a?.title || null,
      byline: a?.byline ?? null,
      siteName: a?.source?.name ?? null,
      ms: Math.round(run.ms * 1000) / 1000,
      url,
    };
    if (a && !a.isArticle) entry.isArticle = false;
    if (run.error) {
      entry.error = run.error;
      failed++;
    }
    out[p.id] = entry;
    times.push(run.ms);
    dom.window.close();
    if (!quiet && (i + 1) % 20 === 0) console.error(`bench:extract: ${i + 1}/${pages.length}`);
  }

  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `${JSON.stringify(out, null, 2)}\n`);
  console.error(
    `bench:extract: ${pages.length} pages, ${failed} failed, extractArticle median ${median(times).toFixed(1)} ms, ` +
      `p95 ${quantile(times, 0.95).toFixed(1)} ms -> ${outPath}`,
  );
}

main();
