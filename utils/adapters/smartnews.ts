import type { Adapter } from './types';

/** SmartNews web reader: /articles/<id>; the reading-limit wall is injected by script. */
export const smartnews: Adapter = {
  id: 'smartnews',
  names: ['SmartNews'],
  hosts: ['smartnews.com', '.smartnews.com'],
  articleUrl: [/^\/([a-z]{2}\/)?articles?\/[A-Za-z0-9_-]{6,}/],
  nonArticleUrl: [/^\/?$/, /^\/([a-z]{2}\/)?(channels?|topics?|search|login|signin|signup|about|privacy|terms)(\/|\?|$)/i],
  bodySelectors: ['article'],
  removeSelectors: ['#sn-web-limit-wall', '[data-snf="sponsoredLink"]'],
  bylineSelectors: [],
  sourceNameSelectors: ['main > div img[alt]'],
  sourceLinkSelectors: [],
};
