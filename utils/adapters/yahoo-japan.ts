import type { Adapter } from './types';

/** Yahoo! JAPAN News: full stories at /articles/<hex>; /pickup/ pages are only summaries. */
export const yahooJapan: Adapter = {
  id: 'yahoo-japan',
  names: ['Yahoo!ニュース', 'Yahoo! JAPAN', 'Yahoo!JAPAN', 'Yahoo! News'],
  hosts: ['news.yahoo.co.jp'],
  articleUrl: [/^\/articles\/[0-9a-f]{16,}(\?|\/?$|\?page=\d+)/i],
  nonArticleUrl: [
    /^\/?$/,
    /^\/(pickup|topics|categories|ranking|search|media|paid|flash|live|polls|expert)(\/|\?|$)/i,
    /^\/articles\/[0-9a-f]+\/(comments|images)/i,
  ],
  bodySelectors: ['.article_body', '[class*="articleBody"]', '.highLightSearchTarget'],
  removeSelectors: ['[class*="ArticleRelatedLinks"]', '[class*="ranking"]'],
  bylineSelectors: ['[class*="author"]'],
  sourceNameSelectors: ['[class*="sourceName"]', '[class*="media-name"]', 'a[href*="/media/"] img[alt]'],
  sourceLinkSelectors: ['a[class*="originalLink"]'],
};
