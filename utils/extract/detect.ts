/**
 * Cheap page detection: is this a single article, and on which aggregator?
 * Imported directly by the small detector content script, so it MUST NOT import Readability or
 * DOMPurify (only the tiny `isProbablyReaderable` helper). Pure: Document + URL in.
 */
import isProbablyReaderable from '@mozilla/readability/Readability-readerable.js';
import type { Detection } from '../types';
import { findAdapter, type Adapter } from '../adapters/index';
import { byTag, metaContent, norm } from './dom';
import { isArticleNode, isListingNode, readJsonLd, type LdNode } from './jsonld';

export interface PageSignals {
  ld: LdNode[];
  ldArticle: boolean;
  ldListing: boolean;
  ogType: string | null;
  h1: number;
  /** paragraphs of at least 80 characters, and their total length */
  proseParas: number;
  proseChars: number;
  articleElements: number;
  signIn: boolean;
}

const SIGNIN_TEXT = /\b(sign ?in|log ?in|login|sign ?up|register|create (an |your )?account|forgot (your )?password)\b/i;
const SIGNIN_PATH = /\/(signin|sign-in|login|log-in|signup|sign-up|register|auth|account\/login)(\/|\?|$)/i;

export function pageSignals(doc: Document, url: string): PageSignals {
  const ld = readJsonLd(doc);
  const ldArticle = ld.some(isArticleNode);
  const ldListing = ld.some(isListingNode);
  const ogType = metaContent(doc, 'og:type')?.toLowerCase() ?? null;
  const h1s = byTag(doc, 'h1');
  let proseParas = 0;
  let proseChars = 0;
  const ps = byTag(doc, 'p');
  for (let i = 0; i < ps.length && i < 400; i++) {
    const len = (ps[i].textContent ?? '').trim().length;
    if (len >= 80) {
      proseParas++;
      proseChars += len;
    }
  }
  let signIn = false;
  if (byTag(doc, 'input').some((i) => (i.getAttribute('type') ?? '').toLowerCase() === 'password')) {
    let path = '';
    try {
      path = new URL(url).pathname;
    } catch {
      /* keep empty */
    }
    const h1Text = h1s.length ? norm(h1s[0].textContent) : '';
    signIn = SIGNIN_PATH.test(path) || (SIGNIN_TEXT.test(h1Text) && proseParas < 3);
  }
  return {
    ld,
    ldArticle,
    ldListing,
    ogType,
    h1: h1s.length,
    proseParas,
    proseChars,
    articleElements: doc.getElementsByTagName('article').length,
    signIn,
  };
}

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname + u.search;
  } catch {
    return '';
  }
}

function detectAggregator(doc: Document, url: string, a: Adapter): Detection {
  const path = pathOf(url);
  const no = (reason: string): Detection => ({ isArticle: false, aggregator: a.id, reason });
  const yes = (reason: string): Detection => ({ isArticle: true, aggregator: a.id, reason });
  if (a.nonArticleUrl.some((re) => re.test(path)) && !a.articleUrl.some((re) => re.test(path))) {
    return no('aggregator-non-article-url');
  }
  const s = pageSignals(doc, url);
  if (s.signIn) return no('sign-in-page');
  if (s.ldListing && !s.ldArticle) return no('listing-json-ld');
  if (s.ogType === 'website' && !s.ldArticle && s.articleElements >= 4) return no('feed');
  if (a.articleUrl.some((re) => re.test(path))) {
    // the URL says article; the page must still look like one (an error or consent page does not)
    if (s.h1 > 0 || s.ldArticle || s.proseParas >= 2) return yes('aggregator-article-url');
    return no('aggregator-article-url-without-content');
  }
  if (s.ldArticle && s.h1 > 0 && s.proseParas >= 3) return yes('aggregator-article-markup');
  return no('aggregator-other-page');
}

function detectGeneric(doc: Document, url: string): Detection {
  const no = (reason: string): Detection => ({ isArticle: false, aggregator: null, reason });
  const yes = (reason: string): Detection => ({ isArticle: true, aggregator: null, reason });
  const s = pageSignals(doc, url);
  if (s.signIn) return no('sign-in-page');
  if (s.ldArticle) return yes('json-ld-article');
  if (s.ldListing) return no('listing-json-ld');
  if (s.ogType === 'article') return yes('og-article');
  if (s.ogType === 'website' && s.articleElements >= 5) return no('feed');
  if (s.h1 > 0 && s.proseParas >= 3 && s.proseChars >= 600) return yes('headline-and-prose');
  if (isProbablyReaderable(doc)) return yes('readerable');
  return no('no-article-signals');
}

/** Decide whether the page is an article, and which aggregator (if any) it is on. */
export function detectPage(doc: Document, url: string): Detection {
  const adapter = findAdapter(url);
  return adapter ? detectAggregator(doc, url, adapter) : detectGeneric(doc, url);
}
