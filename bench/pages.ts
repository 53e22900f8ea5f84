/**
 * Shared plumbing of the benchmarks: find pages, decode them, build a jsdom document the same
 * way for every tool, and run Lectern's pipeline on it with its own timing.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { JSDOM, VirtualConsole } from 'jsdom';
import { extractArticle } from '../utils/extract/index.ts';
import type { Article } from '../utils/types.ts';

export interface PageFile {
  /** file name without .html / .html.gz */
  id: string;
  path: string;
}

export interface GroundTruthEntry {
  articleBody?: string | null;
  url?: string | null;
}
export type GroundTruth = Record<string, GroundTruthEntry>;

const PAGE_RE = /\.html?(\.gz)?$/i;

export function pageId(fileName: string): string {
  return basename(fileName).replace(PAGE_RE, '');
}

/** Every `*.html` / `*.htm` / `*.html.gz` in `dir` (not recursive), sorted by id. */
export function listPages(dir: string): PageFile[] {
  return readdirSync(dir)
    .filter((f) => PAGE_RE.test(f) && statSync(join(dir, f)).isFile())
    .map((f) => ({ id: pageId(f), path: join(dir, f) }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Read a page and decode it explicitly as UTF-8 (gunzip when the bytes are gzip). */
export function readHtml(path: string): string {
  let bytes: Uint8Array = readFileSync(path);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

export function readGroundTruth(path: string): GroundTruth {
  return JSON.parse(readFileSync(path, 'utf8')) as GroundTruth;
}

/**
 * The ground-truth json for a page directory: the explicit path when given, else a
 * `ground-truth*.json` in the directory itself or in its parent (the shared layout is
 * `<bench>/html/*.html.gz` beside `<bench>/ground-truth-dev.json`).
 */
export function findGroundTruth(dir: string, explicit?: string): string | null {
  if (explicit) return resolve(explicit);
  for (const d of [resolve(dir), dirname(resolve(dir))]) {
    if (!existsSync(d)) continue;
    const hits = readdirSync(d)
      .filter((f) => /^ground[-_]?truth.*\.json$/i.test(f))
      .sort();
    if (hits.length > 0) return join(d, hits[0]);
  }
  return null;
}

/** The URL a page is read at: the ground truth's when known, else a stable placeholder. */
export function pageUrl(id: string, gt: GroundTruth | null): string {
  const u = gt?.[id]?.url;
  if (u && /^https?:\/\//i.test(u)) return u;
  return `https://example.invalid/${encodeURIComponent(id)}`;
}

/**
 * A jsdom document as a content script would see it, minus scripts: no script execution,
 * no subresource loading (jsdom's defaults, stated explicitly), console noise swallowed.
 */
export function makeDom(html: string, url: string): JSDOM {
  return new JSDOM(html, {
    url,
    contentType: 'text/html',
    runScripts: undefined,
    resources: undefined,
    pretendToBeVisual: false,
    virtualConsole: new VirtualConsole(),
  });
}

export interface LoadedDom {
  dom: JSDOM;
  /** set when the page could only be loaded with a workaround */
  note: string | null;
}

/**
 * makeDom, with one fallback: jsdom 29.1.1 throws out of the HTML parser on some invalid CSS
 * (e.g. an unparseable calc() inside a <style> @media rule: css-tree's SyntaxError escapes
 * resolveCalc). A browser just drops such a declaration. When construction throws, the page
 * is parsed again with the contents of its <style> elements emptied (no text is lost: style
 * text is never article text) and the fact is reported.
 */
export function loadDom(html: string, url: string): LoadedDom {
  try {
    return { dom: makeDom(html, url), note: null };
  } catch (e) {
    const first = e instanceof Error ? e.message : String(e);
    const stripped = html.replace(/(<style\b[^>]*>)[\s\S]*?(<\/style\s*>)/gi, '$1$2');
    return { dom: makeDom(stripped, url), note: `jsdom threw while parsing (${first}); <style> contents emptied` };
  }
}

export interface LecternRun {
  article: Article | null;
  /** wall time spent inside extractArticle only (performance.now) */
  ms: number;
  /** CPU time of the process over the same span (process.cpuUsage; less sensitive to other load) */
  cpuMs: number;
  error: string | null;
}

/** CPU milliseconds (user + system) of this process since `from`. */
export function cpuSince(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

export function runLectern(doc: Document, url: string, force = false): LecternRun {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  try {
    const article = extractArticle(doc, url, force ? { force: true } : {});
    const ms = performance.now() - t0;
    const cpuMs = cpuSince(c0);
    return { article, ms, cpuMs, error: article ? null : 'not-readable: extractArticle returned null' };
  } catch (e) {
    const ms = performance.now() - t0;
    const cpuMs = cpuSince(c0);
    return { article: null, ms, cpuMs, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
  }
}

export function median(xs: readonly number[]): number {
  return quantile(xs, 0.5);
}

/** Linear-interpolated quantile (numpy's default). */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** Tiny argv parser: `--flag value`, `--flag=value`, boolean `--flag`. */
export function parseArgs(argv: string[], booleans: readonly string[] = []): Record<string, string | boolean> {
  const out: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) continue;
    const eq = a.indexOf('=');
    if (eq > 0) {
      out[a.slice(2, eq)] = a.slice(eq + 1);
    } else {
      const k = a.slice(2);
      if (booleans.includes(k) || i + 1 >= argv.length || argv[i + 1].startsWith('--')) out[k] = true;
      else out[k] = argv[++i];
    }
  }
  return out;
}
