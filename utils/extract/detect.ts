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

const SIGNIN_TEXT = /\b(sign ?in|log ?in|login|sign ?up|register|create (an |your )?account|forgot (your )?password)\b/i;
const SIGNIN_PATH = /\/(signin|sign-in|login|log-in|signup|sign-up|register|auth|account\/login)(\/|\?|$)/i;

/** Page signals, computed lazily: most pages are decided by their metadata alone. */
export class PageSignals {
  private _prose: { paras: number; chars: number } | null = null;
  private _signIn: boolean | null = null;
  readonly ld: LdNode[];
  readonly ldArticle: boolean;
  readonly ldListing: boolean;
  readonly ogType: string | null;

  constructor(
    private readonly doc: Document,
    private readonly url: string,
  ) {
    this.ld = readJsonLd(doc);
    this.ldArticle = this.ld.some(isArticleNode);
    this.ldListing = this.ld.some(isListingNode);
    this.ogType = metaContent(doc, 'og:type')?.toLowerCase() ?? null;
  }

  get h1(): number {
    return this.doc.getElementsByTagName('h1').length;
  }

  get articleElements(): number {
    return this.doc.getElementsByTagName('article').length;
  }

  /** paragraphs of at least 80 characters, and their total length */
  get prose(): { paras: number; chars: number } {
    if (this._prose) return this._prose;
    let paras = 0;
    let chars = 0;
    const ps = byTag(this.doc, 'p');
    for (let i = 0; i < ps.length && i < 400; i++) {
      const len = (ps[i].textContent ?? '').trim().length;
      if (len >= 80) {
        paras++;
        chars += len;
      }
    }
    return (this._prose = { paras, chars });
  }

  /** a password field on a sign-in URL, or under a "Sign in" headline with little prose */
  get signIn(): boolean {
    if (this._signIn !== null) return this._signIn;
    let result = false;
    if (byTag(this.doc, 'input').some((i) => (i.getAttribute('type') ?? '').toLowerCase() === 'password')) {
      let path = '';
      try {
        path = new URL(this.url).pathname;
      } catch {
        /* keep empty */
      }
      const h1 = this.doc.getElementsByTagName('h1')[0];
      const h1Text = h1 ? norm(h1.textContent) : '';
      result = SIGNIN_PATH.test(path) || (SIGNIN_TEXT.test(h1Text) && this.prose.paras < 3);
    }
    return (this._signIn = result);
  }
}

export function pageSignals(doc: Document, url: string): PageSignals {
  return new PageSignals(doc, url);
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
    if (s.ldArticle || s.h1 > 0 || s.prose.paras >= 2) return yes('aggregator-article-url');
    return no('aggregator-article-url-without-content');
  }
  if (s.ldArticle && s.h1 > 0 && s.prose.paras >= 3) return yes('aggregator-article-markup');
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
  if (s.h1 > 0 && s.prose.paras >= 3 && s.prose.chars >= 600) return yes('headline-and-prose');
  if (isProbablyReaderable(doc)) return yes('readerable');
  return no('no-article-signals');
}

/** Decide whether the page is an article, and which aggregator (if any) it is on. */
export function detectPage(doc: Document, url: string): Detection {
  const adapter = findAdapter(url);
  return adapter ? detectAggregator(doc, url, adapter) : detectGeneric(doc, url);
}
