/** Helpers for fixture-driven tests: load pages into JSDOM at their real URL. */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';

const here = dirname(fileURLToPath(import.meta.url));
export const AGG_DIR = join(here, '../../fixtures/aggregators');
export const PAGES_DIR = join(here, '../../fixtures/pages');

export interface Expected {
  url: string;
  kind: 'aggregator-article' | 'publisher-article' | 'not-article';
  aggregator: string | null;
  title: string | null;
  byline: string | null;
  source: { name: string; url: string | null } | null;
  published: string | null;
  leadImage: string | null;
  mustContain: string[];
  mustNotContain: string[];
}

export interface AggFixture {
  name: string;
  html: string;
  expected: Expected;
}

export function aggregatorFixtures(): AggFixture[] {
  return readdirSync(AGG_DIR)
    .filter((d) => existsSync(join(AGG_DIR, d, 'expected.json')))
    .sort()
    .map((name) => ({
      name,
      html: readFileSync(join(AGG_DIR, name, 'page.html'), 'utf8'),
      expected: JSON.parse(readFileSync(join(AGG_DIR, name, 'expected.json'), 'utf8')) as Expected,
    }));
}

export interface OwnPage {
  name: string;
  url: string;
  html: string;
}

/** Own fixtures: first line `<!-- {"url": "..."} -->`. */
export function ownPages(): OwnPage[] {
  if (!existsSync(PAGES_DIR)) return [];
  return readdirSync(PAGES_DIR)
    .filter((f) => f.endsWith('.html'))
    .sort()
    .map((f) => ownPage(f.replace(/\.html$/, '')));
}

export function ownPage(name: string): OwnPage {
  const html = readFileSync(join(PAGES_DIR, `${name}.html`), 'utf8');
  const m = /^<!--\s*(\{.*?\})\s*-->/.exec(html);
  if (!m) throw new Error(`${name}: first line must be <!-- {"url": "..."} -->`);
  return { name, url: (JSON.parse(m[1]) as { url: string }).url, html };
}

export function load(html: string, url: string, opts: { scripting?: boolean } = {}): Document {
  // runScripts 'outside-only' turns scripting on for the parser (noscript becomes raw text) without
  // running the page's scripts
  const dom = new JSDOM(html, { url, ...(opts.scripting ? { runScripts: 'outside-only' as const } : {}) });
  return dom.window.document;
}

/** textContent with whitespace runs collapsed (the README's comparison rule) */
export function flat(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

export function occurrences(hay: string, needle: string): number {
  let n = 0;
  for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + needle.length)) n++;
  return n;
}

export function basename(u: string, base: string): string {
  return decodeURIComponent(new URL(u, base).pathname.split('/').pop() ?? '');
}
