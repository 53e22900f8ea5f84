/**
 * bench:export — the pure export/import layer (utils/library/formats) on a large library, in Node.
 *
 *   npx tsx bench/export.ts [--n 10000] [--n-dom 1000] [--size 30000] [--only json,csv,...] [--seed N]
 *
 * Each operation runs in its OWN child Node process (so its peak memory is its own). Exports:
 * the child generates the library (bench/lib/articles.ts, deterministic), lets the generator's
 * garbage go (global.gc) and times the ONE call. Imports: a first child writes the file to a
 * temporary folder (as Lectern exports it, or an Omnivore zip built here); a second child, which
 * never held the generated library, reads it and times the ONE call:
 *   export  exportLibrary(items, fmt)            json (the text: the test hook's export), csv,
 *                                                bookmarks at --n;
 *           JsonChunkWriter.addWithBodies        json-file: the same JSON as the download path
 *                                                writes it: UTF-8 chunks, never one string, from
 *                                                rows + bodies in the store's form (the bytes of
 *                                                each html's JSON string literal, made untimed,
 *                                                as a save makes them);
 *           exportLibraryAsync(items, fmt)       markdown, epub at --n-dom (they need a DOM
 *                                                per article: turndown / jsdom DOMParser),
 *                                                with the per-article rate and a linear
 *                                                estimate for --n
 *   import  parseImport(fmt, data)               json, pocket-csv (our CSV export), bookmarks,
 *                                                omnivore-zip (bytes)
 * and reports wall time, CPU time, peak RSS of the process (getrusage maxRSS, exact even during
 * synchronous work; for exports it includes generating the input) and the largest heapUsed seen (sampled every 50 ms when the event loop is
 * free, plus right after the call), next to the RSS/heap the input alone took.
 *
 * Parsing only: an import in the extension also sanitises every body (DOMPurify, offscreen
 * document) and writes IndexedDB; bench/library.ts measures that path end to end.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { strToU8, zipSync } from 'fflate';
import { exportLibrary, exportLibraryAsync, parseImport } from '../utils/library/formats';
import { JsonChunkWriter } from '../utils/library/formats/json';
import { encodeBodyJson } from '../utils/library/schema';
import type { SavedItem } from '../utils/library/types';
import { makeLibrary } from './lib/articles';
import { arg } from './lib/cli';

type Op = { kind: 'export' | 'import'; format: string; dom: boolean };
const OPS: Op[] = [
  { kind: 'export', format: 'json', dom: false },
  { kind: 'export', format: 'json-file', dom: false },
  { kind: 'export', format: 'csv', dom: false },
  { kind: 'export', format: 'bookmarks', dom: false },
  { kind: 'export', format: 'markdown', dom: true },
  { kind: 'export', format: 'epub', dom: true },
  { kind: 'import', format: 'json', dom: false },
  { kind: 'import', format: 'pocket-csv', dom: false },
  { kind: 'import', format: 'bookmarks', dom: false },
  { kind: 'import', format: 'omnivore-zip', dom: false },
];

const TARGETS: Record<string, string> = { 'export json': '≤ 2 s', 'export json-file': '≤ 2 s', 'import json': '≤ 5 s' };
const TARGET_MS: Record<string, number> = { 'export json': 2000, 'export json-file': 2000, 'import json': 5000 };

interface ChildResult {
  op: string;
  n: number;
  ms: number;
  cpuMs: number;
  inputRssMB: number;
  peakRssMB: number;
  inputHeapMB: number;
  peakHeapMB: number;
  outBytes: number;
  items?: number;
  errors?: number;
  error?: string;
}

const MB = 1024 * 1024;

function omnivoreZip(items: SavedItem[]): Uint8Array {
  const files: Record<string, Uint8Array> = {};
  const CHUNK = 50; // Omnivore writes metadata_<from>_to_<to>.json per 50 items
  for (let s = 0; s < items.length; s += CHUNK) {
    const part = items.slice(s, s + CHUNK);
    const meta = part.map((it, k) => {
      const slug = `${it.id}-${s + k}`;
      files[`content/${slug}.html`] = strToU8(it.html);
      return {
        id: it.id,
        slug,
        title: it.title,
        description: it.excerpt,
        author: it.byline,
        url: it.source?.url ?? it.url,
        state: it.archived ? 'ARCHIVED' : 'SUCCEEDED',
        readingProgress: Math.round(it.progress * 100),
        thumbnail: it.leadImage,
        labels: it.tags.map((name) => ({ name })),
        savedAt: it.savedAt,
        updatedAt: it.updatedAt,
        publishedAt: it.published,
      };
    });
    files[`metadata_${s}_to_${s + part.length}.json`] = strToU8(JSON.stringify(meta));
  }
  return zipSync(files, { level: 1 });
}

async function child(opName: string): Promise<void> {
  const op = OPS.find((o) => `${o.kind} ${o.format}` === opName)!;
  const n = Number(arg('n', '10000'));
  const size = Number(arg('size', '30000'));
  const seed = Number(arg('seed', '20261129'));
  const gc = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const file = arg('file', '');
  let items: SavedItem[] | null = null;
  let input: string | Uint8Array | null = null;
  if (op.kind === 'import') {
    // the file was written by a --prep child: this process never held the generated library,
    // so its peak RSS is the file's and the parser's
    const buf = fs.readFileSync(file);
    input = op.format === 'omnivore-zip' ? new Uint8Array(buf.buffer, buf.byteOffset, buf.length) : buf.toString('utf8');
  } else items = makeLibrary(n, { seed, targetBytes: size });
  // json-file starts from the library as the store keeps it: rows + bodies as JSON-string bytes
  let bodies: Uint8Array[] | null = null;
  if (op.format === 'json-file') {
    bodies = items!.map((it) => encodeBodyJson(it.html));
    items = items!.map((it) => ({ ...it, html: '' }));
  }
  let parseHtml: ((h: string) => Document) | undefined;
  if (op.format === 'epub') {
    const { JSDOM } = await import('jsdom');
    const { DOMParser } = new JSDOM('').window;
    const parser = new DOMParser();
    parseHtml = (h: string) => parser.parseFromString(h, 'text/html');
  }
  gc();
  await new Promise((r) => setTimeout(r, 50));
  gc();
  const m0 = process.memoryUsage();
  const inputRssMB = m0.rss / MB;
  const inputHeapMB = m0.heapUsed / MB;
  let peakHeap = m0.heapUsed;
  const timer = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }, 50);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let outBytes = 0;
  let count: number | undefined;
  let errors: number | undefined;
  let error: string | undefined;
  let result: { text: string } | { bytes: Uint8Array } | null = null;
  if (op.format === 'json-file') {
    // the download path's writer: the file's UTF-8 bytes in chunks, never one string, the
    // bodies copied from the bytes the store holds (as the offscreen document does, in batches)
    const w = new JsonChunkWriter(new Date());
    for (let s = 0; s < items!.length; s += 250) w.addWithBodies(items!.slice(s, s + 250), bodies!.slice(s, s + 250));
    outBytes = w.finish().bytes;
  } else if (op.kind === 'export') {
    const fmt = op.format as 'json' | 'csv' | 'bookmarks' | 'markdown' | 'epub';
    result = op.dom ? await exportLibraryAsync(items!, fmt, { parseHtml }) : exportLibrary(items!, fmt);
  } else {
    const r = parseImport(op.format as 'json', input!);
    outBytes = typeof input === 'string' ? Buffer.byteLength(input) : input!.length;
    if (r.ok) {
      count = r.items.length;
      errors = r.errors.length;
    } else error = r.error;
  }
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  // (the size of a text result is measured after the clock stops: encoding it is not the export)
  if (result) outBytes = 'text' in result ? Buffer.byteLength(result.text) : result.bytes.length;
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  clearInterval(timer);
  const res: ChildResult = {
    op: opName,
    n,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    inputRssMB,
    peakRssMB: (process.resourceUsage().maxRSS * 1024) / MB,
    inputHeapMB,
    peakHeapMB: peakHeap / MB,
    outBytes,
    ...(count !== undefined ? { items: count, errors } : {}),
    ...(error ? { error } : {}),
  };
  process.stdout.write(`\n@@RESULT ${JSON.stringify(res)}\n`);
}

/** Write the import file for `opName` (generated library → the format as Lectern exports it). */
function prep(opName: string): void {
  const op = OPS.find((o) => `${o.kind} ${o.format}` === opName)!;
  const items = makeLibrary(Number(arg('n', '10000')), { seed: Number(arg('seed', '20261129')), targetBytes: Number(arg('size', '30000')) });
  let data: string | Uint8Array;
  if (op.format === 'omnivore-zip') data = omnivoreZip(items);
  else {
    const fmt = op.format === 'pocket-csv' ? 'csv' : op.format;
    const r = exportLibrary(items, fmt as 'json' | 'csv' | 'bookmarks');
    data = 'text' in r ? r.text : r.bytes;
  }
  fs.writeFileSync(arg('file', ''), data);
}

function fmtS(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`;
}

async function main(): Promise<void> {
  const n = Number(arg('n', '10000'));
  const nDom = Number(arg('n-dom', String(Math.min(n, 1000))));
  const only = arg('only', '');
  const timeoutS = Number(arg('timeout', '900'));
  const ops = OPS.filter((o) => !only || only.split(',').some((x) => x === o.format || x === `${o.kind} ${o.format}` || x === o.kind));
  const self = fileURLToPath(import.meta.url);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-benchexport-'));
  const passthrough = ['--size', arg('size', '30000'), '--seed', arg('seed', '20261129')];
  console.log(`bench:export — ${new Date().toISOString()} — node ${process.version}, pure formats layer, one child process per operation`);
  console.log(`library: ${n} generated articles of ~${arg('size', '30000')} chars of HTML (markdown/epub exports: ${nDom}, scaled)\n`);
  const rows: string[][] = [];
  for (const op of ops) {
    const name = `${op.kind} ${op.format}`;
    const opN = op.dom ? nDom : n;
    process.stdout.write(`${name} (${opN}) … `);
    const node = (mode: string, extra: string[] = []) =>
      spawnSync(
        process.execPath,
        ['--expose-gc', '--max-old-space-size=6144', '--import', 'tsx', self, mode, name, '--n', String(opN), ...passthrough, ...extra],
        { encoding: 'utf8', maxBuffer: 64 * MB, timeout: timeoutS * 1000 },
      );
    const file = path.join(tmp, `${op.format}.input`);
    if (op.kind === 'import') {
      const p = node('--prep', ['--file', file]);
      if (p.status !== 0) console.log(`prep failed: ${p.error ?? (p.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`);
    }
    const r = node('--child', ['--file', file]);
    fs.rmSync(file, { force: true });
    const line = (r.stdout ?? '').split('\n').find((l) => l.startsWith('@@RESULT '));
    if (!line) {
      const why = r.error ? String(r.error) : `exit ${r.status} ${r.signal ?? ''} ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`;
      console.log(`FAILED: ${why}`);
      rows.push([name, String(opN), 'failed', '', '', '', '', '', why.slice(0, 60)]);
      continue;
    }
    const x = JSON.parse(line.slice(9)) as ChildResult;
    const perItem = x.ms / x.n;
    const scaled = op.dom && opN !== n ? ` (≈ ${fmtS(perItem * n)} for ${n}, linear)` : '';
    const target = TARGETS[name] ? `${TARGETS[name]} ${x.ms <= TARGET_MS[name]! ? 'MET' : 'MISSED'}` : '';
    console.log(`${fmtS(x.ms)}${scaled}`);
    rows.push([
      name,
      String(x.n),
      fmtS(x.ms) + scaled,
      `${perItem.toFixed(2)} ms`,
      fmtS(x.cpuMs),
      `${x.peakRssMB.toFixed(0)} MB (input ${x.inputRssMB.toFixed(0)})`,
      `${x.peakHeapMB.toFixed(0)} MB (input ${x.inputHeapMB.toFixed(0)})`,
      `${(x.outBytes / MB).toFixed(1)} MB`,
      [target, x.items !== undefined ? `${x.items} items, ${x.errors} errors` : '', x.error ?? ''].filter(Boolean).join('; '),
    ]);
  }
  const head = ['operation', 'n', 'wall time', 'per article', 'CPU', 'peak RSS', 'peak heapUsed', 'file', 'target / notes'];
  const widths = head.map((h, c) => Math.max(h.length, ...rows.map((r) => (r[c] ?? '').length)));
  const fmtRow = (r: string[]) => `| ${r.map((v, c) => (v ?? '').padEnd(widths[c]!)).join(' | ')} |`;
  console.log('');
  console.log(fmtRow(head));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const r of rows) console.log(fmtRow(r));
  fs.rmSync(tmp, { recursive: true, force: true });
  console.log('\n"file" = output size (exports) or input size (imports). Imports here are parsing only (no sanitising, no IndexedDB).');
}

if (process.argv.includes('--prep')) {
  prep(arg('prep', ''));
} else if (process.argv.includes('--child')) {
  child(arg('child', '')).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  main().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
