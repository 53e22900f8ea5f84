import type { Adapter } from './types';

/** Flipboard: /article/<slug>/<id> reader pages; magazines, profiles and topics are feeds. */
export const flipboard: Adapter = {
  id: 'flipboard',
  names: ['Flipboard'],
  hosts: ['flipboard.com', '.flipboard.com'],
  articleUrl: [/^\/article\/[^/]+\/[^/]+/i],
  nonArticleUrl: [
    /^\/?$/,
    /^\/@/,
    /^\/(topic|section|explore|for-you|login|signup|signin|search|video|magazines?)(\/|\?|$)/i,
  ],
  // class names are emotion hashes (css-xxxx): only structure is stable
  bodySelectors: ['article'],
  removeSelectors: [],
  bylineSelectors: [],
  sourceNameSelectors: ['article img[alt]'],
  sourceLinkSelectors: [],
};
