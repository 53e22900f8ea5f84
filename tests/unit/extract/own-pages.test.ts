// @vitest-environment node
/**
 * Own fixtures (tests/fixtures/pages/<adapter>--<slug>.html, fictional text): adapters without a
 * shared fixture, every wall technique, RTL, CJK.
 */
import { describe, expect, it } from 'vitest';
import { detectPage, extractArticle } from '../../../utils/extract/index';
import { cleanCopy } from '../../../utils/extract/clean';
import { flat, load, occurrences, ownPage } from './fixtures';

interface Case {
  aggregator: string | null;
  isArticle: boolean;
  title?: string;
  byline?: string | null;
  source?: { name: string; url: string | null } | null;
  published?: string | null;
  lang?: string;
  dir?: 'ltr' | 'rtl';
  mustContain?: string[];
  mustNotContain?: string[];
}

const CASES: Record<string, Case> = {
  'yahoo-japan--article': {
    aggregator: 'yahoo-japan',
    isArticle: true,
    title: '北湊市、路面電車の延伸計画を正式決定 2031年開業目指す',
    byline: null,
    source: { name: '北湊新報', url: null },
    published: '2026-04-12T09:15:00+09:00',
    lang: 'ja',
    dir: 'ltr',
    mustContain: [
      '北湊市は11日、市中心部を走る路面電車を港地区まで約3.2キロ延伸する計画を正式に決定したと発表した。',
      '市長は記者会見で「港と中心市街地をつなぐ一本の線が、まちの将来を左右する。',
      '市は今年度中に詳細設計に着手し、来年度には国の交付金を申請する予定だ。',
    ],
    mustNotContain: ['広告', 'アクセスランキング', '関連記事', '利用規約', 'ログイン'],
  },
  'yahoo-japan--pickup': { aggregator: 'yahoo-japan', isArticle: false },
  'newsnow--world-news': { aggregator: 'newsnow', isArticle: false },
  'groundnews--story': {
    aggregator: 'groundnews',
    isArticle: true,
    title: 'Harbour City votes to pedestrianise Old Market Street',
    byline: null,
    // a multi-source story: no single original publisher, and never "Ground News"
    source: null,
    published: '2026-05-06T17:20:00Z',
    mustContain: [
      'Harbour City councillors voted 9-4 on Tuesday night',
      'a public consultation on street furniture and planting will run through the summer.',
    ],
    mustNotContain: ['Coverage Details', 'Similar News Topics', 'Subscribe', 'Blindspot', 'L 40%'],
  },
  'publisher--shadow-root': {
    aggregator: null,
    isArticle: true,
    title: 'Vineyards put up owl boxes to control gophers',
    byline: 'Tomas Eriksen',
    source: { name: 'The Valley Herald', url: 'https://www.valleyherald.example/science/2026/07/08/owl-boxes-vineyards/' },
    published: '2026-07-08T06:30:00-07:00',
    mustContain: [
      'Grape growers across the Alder Valley have mounted more than 900 wooden nest boxes',
      'a study she expects to finish by the end of next year.',
    ],
    mustNotContain: ['font-family', 'About Us'],
  },
  'publisher--jsonld-teaser': {
    aggregator: null,
    isArticle: true,
    title: 'Ferry operator freezes fares for a second year',
    byline: 'Bronwyn Achterberg',
    source: { name: 'North Shore Times', url: 'https://www.northshoretimes.example/business/2026/03/19/ferry-fares-freeze/' },
    published: '2026-03-19T08:00:00+00:00',
    mustContain: [
      'The North Shore ferry operator will keep adult single fares at 4.20',
      'Passenger journeys rose by 11 percent last year',
      'once the cost of replacing two of its oldest vessels is clearer.',
    ],
    mustNotContain: ['This story is for subscribers', 'Subscribe now'],
  },
  'publisher--noscript': {
    aggregator: null,
    isArticle: true,
    title: 'Ptarmigan count rises on the high plateau',
    byline: 'Ailsa Grant',
    published: '2026-10-02',
    mustContain: [
      'Volunteer surveyors counted 214 ptarmigan on the high plateau this autumn',
      'The birds, which turn white in winter',
      'on the first Thursday of November.',
    ],
  },
  'publisher--line-clamp': {
    aggregator: null,
    isArticle: true,
    title: 'Town library starts lending seeds',
    byline: 'Dana Kowalczyk',
    published: '2026-08-14T10:00:00-06:00',
    mustContain: [
      'The Cedar Bend public library has added a new kind of collection',
      'The library will hold a seed-saving workshop on the second Saturday of September',
    ],
    mustNotContain: ['Continue reading with a Courier pass', 'Get a pass'],
  },
  'publisher--opacity-select': {
    aggregator: null,
    isArticle: true,
    title: 'Footbridge lights to be replaced with warmer LEDs',
    byline: 'Kwame Mensah-Lord',
    published: null,
    mustContain: [
      'bats avoided the brightest stretch of the bridge almost entirely on summer nights.',
      'The replacement will cost about 180,000',
      'Residents can view the lamp designs at the central library',
    ],
    mustNotContain: ['You have read all your free articles this month.', 'Become a member'],
  },
  'publisher--rtl-arabic': {
    aggregator: null,
    isArticle: true,
    title: 'قارب مكتبة يجوب قرى الساحل',
    byline: 'سلمى الحداد',
    source: { name: 'أخبار الساحل', url: 'https://www.sahilnews.example/ar/local/2026/06/21/library-boat/' },
    published: '2026-06-21T11:00:00+03:00',
    lang: 'ar',
    dir: 'rtl',
    mustContain: [
      'بدأ قارب صغير محمّل بأكثر من ألفي كتاب',
      'وإن الجمعية تأمل في إضافة قارب ثانٍ قبل نهاية العام.',
    ],
    mustNotContain: ['أخبار ذات صلة', 'افتتاح مكتبة جديدة في المدينة'],
  },
};

/** What a browser does with `<template shadowrootmode="open">` (jsdom does not): attach it. */
function attachDeclarativeShadowRoots(doc: Document): void {
  for (const tpl of Array.from(doc.querySelectorAll('template[shadowrootmode]'))) {
    const host = tpl.parentElement!;
    const root = host.attachShadow({ mode: 'open' });
    root.appendChild((tpl as HTMLTemplateElement).content.cloneNode(true));
    tpl.remove();
  }
}

/** What a browser with scripting on does with <noscript>: its content is raw text. */
function noscriptAsRawText(doc: Document, source: string): void {
  const raw = /<noscript>([\s\S]*?)<\/noscript>/i.exec(source)?.[1] ?? '';
  const ns = doc.querySelector('noscript')!;
  ns.replaceChildren(doc.createTextNode(raw));
}

function run(name: string, prepare?: (doc: Document, html: string) => void) {
  const page = ownPage(name);
  const doc = load(page.html, page.url);
  prepare?.(doc, page.html);
  return { page, doc, article: extractArticle(doc, page.url), detection: detectPage(doc, page.url) };
}

function check(name: string, c: Case, prepare?: (doc: Document, html: string) => void) {
  const { article: a, detection } = run(name, prepare);
  expect(detection.aggregator).toBe(c.aggregator);
  expect(detection.isArticle).toBe(c.isArticle);
  expect(a).not.toBeNull();
  if (!a) return;
  if (!c.isArticle) {
    expect(a.text).toBe('');
    return;
  }
  const body = flat(a.text);
  if (c.title !== undefined) expect(a.title).toBe(c.title);
  if (c.byline !== undefined) expect(a.byline).toBe(c.byline);
  if (c.source !== undefined) expect(a.source).toEqual(c.source);
  if (c.published !== undefined) expect(a.published).toBe(c.published);
  if (c.lang) expect(a.lang).toBe(c.lang);
  if (c.dir) expect(a.dir).toBe(c.dir);
  for (const s of c.mustContain ?? []) expect(occurrences(body, s), s).toBe(1);
  for (const s of c.mustNotContain ?? []) expect(body.includes(s), s).toBe(false);
  expect(a.readingMinutes).toBeGreaterThanOrEqual(1);
}

describe('own fixture pages', () => {
  for (const [name, c] of Object.entries(CASES)) {
    if (name === 'publisher--shadow-root') continue;
    it(name, () => check(name, c));
  }

  it('publisher--shadow-root: text inside an open shadow root is read (cloneNode does not copy it)', () => {
    check('publisher--shadow-root', CASES['publisher--shadow-root'], (doc) => attachDeclarativeShadowRoots(doc));
  });

  it('publisher--shadow-root: the page keeps its shadow root and light DOM untouched', () => {
    const { doc } = run('publisher--shadow-root', (d) => attachDeclarativeShadowRoots(d));
    const host = doc.querySelector('herald-story')!;
    expect(host.shadowRoot?.querySelectorAll('p').length).toBe(4);
    expect(host.children.length).toBe(0);
  });

  it("Lectern's own open overlay (<lectern-reader> shadow root) never becomes page content", () => {
    const addOverlay = (doc: Document) => {
      attachDeclarativeShadowRoots(doc);
      const host = doc.createElement('lectern-reader');
      const root = host.attachShadow({ mode: 'open' });
      const p = doc.createElement('p');
      p.textContent = 'Overlay copy of the story: '.repeat(12);
      root.appendChild(p);
      doc.body.appendChild(host);
    };
    const { article, doc } = run('publisher--shadow-root', addOverlay);
    expect(article!.text).toContain('Grape growers across the Alder Valley');
    expect(article!.text).not.toContain('Overlay copy of the story');
    // the working copy gets the page's shadow content but not the overlay's
    const copy = doc.cloneNode(true) as Document;
    const report = cleanCopy(doc, copy, { adapter: null, headline: null });
    expect(report.shadowRoots).toBe(1);
    expect(copy.querySelector('herald-story')?.textContent).toContain('Grape growers');
    expect(copy.querySelector('lectern-reader')?.textContent ?? '').toBe('');
  });

  it('publisher--shadow-root: nested open shadow roots (web-component pages) are read too', () => {
    const { article } = run('publisher--shadow-root', (doc) => {
      attachDeclarativeShadowRoots(doc);
      // move the story one level deeper: <herald-story> -> shadow -> <story-body> -> shadow -> paragraphs
      const outer = doc.querySelector('herald-story')!.shadowRoot!;
      const inner = doc.createElement('story-body');
      const innerRoot = inner.attachShadow({ mode: 'open' });
      innerRoot.append(...Array.from(outer.childNodes));
      const slotted = doc.createElement('p');
      slotted.textContent = 'A slotted note from the light DOM that the shadow tree places after the story text.';
      const slot = doc.createElement('slot');
      innerRoot.appendChild(slot);
      outer.appendChild(inner);
      doc.querySelector('herald-story')!.appendChild(slotted);
    });
    const t = flat(article!.text);
    expect(occurrences(t, 'Grape growers across the Alder Valley have mounted more than 900 wooden nest boxes')).toBe(1);
    expect(occurrences(t, 'a study she expects to finish by the end of next year.')).toBe(1);
  });

  it('publisher--noscript: also when <noscript> content is raw text (scripting on), without duplicates', () => {
    check('publisher--noscript', CASES['publisher--noscript'], (doc, html) => noscriptAsRawText(doc, html));
  });

  it('CJK reading time counts characters, not spaces', () => {
    const { article } = run('yahoo-japan--article');
    // ~420 CJK characters: about two per word
    expect(article!.words).toBeGreaterThan(150);
    expect(article!.words).toBeLessThan(300);
  });

  it('every own fixture is listed here (no silently untested page)', async () => {
    const { ownPages } = await import('./fixtures');
    // publisher--hostile is checked by tests/unit/extract/sanitize.test.ts
    const known = [...Object.keys(CASES), 'publisher--hostile'];
    for (const p of ownPages()) expect(known).toContain(p.name);
  });
});
