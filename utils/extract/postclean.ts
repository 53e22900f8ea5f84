/**
 * Post-Readability cleaning of the extracted content element (still in the working copy):
 * lazy images, duplicated headline/byline at the top, interleaved promo blocks that survived,
 * paragraphs duplicated by un-hiding a collapsed copy.
 */
import { BLOCK_TAGS, byTag, norm, textOf } from './dom';
import { imageSrc } from './metadata';
import { linkDensity, removeLabelBlocks } from './clean';

const LABEL_RE =
  /^(?:advertisements?|advertising|sponsored(?: content)?|story continues(?: below)?|continue reading|read (?:the )?full (?:article|story)|read more|ad feedback|recommended(?: for you)?|related(?: stories| articles| coverage| content)?|trending(?: now)?|most (?:read|popular)|up next|more for you|you (?:may|might) also like|top stories)\s*[:›»>]?$/i;
/** a short line that is nothing but a date/time ("Published 11:11 PM EST Nov 19, 2019", "19.11.2019, 08:57") */
export function isDateLine(text: string): boolean {
  if (text.length > 60 || !/\d/.test(text)) return false;
  const rest = text
    .toLowerCase()
    .replace(/(\d)\s*(?:am|pm)\b/g, '$1 ')
    .replace(/\b[ap]\.m\.?/g, ' ')
    .replace(/\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?/g, ' ')
    .replace(/\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?/g, ' ')
    .replace(/\b(?:published|updated|posted|first|last|modified|on|at|am|pm|a\.m\.|p\.m\.|est|edt|cst|cdt|mst|mdt|pst|pdt|utc|gmt|et|pt|ist|bst|cet|cest|min|mins|minutes?|read)\b/g, ' ')
    .replace(/[\d:.,/|·•\-–—()]+/g, ' ')
    .trim();
  return rest.length === 0;
}

const CURATOR_RE = /^(?:flipped|curated|shared|clipped|collected)\s+(?:into|by|in)\b/i;
const BYLINE_RE = /^(?:(?:story|written|words|reporting)\s+by|by)\s+\S/i;

const CONTAINER_TAGS = new Set(['IMG', 'FIGURE', 'PICTURE', 'SVG', 'svg', 'P', 'DIV', 'H1', 'H2', 'H3', 'UL', 'OL', 'BLOCKQUOTE', 'TABLE', 'SECTION', 'ARTICLE']);
const LEAF_TAGS = new Set(['P', 'LI', 'H2', 'H3', 'H4', 'DIV', 'UL', 'OL', 'BLOCKQUOTE']);

/** does any descendant (checked two levels deep; cheap) have one of these tags? */
function hasChildTag(el: Element, tags: Set<string>): boolean {
  for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
    if (tags.has(c.tagName)) return true;
    for (let g = c.firstElementChild; g; g = g.nextElementSibling) if (tags.has(g.tagName)) return true;
  }
  return false;
}

function simplify(s: string): string {
  return norm(s).toLowerCase().replace(/[‘’']/g, "'").replace(/[“”"]/g, '"');
}

/** remove `el`, then any ancestor left without text or media */
function removeWithEmptyAncestors(el: Element, root: Element): void {
  let top: Element = el;
  while (top.parentElement && top.parentElement !== root) {
    const p = top.parentElement;
    if (norm(p.textContent) || p.querySelectorAll('img, svg, video, picture').length > 1) break;
    top = p;
  }
  top.remove();
}

export interface PostCleanInput {
  title: string;
  byline: string | null;
  sourceName: string | null;
}

export function postClean(root: Element, input: PostCleanInput): void {
  const doc = root.ownerDocument;
  // lazy images: the real file is in data-src when src is a placeholder
  const imgs = byTag(root, 'img');
  const sourceAlt = input.sourceName ? simplify(input.sourceName) : '';
  for (let i = 0; i < imgs.length; i++) {
    const img = imgs[i];
    // publisher / provider logos are chrome, not article images
    const src = img.getAttribute('src') ?? '';
    const alt = simplify(img.getAttribute('alt') ?? '');
    if (/logo/i.test(src) || (sourceAlt && alt === sourceAlt)) {
      removeWithEmptyAncestors(img, root);
      continue;
    }
    const real = imageSrc(img);
    if (real && real !== img.getAttribute('src')) img.setAttribute('src', real);
  }

  // one walk over text nodes: promo labels and curator lines
  const labels: Text[] = [];
  const curators: Element[] = [];
  const walker = doc.createTreeWalker(root, 4 /* SHOW_TEXT */);
  let n: Node | null;
  while ((n = walker.nextNode())) {
    const v = (n.nodeValue ?? '').trim();
    if (!v || v.length > 80) continue;
    if (LABEL_RE.test(v)) labels.push(n as Text);
    else if (CURATOR_RE.test(v) && n.parentElement) curators.push(n.parentElement.closest('p, div, li') ?? n.parentElement);
  }
  removeLabelBlocks(labels, (el) => el === root || el.contains(root), root);
  for (const c of curators) if (c !== root && root.contains(c) && textOf(c).length < 200) c.remove();

  // the top of the body: a repeated headline, byline or date line
  const title = simplify(input.title);
  const byline = input.byline ? simplify(input.byline) : '';
  const source = input.sourceName ? simplify(input.sourceName) : '';
  let checked = 0;
  const blocks = root.querySelectorAll('h1, h2, h3, p, div, span, time, address');
  for (let i = 0; i < blocks.length && checked < 12; i++) {
    const b = blocks[i];
    if (!root.contains(b)) continue;
    if (hasChildTag(b, CONTAINER_TAGS)) continue;
    const t = simplify(b.textContent ?? '');
    if (!t) continue;
    checked++;
    if (t.length > 200) break;
    const isTitle = t === title;
    const isByline =
      (BYLINE_RE.test(t) && t.length < 120) ||
      (!!byline && (t === byline || (t.startsWith(byline) && t.length < byline.length + 60)));
    const isSource = !!source && t === source;
    const isDateOnly = b.tagName === 'TIME' || isDateLine(t);
    if (isTitle || isByline || isSource || isDateOnly) b.remove();
    else if (b.tagName === 'P' && t.length > 80) break;
  }

  dropBoilerplate(root);

  // paragraphs duplicated by un-hiding a collapsed copy next to the visible one: keep the first
  const seen = new Set<string>();
  const paras = root.querySelectorAll('p, li, h2, h3, h4');
  for (let i = 0; i < paras.length; i++) {
    const p = paras[i];
    if (!root.contains(p)) continue;
    if (hasChildTag(p, LEAF_TAGS)) continue;
    const t = norm(p.textContent);
    if (t.length < 40) continue;
    if (seen.has(t)) {
      p.remove();
      continue;
    }
    seen.add(t);
  }
}

/** JSON-LD articleBody as paragraphs (for teaser pages whose DOM shows less than the data). */
export function paragraphsFromText(doc: Document, text: string): Element {
  const div = doc.createElement('div');
  const parts = text
    .replace(/\r/g, '')
    .split(/\n\s*\n|\n/)
    .map((s) => norm(s))
    .filter(Boolean);
  for (const part of parts) {
    const p = doc.createElement('p');
    p.textContent = part;
    div.appendChild(p);
  }
  return div;
}

// ---------------------------------------------------------------------------------------------
// Boilerplate blocks inside the extracted body, recognised by what they say and where they sit:
// captions and photo credits, reporting credits and author bios at the end, newsletter / app /
// follow-us prompts, "Related:" / "More:" lists, copyright lines. One recursive walk over the
// (small) content element, never the whole page.
// ---------------------------------------------------------------------------------------------

const AGENCY = String.raw`(?:getty(?: images)?|reuters|ap(?: photo| file| images)?|afp(?: via getty images)?|epa(?:-efe)?|shutterstock|istock(?:photo)?|statista|bloomberg|nasa|xinhua|pa(?: wire)?|the new york times)`;
const CAPTION_RES: RegExp[] = [
  // "Image copyright Getty Images", "Image caption …", "Photo credit: …"
  /^(?:image|photo|picture)\s+(?:copyright|caption|credit)\b/i,
  // "FILE PHOTO: …", "Photo: Gene J. Puskar", "Credit…Doug Mills", "Image: Hanwha Q cells"
  /^(?:file photo|photo|photograph|image|picture|pictured|credit|image credit|photo credit|photograph by|photo by)\s*(?::|\.{3}|…)/i,
  // a caption ending in its credit: "… (Image: GETTY)", "… (Source: NASA)", "… (Photo: Getty Images)"
  /\((?:image|photo|picture|photograph|credit|image credit|photo credit|source|foto)\s*(?::|by)[^()]{1,120}\)?$/i,
  // "… Credit: ESA", "… Credit...Anna Moneymaker/The New York Times", "Photograph by Robyn Beck/AFP/Getty Images"
  /(?:^|[\s.])(?:credit|photo credit|image credit)\s*(?::|\.{3}|…)\s*[^.:]{1,80}$/i,
  /(?:^|[\s.])(?:photograph by|photo by|courtesy of)\s+[^.:]{1,80}$/i,
  // "… of the drug. Getty", "… in New York.Reuters", "Alex Wong | Getty Images", "J. Scott Applewhite / AP file"
  new RegExp(String.raw`(?:[.!?)]|\s[/|]|^)\s*${AGENCY}\s*$`, 'i'),
  new RegExp(String.raw`\s?[/|]\s?${AGENCY}\s*$`, 'i'),
  // gallery counters and controls
  /^(?:image|photo|slide)?\s*\d+\s*of\s*\/?\s*\d+$/i,
  /^\d+\s?of\s?\d+\S/,
  /^(?:caption|close|enlarge|expand|hide caption|toggle caption)$/i,
];

const CREDIT_RES: RegExp[] = [
  /^\(?(?:reporting|additional reporting|editing|writing|compiled|reported|research|production|graphics) by\b/i,
  /\bcontributed (?:to )?(?:this )?report(?:ing)?\b/i,
  /^write to .{1,80}\S@\S/i,
  /\bmay be reached at\b/i,
  /^have a tip\?/i,
  /^reach the (?:reporter|writer|author)s?\b/i,
  /^(?:e-?mail|contact) .{1,60}\bat \S+@\S+/i,
  /^more (?:articles|stories|posts) (?:from|by)\b/i,
  /^about the author$/i,
];

/** prompts: newsletter, subscription, app, social, podcast, forum */
const PROMPT_START =
  /^(?:follow|join|listen to|subscribe|sign up|click here|tap here|get|download|want more|need more|like us|don'?t miss|never miss|start your day|stay (?:up to date|informed|on top))\b/i;
const PROMPT_WORD =
  /\b(?:twitter|facebook|instagram|youtube|tiktok|linkedin|newsletters?|forums?|podcasts?|app|inbox|subscription|subscriptions|magazine|channel|email alerts?|full coverage)\b/i;
const NEWSLETTER_RE = /\b(?:sign up|subscribe)\b[^.]{0,80}\b(?:newsletters?|inbox|magazine)\b/i;

const FOOTER_RES: RegExp[] = [
  /^(?:copyright|©|ⓒ|\(c\))\s/i,
  /\ball rights reserved\b/i,
  /^this (?:document|material|article) (?:is subject to copyright|may not be (?:published|reproduced))/i,
  /^citation:/i,
  /무단전재/,
  /^(?:filed under|tags?|topics?|categories|category)\s*:/i,
];

/** UI labels that are the whole of a block */
const UI_LABEL =
  /^(?:comments?|\d+ comments?|post (?:a )?comment|leave a (?:comment|reply)|view (?:author )?archive|e-?mail the author|follow on twitter|order reprints|print article|print|text size|advert|iklan|tell us what you think\W*|recent articles|popular this week|share (?:this|on \w+)|tweet|click to tweet|e-?mail)$/i;

/** a label announcing a list of other stories (the list follows, or shares the block) */
const RELATED_LABEL =
  /^(?:related|more|see more|read more|also|also read|read also|see also|related (?:post|posts|stories|story|articles|article|coverage|content|links|reading)(?: from [^:]{1,60})?|more great .{1,30} stories|you (?:may|might) also like|more from .{1,40}|more stories|read next|recommended(?: reading| for you)?|further reading|tags?|filed under|topics?)\s*(?::|\.{3}|…)?$/i;
const RELATED_PREFIX =
  /^(?:related|more|see more|read more|also|also read|read also|see also|related (?:post|posts|stories|story|articles|article|coverage|content|links))\s*:/i;

const TAGS_PREFIX = /^(?:tags?|topics?|filed under|categories|category)\b/i;

const BIO_RE =
  /^[\p{Lu}][\p{L}'’.-]+(?: [\p{Lu}][\p{L}'’.-]+){0,3}(?: \([^)]{1,60}\))? (?:is (?:an?|the) |joined |covers |writes |has (?:been|written|covered) )/u;
const BIO_WORD = /\b(?:writer|editor|reporter|journalist|correspondent|contributor|columnist|author|blogger|covers|joined|native|living|lives|freelance|publisher)\b/i;

function isBio(t: string): boolean {
  return t.length < 600 && BIO_RE.test(t) && BIO_WORD.test(t);
}

const LEAF_BLOCKS = new Set([...BLOCK_TAGS].filter((t) => t !== 'BR'));

function hasBlockChild(el: Element): boolean {
  for (let c = el.firstElementChild; c; c = c.nextElementSibling) if (LEAF_BLOCKS.has(c.tagName)) return true;
  return false;
}

export function isCaptionText(t: string): boolean {
  if (t.length > 700) return false;
  for (const re of CAPTION_RES) if (re.test(t)) return true;
  return false;
}

/** is this short block a prompt, credit, footer or UI label rather than article text? */
export function isBoilerplateText(t: string): boolean {
  if (t.length > 400) return false;
  if (UI_LABEL.test(t)) return true;
  for (const re of CREDIT_RES) if (re.test(t)) return true;
  for (const re of FOOTER_RES) if (re.test(t)) return true;
  if (t.length < 300 && ((PROMPT_START.test(t) && PROMPT_WORD.test(t)) || NEWSLETTER_RE.test(t))) return true;
  return false;
}

function nextBlock(el: Element, root: Element): Element | null {
  for (let e: Element | null = el; e && e !== root; e = e.parentElement) {
    if (e.nextElementSibling) return e.nextElementSibling;
    if (norm(e.parentElement?.textContent) !== norm(el.textContent)) return null;
  }
  return null;
}

/** a short text that shares its small container with an image and nothing else: an unmarked caption */
function besideImage(el: Element, t: string, root: Element): boolean {
  if (t.length >= 300 || el.tagName === 'TD' || el.tagName === 'TH') return false;
  const par = el.parentElement;
  if (!par || par === root || el.querySelector('img, picture, video')) return false;
  if (!par.querySelector('img, picture, video')) return false;
  return norm(par.textContent).length <= t.length + 20;
}

export function dropBoilerplate(root: Element): void {
  const leaves: Element[] = [];
  const lists: Element[] = [];
  const gone = new Set<Element>();
  const visit = (el: Element): void => {
    for (let c = el.firstElementChild; c; c = c.nextElementSibling) {
      const tag = c.tagName;
      if (tag === 'FIGCAPTION') {
        gone.add(c);
        continue;
      }
      if (tag === 'UL' || tag === 'OL') lists.push(c);
      if (hasBlockChild(c)) visit(c);
      else leaves.push(c);
    }
  };
  visit(root);

  const texts = leaves.map((l) => norm(l.textContent));
  // the last paragraph of real prose: bios and link lists only count after it
  let lastProse = -1;
  let firstProse = -1;
  for (let i = 0; i < leaves.length; i++) {
    const t = texts[i];
    if (t.length >= 150 && leaves[i].tagName === 'P' && !isBoilerplateText(t) && !isCaptionText(t) && !isBio(t)) {
      lastProse = i;
      if (firstProse < 0) firstProse = i;
    }
  }

  for (let i = 0; i < leaves.length; i++) {
    const el = leaves[i];
    const t = texts[i];
    // table cells are data, whatever they say
    if (!t || el.tagName === 'TD' || el.tagName === 'TH') continue;
    if (isCaptionText(t) || isBoilerplateText(t) || besideImage(el, t, root)) {
      gone.add(el);
      continue;
    }
    const ld = t.length < 300 ? linkDensity(el) : 0;
    // "More Great WIRED Stories", "More:", "Tags" … and the list of links after it
    if (t.length < 80 && RELATED_LABEL.test(t)) {
      const next = nextBlock(el, root);
      if (next && ((/^(?:UL|OL)$/.test(next.tagName) && linkDensity(next) > 0.3) || (/^(?:DIV|P)$/.test(next.tagName) && linkDensity(next) > 0.5))) {
        gone.add(el);
        gone.add(next);
      } else if (i > lastProse || t.length < 25) gone.add(el);
      continue;
    }
    // "Related: <headline link>", "More: …", "Tags stock car, …"
    if ((RELATED_PREFIX.test(t) && (t.length < 200 || ld > 0.5)) || (TAGS_PREFIX.test(t) && ld >= 0.5)) {
      gone.add(el);
      continue;
    }
    // date-only lines anywhere ("Updated at 1:23 p.m."); before the text: byline lines, breadcrumbs, bare URLs
    if ((i < firstProse || i > lastProse) && t.length <= 60 && /\p{L}/u.test(t) && isDateLine(t) && !el.closest('blockquote, li')) {
      gone.add(el);
      continue;
    }
    if (i < firstProse) {
      if ((BYLINE_RE.test(t) && t.length < 150) || /^https?:\/\/\S+$/.test(t) || (t.length < 25 && ld >= 0.9 && t.split(' ').length <= 3)) {
        gone.add(el);
        continue;
      }
    }
    // an upper-case headline that is only a link, between paragraphs: a teaser to another story
    if (el.tagName === 'P' && firstProse >= 0 && i > firstProse && t.length >= 15 && t.length < 200 && ld >= 0.9 && t === t.toUpperCase() && /\p{Lu}{3}/u.test(t)) {
      gone.add(el);
      continue;
    }
    // a short author bio after the last paragraph
    if (lastProse >= 0 && i > lastProse && leaves.length - i <= 6 && isBio(t)) gone.add(el);
  }

  // lists of links after the last paragraph (other stories) or before the first (navigation, breadcrumbs)
  if (lastProse >= 0) {
    const first = leaves[firstProse];
    const last = leaves[lastProse];
    for (const list of lists) {
      if (gone.has(list) || list.contains(last) || list.contains(first)) continue;
      const after = !!(last.compareDocumentPosition(list) & 4 /* FOLLOWING */);
      const before = !!(first.compareDocumentPosition(list) & 2 /* PRECEDING */);
      if ((after && linkDensity(list) >= 0.7) || (before && linkDensity(list) >= 0.8)) gone.add(list);
    }
  }

  // after the last paragraph, a run of short blocks that are all links: teasers to other stories
  if (lastProse >= 0) {
    const teasers: Element[] = [];
    for (let i = lastProse + 1; i < leaves.length; i++) {
      const t = texts[i];
      if (!t || gone.has(leaves[i]) || t.length >= 200 || leaves[i].tagName === 'TD' || leaves[i].tagName === 'TH') continue;
      if (linkDensity(leaves[i]) >= 0.8) teasers.push(leaves[i]);
    }
    if (teasers.length >= 3) for (const el of teasers) gone.add(el);
  }

  for (const el of gone) if (root.contains(el) && el !== root) removeWithEmptyAncestors(el, root);
}
