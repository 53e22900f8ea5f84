/**
 * Original-source attribution: WHO published the article and WHERE the original lives.
 * Never the aggregator's name, never the aggregator's URL, never a publisher home page.
 */
import type { Source } from '../types';
import type { Adapter } from '../adapters/types';
import { hostMatches } from '../adapters/index';
import { absUrl, bareHost, hostOf, isHomepage, metaContent, norm, textOf } from './dom';
import { ldName, ldUrl, type LdNode } from './jsonld';

const PHRASES =
  'source|via|originally (?:published|appeared|posted) (?:on|in|at|by)|this (?:article|story|post) (?:was )?(?:originally|first) (?:appeared|published|posted) (?:on|in|at|by)|first (?:published|appeared) (?:on|in|at|by)|read (?:it |this |the (?:full |original )?(?:story|article) )?(?:on|at)|read (?:the )?(?:original|full) (?:article|story)(?: (?:on|at))?|view (?:the )?original(?: article)?(?: (?:on|at))?|continue reading (?:on|at)';
/** the attribution phrase (and an optional publisher name) right before a link */
const ATTRIBUTION_TAIL = new RegExp(`(?:^|[·|•]\\s*)(?:${PHRASES})\\b\\s*:?\\s*([^·|•:]{0,60}?)\\s*:?\\s*$`, 'i');

const DOMAIN_LIKE = /^(?:https?:\/\/)?(?:www\.)?[\w-]+(?:\.[\w-]+)+(?:\/\S*)?$/i;
const NAME_KEYS = /^(source|source_?name|publisher|publisher_?name|provider|provider_?name|sourceOrganization|site_?name)$/i;
const URL_KEYS = /^(origin_?url|original_?url|source_?url|orig_?url|originalLink|sourceLink|canonical_?url|publisher_?url|article_?url)$/i;

interface Candidates {
  names: string[];
  urls: string[];
}

export interface AttributionInput {
  doc: Document;
  url: string;
  adapter: Adapter | null;
  ld: LdNode | null;
  ldAll: LdNode[];
  canonical: string | null;
  /** og:site_name / Readability's siteName, for ordinary pages */
  siteName: string | null;
}

function onAggregator(u: string, adapter: Adapter | null, pageHost: string): boolean {
  const h = hostOf(u);
  if (!h) return true;
  if (adapter) return hostMatches(h, adapter.hosts) || (!!adapter.portalHosts && hostMatches(h, adapter.portalHosts.hosts)) || bareHost(h) === bareHost(pageHost);
  return false;
}

function isAggregatorName(name: string, adapter: Adapter | null): boolean {
  if (!adapter) return false;
  const n = name.toLowerCase();
  return adapter.names.some((a) => a.toLowerCase() === n) || adapter.hosts.some((h) => n === h.replace(/^\./, ''));
}

function embeddedData(doc: Document, c: Candidates): void {
  const scripts = doc.querySelectorAll('script#__NEXT_DATA__, script#__NUXT_DATA__, script[type="application/json"][id*="data" i]');
  for (let i = 0; i < scripts.length && i < 4; i++) {
    const raw = scripts[i].textContent ?? '';
    if (raw.length > 2_000_000) continue;
    let data: unknown;
    try {
      data = JSON.parse(raw);
    } catch {
      continue;
    }
    let budget = 5000;
    const visit = (v: unknown, depth: number): void => {
      if (!v || typeof v !== 'object' || depth > 8 || budget-- <= 0) return;
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (typeof x === 'string') {
          if (URL_KEYS.test(k) && /^https?:\/\//i.test(x)) c.urls.push(x);
          else if (NAME_KEYS.test(k) && x.length < 80 && !/^https?:/i.test(x)) c.names.push(x);
        } else if (x && typeof x === 'object') {
          if (NAME_KEYS.test(k) && !Array.isArray(x)) {
            const n = (x as Record<string, unknown>).name;
            if (typeof n === 'string') c.names.push(n);
          }
          visit(x, depth + 1);
        }
      }
    };
    visit(data, 0);
  }
}

/** "Source: X", "Originally published on X", "This article originally appeared on X: …", "Read on x.example" */
function visibleAttribution(doc: Document, url: string, c: Candidates, pageHost: string, adapter: Adapter | null): void {
  const links = doc.body?.querySelectorAll('a[href]') ?? [];
  for (let i = 0; i < links.length && i < 1500; i++) {
    const a = links[i];
    const href = absUrl(a.getAttribute('href'), url);
    if (!href || onAggregator(href, adapter, pageHost)) continue;
    let block: Element = a;
    while (block.parentElement && /^(A|SPAN|STRONG|B|EM|I|SMALL)$/i.test(block.tagName)) block = block.parentElement;
    const blockText = textOf(block);
    if (blockText.length > 400) continue;
    const linkText = textOf(a);
    const at = linkText ? blockText.indexOf(linkText) : -1;
    if (at < 0) continue;
    const m = ATTRIBUTION_TAIL.exec(blockText.slice(0, at));
    if (!m) continue;
    if (!isHomepage(href)) c.urls.push(href);
    // the name: the link text unless it is a domain or a headline, else the words after the phrase
    if (linkText && !DOMAIN_LIKE.test(linkText) && linkText.split(/\s+/).length <= 6) c.names.push(linkText);
    else if (m[1] && !DOMAIN_LIKE.test(m[1])) c.names.push(m[1]);
  }
}

function pickName(names: string[], adapter: Adapter | null): string | null {
  for (const raw of names) {
    const n = norm(raw).replace(/^(?:by|from|via)\s+/i, '');
    if (n.length < 2 || n.length > 80 || isAggregatorName(n, adapter) || DOMAIN_LIKE.test(n)) continue;
    return n;
  }
  return null;
}

function pickUrl(urls: string[], base: string, adapter: Adapter | null, pageHost: string): string | null {
  for (const raw of urls) {
    const u = absUrl(raw, base);
    if (!u || isHomepage(u) || onAggregator(u, adapter, pageHost)) continue;
    return u;
  }
  return null;
}

function nameFromHost(u: string): string {
  return bareHost(hostOf(u));
}

export function findSource(input: AttributionInput): Source | null {
  const { doc, url, adapter, ld, canonical } = input;
  const pageHost = hostOf(url);
  if (!adapter) {
    // an ordinary page: the site itself is the publisher, its canonical URL the original
    const name =
      ldName(ld?.publisher) ??
      metaContent(doc, 'og:site_name', 'application-name', 'publisher') ??
      input.siteName ??
      (pageHost ? nameFromHost(url) : null);
    if (!name) return null;
    let own: string | null = canonical;
    if (!own) {
      try {
        const u = new URL(url);
        u.hash = '';
        own = u.href;
      } catch {
        own = null;
      }
    }
    return { name: norm(name), url: own };
  }

  const c: Candidates = { names: [], urls: [] };
  // 1. structured data: the source organisation / provider / publisher (when it is not the aggregator)
  if (ld) {
    const based = ld.isBasedOn ?? ld.isBasedOnUrl;
    if (based && typeof based === 'object' && !Array.isArray(based)) {
      const o = based as LdNode;
      const n = ldName(o.publisher) ?? ldName(o.sourceOrganization);
      if (n) c.names.push(n);
    }
    for (const key of ['sourceOrganization', 'provider', 'publisher', 'copyrightHolder']) {
      const n = ldName(ld[key]);
      if (n) c.names.push(n);
    }
    c.urls.push(...[ldUrl(based), ldUrl(ld.url), ldUrl(ld.mainEntityOfPage), ldUrl(ld.sameAs)].filter((x): x is string => !!x));
  }
  // 2. what the adapter knows about this aggregator's markup
  for (const sel of adapter.sourceNameSelectors) {
    const el = doc.querySelector(sel);
    if (!el) continue;
    const v = el.getAttribute('data-provider') ?? (el.tagName === 'IMG' ? el.getAttribute('alt') : textOf(el));
    if (v) c.names.push(v);
  }
  for (const sel of adapter.sourceLinkSelectors) {
    const href = doc.querySelector(sel)?.getAttribute('href');
    if (href) c.urls.push(href);
  }
  // 3. canonical / og:url when they leave the aggregator
  if (canonical) c.urls.push(canonical);
  const ogUrl = metaContent(doc, 'og:url');
  if (ogUrl) c.urls.push(ogUrl);
  // 4. embedded page data (__NEXT_DATA__ and friends)
  embeddedData(doc, c);
  // 5. visible "Source:" / "Originally published on" / "Read on" links
  visibleAttribution(doc, url, c, pageHost, adapter);
  // 6. a provider element or logo near the headline
  const provider = doc.querySelector('[data-provider]')?.getAttribute('data-provider');
  if (provider) c.names.push(provider);
  const logo = doc.querySelector('article img[alt][src*="logo" i], main img[alt][src*="logo" i], img[alt][class*="provider" i]');
  if (logo) c.names.push(logo.getAttribute('alt') ?? '');

  const name = pickName(c.names, adapter);
  const srcUrl = pickUrl(c.urls, url, adapter, pageHost);
  if (!name && !srcUrl) return null;
  return { name: name ?? nameFromHost(srcUrl as string), url: srcUrl };
}
