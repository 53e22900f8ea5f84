/**
 * Page metadata read from the ORIGINAL document (never mutated): headline, byline, date,
 * language/direction, lead image, excerpt, canonical URL.
 */
import type { LeadImage } from '../types';
import type { Adapter } from '../adapters/types';
import { absUrl, byTag, metaContent, norm, spacedText, textOf } from './dom';
import { ldNames, ldString, ldUrl, type LdNode } from './jsonld';

const JUNK_ANCESTOR = '[role="dialog"], dialog, [aria-modal="true"], template, noscript, nav, footer';

/** Strip " | inkl", " - NewsBreak", " – Site" style suffixes from a document title. */
export function stripTitleSuffix(title: string, siteNames: string[]): string {
  let t = norm(title);
  for (const name of siteNames) {
    if (!name) continue;
    const esc = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    t = t.replace(new RegExp(`\\s*[|\\-–—:·•]\\s*${esc}\\s*$`, 'i'), '').replace(new RegExp(`^${esc}\\s*[|\\-–—:·•]\\s*`, 'i'), '');
  }
  const m = /^(.{15,}?)\s+[|–—]\s+[^|–—]{2,40}$/.exec(t);
  return m ? m[1] : t;
}

function simplify(s: string): string {
  return norm(s).toLowerCase().replace(/[‘’']/g, "'").replace(/[“”"]/g, '"');
}

/** The article's <h1> headline (and its element), falling back to metadata titles. */
export function findTitle(doc: Document, ld: LdNode | null, siteNames: string[]): { title: string; h1: Element | null } {
  const refs = [ldString(ld?.headline), metaContent(doc, 'og:title', 'twitter:title'), norm(doc.title)]
    .filter((x): x is string => !!x)
    .map((r) => simplify(stripTitleSuffix(r, siteNames)));
  const h1s = byTag(doc, 'h1');
  let firstOk: Element | null = null;
  for (let i = 0; i < h1s.length && i < 20; i++) {
    const h = h1s[i];
    const t = textOf(h);
    if (t.length < 3 || t.length > 400 || h.closest(JUNK_ANCESTOR)) continue;
    const s = simplify(t);
    if (refs.some((r) => r === s || (s.length >= 15 && (r.startsWith(s) || s.startsWith(r))))) return { title: t, h1: h };
    if (!firstOk && !siteNames.some((n) => n && simplify(n) === s)) firstOk = h;
  }
  if (firstOk) return { title: textOf(firstOk), h1: firstOk };
  const fallback =
    ldString(ld?.headline) ?? metaContent(doc, 'og:title', 'twitter:title') ?? (doc.title ? norm(doc.title) : '');
  return { title: stripTitleSuffix(fallback ?? '', siteNames), h1: null };
}

const BY_PREFIX = /^(?:(?:story|written|words|reporting|text|article)\s+by|by|von|par|por|door|di|بقلم|كتب|מאת)\s*[:\-–]?\s+/i;
const BYLINE_CLASS = /(?:^|[\s_-])(?:byline|author|authors|story-by|storyby|article-author|writer)(?:$|[\s_-])|Byline/;
const ROLE_SUFFIX = /\s+(?:(?:senior |chief |contributing |staff |special )?(?:writer|reporter|correspondent|editor|contributor|columnist)|view (?:more|all) (?:articles|posts|stories)|more (?:articles|posts|stories)(?: by [^,]+)?|follow|email|twitter)$/i;
const CURATOR = /\b(flipped|curated|shared|posted|saved|clipped|collected|recommended|picked)\s+(into|by|in)\b/i;

/** Clean a visible byline: drop "By"/"Story by", cut at dates and separators; null when it is not a name. */
export function cleanByline(raw: string | null | undefined, reject: string[] = []): string | null {
  let t = norm(raw);
  if (!t || CURATOR.test(t)) return null;
  t = t.split(/\s+[·•|—–]\s+|\s+-\s+|\s*\n\s*|\s[·•|]\s?|\s+(?:on|updated|published)\s+(?=\w+\.? \d|\d)/i)[0];
  t = t.replace(BY_PREFIX, '').replace(ROLE_SUFFIX, '').replace(/^[,:;·•|\s]+|[,:;·•|\s]+$/g, '');
  if (t.length < 2 || t.length > 120) return null;
  if (/https?:|www\.|@|\d{2,}/.test(t)) return null;
  if (t.split(/\s+/).length > 14) return null;
  if (!/^\p{Lu}|^[\p{Lo}]/u.test(t)) return null;
  if (reject.some((r) => r && r.toLowerCase() === t.toLowerCase())) return null;
  return t;
}

function joinNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

function articleContainer(h1: Element | null, doc: Document): Element {
  if (!h1) return doc.body ?? doc.documentElement;
  return (
    h1.closest('article, [role="article"], main, [role="main"]') ??
    h1.parentElement?.parentElement?.parentElement ??
    h1.parentElement ??
    doc.body
  );
}

/** first "By …" text node near the headline, read as its block's text */
function visibleByText(container: Element): string | null {
  const walker = container.ownerDocument.createTreeWalker(container, 4 /* SHOW_TEXT */);
  let n: Node | null;
  let seen = 0;
  while ((n = walker.nextNode()) && seen++ < 600) {
    const v = (n.nodeValue ?? '').trim();
    if (!v || !/^(?:(?:story|written|words|reporting)\s+by|By)\b/.test(v)) continue;
    const parent = n.parentElement;
    if (!parent || parent.closest('p') && textOf(parent.closest('p')).length > 200) continue;
    if (parent.closest(JUNK_ANCESTOR)) continue;
    let block: Element = parent;
    while (block.parentElement && /^(A|SPAN|STRONG|B|EM|I|SMALL)$/.test(block.tagName) && textOf(block.parentElement).length < 200) {
      block = block.parentElement;
    }
    const t = spacedText(block);
    if (t.length < 250) return t;
  }
  return null;
}

export function findByline(
  doc: Document,
  h1: Element | null,
  ld: LdNode | null,
  adapter: Adapter | null,
  reject: string[],
): string | null {
  const container = articleContainer(h1, doc);
  const ldAuthors = ldNames(ld?.author).filter((n) => !reject.some((r) => r.toLowerCase() === n.toLowerCase()));
  const tryClean = (raw: string | null | undefined) => cleanByline(raw, reject);

  // 1. adapter-specific visible byline
  for (const sel of adapter?.bylineSelectors ?? []) {
    const el = doc.querySelector(sel);
    const b = el && !el.closest(JUNK_ANCESTOR) ? tryClean(spacedText(el)) : null;
    if (b) return b;
  }
  // 2. marked-up author links / byline blocks near the headline (one element walk, no selector engine)
  const authorLinks: Element[] = [];
  let bylineEl: Element | null = null;
  const w = doc.createTreeWalker(container, 1 /* SHOW_ELEMENT */);
  let scanned = 0;
  for (let n = w.nextNode() as Element | null; n && scanned < 4000; n = w.nextNode() as Element | null, scanned++) {
    const rel = n.getAttribute('rel');
    const prop = n.getAttribute('itemprop');
    if ((rel && /(^|\s)author(\s|$)/i.test(rel)) || prop === 'author') {
      if (authorLinks.length < 6) authorLinks.push(n);
      continue;
    }
    if (!bylineEl) {
      const cls = n.getAttribute('class');
      if (cls && BYLINE_CLASS.test(cls) && (n.textContent ?? '').length <= 160 && !n.closest(JUNK_ANCESTOR)) bylineEl = n;
      else if (!cls && /byline/i.test(n.getAttribute('data-testid') ?? '')) bylineEl = n;
    }
  }
  if (authorLinks.length) {
    const first = authorLinks[0];
    const names: string[] = [];
    for (const el of authorLinks) {
      const nameEl = el.querySelector('[itemprop="name"]') ?? el;
      const nm = tryClean(spacedText(nameEl));
      if (nm && !names.includes(nm)) names.push(nm);
    }
    if (names.length > 1 && first.parentElement) {
      const whole = tryClean(spacedText(first.parentElement));
      if (whole && names.every((nm) => whole.includes(nm))) return whole;
    }
    if (names.length) return names.length > 1 ? joinNames(names) : names[0];
  }
  if (bylineEl) {
    const b = tryClean(spacedText(bylineEl));
    if (b && (!ldAuthors.length || ldAuthors.some((a) => b.includes(a)))) return b;
  }
  // 3. visible "By …" text
  const by = tryClean(visibleByText(container));
  if (by && (!ldAuthors.length || ldAuthors.some((a) => by.includes(a) || a.includes(by)))) return by;
  // 4. structured data
  if (ldAuthors.length) return joinNames(ldAuthors);
  if (by) return by;
  // 5. meta tags (not URLs)
  const meta = metaContent(doc, 'author', 'article:author', 'parsely-author', 'sailthru.author', 'dc.creator');
  if (meta && !/^https?:/i.test(meta)) return tryClean(meta);
  return null;
}

const ISO_RE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|[+-]\d{2}:?\d{2})?)?$/;

/** ISO 8601 as precise as the page gives it (offset kept); null when unparsable. */
export function normalizeDate(raw: string | null | undefined): string | null {
  const s = norm(raw);
  if (!s) return null;
  const m = ISO_RE.exec(s);
  if (m) {
    if (!m[2]) return plausibleYear(m[1]) ? m[1] : null;
    let tz = m[3] ?? '';
    if (tz && tz !== 'Z' && !tz.includes(':')) tz = `${tz.slice(0, 3)}:${tz.slice(3)}`;
    const out = `${m[1]}T${m[2]}${tz}`;
    return Number.isNaN(Date.parse(out)) || !plausibleYear(m[1]) ? null : out;
  }
  if (/^\d{9,13}$/.test(s)) {
    const n = Number(s);
    const d = new Date(s.length > 10 ? n : n * 1000);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }
  if (!/\d{4}/.test(s)) return null;
  const t = Date.parse(s);
  return Number.isNaN(t) || !plausibleYear(new Date(t).toISOString()) ? null : new Date(t).toISOString();
}

/** "0001-01-01" and far-future dates are CMS defaults, not publication dates */
function plausibleYear(iso: string): boolean {
  const y = Number(iso.slice(0, 4));
  return y >= 1990 && y <= new Date().getUTCFullYear() + 1;
}

export function findPublished(doc: Document, h1: Element | null, ld: LdNode | null): string | null {
  const cands: (string | null | undefined)[] = [
    ldString(ld?.datePublished),
    ldString(ld?.dateCreated),
    metaContent(doc, 'article:published_time', 'og:article:published_time', 'datePublished', 'pdate', 'publish-date',
      'parsely-pub-date', 'sailthru.date', 'dc.date', 'dc.date.issued', 'date', 'pubdate'),
  ];
  for (const c of cands) {
    const d = normalizeDate(c);
    if (d) return d;
  }
  // a <time datetime> near the headline (getElementsByTagName: no selector engine)
  const times = byTag(articleContainer(h1, doc), 'time');
  for (let i = 0; i < times.length && i < 10; i++) {
    const d = normalizeDate(times[i].getAttribute('datetime'));
    if (d) return d;
  }
  return null;
}

const RTL_LANGS = /^(ar|he|iw|fa|ur|yi|ps|sd|ug|dv|ckb|syr)(-|$)/i;

export function findLangDir(doc: Document, ld: LdNode | null): { lang: string | null; dir: 'ltr' | 'rtl' | null } {
  const html = doc.documentElement;
  const lang =
    norm(html?.getAttribute('lang') ?? html?.getAttribute('xml:lang')) ||
    ldString(ld?.inLanguage) ||
    (metaContent(doc, 'og:locale', 'content-language', 'language') ?? '').replace('_', '-') ||
    null;
  const rawDir = (html?.getAttribute('dir') || doc.body?.getAttribute('dir') || '').toLowerCase();
  let dir: 'ltr' | 'rtl' | null = rawDir === 'rtl' ? 'rtl' : rawDir === 'ltr' ? 'ltr' : null;
  if (!dir && lang) dir = RTL_LANGS.test(lang) ? 'rtl' : 'ltr';
  return { lang, dir };
}

const PLACEHOLDER_SRC = /^data:image\/(gif|png|svg)|blank\.|spacer\.|placeholder|pixel\.|1x1|transparent\.|preload|loading|lazy[-_]?load|grey[-_]?bg|gray[-_]?bg|[-_]holder\.|\/dummy\./i;
const LAZY_ATTRS = ['data-src', 'data-lazy-src', 'data-original', 'data-url', 'data-hi-res-src', 'data-lazy', 'data-full-src'];

/** The real source of an <img>: its src, or a lazy-load attribute when src is a placeholder. */
export function imageSrc(img: Element): string | null {
  const src = (img.getAttribute('src') ?? '').trim();
  let lazy: string | null = null;
  for (const a of LAZY_ATTRS) {
    const v = (img.getAttribute(a) ?? '').trim();
    if (v && !PLACEHOLDER_SRC.test(v) && !/^data:/i.test(v)) {
      lazy = v;
      break;
    }
  }
  if (!lazy) {
    const srcset = img.getAttribute('data-srcset') ?? (src ? null : img.getAttribute('srcset'));
    if (srcset) lazy = srcset.split(',')[0].trim().split(/\s+/)[0] || null;
  }
  if (src && !PLACEHOLDER_SRC.test(src) && !(lazy && /\.gif(\?|$)/i.test(src))) return src;
  if (lazy) return lazy;
  return src && !/^data:image\/(gif|svg)/i.test(src) && !PLACEHOLDER_SRC.test(src) ? src : null;
}

function basename(u: string): string {
  try {
    const p = new URL(u, 'https://x.invalid/').pathname;
    const last = p.split('/').pop() ?? '';
    const q = new URL(u, 'https://x.invalid/').search;
    // CDN proxies put the file name into the query (…?url=name.png)
    const inQuery = /([\w.-]+\.(?:png|jpe?g|gif|webp|avif|svg))(?:&|$)/i.exec(q);
    return decodeURIComponent(/\.\w{3,4}$/.test(last) || !inQuery ? last : inQuery[1]).toLowerCase();
  } catch {
    return '';
  }
}

function isLogo(img: Element, src: string, sourceNames: string[]): boolean {
  const alt = norm(img.getAttribute('alt')).toLowerCase();
  if (/logo|avatar|icon|sprite|badge|favicon/i.test(src) || /logo|avatar|icon/i.test(img.getAttribute('class') ?? '')) return true;
  if (alt && sourceNames.some((n) => n && n.toLowerCase() === alt)) return true;
  const w = Number(img.getAttribute('width') ?? '0');
  const h = Number(img.getAttribute('height') ?? '0');
  return (w > 0 && w < 120) || (h > 0 && h < 80);
}

export function findLeadImage(
  doc: Document,
  url: string,
  h1: Element | null,
  ld: LdNode | null,
  sourceNames: string[],
): LeadImage | null {
  const metaImg = metaContent(doc, 'og:image', 'og:image:url', 'twitter:image', 'twitter:image:src') ?? ldUrl(ld?.image);
  const wanted = metaImg ? basename(metaImg) : '';
  const container = articleContainer(h1, doc);
  const imgs = byTag(container, 'img');
  let first: { img: Element; src: string } | null = null;
  for (let i = 0; i < imgs.length && i < 40; i++) {
    const img = imgs[i];
    if (img.closest(JUNK_ANCESTOR + ', aside, [class*="related"], [class*="promo"]')) continue;
    const src = imageSrc(img);
    if (!src || isLogo(img, src, sourceNames)) continue;
    if (wanted && basename(src) === wanted) {
      first = { img, src };
      break;
    }
    if (!first) first = { img, src };
  }
  if (first) {
    const abs = absUrl(first.src, url) ?? (first.src.startsWith('data:image/') ? first.src : null);
    if (abs) {
      const fig = first.img.closest('figure');
      const cap = fig?.querySelector('figcaption');
      return { src: abs, alt: norm(first.img.getAttribute('alt')), caption: cap ? textOf(cap) || null : null };
    }
  }
  const abs = absUrl(metaImg, url);
  return abs ? { src: abs, alt: '', caption: null } : null;
}

export function findCanonical(doc: Document, url: string): string | null {
  const link = doc.querySelector('link[rel~="canonical"]')?.getAttribute('href');
  return absUrl(link, url) ?? absUrl(metaContent(doc, 'og:url'), url);
}

export function findExcerpt(doc: Document, ld: LdNode | null): string | null {
  return metaContent(doc, 'description', 'og:description', 'twitter:description') ?? ldString(ld?.description);
}
