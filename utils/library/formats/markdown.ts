/**
 * Markdown export: a zip of one `.md` file per item, Obsidian-friendly.
 *
 * Each file: YAML front matter (title, author, publisher, url = original article URL when
 * known else where it was read, read_via, aggregator (id), published, saved, tags, status
 * unread|archive, favourite, words, lectern_id), then `# Title`, the attribution line
 * ("<publisher> · via <aggregator> · <original URL>") and the article converted by turndown.
 * Links saved without content get just a link.
 *
 * File names: the title with characters that are unsafe on Windows/macOS/Linux or special in
 * Obsidian links (\ / : * ? " < > | # ^ [ ]) removed, at most 80 characters / 200 UTF-8 bytes,
 * no leading dot, no reserved device names, unique without regard to case ("Title (2).md").
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import TurndownService from 'turndown';
import { stringify } from 'yaml';
import type { SavedItem } from '../types';
import { runSteps } from './steps';
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

/** Builds the zip, yielding after each item (see runSteps in ./steps). */
export function* markdownZipSteps(items: SavedItem[], parseHtml?: (html: string) => Document): Generator<number, Uint8Array> {
  const td = makeTurndown();
  const used = new Set<string>();
  const files: Zippable = {};
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const name = `${safeFileName(item.title || item.url, used)}.md`;
    const ms = Date.parse(item.savedAt);
    const mtime = Number.isFinite(ms) && ms > MIN_ZIP_MS ? new Date(ms) : undefined;
    files[name] = [strToU8(itemToMarkdown(item, td, parseHtml)), mtime ? { mtime } : {}];
    yield i + 1;
  }
  return zipSync(files, { level: 6 });
}

export function exportMarkdownZip(items: SavedItem[], parseHtml?: (html: string) => Document): Uint8Array {
  return runSteps(markdownZipSteps(items, parseHtml));
}
