/**
 * The pure extraction pipeline: takes a Document and a URL, never touches `browser.*`,
 * never mutates the document it is given, and runs in Node under jsdom as in the page.
 *
 *   detectPage      cheap: adapters + metadata, no Readability       (./detect)
 *   extractArticle  copy -> shadow roots -> un-hide + remove walls -> Readability 0.6 ->
 *                   post-clean -> JSON-LD articleBody fallback -> DOMPurify   (./clean, ./postclean, ./sanitize)
 *   metadata        headline, byline, date, lang/dir, lead image     (./metadata)
 *   attribution     original publisher + original URL                (./attribution)
 */
import { Readability } from '@mozilla/readability';
import type { Article, Detection } from '../types';
import { adapterById, findAdapter } from '../adapters/index';
import { detectPage } from './detect';
import { cleanCopy } from './clean';
import { postClean, paragraphsFromText } from './postclean';
import { sanitizeArticle } from './sanitize';
import { countWords, metaContent, norm } from './dom';
import { articleNode, readJsonLd } from './jsonld';
import {
  findByline,
  findCanonical,
  findExcerpt,
  findLangDir,
  findLeadImage,
  findPublished,
  findTitle,
} from './metadata';
import { findSource } from './attribution';

export { detectPage } from './detect';
export { setSanitizedContent, sanitizeHtml } from './sanitize';

export interface ExtractOptions {
  /** extract even when the detector says the page is not an article ("show it anyway") */
  force?: boolean;
  /** a detection already made for this document (skips detecting twice) */
  detection?: Detection;
}

/**
 * Full extraction. Returns null when nothing readable is found.
 * When the page is not an article and `force` is not set, returns an Article with
 * isArticle=false and metadata only (html/text empty).
 */
export function extractArticle(doc: Document, url: string, options: ExtractOptions = {}): Article | null {
  const detection = options.detection ?? detectPage(doc, url);
  const adapter = adapterById(detection.aggregator) ?? findAdapter(url);

  // --- metadata from the page as it is (read-only) ---
  const ldAll = readJsonLd(doc);
  const ld = articleNode(ldAll);
  const siteName = metaContent(doc, 'og:site_name');
  const aggregatorNames = adapter ? [...adapter.names, ...(siteName ? [siteName] : [])] : [];
  const { title, h1 } = findTitle(doc, ld, [...aggregatorNames, ...(siteName ? [siteName] : [])]);
  const canonicalUrl = findCanonical(doc, url);
  const source = findSource({ doc, url, adapter, ld, ldAll, canonical: canonicalUrl, siteName });
  const byline = findByline(doc, h1, ld, adapter, [...aggregatorNames, ...(source ? [source.name] : [])]);
  const published = findPublished(doc, h1, ld);
  const { lang, dir } = findLangDir(doc, ld);
  const leadImage = findLeadImage(doc, url, h1, ld, [...(source ? [source.name] : []), ...aggregatorNames]);
  const metaExcerpt = findExcerpt(doc, ld);

  const base: Article = {
    url,
    isArticle: detection.isArticle,
    aggregator: detection.aggregator,
    title,
    byline,
    source,
    published,
    canonicalUrl,
    lang,
    dir,
    leadImage,
    html: '',
    text: '',
    excerpt: metaExcerpt ?? '',
    words: 0,
    readingMinutes: 0,
  };
  if (!detection.isArticle && !options.force) return base;

  // --- the working copy: the page's own document is never modified ---
  const copy = doc.cloneNode(true) as Document;
  cleanCopy(doc, copy, { adapter, headline: h1 ? title : null });

  const parsed = new Readability<Element>(copy, {
    serializer: (el) => el as Element,
    charThreshold: 400,
    // JSON-LD is already read (once, cached) by ./jsonld; Readability would parse it again
    disableJSONLD: true,
  }).parse();
  let content: Element | null = parsed?.content ?? null;
  if (content) postClean(content, { title, byline, sourceName: source?.name ?? null });

  // a teaser page whose structured data holds clearly more text than the DOM showed
  const ldBody = typeof ld?.articleBody === 'string' ? norm(ld.articleBody as string) : '';
  const domLen = content ? norm(content.textContent).length : 0;
  if (ldBody.length > 200 && ldBody.length > domLen * 1.3 + 100) {
    content = paragraphsFromText(copy, (ld?.articleBody as string) ?? '');
  }
  if (!content) return null;

  const win = doc.defaultView ?? (typeof window !== 'undefined' ? window : null);
  if (!win) return null;
  const clean = sanitizeArticle(content, url, win);
  if (!clean.text.trim()) return null;
  const { words, readingMinutes } = countWords(clean.text);
  const firstPara = clean.text.split('\n').find((l) => l.length > 60) ?? clean.text.split('\n')[0] ?? '';
  return {
    ...base,
    title: title || norm(parsed?.title) || '',
    byline: base.byline ?? (parsed?.byline ? norm(parsed.byline).replace(/^by\s+/i, '') || null : null),
    published: base.published,
    lang: base.lang ?? (parsed?.lang || null),
    dir: base.dir ?? (parsed?.dir === 'rtl' ? 'rtl' : parsed?.dir === 'ltr' ? 'ltr' : null),
    html: clean.html,
    text: clean.text,
    excerpt: metaExcerpt ?? (firstPara.length > 300 ? `${firstPara.slice(0, 297)}…` : firstPara),
    words,
    readingMinutes,
  };
}

/** True when the lead image is already part of `article.html` (then the UI should not show it twice). */
export function leadImageInBody(article: Pick<Article, 'html' | 'leadImage'>): boolean {
  const src = article.leadImage?.src;
  if (!src || !article.html) return false;
  return article.html.includes(`"${src}"`) || article.html.includes(`"${src.replace(/&/g, '&amp;')}"`);
}
