/**
 * The pure extraction pipeline: takes a Document and a URL, never touches `browser.*`,
 * never mutates the document it is given, and runs in Node under jsdom as in the page.
 */
import type { Article, Detection } from '../types';

export interface ExtractOptions {
  /** extract even when the detector says the page is not an article ("show it anyway") */
  force?: boolean;
}

/** Cheap: adapters + metadata only, no Readability. */
export function detectPage(_doc: Document, _url: string): Detection {
  throw new Error('not implemented yet');
}

/**
 * Full extraction. Returns null when nothing readable is found.
 * When the page is not an article and `force` is not set, returns an Article with
 * isArticle=false and metadata only (html/text empty).
 */
export function extractArticle(_doc: Document, _url: string, _options: ExtractOptions = {}): Article | null {
  throw new Error('not implemented yet');
}
