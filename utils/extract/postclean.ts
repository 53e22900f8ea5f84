/**
 * Post-Readability cleaning of the extracted content element (still in the working copy):
 * lazy images, duplicated headline/byline at the top, interleaved promo blocks that survived,
 * paragraphs duplicated by un-hiding a collapsed copy.
 */
import { byTag, norm, textOf } from './dom';
import { imageSrc } from './metadata';
import { removeLabelBlocks } from './clean';

const LABEL_RE =
  /^(?:advertisements?|advertising|sponsored(?: content)?|story continues(?: below)?|continue reading|read (?:the )?full (?:article|story)|read more|ad feedback|recommended(?: for you)?|related(?: stories| articles| coverage| content)?|trending(?: now)?|most (?:read|popular)|up next|more for you|you (?:may|might) also like|top stories)\s*[:›»>]?$/i;
/** a short line that is nothing but a date/time ("Published 11:11 PM EST Nov 19, 2019", "19.11.2019, 08:57") */
export function isDateLine(text: string): boolean {
  if (text.length > 60 || !/\d/.test(text)) return false;
  const rest = text
    .toLowerCase()
    .replace(/(\d)\s*(?:am|pm)\b/g, '$1 ')
    .replace(/\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?/g, ' ')
    .replace(/\b(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?/g, ' ')
    .replace(/\b(?:published|updated|posted|last|modified|on|at|am|pm|a\.m\.|p\.m\.|est|edt|cst|cdt|mst|mdt|pst|pdt|utc|gmt|et|pt|ist|bst|cet|cest|min|mins|minutes?|read)\b/g, ' ')
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
