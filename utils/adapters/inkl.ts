import type { Adapter } from './types';

/** inkl: publisher articles re-hosted under /news/<slug>, behind a metered wall or a CDK dialog. */
export const inkl: Adapter = {
  id: 'inkl',
  names: ['inkl'],
  hosts: ['inkl.com', '.inkl.com'],
  articleUrl: [/^\/news\/(?!topics\/)[a-z0-9][a-z0-9-]{8,}\/?$/i],
  nonArticleUrl: [
    /^\/?$/,
    /^\/(signin|signup|login|register|forgot-password|account|settings|search|pricing|publishers?|help|about|careers|business)(\/|\?|$)/i,
    /^\/news\/topics\//i,
    /^\/(topics?|for-you|briefings?|authors?)(\/|$)/i,
  ],
  bodySelectors: ['.article-content', '[data-ng-bind-html="article.body"]', '.article-body'],
  removeSelectors: [
    // the white fade drawn over the clipped text and the inline sign-up panel below it
    '.gradient-container',
    '.paywall-signup',
    // "Dive deeper" cards are Angular click targets without links (not link-dense)
    '.dive-deeper-container',
  ],
  bylineSelectors: ['.article-meta .author', '[rel="author"]'],
  sourceNameSelectors: ['.article-publisher img[alt]', '.publisher-row img[alt]', '.publisher-tag', 'a.original-link'],
  sourceLinkSelectors: ['a.original-link'],
};
