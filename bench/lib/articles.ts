/**
 * Deterministic generator of realistic saved articles for the library benches
 * (bench/library.ts, bench/export.ts). Pure: no DOM, no browser, no I/O.
 *
 * Each article is ~`targetBytes` (default 30 KB) of sanitised-looking HTML: paragraphs of
 * varied words (a Zipf-like vocabulary of real English words plus generated rarer words and
 * names), sub-headings, quotes, lists, links, emphasis and an occasional figure. Titles,
 * bylines, publishers, aggregators, tags, dates and states vary with a seeded PRNG, so the same
 * `(seed, i)` always gives the same article and any index can be generated on its own.
 */
import type { AggregatorId } from '../../utils/types';
import type { SavedItem } from '../../utils/library/types';
import { seededRandom } from '../score';

/** Deterministic PRNG (mulberry32), the one bench/score.ts uses for its bootstrap. */
export const rng: (seed: number) => () => number = seededRandom;

const COMMON = (
  'the of and to a in that is was for on with as by at from it his her their said has have ' +
  'had not but are were be this which an they after also more than its one about who been new ' +
  'year people would when there will two first over into can up out last other government ' +
  'could all if some so what time while before since most three city state country police ' +
  'week during report told percent million under only against between where those former just ' +
  'minister officials public according company years later because world told still next'
).split(/\s+/);

const TOPICAL = (
  'harbour council river budget ferry school rail market winter garden election tariff ' +
  'inflation drought hospital vaccine reservoir bridge motorway airport festival museum ' +
  'orchestra stadium league championship coach striker referee treaty embassy parliament ' +
  'senator governor mayor protest strike union wages pension housing rent mortgage interest ' +
  'bank currency export import shipping container port refinery pipeline turbine solar ' +
  'battery vehicle factory semiconductor software startup investor regulator lawsuit court ' +
  'judge verdict appeal prosecutor detective suspect witness wildfire flood earthquake storm ' +
  'forecast temperature glacier coastline fishery orchard vineyard harvest wheat coffee cocoa ' +
  'satellite telescope astronaut laboratory researcher university student teacher curriculum ' +
  'library novel author poet painter gallery exhibition theatre cinema director premiere ' +
  'album concert tour ticket restaurant chef menu recipe tourism hotel island village valley ' +
  'mountain trail cyclist marathon athlete olympic medal record transfer contract negotiation ' +
  'ceasefire refugee border customs visa passport census survey poll campaign candidate ballot'
).split(/\s+/);

const NAMES_FIRST = 'Ada Ben Chloe Dev Elena Farid Grace Hiro Ines Jonas Kemi Liam Maya Noor Omar Priya Quinn Rosa Sami Tomas Uma Viktor Wen Yara Zoe'.split(' ');
const NAMES_LAST = 'Reyes Okafor Lindqvist Tanaka Moreau Haddad Novak Kowalski Byrne Singh Achebe Ferreira Olsen Petrov Walsh Nakamura Duarte Larsen Mensah Castillo'.split(' ');
const PLACES = 'Auckland Lisbon Nairobi Osaka Winnipeg Valparaiso Tbilisi Bergen Adelaide Cork Leipzig Medellin Hanoi Accra Tampere Porto Kraków Quebec Dunedin Ghent'.split(' ');

export const PUBLISHERS: Array<{ name: string; host: string }> = [
  'Latin Times', 'The Harbour Gazette', 'Northern Ledger', 'Daily Meridian', 'The Coastal Post',
  'Evening Standard-Bearer', 'Metro Courier', 'The Civic Review', 'Pacific Dispatch', 'Riverbend Herald',
  'The Valley Times', 'Business Quarterly', 'Science Weekly', 'The Sports Desk', 'Capital Observer',
  'Global Wire', 'The Morning Record', 'Highland Chronicle', 'Urban Journal', 'The Tech Monitor',
  'Atlantic Bulletin', 'Southern Cross News', 'The Market Report', 'Lakeside Sentinel', 'Culture & Arts Review',
  'The Policy Brief', 'Frontier Telegraph', 'The Weekend Edition', 'Island Times', 'The Data Journal',
  'Commonwealth Examiner', 'The Health Letter', 'Prairie Voice', 'Harbourside Daily', 'The Climate Desk',
  'Union Street Press', 'Westside Mirror', 'The Foreign Correspondent', 'Summit Post', 'Kyoto Shimbun English',
].map((name) => ({ name, host: name.toLowerCase().replace(/[^a-z]+/g, '') + '.example' }));

const AGGREGATORS: Array<{ id: AggregatorId | null; host: string }> = [
  { id: null, host: '' },
  { id: null, host: '' },
  { id: 'inkl', host: 'www.inkl.com' },
  { id: 'msn', host: 'www.msn.com' },
  { id: 'yahoo', host: 'news.yahoo.com' },
  { id: 'aol', host: 'www.aol.com' },
  { id: 'flipboard', host: 'flipboard.com' },
  { id: 'newsbreak', host: 'www.newsbreak.com' },
  { id: 'smartnews', host: 'www.smartnews.com' },
  { id: 'groundnews', host: 'ground.news' },
];

const TAGS = 'politics economy climate sport science tech culture health travel food longread to-share research work weekend local world'.split(' ');

const pick = <T>(r: () => number, a: readonly T[]): T => a[Math.floor(r() * a.length)]!;

/** A rarer generated word (so the index sees a realistic long tail of distinct terms). */
function rareWord(r: () => number): string {
  const syl = ['ka', 'lo', 'mer', 'ti', 'san', 'dra', 'vel', 'or', 'un', 'es', 'quin', 'bar', 'nat', 'ol', 'ri', 'gen', 'tho', 'wal'];
  const n = 2 + Math.floor(r() * 3);
  let w = '';
  for (let k = 0; k < n; k++) w += pick(r, syl);
  return w;
}

/** An article's own vocabulary: a few topical words and places (so a topical query hits some
 * articles, not all), plus a small chance of any topical word. */
interface Topic {
  words: string[];
  places: string[];
}

function topicOf(r: () => number): Topic {
  const words = Array.from({ length: 12 + Math.floor(r() * 12) }, () => pick(r, TOPICAL));
  const places = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(r, PLACES));
  return { words, places };
}

function word(r: () => number, topic: Topic): string {
  const x = r();
  if (x < 0.55) return COMMON[Math.floor(Math.pow(r(), 2) * COMMON.length)]!;
  if (x < 0.87) return pick(r, topic.words);
  if (x < 0.875) return pick(r, TOPICAL);
  if (x < 0.93) return pick(r, topic.places);
  if (x < 0.95) return String(Math.floor(r() * 2030));
  return rareWord(r);
}

function sentence(r: () => number, topic: Topic, min = 8, max = 28): string {
  const n = min + Math.floor(r() * (max - min));
  const ws: string[] = [];
  for (let k = 0; k < n; k++) ws.push(word(r, topic));
  let s = ws.join(' ');
  s = s[0]!.toUpperCase() + s.slice(1);
  return s + pick(r, ['.', '.', '.', '.', '?', '!']);
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function paragraph(r: () => number, topic: Topic, pub: { host: string }): string {
  const n = 3 + Math.floor(r() * 5);
  const parts: string[] = [];
  for (let k = 0; k < n; k++) {
    let s = escapeHtml(sentence(r, topic));
    const y = r();
    if (y < 0.08) s = `<em>${s}</em>`;
    else if (y < 0.12) s = `<strong>${s}</strong>`;
    else if (y < 0.2) {
      const w = s.split(' ');
      const at = Math.floor(r() * Math.max(1, w.length - 3));
      w[at] = `<a href="https://${pub.host}/topic/${Math.floor(r() * 900)}">${w[at]}`;
      w[at + 2] = `${w[at + 2] ?? ''}</a>`;
      s = w.join(' ');
    }
    parts.push(s);
  }
  return `<p>${parts.join(' ')}</p>`;
}

/** Article body HTML of about `targetBytes` characters. */
export function articleHtml(r: () => number, topic: Topic, pub: { host: string }, targetBytes: number, marker: string): string {
  const out: string[] = [];
  let size = 0;
  const push = (s: string) => {
    out.push(s);
    size += s.length;
  };
  push(`<p>${escapeHtml(sentence(r, topic, 20, 40))} ${marker}</p>`);
  while (size < targetBytes) {
    const x = r();
    if (x < 0.07) push(`<h2>${escapeHtml(sentence(r, topic, 3, 8).replace(/[.?!]$/, ''))}</h2>`);
    else if (x < 0.1) push(`<blockquote><p>“${escapeHtml(sentence(r, topic, 10, 24))}”</p></blockquote>`);
    else if (x < 0.13) {
      const n = 3 + Math.floor(r() * 4);
      const lis = Array.from({ length: n }, () => `<li>${escapeHtml(sentence(r, topic, 4, 12))}</li>`);
      push(`<ul>${lis.join('')}</ul>`);
    } else if (x < 0.145)
      push(
        `<figure><img src="https://${pub.host}/img/${Math.floor(r() * 1e6)}.jpg" alt="${escapeHtml(sentence(r, topic, 3, 8))}" width="800" height="533"><figcaption>${escapeHtml(sentence(r, topic, 5, 14))}</figcaption></figure>`,
      );
    else push(paragraph(r, topic, pub));
  }
  return out.join('\n');
}

export interface GenOptions {
  seed?: number;
  /** approximate size of each article's html, in characters (default 30,000) */
  targetBytes?: number;
  /** newest savedAt (default 2026-11-01T00:00:00Z); item i is saved i minutes after the first */
  end?: Date;
}

/** The i-th article (0-based) of a library of `n`; index n-1 is the newest. */
export function makeArticle(i: number, n: number, opts: GenOptions = {}): SavedItem {
  const seed = opts.seed ?? 20261129;
  const r = rng((seed ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0);
  const pub = pick(r, PUBLISHERS);
  const agg = pick(r, AGGREGATORS);
  const topic = topicOf(r);
  const place = topic.places[0]!;
  const title = `${sentence(r, topic, 4, 11).replace(/[.?!]$/, '')} in ${place}`;
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').slice(0, 60).replace(/-$/, '');
  const original = `https://${pub.host}/${2020 + Math.floor(r() * 7)}/${slug}-${i}`;
  const url = agg.id ? `https://${agg.host}/news/${slug}-${(i * 7919).toString(36)}` : original;
  const byline = r() < 0.85 ? `${pick(r, NAMES_FIRST)} ${pick(r, NAMES_LAST)}${r() < 0.15 ? ` and ${pick(r, NAMES_FIRST)} ${pick(r, NAMES_LAST)}` : ''}` : null;
  const end = (opts.end ?? new Date(Date.UTC(2026, 10, 1))).getTime();
  const savedAt = new Date(end - (n - 1 - i) * 60_000).toISOString();
  const published = new Date(end - (n - 1 - i) * 60_000 - Math.floor(r() * 5 * 86_400_000)).toISOString().slice(0, 10);
  const tagCount = r() < 0.5 ? 0 : 1 + Math.floor(r() * 3);
  const tags = [...new Set(Array.from({ length: tagCount }, () => pick(r, TAGS)))];
  const html = articleHtml(r, topic, pub, opts.targetBytes ?? 30_000, `benchmarker${i}x`);
  const words = html.replace(/<[^>]+>/g, ' ').split(/\s+/).filter(Boolean).length;
  const readingMinutes = Math.max(1, Math.round(words / 230));
  const excerpt = html.replace(/<[^>]+>/g, '').slice(0, 200);
  return {
    id: `bench-${i}`,
    url,
    title,
    byline,
    source: { name: pub.name, url: original },
    aggregator: agg.id,
    published,
    savedAt,
    tags,
    archived: r() < 0.3,
    favourite: r() < 0.08,
    words,
    hasContent: true,
    html,
    canonicalUrl: original,
    excerpt,
    leadImage: r() < 0.6 ? `https://${pub.host}/img/lead-${i}.jpg` : null,
    readingMinutes,
    lang: 'en',
    dir: 'ltr',
    read: r() < 0.2,
    progress: Math.round(r() * 100) / 100,
    updatedAt: savedAt,
  };
}

export function makeLibrary(n: number, opts: GenOptions = {}): SavedItem[] {
  return Array.from({ length: n }, (_, i) => makeArticle(i, n, opts));
}

/** A full publisher page for `item` (what a tab would show before Save), for save benches. */
export function articlePage(item: SavedItem): string {
  const pub = item.source?.name ?? 'Publisher';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(item.title)} | ${escapeHtml(pub)}</title>
<meta property="og:title" content="${escapeHtml(item.title)}"><meta property="og:site_name" content="${escapeHtml(pub)}">
<meta property="og:type" content="article"><meta name="author" content="${escapeHtml(item.byline ?? '')}">
<meta property="article:published_time" content="${item.published}T08:00:00Z">
<link rel="canonical" href="${escapeHtml(item.source?.url ?? item.url)}"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav></header>
<main><article><h1>${escapeHtml(item.title)}</h1><p class="byline">By ${escapeHtml(item.byline ?? 'Staff')}</p>
<time datetime="${item.published}">${item.published}</time>
${item.html}
</article></main><footer><p>© ${escapeHtml(pub)}</p></footer></body></html>`;
}

/** Search queries for the benches: common, topical, rare, two-word, prefix, exact marker. */
export function searchQueries(n: number, count: number, seed = 7): string[] {
  const r = rng(seed);
  const out: string[] = [];
  for (let k = 0; out.length < count; k++) {
    const kind = k % 6;
    if (kind === 0) out.push(pick(r, TOPICAL));
    else if (kind === 1) out.push(`${pick(r, TOPICAL)} ${pick(r, PLACES)}`);
    else if (kind === 2) out.push(pick(r, PUBLISHERS).name.split(' ').slice(-1)[0]!);
    else if (kind === 3) out.push(pick(r, TOPICAL).slice(0, 4));
    else if (kind === 4) out.push(`benchmarker${Math.floor(r() * n)}x`);
    else out.push(`${pick(r, NAMES_LAST)}`);
  }
  return out;
}

/** Percentile (nearest-rank) of numbers. */
export function percentile(xs: number[], p: number): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const fmtMs = (x: number): string => (Number.isFinite(x) ? (x >= 100 ? x.toFixed(0) : x.toFixed(1)) : '—');
export const fmtMB = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
