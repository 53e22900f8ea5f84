/**
 * THE ONLY MODULE THAT WRITES HTML. Everything that becomes markup goes through DOMPurify,
 * created for the document's own window (works in the page, in the extension and under jsdom).
 *
 * Output rules: no script, event handlers, javascript:/vbscript:/data:text/html links, iframe,
 * frame, form controls, object/embed, style elements or attributes, svg foreignObject/use tricks;
 * images only from http(s) or data:image/*; links absolute with target=_blank rel="noopener noreferrer".
 */
import DOMPurify from 'dompurify';
import type { Config } from 'dompurify';
import { blockText } from './dom';

type Purifier = ReturnType<typeof DOMPurify>;

const FORBID_TAGS = [
  'style', 'script', 'noscript', 'template', 'iframe', 'frame', 'frameset', 'form', 'input', 'button', 'select',
  'option', 'optgroup', 'textarea', 'datalist', 'output', 'object', 'embed', 'applet', 'param', 'link', 'meta',
  'base', 'dialog', 'video', 'audio', 'source', 'track', 'canvas', 'portal', 'slot',
  'foreignobject', 'foreignObject', 'use', 'animate', 'animatemotion', 'animateMotion', 'animatetransform',
  'animateTransform', 'set', 'image', 'feimage', 'feImage',
];
const FORBID_ATTR = [
  'style', 'srcset', 'sizes', 'class', 'tabindex', 'contenteditable', 'autofocus', 'formaction', 'action',
  'xlink:href', 'ping', 'background', 'poster', 'usemap', 'loading', 'fetchpriority', 'decoding', 'target',
];

const BASE_CONFIG: Config = {
  USE_PROFILES: { html: true, svg: true },
  FORBID_TAGS,
  FORBID_ATTR,
  ALLOW_DATA_ATTR: false,
  ALLOW_UNKNOWN_PROTOCOLS: false,
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|tel:|#|data:image\/(?:png|jpe?g|gif|webp|avif|bmp);)/i,
  SAFE_FOR_TEMPLATES: false,
  WHOLE_DOCUMENT: false,
};

const SAFE_LINK = /^(?:https?:|mailto:|tel:)/i;
const SAFE_IMG = /^(?:https?:|data:image\/(?:png|jpe?g|gif|webp|avif|bmp);)/i;
const URL_ATTRS = new Set(['href', 'src', 'cite', 'longdesc']);

let currentBase: string | null = null;
const purifiers = new WeakMap<object, Purifier>();

function resolve(value: string, base: string | null): string | null {
  const v = value.trim();
  if (!v) return null;
  if (v.startsWith('#')) return v;
  try {
    return base ? new URL(v, base).href : new URL(v).href;
  } catch {
    return null;
  }
}

function purifierFor(win: Window): Purifier {
  let p = purifiers.get(win);
  if (p) return p;
  p = DOMPurify(win as unknown as Parameters<typeof DOMPurify>[0]);
  p.addHook('uponSanitizeAttribute', (node, data) => {
    const name = data.attrName;
    if (name.startsWith('on')) {
      data.keepAttr = false;
      return;
    }
    if (!URL_ATTRS.has(name)) return;
    const tag = node.nodeName.toLowerCase();
    if (tag === 'img' && name === 'src') {
      const lazy = (node as Element).getAttribute('data-src');
      const raw = /^data:image\/gif/i.test(data.attrValue) && lazy ? lazy : data.attrValue;
      const abs = raw.trim().toLowerCase().startsWith('data:') ? raw.trim() : resolve(raw, currentBase);
      if (abs && SAFE_IMG.test(abs)) data.attrValue = abs;
      else data.keepAttr = false;
      return;
    }
    const abs = resolve(data.attrValue, currentBase);
    if (abs && (abs.startsWith('#') || SAFE_LINK.test(abs))) data.attrValue = abs;
    else data.keepAttr = false;
  });
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName.toLowerCase() !== 'a') return;
    const el = node as Element;
    const href = el.getAttribute('href');
    if (href && !href.startsWith('#')) {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer');
    } else {
      el.removeAttribute('target');
    }
  });
  purifiers.set(win, p);
  return p;
}

function windowOf(doc: Document | null | undefined): Window {
  const w = doc?.defaultView ?? (typeof window !== 'undefined' ? window : null);
  if (!w) throw new Error('sanitize: DOMPurify needs a DOM window (not available in a service worker)');
  return w;
}

export interface SanitizedArticle {
  html: string;
  text: string;
  /** the sanitised body (in DOMPurify's inert document), for further reading */
  root: Element;
}

/**
 * Sanitise an extracted article node. `win` is the page's window (a cloned document has none);
 * relative links and image sources are resolved against `baseUrl`.
 */
export function sanitizeArticle(node: Node, baseUrl: string, win: Window): SanitizedArticle {
  const purify = purifierFor(win);
  currentBase = baseUrl;
  try {
    // the node lives in Lectern's inert working copy: sanitise it where it is (no second clone)
    const inPlace = node.nodeType === 1 && !(node as Element).isConnected;
    const body = inPlace
      ? (purify.sanitize(node as Element, { ...BASE_CONFIG, IN_PLACE: true }) as unknown as Element)
      : (purify.sanitize(node, { ...BASE_CONFIG, RETURN_DOM: true }) as unknown as Element);
    return { html: body.innerHTML, text: blockText(body), root: body };
  } finally {
    currentBase = null;
  }
}

/**
 * Sanitise an HTML string (e.g. an imported or saved article) to a string. Needs a DOM window:
 * the page's, the popup's, or an offscreen document's (an MV3 service worker has none).
 */
export function sanitizeHtml(html: string, baseUrl: string | null = null, win?: Window | null): string {
  const purify = purifierFor(win ?? windowOf(null));
  currentBase = baseUrl;
  try {
    return purify.sanitize(html, { ...BASE_CONFIG }) as unknown as string;
  } finally {
    currentBase = null;
  }
}

/**
 * Parse raw HTML (e.g. the text of a <noscript> in a page with scripting on) into sanitised nodes
 * owned by `target`. Never executes anything: DOMPurify parses into an inert document.
 */
export function parseHtmlFragment(target: Document, html: string, win?: Window | null): DocumentFragment | null {
  const w = win ?? target.defaultView ?? (typeof window !== 'undefined' ? window : null);
  if (!w) return null;
  const purify = purifierFor(w);
  const frag = purify.sanitize(html, { ...BASE_CONFIG, RETURN_DOM_FRAGMENT: true }) as unknown as DocumentFragment;
  return target.importNode(frag, true) as DocumentFragment;
}

/**
 * The one way the UI puts article HTML into the DOM: re-sanitises `html` and replaces `el`'s
 * children with the resulting DOM fragment (never assigns markup strings to the live DOM).
 */
export function setSanitizedContent(el: Element, html: string, baseUrl?: string | null): void {
  const doc = el.ownerDocument;
  const purify = purifierFor(windowOf(doc));
  currentBase = baseUrl ?? null;
  try {
    const frag = purify.sanitize(html, { ...BASE_CONFIG, RETURN_DOM_FRAGMENT: true }) as unknown as DocumentFragment;
    el.replaceChildren(doc.importNode(frag, true));
  } finally {
    currentBase = null;
  }
}

/** Text of sanitised HTML, block elements separated by newlines. */
export function htmlToText(html: string, win: Window): string {
  const purify = purifierFor(win);
  const frag = purify.sanitize(html, { ...BASE_CONFIG, RETURN_DOM_FRAGMENT: true }) as unknown as DocumentFragment;
  return blockText(frag);
}
