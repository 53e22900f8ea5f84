import type { Adapter } from './types';

/** AOL: the same "caas" story markup as Yahoo, often split into several .caas-body parts. */
export const aol: Adapter = {
  id: 'aol',
  names: ['AOL', 'AOL.com', 'Aol.'],
  hosts: ['aol.com', '.aol.com'],
  articleUrl: [/^\/([a-z-]+\/)*[a-z0-9-]+-\d{6,}\.html$/i, /^\/articles?\/[a-z0-9-]+/i],
  nonArticleUrl: [/^\/?$/, /\/(video|videos|search|topic|weather)(\/|\?|$)/i, /^\/[a-z-]+\/?$/i],
  bodySelectors: ['.caas-body', '[data-testid="article-body"]'],
  removeSelectors: ['.caas-da', '.caas-readmore', '.caas-video'],
  bylineSelectors: ['.caas-author-byline-collapse', '.caas-attr-item-author'],
  sourceNameSelectors: ['.caas-attr-provider', '.caas-logo img[alt]', '[data-provider]'],
  sourceLinkSelectors: ['.caas-origin a'],
};
