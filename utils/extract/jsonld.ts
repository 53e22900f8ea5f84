/** JSON-LD reading: every `application/ld+json` block flattened into a list of typed nodes. */
import { docKey, norm } from './dom';

export type LdNode = Record<string, unknown>;

const ARTICLE_TYPES = /^(Article|NewsArticle|BlogPosting|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|ReviewNewsArticle|BackgroundNewsArticle|LiveBlogPosting|ScholarlyArticle|TechArticle|Report|SocialMediaPosting|DiscussionForumPosting)$/i;
const LISTING_TYPES = /^(CollectionPage|ItemList|SearchResultsPage|ProfilePage|FAQPage|QAPage|WebSite)$/i;

export function typesOf(n: LdNode): string[] {
  const t = n['@type'];
  if (Array.isArray(t)) return t.filter((x): x is string => typeof x === 'string').map((x) => x.replace(/^.*[/#]/, ''));
  return typeof t === 'string' ? [t.replace(/^.*[/#]/, '')] : [];
}

export function isArticleNode(n: LdNode): boolean {
  return typesOf(n).some((t) => ARTICLE_TYPES.test(t));
}

export function isListingNode(n: LdNode): boolean {
  return typesOf(n).some((t) => LISTING_TYPES.test(t) && !/^WebSite$/i.test(t));
}

function collect(v: unknown, out: LdNode[], depth: number): void {
  if (depth > 4 || !v || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) collect(x, out, depth + 1);
    return;
  }
  const n = v as LdNode;
  if (n['@type']) out.push(n);
  if (n['@graph']) collect(n['@graph'], out, depth + 1);
  // mainEntity of a WebPage is often the article
  if (n.mainEntity && typeof n.mainEntity === 'object') collect(n.mainEntity, out, depth + 1);
}

const ldCache = new WeakMap<Document, { key: string; nodes: LdNode[] }>();

/** Every JSON-LD node of the page (parsed once per document; treat the result as read-only). */
export function readJsonLd(doc: Document): LdNode[] {
  const key = docKey(doc);
  const cached = ldCache.get(doc);
  if (cached && cached.key === key) return cached.nodes;
  const out: LdNode[] = [];
  const scripts = doc.querySelectorAll('script[type="application/ld+json"]');
  for (let i = 0; i < scripts.length && i < 20; i++) {
    const raw = scripts[i].textContent ?? '';
    if (!raw.trim()) continue;
    try {
      collect(JSON.parse(raw.replace(/^\s*<!--|-->\s*$/g, '')), out, 0);
    } catch {
      /* ignore broken blocks */
    }
  }
  ldCache.set(doc, { key, nodes: out });
  return out;
}

export function articleNode(nodes: LdNode[]): LdNode | null {
  return nodes.find(isArticleNode) ?? null;
}

/** name of a Person/Organization-ish value (string, object or array: first) */
export function ldName(v: unknown): string | null {
  if (!v) return null;
  if (typeof v === 'string') return norm(v) || null;
  if (Array.isArray(v)) return ldName(v[0]);
  if (typeof v === 'object') {
    const n = (v as LdNode).name;
    if (typeof n === 'string') return norm(n) || null;
  }
  return null;
}

export function ldNames(v: unknown): string[] {
  if (!v) return [];
  const arr = Array.isArray(v) ? v : [v];
  const names: string[] = [];
  for (const x of arr) {
    const n = ldName(x);
    if (n && !names.includes(n)) names.push(n);
  }
  return names;
}

/** url of a value: a string, {url}, {@id} or the first of an array */
export function ldUrl(v: unknown): string | null {
  if (!v) return null;
  if (typeof v === 'string') return v.trim() || null;
  if (Array.isArray(v)) return ldUrl(v[0]);
  if (typeof v === 'object') {
    const o = v as LdNode;
    if (typeof o.url === 'string') return o.url.trim() || null;
    if (typeof o['@id'] === 'string') return (o['@id'] as string).trim() || null;
    if (o.url) return ldUrl(o.url);
  }
  return null;
}

export function ldString(v: unknown): string | null {
  if (typeof v === 'string') return norm(v) || null;
  if (Array.isArray(v) && typeof v[0] === 'string') return norm(v[0]) || null;
  return null;
}
