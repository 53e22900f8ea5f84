import type { Adapter } from './types';

/** Ground News: story pages at /article/<slug>; interests, sources and feeds are listings. */
export const groundnews: Adapter = {
  id: 'groundnews',
  names: ['Ground News', 'Ground'],
  hosts: ['ground.news', '.ground.news'],
  articleUrl: [/^\/article\/[a-z0-9-]+/i],
  nonArticleUrl: [
    /^\/?$/,
    /^\/(interest|topic|source|blindspot|my|local|search|login|signup|subscribe|rating|bias-ratings|about|daily-briefing)(\/|\?|$)/i,
  ],
  bodySelectors: ['[data-testid="story-summary"]', '.story-summary'],
  removeSelectors: ['.bias-bar', '[data-testid="coverage-list"]'],
  bylineSelectors: [],
  sourceNameSelectors: [],
  sourceLinkSelectors: [],
};
