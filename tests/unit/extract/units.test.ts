// @vitest-environment node
/** Unit tests for the pipeline's small parts: dates, bylines, words, text, titles, detection, attribution, un-hiding. */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JSDOM } from 'jsdom';
import { blockText, countWords, isHomepage, tokensOf } from '../../../utils/extract/dom';
import { cleanByline, imageSrc, normalizeDate, stripTitleSuffix } from '../../../utils/extract/metadata';
import { detectPage, extractArticle } from '../../../utils/extract/index';
import { isDateLine } from '../../../utils/extract/postclean';
import { flat } from './fixtures';

const PROSE = [
  'The county water board approved a plan on Monday to replace 14 miles of cast-iron mains over the next six years, starting with the oldest pipes under the downtown grid.',
  'Engineers told the board that the pipes, most of them laid before 1930, account for nearly half of the main breaks recorded in the county since 2015.',
  'The work will be paid for with a mix of state loans and a rate increase of about four dollars a month for a typical household, phased in over three years.',
  'Board members asked staff to publish a street-by-street schedule before construction begins so that businesses can plan around closures.',
];

function page(body: string, head = '', url = 'https://www.countyledger.example/news/2026/01/05/water-mains/'): Document {
  return new JSDOM(`<!doctype html><html lang="en"><head><title>Water board approves main replacement | County Ledger</title>${head}</head><body>${body}</body></html>`, { url }).window.document;
}

function article(extra = '', h1 = 'Water board approves main replacement'): string {
  return `<main><article><h1>${h1}</h1><p class="byline">By Mara Quinlan</p>${PROSE.map((p) => `<p>${p}</p>`).join('')}${extra}</article></main>`;
}

describe('normalizeDate', () => {
  it('keeps ISO precision and offsets', () => {
    expect(normalizeDate('2026-09-02T13:45:00-05:00')).toBe('2026-09-02T13:45:00-05:00');
    expect(normalizeDate('2026-04-08T10:22:00.000Z')).toBe('2026-04-08T10:22:00.000Z');
    expect(normalizeDate('2026-10-02')).toBe('2026-10-02');
    expect(normalizeDate('2026-05-21 19:15:00')).toBe('2026-05-21T19:15:00');
    expect(normalizeDate('2026-05-21T19:15:00+0200')).toBe('2026-05-21T19:15:00+02:00');
  });
  it('reads other date strings as instants and rejects junk', () => {
    expect(normalizeDate('Wed, 08 Apr 2026 10:22:00 GMT')).toBe('2026-04-08T10:22:00.000Z');
    expect(normalizeDate('3h')).toBeNull();
    expect(normalizeDate('')).toBeNull();
    expect(normalizeDate('not a date 2026x')).toBeNull();
    expect(normalizeDate('0001-01-01T00:00:00Z')).toBeNull();
  });
});

describe('cleanByline', () => {
  it('drops By / Story by and trailing dates', () => {
    expect(cleanByline('By Janelle Fisher')).toBe('Janelle Fisher');
    expect(cleanByline('Story by Caleb Whitfield')).toBe('Caleb Whitfield');
    expect(cleanByline('By Ingrid Solberg-Hale · September 14, 2026')).toBe('Ingrid Solberg-Hale');
    expect(cleanByline('By Priya Raman · Fri 27 Feb 2026 · Originally published on The Cascade Observer')).toBe('Priya Raman');
    expect(cleanByline('Marcus Bell and Lydia Okonkwo')).toBe('Marcus Bell and Lydia Okonkwo');
    expect(cleanByline('Meg James Staff Writer')).toBe('Meg James');
    expect(cleanByline('بقلم سلمى الحداد')).toBe('سلمى الحداد');
  });
  it('never takes a curator, a URL, a date or an aggregator', () => {
    expect(cleanByline('Flipped into Nature Notes by Jordan Pike')).toBeNull();
    expect(cleanByline('https://example.com/staff/x')).toBeNull();
    expect(cleanByline('12 March 2026')).toBeNull();
    expect(cleanByline('By MSN', ['MSN'])).toBeNull();
  });
});

describe('countWords / blockText', () => {
  it('counts Latin words and CJK characters sensibly, at least one minute', () => {
    expect(countWords('one two three')).toEqual({ words: 3, readingMinutes: 1 });
    const latin = Array.from({ length: 690 }, () => 'word').join(' ');
    expect(countWords(latin).readingMinutes).toBe(3);
    const cjk = '路面電車'.repeat(250); // 1000 characters, about 2 minutes
    expect(countWords(cjk)).toEqual({ words: 500, readingMinutes: 2 });
  });
  it('separates blocks with newlines and keeps inline text together', () => {
    const d = page('<div id="x"><h2>Head</h2><p>One <b>bold</b> line</p><ul><li>a</li><li>b</li></ul>tail<br>after</div>');
    expect(blockText(d.getElementById('x')!)).toBe('Head\nOne bold line\na\nb\ntail\nafter');
  });
});

describe('small helpers', () => {
  it('stripTitleSuffix', () => {
    expect(stripTitleSuffix('Port Calder council approves corridor | inkl', ['inkl'])).toBe('Port Calder council approves corridor');
    expect(stripTitleSuffix('Millbrook library extends hours - NewsBreak', ['NewsBreak'])).toBe('Millbrook library extends hours');
  });
  it('isHomepage', () => {
    expect(isHomepage('https://www.meridianwire.example/')).toBe(true);
    expect(isHomepage('https://www.meridianwire.example/en/')).toBe(true);
    expect(isHomepage('https://www.meridianwire.example/world/story-1')).toBe(false);
  });
  it('tokensOf splits classes, ids and camelCase', () => {
    expect(tokensOf('AppBanner_root__1qWm8 sn-wall')).toEqual(['app', 'banner', 'root', '1q', 'wm8', 'sn', 'wall']);
  });
});

describe('isDateLine', () => {
  it('recognises date/time-only lines and nothing else', () => {
    for (const t of ['Published 11:11 PM EST Nov 19, 2019', '19.11.2019, 08:57', 'November 20, 2019', 'Updated: Sat 8:31 PM, Feb 17, 2018', '12 March 2026 · 3 min read']) {
      expect(isDateLine(t), t).toBe(true);
    }
    for (const t of ['You can view our June 2018 open thread here.', 'The vote was 2019 to 1.', 'By Mara Quinlan', 'Summary']) {
      expect(isDateLine(t), t).toBe(false);
    }
  });
});

describe('imageSrc', () => {
  const img = (attrs: string) => page(`<img ${attrs}>`).querySelector('img')!;
  it('prefers the lazy source when src is a placeholder', () => {
    expect(imageSrc(img('src="data:image/gif;base64,R0lGOD" data-src="real.png"'))).toBe('real.png');
    expect(imageSrc(img('src="/img/preloader.gif" data-lazy-src="/photos/a.jpg"'))).toBe('/photos/a.jpg');
    expect(imageSrc(img('src="/photos/b.jpg"'))).toBe('/photos/b.jpg');
    expect(imageSrc(img('src="data:image/gif;base64,R0lGOD"'))).toBeNull();
  });
});

describe('generic detection', () => {
  it('an ordinary article with a headline and prose is an article', () => {
    expect(detectPage(page(article()), 'https://www.countyledger.example/x').isArticle).toBe(true);
  });
  it('a sign-in page is not, even with a teaser paragraph', () => {
    const d = page('<main><h1>Sign in to your account</h1><form><input type="email"><input type="password"></form><p>Welcome back.</p></main>');
    expect(detectPage(d, 'https://www.countyledger.example/account/login').isArticle).toBe(false);
  });
  it('a CollectionPage listing is not an article', () => {
    const cards = Array.from({ length: 8 }, (_, i) => `<article><h2>Story ${i}</h2><p>${PROSE[i % 4]}</p></article>`).join('');
    const d = page(`<main><h1>Local news</h1>${cards}</main>`, '<script type="application/ld+json">{"@type":"CollectionPage","name":"Local"}</script><meta property="og:type" content="website">');
    expect(detectPage(d, 'https://www.countyledger.example/local/').isArticle).toBe(false);
  });
  it('non-articles give metadata only unless forced', () => {
    const d = page('<main><h1>Sign in</h1><form><input type="password"></form></main>');
    const a = extractArticle(d, 'https://www.countyledger.example/login');
    expect(a?.isArticle).toBe(false);
    expect(a?.html).toBe('');
  });
});

describe('un-hiding and wall removal (generic rules)', () => {
  it('brings back hidden prose in the article but not hidden menus, templates or inputs', () => {
    const extra =
      `<div style="display:none" class="rest"><p>Crews will start on Harbor Street in April and move east one block at a time through the summer months.</p></div>` +
      `<nav hidden><a href="/a">Hidden menu item one</a><a href="/b">Hidden menu item two</a></nav>` +
      `<template><p>Template text that is never rendered anywhere on the page at all, not even later.</p></template>` +
      `<input type="hidden" value="secret-token-value">` +
      `<span aria-hidden="true"> · </span>`;
    const a = extractArticle(page(article(extra)), 'https://www.countyledger.example/news/x')!;
    const t = flat(a.text);
    expect(t).toContain('Crews will start on Harbor Street in April');
    expect(t).not.toContain('Hidden menu item');
    expect(t).not.toContain('Template text');
    expect(a.html).not.toContain('secret-token-value');
  });

  it('removes dialogs, cookie bars, newsletter boxes and promo labels by structure', () => {
    const extra =
      `<div role="dialog" aria-modal="true"><h2>Unlock unlimited reading</h2><a href="/join">Join now</a></div>` +
      `<div class="cookie-consent"><p>We use cookies to improve your experience on our site.</p><button>OK</button></div>` +
      `<div class="newsletter-signup"><h3>Get the morning briefing</h3><p>Sign up for our free email.</p></div>` +
      `<div class="inline-module"><strong>Read more:</strong> <a href="/x">Sewer rates rise again</a></div>` +
      `<div><span>Advertisement</span><div class="slot"></div></div>` +
      `<section><h2>Recommended for you</h2><ul><li><a href="/1">Bridge repairs delayed</a></li><li><a href="/2">Parking fees to rise</a></li></ul></section>`;
    const a = extractArticle(page(article(extra)), 'https://www.countyledger.example/news/x')!;
    const t = flat(a.text);
    for (const s of ['Unlock unlimited reading', 'We use cookies', 'Get the morning briefing', 'Read more:', 'Sewer rates rise again', 'Advertisement', 'Recommended for you', 'Bridge repairs delayed']) {
      expect(t, s).not.toContain(s);
    }
    for (const p of PROSE) expect(t).toContain(p);
  });

  it('drops a headline and byline repeated at the top of the body, and duplicated paragraphs', () => {
    const body =
      `<main><article><div class="content"><h2>Water board approves main replacement</h2><p>By Mara Quinlan</p>` +
      `${PROSE.map((p) => `<p>${p}</p>`).join('')}<p>${PROSE[1]}</p></div></article></main>`;
    const a = extractArticle(
      page(body, '<meta property="og:title" content="Water board approves main replacement"><meta name="author" content="Mara Quinlan">'),
      'https://www.countyledger.example/news/x',
    )!;
    expect(a.title).toBe('Water board approves main replacement');
    expect(a.byline).toBe('Mara Quinlan');
    expect(a.text.startsWith(PROSE[0])).toBe(true);
    expect(a.text.split(PROSE[1]).length - 1).toBe(1);
  });
});

describe('single-page navigation', () => {
  it('metadata caches follow the document when a site swaps its head on navigation', () => {
    const dom = new JSDOM(
      `<!doctype html><html><head><title>First story</title><meta property="og:site_name" content="County Ledger">` +
        `<script type="application/ld+json">{"@type":"NewsArticle","headline":"First story","author":{"name":"Ana One"}}</script></head><body>${article('', 'First story')}</body></html>`,
      { url: 'https://www.countyledger.example/news/first' },
    );
    const doc = dom.window.document;
    const first = extractArticle(doc, doc.URL)!;
    expect(first.published).toBeNull();
    expect(first.source?.name).toBe('County Ledger');
    // the site navigates: new URL, title, JSON-LD and meta
    dom.reconfigure({ url: 'https://www.countyledger.example/news/second' });
    doc.title = 'Second story';
    doc.querySelector('script[type="application/ld+json"]')!.textContent = '{"@type":"NewsArticle","headline":"Second story","datePublished":"2026-02-03"}';
    doc.querySelector('meta[property="og:site_name"]')!.setAttribute('content', 'Ledger Two');
    const a = extractArticle(doc, doc.URL)!;
    expect(a.published).toBe('2026-02-03');
    expect(a.source?.name).toBe('Ledger Two');
  });
});

describe('attribution on ordinary pages', () => {
  it('the site is the source, with its canonical URL; without canonical, the page URL without fragment', () => {
    const head = '<meta property="og:site_name" content="County Ledger"><link rel="canonical" href="/news/2026/01/05/water-mains/">';
    const a = extractArticle(page(article(), head), 'https://www.countyledger.example/news/2026/01/05/water-mains/?utm_source=x')!;
    expect(a.source).toEqual({ name: 'County Ledger', url: 'https://www.countyledger.example/news/2026/01/05/water-mains/' });
    const b = extractArticle(page(article(), '<meta property="og:site_name" content="County Ledger">'), 'https://www.countyledger.example/news/a#top')!;
    expect(b.source).toEqual({ name: 'County Ledger', url: 'https://www.countyledger.example/news/a' });
  });
});

describe('detect.ts stays small', () => {
  it('does not import Readability or DOMPurify (directly or through its imports)', () => {
    const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
    const seen = new Set<string>();
    const bad: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1];
        if (m[0].includes('import type') || m[0].includes('export type')) continue;
        if (spec.startsWith('.')) {
          const base = join(dirname(file), spec);
          visit(base.endsWith('.ts') ? base : `${base}.ts`);
        } else if (spec === 'dompurify' || spec === '@mozilla/readability') bad.push(`${file}: ${spec}`);
      }
    };
    visit(join(root, 'utils/extract/detect.ts'));
    expect(seen.size).toBeGreaterThan(2);
    expect(bad).toEqual([]);
  });
});
