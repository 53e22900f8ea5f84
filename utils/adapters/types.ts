/**
 * An aggregator adapter is mostly DATA: which hosts it owns, which URLs are articles and which
 * are not, where the body lives, what to drop, and where the original publisher is named.
 * Generic rules in utils/extract/ do the real work; adapters only add what generic rules cannot
 * know. Pure: no DOM access here, no browser.* and no WXT auto-imports.
 */
import type { AggregatorId } from '../types';

export interface Adapter {
  id: AggregatorId;
  /** display names of the aggregator itself: never accepted as byline or source name */
  names: string[];
  /** hostnames (exact, lower case) or suffixes written as ".example.com" (any subdomain) */
  hosts: string[];
  /**
   * portal hosts that are aggregator pages only under some paths (www.yahoo.com is a portal; only
   * its /news/ pages are Yahoo News). Same host syntax as `hosts`.
   */
  portalHosts?: { hosts: string[]; path: RegExp };
  /** tested against `pathname + search`; a match says "this URL is an article page" */
  articleUrl: RegExp[];
  /** tested against `pathname + search`; a match says "never an article" (feeds, topics, sign-in, search, video) */
  nonArticleUrl: RegExp[];
  /** where the article body lives (first match wins; several matching siblings are all kept) */
  bodySelectors: string[];
  /** site chrome that generic rules would not recognise */
  removeSelectors: string[];
  /** where a visible byline sits */
  bylineSelectors: string[];
  /** where the original publisher's NAME is shown (text or img alt) */
  sourceNameSelectors: string[];
  /** links whose href is the ORIGINAL article */
  sourceLinkSelectors: string[];
}
