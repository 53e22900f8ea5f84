import type { Adapter } from './types';

/** NewsBreak: Next.js pages at /news/<docid>-<slug> (or /<place>/<docid>-<slug>). */
export const newsbreak: Adapter = {
  id: 'newsbreak',
  names: ['NewsBreak', 'News Break', 'NewsBreak.com'],
  hosts: ['newsbreak.com', '.newsbreak.com'],
  articleUrl: [/^\/(news|[a-z0-9-]+)\/\d{9,}-[a-z0-9-]+/i],
  nonArticleUrl: [
    /^\/?$/,
    /^\/(for-you|topics?|signin|login|signup|download|search|about|contact|careers|privacy|terms|community-guidelines)(\/|\?|$)/i,
    /^\/[a-z0-9-]+\/?$/i, // local feeds such as /millbrook-or
  ],
  bodySelectors: ['[class*="ArticleBody_body"]', '[class*="article-content"]'],
  removeSelectors: ['[class*="Comments_"]'],
  bylineSelectors: [],
  sourceNameSelectors: ['[class*="SourceInfo_name"]', '[class*="SourceInfo_root"] img[alt]'],
  sourceLinkSelectors: ['[class*="ArticleDetail_origin"] a'],
};
