/**
 * Ordered adapter registry. The first adapter whose host (and path prefix) matches wins.
 *
 * Order matters only where hosts overlap:
 * - yahoo-japan (news.yahoo.co.jp) before yahoo: ".yahoo.com" cannot match .co.jp, but keeping the
 *   more specific host first documents the intent and stays right if suffixes are ever loosened.
 * - aol before yahoo: both use Yahoo's "caas" markup, but hosts decide, never markup.
 * - yahoo is last of the three because its ".yahoo.com" suffix plus the /news/ path prefix is the
 *   broadest rule (www.yahoo.com is a portal; only /news/ pages are aggregator pages).
 * The rest have disjoint hosts; they are listed by how common they are.
 */
import type { AggregatorId } from '../types';
import type { Adapter } from './types';
import { inkl } from './inkl';
import { msn } from './msn';
import { yahooJapan } from './yahoo-japan';
import { aol } from './aol';
import { yahoo } from './yahoo';
import { flipboard } from './flipboard';
import { newsbreak } from './newsbreak';
import { smartnews } from './smartnews';
import { groundnews } from './groundnews';
import { newsnow } from './newsnow';

export type { Adapter } from './types';

export const ADAPTERS: readonly Adapter[] = [
  inkl,
  msn,
  yahooJapan,
  aol,
  yahoo,
  flipboard,
  newsbreak,
  smartnews,
  groundnews,
  newsnow,
];

export function hostMatches(host: string, patterns: readonly string[]): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return patterns.some((p) => (p.startsWith('.') ? h.endsWith(p) : h === p));
}

/** The adapter that owns this URL, or null for ordinary sites. */
export function findAdapter(url: string | URL): Adapter | null {
  let u: URL;
  try {
    u = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  for (const a of ADAPTERS) {
    if (hostMatches(u.hostname, a.hosts)) return a;
    if (a.portalHosts && hostMatches(u.hostname, a.portalHosts.hosts) && a.portalHosts.path.test(u.pathname)) return a;
  }
  return null;
}

export function adapterById(id: AggregatorId | null | undefined): Adapter | null {
  return ADAPTERS.find((a) => a.id === id) ?? null;
}
