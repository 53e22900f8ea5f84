import type { Adapter } from './types';

/** Yahoo News (every English edition): "caas" story pages ending in -<digits>.html. */
export const yahoo: Adapter = {
  id: 'yahoo',
  names: ['Yahoo News', 'Yahoo', 'Yahoo! News', 'Yahoo Finance', 'Yahoo Sports'],
  hosts: ['news.yahoo.com', '.news.yahoo.com'],
  // www.yahoo.com and the country portals (uk.yahoo.com, sg.yahoo.com…) only under /news/
  portalHosts: { hosts: ['yahoo.com', '.yahoo.com'], path: /^\/news\// },
  articleUrl: [/^\/(news\/)?([a-z-]+\/)*[a-z0-9-]+-\d{6,}\.html$/i, /^\/news\/articles\/[a-z0-9-]+/i],
  nonArticleUrl: [
    /^\/?$/,
    /\/(video|videos|live|search|topics?|photos?)\//i,
    /^\/(news\/)?(us|world|politics|health|science|originals|newsletters|entertainment|weather|elections?)\/?$/i,
  ],
  bodySelectors: ['.caas-body', '.atoms-wrapper', '[data-testid="article-body"]'],
  removeSelectors: ['.caas-da', '.caas-readmore', '.caas-share-buttons'],
  bylineSelectors: ['.caas-author-byline-collapse', '.caas-attr-item-author', '[data-testid="author-link"]'],
  sourceNameSelectors: ['.caas-attr-provider', '.caas-logo img[alt]', '[data-provider]'],
  sourceLinkSelectors: [],
};
