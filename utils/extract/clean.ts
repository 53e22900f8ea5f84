/**
 * Pre-Readability cleaning of the WORKING COPY (never the page's own document):
 * copy open shadow roots in, un-hide walled article text, remove walls/modals/banners/promos by
 * generic structural rules (adapter rules only where generic ones cannot know), merge split bodies.
 * One recursive walk; no getComputedStyle, no layout.
 */
import type { Adapter } from '../adapters/types';
import { byTag, norm, textOf, tokensOf } from './dom';
import { parseHtmlFragment } from './sanitize';

/** class/id tokens (and adjacent-token pairs) of walls, banners and promo blocks */
const JUNK_TOKENS = new Set([
  'modal', 'popup', 'popover', 'lightbox', 'paywall', 'regwall', 'wall', 'signup', 'signin', 'login', 'register',
  'cookie', 'cookies', 'consent', 'gdpr', 'cmp', 'newsletter', 'newsletters', 'subscribe', 'subscription',
  'appbanner', 'smartbanner', 'appdownload', 'getapp', 'openinapp', 'sticky', 'promo', 'promos', 'promotion',
  'promoted', 'related', 'recommended', 'recommendations', 'recirc', 'recirculation', 'trending', 'share',
  'sharing', 'sharebar', 'social', 'ad', 'ads', 'advert', 'adverts', 'advertisement', 'advertising', 'adslot',
  'adunit', 'dfp', 'sponsored', 'sponsor', 'outbrain', 'taboola', 'readmore', 'upnext', 'moreforyou', 'backdrop',
  'toast', 'interstitial', 'mostread', 'mostpopular', 'picks', 'cta', 'appstore', 'installapp', 'downloadapp',
]);

/** short labels that mark an ad or promo block when they are all of a text node */
const LABEL_RE =
  /^(?:advertisements?|advertising|ad|ads|sponsored(?: content| links?| stories)?|promoted(?: content)?|paid (?:content|post)|partner content|story continues(?: below)?(?: advertisement)?|continue reading|read (?:the )?full (?:article|story)|read more|show more|ad feedback|skip (?:this )?ad|recommended(?: for you| stories| reading)?|related(?: stories| articles| coverage| content| posts| links| news| reading)?|trending(?: now| stories)?|most (?:read|popular|viewed)|up next|more for you|you (?:may|might) also like|more (?:from|on) [^.]{1,40}|top stories(?: on [^.]{1,20})?(?: right now)?|what to read next|don'?t miss|editor'?s picks|more stories|(?:our|top|editor'?s) picks|(?:download|get) the(?: free)? app|open in app)\s*[:›»>]?$/i;

/** prose: a paragraph-like element with enough non-link text */
function proseCount(el: Element, min = 80, stopAt = 3): number {
  const ps = byTag(el, 'p');
  let n = 0;
  for (let i = 0; i < ps.length && n < stopAt; i++) {
    if (norm(ps[i].textContent).length >= min) n++;
  }
  return n;
}

/** share of an element's text that sits in links (<a> or role="link" cards) */
export function linkDensity(el: Element): number {
  const total = textOf(el).length;
  if (!total) return 0;
  let links = 0;
  const as = byTag(el, 'a');
  for (let i = 0; i < as.length; i++) links += textOf(as[i]).length;
  if (el.querySelector('[role="link"]')) {
    const cards = el.querySelectorAll('[role="link"]');
    for (let i = 0; i < cards.length; i++) if (!cards[i].closest('a')) links += textOf(cards[i]).length;
  }
  return Math.min(1, links / total);
}

/** paragraphs of real prose: long enough and not the abstract of a teaser link/card */
function hasProse(el: Element, min: number): boolean {
  const ps = byTag(el, 'p');
  for (let i = 0; i < ps.length; i++) {
    if (norm(ps[i].textContent).length >= min && !ps[i].closest('a, [role="link"]')) return true;
  }
  return false;
}

/** cheap pre-filter: no junk word anywhere in class/id means no tokenising (most elements) */
const JUNK_SUBSTRING = new RegExp(
  [...JUNK_TOKENS].filter((t) => !['ad', 'ads', 'cta', 'cmp', 'dfp', 'wall'].includes(t)).concat(['ad', 'cta', 'cmp', 'dfp', 'wall']).join('|'),
  'i',
);

function isJunkByTokens(el: Element): boolean {
  const cls = el.getAttribute('class') ?? '';
  const id = el.getAttribute('id') ?? '';
  if (!cls && !id) return false;
  const both = `${cls} ${id}`;
  if (!JUNK_SUBSTRING.test(both)) return false;
  const toks = tokensOf(both);
  for (let i = 0; i < toks.length; i++) {
    if (JUNK_TOKENS.has(toks[i])) return true;
    if (i + 1 < toks.length && JUNK_TOKENS.has(toks[i] + toks[i + 1])) return true;
  }
  return false;
}

function isDialog(el: Element): boolean {
  if (el.tagName === 'DIALOG') return true;
  const role = el.getAttribute('role');
  return role === 'dialog' || role === 'alertdialog' || el.getAttribute('aria-modal') === 'true';
}

const HIDDEN_STYLE = /(?:^|;)\s*(?:display\s*:\s*none|visibility\s*:\s*hidden)/i;
const WALL_STYLE = /(?:max-height|line-clamp|filter\s*:\s*blur|opacity|user-select|overflow\s*:\s*hidden|height\s*:|mask)/i;
const NEVER_UNHIDE = new Set(['TEMPLATE', 'SCRIPT', 'STYLE', 'INPUT', 'SELECT', 'OPTION', 'TEXTAREA', 'BUTTON', 'NAV', 'MENU', 'DIALOG', 'FORM', 'SVG', 'svg', 'IFRAME']);
const SKIP_WALK = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'SVG', 'svg', 'MATH', 'CODE', 'PRE', 'IFRAME', 'VIDEO', 'AUDIO', 'PICTURE']);

export interface CleanOptions {
  adapter: Adapter | null;
  /** the headline element in the ORIGINAL document (its copy is protected) */
  headline: string | null;
}

export interface CleanReport {
  unhidden: number;
  removed: number;
  shadowRoots: number;
  noscripts: number;
}

function openShadow(n: Node): ShadowRoot | null {
  const sr = (n as Element & { shadowRoot?: ShadowRoot | null }).shadowRoot;
  // Lectern's own overlay (<lectern-reader>) is never page content
  return sr && !(n as Element).tagName.startsWith('LECTERN-') ? sr : null;
}

/**
 * (original host, copied host) pairs for the open shadow hosts under `orig`. `copy` is a structural
 * clone of `orig`, so the same TreeWalker order finds the same elements (TreeWalkers do not enter
 * shadow trees, and nothing is modified while pairing).
 */
function pairHosts(orig: Node, copy: Node): [Element, Element][] {
  const doc = orig.nodeType === 9 ? (orig as Document) : orig.ownerDocument!;
  const hits: number[] = [];
  const found: Element[] = [];
  const w = doc.createTreeWalker(orig, 1 /* SHOW_ELEMENT */);
  let i = 0;
  for (let n = w.nextNode(); n; n = w.nextNode(), i++) {
    if (openShadow(n)) {
      hits.push(i);
      found.push(n as Element);
    }
  }
  if (!hits.length) return [];
  const cdoc = copy.nodeType === 9 ? (copy as Document) : copy.ownerDocument!;
  const pairs: [Element, Element][] = [];
  const cw = cdoc.createTreeWalker(copy, 1);
  let j = 0;
  let k = 0;
  for (let n = cw.nextNode(); n && k < hits.length; n = cw.nextNode(), j++) {
    if (j === hits[k]) pairs.push([found[k++], n as Element]);
  }
  return pairs;
}

/** the flattened content of a host's shadow tree (nested shadow trees included), as light DOM */
function flattenShadow(origHost: Element, copyHost: Element, copy: Document, depth: number): DocumentFragment {
  const sr = openShadow(origHost)!;
  const frag = copy.createDocumentFragment();
  for (let c = sr.firstChild; c; c = c.nextSibling) frag.appendChild(copy.importNode(c, true));
  if (depth < 8) {
    for (const [o, c] of pairHosts(sr, frag)) {
      const inner = flattenShadow(o, c, copy, depth + 1);
      distribute(inner, c);
    }
  }
  return frag;
}

/** put the host's light-DOM children where the shadow tree's slots are, then make it the host's content */
function distribute(frag: DocumentFragment, host: Element): void {
  const slots = Array.from(frag.querySelectorAll('slot'));
  for (const slot of slots) {
    const name = slot.getAttribute('name');
    const moved = Array.from(host.childNodes).filter((n) =>
      name ? n.nodeType === 1 && (n as Element).getAttribute('slot') === name : !(n.nodeType === 1 && (n as Element).hasAttribute('slot')),
    );
    for (const n of moved) slot.parentNode?.insertBefore(n, slot);
    slot.remove();
  }
  while (host.firstChild) host.removeChild(host.firstChild);
  host.appendChild(frag);
}

/**
 * Copy open shadow trees that carry prose into the working copy (cloneNode does not copy them).
 * Chrome such as a search bar in a shadow root stays out: only trees with paragraphs of text come in.
 */
function copyShadowRoots(original: Document, copy: Document): number {
  if (!original.body || !copy.body) return 0;
  let n = 0;
  for (const [orig, host] of pairHosts(original.body, copy.body)) {
    const frag = flattenShadow(orig, host, copy, 0);
    if ((frag.textContent ?? '').length < 200 || !frag.querySelector('p')) continue;
    distribute(frag, host);
    n++;
  }
  return n;
}

/** Clean the working copy in place. `copy` must be a clone; the page's document is never touched. */
export function cleanCopy(original: Document, copy: Document, opts: CleanOptions): CleanReport {
  const report: CleanReport = { unhidden: 0, removed: 0, shadowRoots: 0, noscripts: 0 };
  report.shadowRoots = copyShadowRoots(original, copy);
  const body = copy.body;
  if (!body) return report;
  const adapter = opts.adapter;

  // adapter removals first: they shrink the walk
  for (const sel of adapter?.removeSelectors ?? []) {
    const els = copy.querySelectorAll(sel);
    for (let i = 0; i < els.length; i++) {
      els[i].remove();
      report.removed++;
    }
  }

  // the article region: where hidden prose is un-hidden
  let regions: Element[] = [];
  for (const sel of adapter?.bodySelectors ?? []) {
    regions = Array.from(copy.querySelectorAll(sel));
    if (regions.length) break;
  }
  const headlineText = opts.headline ? norm(opts.headline) : '';
  let h1: Element | null = null;
  const h1s = byTag(copy, 'h1');
  for (let i = 0; i < h1s.length; i++) {
    if (!headlineText || textOf(h1s[i]) === headlineText) {
      h1 = h1s[i];
      break;
    }
  }
  if (!regions.length) {
    // no selector engine over the whole copy: ancestors of the headline, or a lone <article>
    const arts = byTag(copy, 'article');
    const r =
      h1?.closest('[itemprop="articleBody"], article') ??
      (arts.length === 1 ? arts[0] : null) ??
      h1?.closest('main, [role="main"]') ??
      null;
    if (r) regions = [r];
  }
  const regionSet = new Set(regions);

  const isProtected = (el: Element): boolean =>
    el === body || el === copy.documentElement || (!!h1 && el.contains(h1)) || regions.some((r) => el.contains(r));

  const labels: Text[] = [];
  const toRemove: Element[] = [];

  const visit = (el: Element, inRegion: boolean): void => {
    for (let c = el.firstChild; c; ) {
      const next = c.nextSibling;
      if (c.nodeType === 3) {
        const v = c.nodeValue ?? '';
        if (v.length < 80) {
          const t = v.trim();
          if (t && t.length < 70 && LABEL_RE.test(t)) labels.push(c as Text);
        }
      } else if (c.nodeType === 1) {
        const child = c as Element;
        const tag = child.tagName.toUpperCase();
        const inR = inRegion || regionSet.has(child) || child.getAttribute('itemprop') === 'articleBody';
        if (tag === 'NOSCRIPT') {
          if (inR && unwrapNoscript(child)) report.noscripts++;
        } else if (!SKIP_WALK.has(tag)) {
          if (isWall(child, inR) && !isProtected(child)) {
            toRemove.push(child);
          } else {
            if (inR) unhide(child, tag);
            visit(child, inR);
          }
        }
      }
      c = next;
    }
  };

  /**
   * A dialog is always a wall. A block whose class/id says promo/ad/cookie/newsletter… is removed
   * unless it holds real prose: inside the article region one long paragraph is enough to keep
   * it (a "has-ads" or "paywall" class on a container of article text), outside it three.
   */
  const isWall = (el: Element, inR: boolean): boolean => {
    if (isDialog(el)) return true;
    if (!isJunkByTokens(el)) return false;
    if (inR ? proseCount(el, 100, 1) === 0 : proseCount(el) < 3) return true;
    return linkDensity(el) > 0.5;
  };

  const unhide = (el: Element, tag: string): void => {
    const style = el.getAttribute('style');
    const hiddenAttr = el.hasAttribute('hidden');
    const ariaHidden = el.getAttribute('aria-hidden') === 'true';
    const styleHidden = !!style && HIDDEN_STYLE.test(style);
    if (hiddenAttr || ariaHidden || styleHidden) {
      if (NEVER_UNHIDE.has(tag) || (el.getAttribute('type') ?? '') === 'hidden') return;
      const t = (el.textContent ?? '').length;
      // only prose comes back: a bullet separator or an icon stays hidden
      if (t < 60 || (proseCount(el, 40, 1) === 0 && !el.querySelector('li, blockquote, h2, h3') && t < 160)) return;
      el.removeAttribute('hidden');
      el.removeAttribute('aria-hidden');
      if (style) el.removeAttribute('style');
      report.unhidden++;
    } else if (style && WALL_STYLE.test(style)) {
      el.removeAttribute('style');
    }
  };

  const unwrapNoscript = (ns: Element): boolean => {
    let content: DocumentFragment | null = null;
    if (ns.children.length) {
      if (proseCount(ns, 60, 1) === 0) return false;
      content = copy.createDocumentFragment();
      while (ns.firstChild) content.appendChild(ns.firstChild);
    } else {
      // with scripting on, browsers keep <noscript> content as raw text
      const raw = ns.textContent ?? '';
      if (raw.length < 120 || !/<p[\s>]/i.test(raw)) return false;
      content = parseHtmlFragment(copy, raw, original.defaultView);
      if (!content) return false;
    }
    const div = copy.createElement('div');
    div.appendChild(content);
    ns.replaceWith(div);
    return true;
  };

  visit(body, regionSet.has(body));
  for (const el of toRemove) {
    el.remove();
    report.removed++;
  }
  report.removed += removeLabelBlocks(labels, isProtected, body);

  // split bodies (aol/yahoo: sibling .caas-body parts around video and ad modules): keep them all,
  // in order, in the first part, so Readability sees one body
  if (adapter && regions.length > 1) {
    const first = regions[0];
    for (const r of regions.slice(1)) {
      if (!r.isConnected || r.parentElement !== first.parentElement) continue;
      while (r.firstChild) first.appendChild(r.firstChild);
      r.remove();
    }
  }
  return report;
}

/** Remove the small block each promo/ad label belongs to ("Advertisement", "Read more:", "Recommended for you"). */
export function removeLabelBlocks(labels: Text[], isProtected: (el: Element) => boolean, root: Node): number {
  let removed = 0;
  for (const t of labels) {
    if (!root.contains(t)) continue;
    const start = t.parentElement;
    if (!start || isProtected(start)) continue;
    let el: Element = start;
    const label = norm(t.nodeValue);
    // climb while the block stays small and holds no prose
    while (el.parentElement && !isProtected(el.parentElement)) {
      const p: Element = el.parentElement;
      const text = textOf(p);
      if (p.tagName !== 'P' && hasProse(p, 60)) break;
      if (text.length > 700 || (text.length > label.length + 200 && linkDensity(p) < 0.5)) break;
      el = p;
    }
    const text = textOf(el);
    // a label plus links, a bare label, or a label heading a list of teasers ("Up next", "Trending")
    const teaserList = !!el.querySelector('ul, ol') && !hasProse(el, 60);
    if (text.length <= label.length + 3 || linkDensity(el) >= 0.4 || /^(H[2-6]|BUTTON|A)$/.test(el.tagName) || text.length < label.length + 40 || teaserList) {
      el.remove();
      removed++;
    }
  }
  return removed;
}
