/**
 * Types shared by the extraction pipeline, the extension runtime and the library.
 * Pure: no `browser.*` here.
 */

/** Aggregator ids from ../shared/test-contract.md (add more as Lectern learns them). */
export type AggregatorId =
  | 'inkl'
  | 'msn'
  | 'yahoo'
  | 'yahoo-japan'
  | 'aol'
  | 'flipboard'
  | 'newsbreak'
  | 'smartnews'
  | 'groundnews'
  | 'newsnow';

/** The original publisher. `url` is the ORIGINAL article's URL, never the aggregator's. */
export interface Source {
  name: string;
  url: string | null;
}

/** What the cheap detector decides about a page (no Readability involved). */
export interface Detection {
  /** true when Lectern takes the page for a single article */
  isArticle: boolean;
  aggregator: AggregatorId | null;
  /** short machine-readable reason, for debugging and tests */
  reason: string;
}

export interface LeadImage {
  /** absolute http(s) or data: URL */
  src: string;
  alt: string;
  caption: string | null;
}

/** The result of the pure extraction pipeline. */
export interface Article {
  /** the URL the page was read at (aggregator page or publisher page) */
  url: string;
  isArticle: boolean;
  aggregator: AggregatorId | null;
  title: string;
  /** author name(s) as the page gives them, without "By" */
  byline: string | null;
  source: Source | null;
  /** ISO 8601 (date or date-time, as precise as the page gives) */
  published: string | null;
  canonicalUrl: string | null;
  lang: string | null;
  dir: 'ltr' | 'rtl' | null;
  leadImage: LeadImage | null;
  /** sanitised article body HTML (DOMPurify); never contains the title/byline header */
  html: string;
  /** plain text of the body, block elements separated by newlines */
  text: string;
  excerpt: string;
  words: number;
  readingMinutes: number;
}
