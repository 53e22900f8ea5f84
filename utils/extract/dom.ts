/** Small pure DOM helpers shared by the pipeline (no HTML writing here). */

/**
 * Elements by tag name as a plain array. jsdom's live HTMLCollection re-validates on every
 * `.length` read, so loops over it must read the length once.
 */
export function byTag(root: Element | Document | DocumentFragment, tag: string): Element[] {
  const c = (root as Element).getElementsByTagName(tag);
  const n = c.length;
  const out: Element[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = c[i];
  return out;
}

/** Collapse whitespace runs to one space and trim. */
export function norm(s: string | null | undefined): string {
  return (s ?? '').replace(/[\s\u00a0\u200b]+/g, ' ').trim();
}

export function textOf(el: Node | null | undefined): string {
  return el ? norm(el.textContent) : '';
}

/** Text with a space between elements ("Meg James<span>Staff Writer</span>" -> "Meg James Staff Writer"). */
export function spacedText(el: Node | null | undefined): string {
  if (!el) return '';
  const parts: string[] = [];
  const walk = (n: Node) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) parts.push(c.nodeValue ?? '');
      else if (c.nodeType === 1 && !/^(SCRIPT|STYLE|TEMPLATE)$/i.test((c as Element).tagName)) {
        parts.push(' ');
        walk(c);
        parts.push(' ');
      }
    }
  };
  walk(el);
  return norm(parts.join(''));
}

/** Resolve `href` against `base`; null for unparsable or non-http(s) results. */
export function absUrl(href: string | null | undefined, base: string): string | null {
  if (!href) return null;
  try {
    const u = new URL(href.trim(), base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

export function hostOf(url: string | null | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return '';
  }
}

/** "www.example.com" -> "example.com" */
export function bareHost(host: string): string {
  return host.toLowerCase().replace(/^(www\d?|m|amp|mobile)\./, '');
}

/** True for a site's home page ("/", "/en/", "/index.html"): never an article URL. */
export function isHomepage(url: string): boolean {
  try {
    const u = new URL(url);
    const p = u.pathname.replace(/\/index\.(html?|php)$/i, '/');
    return /^\/?([a-z]{2}([-_][a-z]{2})?\/?)?$/i.test(p) && !u.search;
  } catch {
    return true;
  }
}

const metaCache = new WeakMap<Document, { key: string; map: Map<string, string> }>();

/** Cache key of a document's head: single-page sites change URL and title when they navigate. */
export function docKey(doc: Document): string {
  return `${doc.URL}\n${doc.title}`;
}

/** All <meta> name/property/itemprop values of a document, read once (lower-case keys). */
function metaMap(doc: Document): Map<string, string> {
  const key = docKey(doc);
  const hit = metaCache.get(doc);
  if (hit && hit.key === key) return hit.map;
  const m = new Map<string, string>();
  const metas = byTag(doc, 'meta');
  for (let i = 0; i < metas.length; i++) {
    const el = metas[i];
    const content = el.getAttribute('content');
    if (content == null) continue;
    for (const attr of ['property', 'name', 'itemprop', 'http-equiv']) {
      const k = el.getAttribute(attr);
      if (k && !m.has(k.toLowerCase())) m.set(k.toLowerCase(), content);
    }
  }
  metaCache.set(doc, { key, map: m });
  return m;
}

export function metaContent(doc: Document, ...keys: string[]): string | null {
  const m = metaMap(doc);
  for (const key of keys) {
    const v = norm(m.get(key.toLowerCase()));
    if (v) return v;
  }
  return null;
}

/** Split class/id values into lower-case tokens: "AppBanner_root__1qWm8 sn-wall" -> app banner root sn wall */
export function tokensOf(value: string): string[] {
  if (!value) return [];
  return value
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

export const BLOCK_TAGS = new Set([
  'ADDRESS', 'ARTICLE', 'ASIDE', 'BLOCKQUOTE', 'BR', 'DD', 'DETAILS', 'DIV', 'DL', 'DT', 'FIELDSET',
  'FIGCAPTION', 'FIGURE', 'FOOTER', 'FORM', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'HEADER', 'HR', 'LI',
  'MAIN', 'NAV', 'OL', 'P', 'PRE', 'SECTION', 'SUMMARY', 'TABLE', 'TBODY', 'TD', 'TFOOT', 'TH', 'THEAD',
  'TR', 'UL', 'CAPTION',
]);

/**
 * Plain text with block elements separated by newlines (what Article.text holds and the
 * benchmark scores). One walk, no layout.
 */
export function blockText(root: Node): string {
  const out: string[] = [];
  let line = '';
  const flush = () => {
    const t = norm(line);
    if (t) out.push(t);
    line = '';
  };
  const walk = (node: Node) => {
    for (let c = node.firstChild; c; c = c.nextSibling) {
      if (c.nodeType === 3) {
        line += c.nodeValue ?? '';
      } else if (c.nodeType === 1) {
        const tag = (c as Element).tagName.toUpperCase();
        if (tag === 'SCRIPT' || tag === 'STYLE' || tag === 'TEMPLATE') continue;
        if (BLOCK_TAGS.has(tag)) {
          flush();
          walk(c);
          flush();
        } else {
          if (tag === 'TD' || tag === 'TH') line += ' ';
          walk(c);
        }
      }
    }
  };
  walk(root);
  flush();
  return out.join('\n');
}

const CJK_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;

/** Words (CJK: about two characters per word) and reading minutes (230 wpm, CJK 500 chars/min). */
export function countWords(text: string): { words: number; readingMinutes: number } {
  const cjk = (text.match(CJK_RE) ?? []).length;
  const rest = cjk ? text.replace(CJK_RE, ' ') : text;
  const latin = (rest.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’_-]*/gu) ?? []).length;
  const words = latin + Math.round(cjk / 2);
  const minutes = latin / 230 + cjk / 500;
  return { words, readingMinutes: Math.max(1, Math.round(minutes)) };
}
