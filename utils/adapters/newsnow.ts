import type { Adapter } from './types';

/**
 * NewsNow: a headline index. It links out to publishers (through c.newsnow.* redirects) and has
 * no article pages of its own, so every NewsNow page is a feed for Lectern.
 */
export const newsnow: Adapter = {
  id: 'newsnow',
  names: ['NewsNow'],
  hosts: ['newsnow.co.uk', '.newsnow.co.uk', 'newsnow.com', '.newsnow.com'],
  articleUrl: [],
  nonArticleUrl: [/^\//],
  bodySelectors: [],
  removeSelectors: [],
  bylineSelectors: [],
  sourceNameSelectors: [],
  sourceLinkSelectors: [],
};
