/**
 * Markdown export: a zip of one `.md` file per item, Obsidian-friendly.
 *
 * Each file: YAML front matter (title, author, publisher, url = original article URL when
 * known else where it was read, read_via, aggregator (id), published, saved, tags, status
 * unread|archive, favourite, words, lectern_id), then `# Title`, the attribution line
 * ("<publisher> · via <aggregator> · <original URL>") and the article converted by turndown.
 * Links saved without content get just a link. GitHub-flavoured extras (Obsidian renders them):
 * `<del>/<s>` → `~~text~~` and task-list checkboxes (@joplin/turndown-plugin-gfm), and tables as
 * pipe tables (Lectern's own rules below; see "Tables").
 *
 * File names: the title with characters that are unsafe on Windows/macOS/Linux or special in
 * Obsidian links (\ / : * ? " < > | # ^ [ ]) removed, at most 80 characters / 200 UTF-8 bytes,
 * no leading dot, no reserved device names, unique without regard to case ("Title (2).md").
 */
import { strikethrough, taskListItems } from '@joplin/turndown-plugin-gfm';
import { strToU8, zipSync, type Zippable } from 'fflate';
import TurndownService from 'turndown';
import { stringify } from 'yaml';
import type { SavedItem } from '../types';
import { runSteps, ZipChunks } from './steps';
import { aggregatorName } from './util';

const UNSAFE = /[\\/:*?"<>|#^[\]\u0000-\u001f\u007f]/g;
const RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$/i;
const enc = new TextEncoder();

function clip(s: string, maxChars: number, maxBytes: number): string {
  let cps = Array.from(s).slice(0, maxChars);
  while (cps.length && enc.encode(cps.join('')).length > maxBytes) cps = cps.slice(0, -1);
  return cps.join('');
}

/** A safe file name (without extension) for `title`, unique within `used` (case-insensitive). */
export function safeFileName(title: string, used: Set<string>): string {
  let base = (title || '')
    .normalize('NFC')
    .replace(UNSAFE, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  base = clip(base, 80, 200).replace(/^[.\s]+|[.\s]+$/g, '');
  if (!base) base = 'Untitled';
  if (RESERVED.test(base)) base = `${base}_`;
  let name = base;
  for (let n = 2; used.has(name.toLowerCase()); n++) name = `${base} (${n})`;
  used.add(name.toLowerCase());
  return name;
}

export function frontMatter(item: SavedItem): Record<string, unknown> {
  return {
    title: item.title || item.url,
    author: item.byline ?? null,
    publisher: item.source?.name ?? null,
    url: item.source?.url ?? item.url,
    read_via: item.url,
    aggregator: item.aggregator ?? null,
    published: item.published ?? null,
    saved: item.savedAt,
    tags: [...(item.tags ?? [])],
    status: item.archived ? 'archive' : 'unread',
    favourite: !!item.favourite,
    words: item.words ?? 0,
    lectern_id: item.id,
  };
}

/** "<publisher> · via <aggregator> · <original URL>" (parts that are unknown are left out). */
export function attributionParts(item: SavedItem): { publisher: string | null; via: string | null; original: string | null } {
  return {
    publisher: item.source?.name || null,
    via: aggregatorName(item.aggregator),
    original: item.source?.url ?? null,
  };
}

function mdEscapeInline(s: string): string {
  return s.replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

// ---------------------------------------------------------------------------------------------
// Tables. The plugin's own table rules are not used: they keep tables holding lists/headings as
// raw HTML (in a Joplin wrapper div), add an EMPTY header row when there is no <thead>/<th> row,
// shift cells under a rowspan, drop the header after a <caption>, and turn "||" into one "\|".
//
// Pipe table: a table with ≥ 2 rows and ≥ 2 columns (or 1 column under an explicit header row),
// no nested table and no role="presentation"/"none". Header = the <thead> row or a first row of
// <th>s, otherwise the first row (Obsidian needs a header + separator). colspan/rowspan are laid
// out on a grid: the content goes in the first cell, the cells it covers stay empty, so every
// row has the same columns. Each cell is one line: lines and blocks (paragraphs, list items,
// <br>) are joined with <br>, list markers kept ("- one<br>- two"), headings become bold, code
// blocks become inline code per line, every "|" is escaped as "\|". Alignment from align="".
// Anything else (layout tables: one cell, one row, one column without header, tables holding
// tables) is "unwrapped": caption and each cell's Markdown as consecutive blocks, in order
// (a table nested in a layout table can still be a pipe table). Never raw HTML.
// ---------------------------------------------------------------------------------------------

/** Markdown of each converted cell/caption (turndown converts children before parents). */
const cellMd = new WeakMap<Node, string>();
interface Grid {
  rows: (Element | null)[][]; // null: covered by a colspan/rowspan (or missing)
  cols: number;
  explicitHeader: boolean;
  pipe: boolean;
}
const grids = new WeakMap<Node, Grid>();
const MAX_SPAN = 100;

function closest(node: Node, names: string[]): Element | null {
  for (let p = node.parentNode; p; p = p.parentNode) if (names.includes(p.nodeName)) return p as Element;
  return null;
}

function cellsOf(row: Element): Element[] {
  return Array.from(row.childNodes).filter((n) => n.nodeName === 'TD' || n.nodeName === 'TH') as Element[];
}

/** The table's own rows in document order (not those of nested tables; `rows` differs by DOM). */
function rowsOf(table: Element): Element[] {
  const out: Element[] = [];
  for (const n of Array.from(table.childNodes)) {
    if (n.nodeName === 'TR') out.push(n as Element);
    else if (n.nodeName === 'THEAD' || n.nodeName === 'TBODY' || n.nodeName === 'TFOOT') {
      for (const tr of Array.from(n.childNodes)) if (tr.nodeName === 'TR') out.push(tr as Element);
    }
  }
  return out;
}

function span(cell: Element, attr: string, max: number): number {
  const n = parseInt(cell.getAttribute(attr) ?? '', 10);
  return Number.isFinite(n) && n > 1 ? Math.min(n, max) : 1;
}

function gridOf(table: Element): Grid {
  let g = grids.get(table);
  if (g) return g;
  const trs = rowsOf(table).filter((tr) => cellsOf(tr).length);
  const rows: (Element | null)[][] = [];
  const covered: number[] = []; // per column: how many more rows a rowspan covers
  trs.forEach((tr, r) => {
    const line: (Element | null)[] = [];
    let col = 0;
    const skipCovered = () => {
      while (covered[col] > 0) {
        line[col] = null;
        covered[col]--;
        col++;
      }
    };
    for (const cell of cellsOf(tr)) {
      skipCovered();
      const cs = span(cell, 'colspan', MAX_SPAN);
      const rs = span(cell, 'rowspan', trs.length - r);
      for (let k = 0; k < cs; k++) {
        line[col + k] = k === 0 ? cell : null;
        covered[col + k] = rs - 1;
      }
      col += cs;
    }
    for (let c = col; c < covered.length; c++) {
      if (covered[c] > 0) {
        line[c] = null;
        covered[c]--;
      }
    }
    rows.push(line);
  });
  const cols = rows.reduce((m, l) => Math.max(m, l.length), 0);
  const first = trs[0];
  const explicitHeader = !!first && (first.parentNode?.nodeName === 'THEAD' || cellsOf(first).every((c) => c.nodeName === 'TH'));
  const role = (table.getAttribute('role') ?? '').toLowerCase();
  const pipe =
    role !== 'presentation' &&
    role !== 'none' &&
    !table.querySelector('table') &&
    rows.length >= 2 &&
    (cols >= 2 || explicitHeader);
  g = { rows, cols, explicitHeader, pipe };
  grids.set(table, g);
  return g;
}

/** Is `node` inside a cell of a table that becomes a pipe table? */
function inPipeCell(node: Node): boolean {
  const cell = closest(node, ['TD', 'TH', 'TABLE']);
  if (!cell || cell.nodeName === 'TABLE') return false;
  const table = closest(cell, ['TABLE']);
  return !!table && gridOf(table).pipe;
}

function codeSpan(s: string): string {
  const runs: string[] = s.match(/`+/g) ?? [];
  let fence = '`';
  while (runs.includes(fence)) fence += '`';
  const pad = /^`|`$/.test(s) ? ' ' : '';
  return `${fence}${pad}${s}${pad}${fence}`;
}

/** A cell's Markdown on one line, pipes escaped. */
function oneLine(md: string): string {
  return md
    .split('\n')
    .map((l) => l.trim().replace(/^([-*+]|\d+\.)\s+/, '$1 '))
    .filter(Boolean)
    .join('<br>')
    .replace(/\|/g, '\\|');
}

const ALIGN: Record<string, string> = { left: ':---', center: ':---:', right: '---:' };

function columnAlign(g: Grid, c: number): string {
  const head = g.rows[0][c]?.getAttribute('align')?.toLowerCase();
  if (head && ALIGN[head]) return ALIGN[head];
  const aligns = new Set(g.rows.slice(1).map((l) => l[c]?.getAttribute('align')?.toLowerCase() ?? ''));
  const [only] = aligns;
  return aligns.size === 1 && only && ALIGN[only] ? ALIGN[only] : '---';
}

function tableMarkdown(table: Element): string {
  const g = gridOf(table);
  const caption = Array.from(table.childNodes).find((n) => n.nodeName === 'CAPTION');
  const captionMd = caption ? (cellMd.get(caption) ?? '').trim() : '';
  if (!g.pipe) {
    const blocks = [captionMd, ...g.rows.flatMap((l) => l.map((cell) => (cell ? (cellMd.get(cell) ?? '').trim() : '')))];
    return `\n\n${blocks.filter(Boolean).join('\n\n')}\n\n`;
  }
  const row = (l: (Element | null)[]) =>
    `| ${Array.from({ length: g.cols }, (_, c) => (l[c] ? oneLine(cellMd.get(l[c]!) ?? '') : '')).join(' | ')} |`;
  const lines = [row(g.rows[0]), `| ${Array.from({ length: g.cols }, (_, c) => columnAlign(g, c)).join(' | ')} |`, ...g.rows.slice(1).map(row)];
  return `\n\n${captionMd ? `${captionMd}\n\n` : ''}${lines.join('\n')}\n\n`;
}

function addTableRules(td: TurndownService): void {
  td.addRule('tableCell', {
    filter: ['td', 'th', 'caption'],
    replacement: (content, node) => {
      if (!closest(node, ['TABLE'])) return `\n\n${content}\n\n`;
      cellMd.set(node, content);
      return '';
    },
  });
  td.addRule('tableParts', { filter: ['thead', 'tbody', 'tfoot', 'tr', 'colgroup', 'col'], replacement: () => '' });
  td.addRule('table', { filter: ['table'], replacement: (_content, node) => tableMarkdown(node) });
  // block content inside a pipe-table cell, made to fit on one line
  td.addRule('tableCellPre', {
    filter: (node) => node.nodeName === 'PRE' && inPipeCell(node),
    replacement: (_content, node) =>
      `\n${(node.textContent ?? '').split(/\r?\n/).filter((l) => l.trim()).map(codeSpan).join('\n')}\n`,
  });
  td.addRule('tableCellHeading', {
    filter: (node) => /^H[1-6]$/.test(node.nodeName) && inPipeCell(node),
    replacement: (content) => `\n**${content.trim()}**\n`,
  });
  td.addRule('tableCellBlock', {
    filter: (node) => (node.nodeName === 'BLOCKQUOTE' || node.nodeName === 'HR') && inPipeCell(node),
    replacement: (content) => `\n${content}\n`,
  });
}

export function makeTurndown(): TurndownService {
  const td = new TurndownService({
    headingStyle: 'atx',
    codeBlockStyle: 'fenced',
    bulletListMarker: '-',
    emDelimiter: '_',
    hr: '---',
  });
  td.remove(['script', 'style', 'noscript', 'iframe', 'object', 'embed', 'form', 'button', 'rp']);
  // ruby annotations (furigana) as "base(reading)" rather than run together
  td.addRule('rt', { filter: ['rt'], replacement: (content) => `(${content})` });
  // GitHub-flavoured: ~~strikethrough~~, task-list [x]; tables by our own rules (see above).
  // (The plugin's highlightedCodeBlock needs class="highlight-…", which the sanitiser drops.)
  td.use([strikethrough, taskListItems]);
  addTableRules(td);
  return td;
}

export function itemToMarkdown(item: SavedItem, td: TurndownService, parseHtml?: (html: string) => Document): string {
  const fm = stringify(frontMatter(item), { lineWidth: 0 });
  const title = (item.title || item.url).replace(/\s+/g, ' ').trim();
  const a = attributionParts(item);
  const attribution = [
    a.publisher ? mdEscapeInline(a.publisher) : null,
    a.via ? `via ${mdEscapeInline(a.via)}` : null,
    a.original ? `<${a.original}>` : null,
  ].filter(Boolean);
  let out = `---\n${fm}---\n\n# ${mdEscapeInline(title)}\n\n`;
  if (attribution.length) out += `${attribution.join(' · ')}\n\n`;
  const meta = [item.byline ? `By ${mdEscapeInline(item.byline)}` : null, item.published ? item.published.slice(0, 10) : null].filter(Boolean);
  if (meta.length) out += `_${meta.join(' · ')}_\n\n`;
  if (item.hasContent && item.html) {
    const input = parseHtml ? parseHtml(item.html).body : item.html;
    out += `${td.turndown(input as unknown as string).trim()}\n`;
  } else {
    out += `[${mdEscapeInline(title)}](<${item.url}>)\n`;
  }
  return out;
}

const MIN_ZIP_MS = Date.UTC(1980, 0, 2);
/** a zip (DOS) date ends with 2107; fflate refuses years after 2099 */
const MAX_ZIP_MS = Date.UTC(2099, 11, 31);

/** One item's file in the zip: its unique name (`used` is updated), Markdown and mtime. */
function markdownFile(
  item: SavedItem,
  td: TurndownService,
  used: Set<string>,
  parseHtml?: (html: string) => Document,
): { name: string; data: Uint8Array; mtime: Date | undefined } {
  const name = `${safeFileName(item.title || item.url, used)}.md`;
  const ms = Date.parse(item.savedAt);
  const mtime = Number.isFinite(ms) && ms > MIN_ZIP_MS && ms < MAX_ZIP_MS ? new Date(ms) : undefined;
  return { name, data: strToU8(itemToMarkdown(item, td, parseHtml)), mtime };
}

/** Builds the zip, yielding after each item (see runSteps in ./steps). */
export function* markdownZipSteps(items: SavedItem[], parseHtml?: (html: string) => Document): Generator<number, Uint8Array> {
  const td = makeTurndown();
  const used = new Set<string>();
  const files: Zippable = {};
  for (let i = 0; i < items.length; i++) {
    const { name, data, mtime } = markdownFile(items[i], td, used, parseHtml);
    files[name] = [data, mtime ? { mtime } : {}];
    yield i + 1;
  }
  return zipSync(files, { level: 6 });
}

export function exportMarkdownZip(items: SavedItem[], parseHtml?: (html: string) => Document): Uint8Array {
  return runSteps(markdownZipSteps(items, parseHtml));
}

/**
 * The same zip as exportMarkdownZip, written batch by batch (downloads of a whole library):
 * each item is converted and compressed when it is added, and the writer keeps only the
 * compressed files (plus the names used so far, for unique names) — never an item or its html.
 * `finish()` gives the archive as chunks, byte for byte what exportMarkdownZip gives for all the
 * items added, in the order added.
 */
export class MarkdownZipWriter {
  private readonly td = makeTurndown();
  private readonly used = new Set<string>();
  private readonly zip = new ZipChunks();
  private done = 0;

  constructor(private readonly parseHtml?: (html: string) => Document) {}

  /** Adds items, yielding the number of items added so far after each (runSteps/runStepsAsync). */
  *addSteps(items: readonly SavedItem[]): Generator<number, void> {
    for (const item of items) {
      const { name, data, mtime } = markdownFile(item, this.td, this.used, this.parseHtml);
      this.zip.add(name, data, mtime ? { mtime } : {});
      yield ++this.done;
    }
  }

  add(items: readonly SavedItem[]): void {
    runSteps(this.addSteps(items));
  }

  /** Items added so far. */
  get count(): number {
    return this.done;
  }

  finish(): Uint8Array[] {
    return this.zip.finish();
  }
}

export function markdownZipWriter(parseHtml?: (html: string) => Document): MarkdownZipWriter {
  return new MarkdownZipWriter(parseHtml);
}
