import type { Adapter } from './types';

/** MSN: syndicated stories at /<locale>/<section>/.../ar-<id>; everything else is a feed. */
export const msn: Adapter = {
  id: 'msn',
  names: ['MSN', 'Microsoft Start', 'Microsoft'],
  hosts: ['msn.com', '.msn.com'],
  articleUrl: [/\/ar-[A-Za-z0-9]{6,}(\/|\?|$)/],
  nonArticleUrl: [
    /\/(vi|ss|gm|cg|sr)-[A-Za-z0-9]{6,}/, // video, slideshow, game, collection, source pages
    /^\/[a-z]{2}-[a-z]{2}\/?$/i,
    /\/(feed|following|signin|search|weather|channel|play|shopping)(\/|\?|$)/i,
  ],
  bodySelectors: ['[data-aop="articlebody"]', '.article-body'],
  removeSelectors: ['msn-header', '.continue-reading-button-wrapper', '.article-footer-actions'],
  bylineSelectors: ['.story-by', '.byline-row [class*="author"]'],
  sourceNameSelectors: ['.provider-logo[alt]', '.provider-info img[alt]', '[class*="provider-name"]'],
  sourceLinkSelectors: [],
};
