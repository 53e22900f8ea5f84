/**
 * Match patterns of every aggregator host Lectern knows. Pure data: imported by
 * wxt.config.ts at build time (host permissions) and by the detector content script.
 * Filled from the adapter registry; keep in sync via tests/unit/adapters (meta-test).
 */
export const AGGREGATOR_MATCHES: string[] = [
  '*://*.inkl.com/*',
  '*://*.msn.com/*',
  '*://news.yahoo.com/*',
  '*://*.news.yahoo.com/*',
  // www.yahoo.com and the country portals are Yahoo News only under /news/
  '*://*.yahoo.com/news/*',
  '*://news.yahoo.co.jp/*',
  '*://*.aol.com/*',
  '*://flipboard.com/*',
  '*://*.flipboard.com/*',
  '*://*.newsbreak.com/*',
  '*://*.smartnews.com/*',
  '*://ground.news/*',
  '*://*.ground.news/*',
  '*://*.newsnow.co.uk/*',
  '*://*.newsnow.com/*',
];
