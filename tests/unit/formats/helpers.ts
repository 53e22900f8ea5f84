/** Shared test data for the format tests (fictional articles). */
import { JSDOM } from 'jsdom';
import { expect } from 'vitest';
import type { SavedItem } from '../../../utils/library/types';

/** What the extension passes in a page/popup: DOMParser (here jsdom's, one window for all). */
const domParser = new (new JSDOM('').window.DOMParser)();
export const parseHtml = (html: string): Document => domParser.parseFromString(html, 'text/html');

/** 1×1 PNG and GIF, as data: URLs. */
export const PNG_1PX =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
export const GIF_1PX = 'data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

let seq = 0;
export function makeItem(over: Partial<SavedItem> = {}): SavedItem {
  seq++;
  const base: SavedItem = {
    id: `item-${seq}`,
    url: `https://www.inkl.com/news/fictional-story-${seq}`,
    title: `Fictional story number ${seq}`,
    byline: 'Ada Example',
    source: { name: 'The Example Gazette', url: `https://gazette.example/2026/story-${seq}` },
    aggregator: 'inkl',
    published: '2026-03-01T08:30:00Z',
    savedAt: '2026-03-02T10:00:00.000Z',
    tags: ['science', 'long read'],
    archived: false,
    favourite: false,
    words: 42,
    hasContent: true,
    html: `<p>Paragraph one of story ${seq}, with <a href="https://gazette.example/ref">a link</a> &amp; <em>emphasis</em>.</p><p>Second paragraph.</p>`,
    canonicalUrl: `https://gazette.example/2026/story-${seq}`,
    excerpt: `Paragraph one of story ${seq}`,
    leadImage: null,
    readingMinutes: 1,
    lang: 'en',
    dir: 'ltr',
    read: false,
    progress: 0,
    updatedAt: '2026-03-02T10:05:00.000Z',
  };
  return { ...base, ...over };
}

/** A handful of varied items: non-Latin text, RTL, quotes/commas/newlines, link-only, archived. */
export function variedItems(): SavedItem[] {
  return [
    makeItem(),
    makeItem({
      title: 'Quotes "and", commas, | pipes\nand a newline',
      byline: 'Zoë Ñandú, Jr.',
      tags: ['a,b', 'pipe|tag', 'ünïcödé'],
      archived: true,
      favourite: true,
      read: true,
      progress: 1,
      html: `<h2>Heading</h2><figure><img src="${PNG_1PX}" alt="pixel"><figcaption>A caption</figcaption></figure><ul><li>one</li><li>two <strong>bold</strong></li></ul><blockquote><p>Quoted.</p></blockquote><img src="https://cdn.example/remote.jpg" alt="remote"><table><tr><th>H</th></tr><tr><td>C</td></tr></table>`,
    }),
    makeItem({
      url: 'https://news.yahoo.co.jp/articles/fictional123',
      title: '東京で架空のニュース：テスト記事',
      byline: '山田 太郎',
      source: { name: '架空新聞', url: 'https://kakuu.example/news/1' },
      aggregator: 'yahoo-japan',
      tags: ['日本'],
      lang: 'ja',
      html: '<p>これは<ruby>架空<rt>かくう</rt></ruby>の記事です。</p><p>二段落目。</p>',
    }),
    makeItem({
      url: 'https://arabic.example/article/7',
      title: 'مقال تجريبي خيالي',
      byline: null,
      source: null,
      aggregator: null,
      lang: 'ar',
      dir: 'rtl',
      tags: [],
      html: '<p dir="rtl">هذا نص عربي <b>خيالي</b>.</p>',
    }),
    makeItem({
      url: 'https://blog.example/link-only?utm_source=x',
      title: 'A link saved without content',
      byline: null,
      source: null,
      aggregator: null,
      published: null,
      hasContent: false,
      html: '',
      words: 0,
      readingMinutes: 0,
      excerpt: '',
      canonicalUrl: null,
      lang: null,
      dir: null,
      tags: ['later'],
    }),
  ];
}

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ImportResult } from '../../../utils/library/formats/types';

export const FIXTURES = fileURLToPath(new URL('../../fixtures/imports/', import.meta.url));
export const fixtureBytes = (name: string): Uint8Array => new Uint8Array(readFileSync(FIXTURES + name));
export const fixtureText = (name: string): string => readFileSync(FIXTURES + name, 'utf8');

/** Narrow an ImportResult to its ok branch (fails the test with the error otherwise). */
export function ok(r: ImportResult): Extract<ImportResult, { ok: true }> {
  if (!r.ok) throw new Error(`expected ok, got error: ${r.error}`);
  return r;
}
export function err(r: ImportResult): string {
  if (r.ok) throw new Error(`expected an error, got ${r.items.length} items`);
  return r.error;
}

/**
 * Everything an object holds (own properties, private fields included, array/Map/Set members,
 * recursively): for tests that a streaming writer keeps no articles, by its structure.
 * Typed arrays are counted (their bytes), not searched.
 */
export function retained(root: unknown): { objects: Set<object>; strings: string[]; bytes: number } {
  const objects = new Set<object>();
  const strings: string[] = [];
  let bytes = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (typeof v === 'string') strings.push(v);
    if (v === null || (typeof v !== 'object' && typeof v !== 'function') || objects.has(v)) continue;
    objects.add(v);
    if (ArrayBuffer.isView(v)) {
      bytes += v.byteLength;
      continue;
    }
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    if (typeof v === 'function') continue;
    for (const k of Object.getOwnPropertyNames(v)) {
      const d = Object.getOwnPropertyDescriptor(v, k);
      if (d && 'value' in d) stack.push(d.value);
    }
  }
  return { objects, strings, bytes };
}

/** A file's chunks (what a download's Blob is made of) as one byte array. */
export function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/**
 * A streaming export writer that was given `added` (articles whose html contains `marker`) holds
 * none of them, no string of their html, and only compressed bytes: some, but less than 1/20 of
 * their (repetitive) html.
 */
export function expectHoldsNoArticles(writer: unknown, added: SavedItem[], marker: string): void {
  const r = retained(writer);
  expect(r.strings.filter((s) => s.includes(marker))).toEqual([]);
  expect(added.filter((i) => r.objects.has(i))).toEqual([]);
  expect(r.bytes).toBeGreaterThan(0);
  expect(r.bytes).toBeLessThan(added.reduce((n, i) => n + i.html.length, 0) / 20);
}
