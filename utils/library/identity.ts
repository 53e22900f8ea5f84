/**
 * Item identity for the saved library (pure, no `browser.*`).
 *
 * Test contract: "One article is one item: it is identified by its original URL when known,
 * else by its URL without tracking parameters (`utm_*`, `fbclid`, `gclid`, …) and fragment."
 *
 * - `normalizeUrl(url)`   the URL without tracking parameters and fragment, host lowercased,
 *                         default port dropped, remaining query parameters in a stable order.
 * - `identityKey(input)`  normalizeUrl(source.url) when the original URL is known, else
 *                         normalizeUrl(url). The item's `id` is `idFromKey(identityKey)`.
 * - `matchKey(url)`       a looser form of normalizeUrl used only to FIND an existing entry
 *                         (http/https, `www.`, a trailing slash and `amp=1` do not matter).
 * - `matchKeys(input)`    the match keys an item is stored under, in match order.
 * - `titleKey(title, publisher)` normalised title + publisher, the last-resort match.
 *
 * Dedupe match order (issue 4), implemented by the store inside one transaction:
 *   1. the original URL (`source.url`) of the new save against every URL of stored items;
 *   2. the canonical URL, then the URL it was read at (aggregator URL), likewise;
 *   3. normalised title + publisher name.
 * A candidate found by 2 or 3 is rejected when both sides know their original URL and the two
 * differ (`conflictingOriginals`): two different original articles are never merged.
 */

/** Query parameters that only track where a click came from. Compared lowercased. */
export const TRACKING_PARAMS: ReadonlySet<string> = new Set([
  'fbclid', 'gclid', 'gclsrc', 'dclid', 'gbraid', 'wbraid', 'msclkid', 'yclid', 'twclid', 'ttclid',
  'igshid', 'igsh', 'li_fat_id', 'mc_cid', 'mc_eid', 'mkt_tok', '_ga', '_gl', '_hsenc', '_hsmi',
  'hsctatracking', 'oly_anon_id', 'oly_enc_id', 'vero_id', 'vero_conv', 'rb_clickid', 's_kwcid',
  'ef_id', 'ref_src', 'ref_url', 'ocid', 'cvid', 'ncid', 'guccounter', 'guce_referrer',
  'guce_referrer_sig', 'soc_src', 'soc_trk', 'smid', 'smtyp', 'cmpid', 'wt.mc_id', 'wt_mc_id',
  'at_medium', 'at_campaign', 'at_custom1', 'at_custom2', 'at_custom3', 'at_custom4', 'sr_share',
  'spm', 'scm', '__twitter_impression', 'share_id', 'fb_action_ids', 'fb_action_types', 'fb_ref',
  'fb_source', 'action_object_map', 'action_type_map', 'action_ref_map', 'trk', 'trkcampaign',
  'sc_cid', 'cmp', 'campaign_id', 'ad_id', 'adgroupid', 'utm',
]);

/** Parameter-name prefixes that only track (utm_source, pk_campaign, mtm_kwd, hsa_cam, …). */
export const TRACKING_PREFIXES: readonly string[] = ['utm_', 'pk_', 'mtm_', 'hsa_', 'itm_', 'stm_', 'ga_'];

export function isTrackingParam(name: string): boolean {
  const n = name.toLowerCase();
  if (TRACKING_PARAMS.has(n)) return true;
  return TRACKING_PREFIXES.some((p) => n.startsWith(p));
}

/**
 * The URL without tracking parameters and fragment, host lowercased (the URL parser does that
 * and drops default ports), remaining parameters sorted by name (values of a repeated name keep
 * their order). Returns null for anything that is not an absolute http(s) URL.
 */
export function normalizeUrl(url: string | null | undefined): string | null {
  if (!url || typeof url !== 'string') return null;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  u.hash = '';
  u.username = '';
  u.password = '';
  const kept: Array<[string, string]> = [];
  for (const [k, v] of u.searchParams) if (!isTrackingParam(k)) kept.push([k, v]);
  // stable sort by name: equal names keep their relative order
  kept.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (kept.length === 0) u.search = '';
  else u.search = new URLSearchParams(kept).toString();
  return u.toString();
}

/**
 * A looser key than normalizeUrl, only for finding an existing entry: no scheme, no `www.`,
 * no trailing slash (except the root), no `amp=1`/`outputType=amp` switch. Null when not http(s).
 */
export function matchKey(url: string | null | undefined): string | null {
  const n = normalizeUrl(url);
  if (!n) return null;
  const u = new URL(n);
  let host = u.host;
  if (host.startsWith('www.')) host = host.slice(4);
  let path = u.pathname;
  while (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const params = new URLSearchParams(u.search);
  const amp = params.get('amp');
  if (amp !== null && ['', '1', 'true'].includes(amp)) params.delete('amp');
  if ((params.get('outputType') ?? '').toLowerCase() === 'amp') params.delete('outputType');
  const q = params.toString();
  return `${host}${path}${q ? `?${q}` : ''}`;
}

/** The fields of a save that identity looks at. */
export interface IdentityInput {
  url: string;
  canonicalUrl?: string | null;
  source?: { name: string; url: string | null } | null;
  title?: string | null;
}

/**
 * The item's identity key: its original URL when known, else its URL without tracking
 * parameters and fragment. Falls back to the raw trimmed URL when it is not http(s)
 * (so that e.g. an imported `file:` bookmark still has a stable identity).
 */
export function identityKey(input: IdentityInput): string {
  return normalizeUrl(input.source?.url) ?? normalizeUrl(input.url) ?? String(input.url ?? '').trim();
}

/** The URL match keys of a save, in the dedupe match order, without duplicates. */
export function matchKeys(input: IdentityInput): { original: string | null; others: string[]; all: string[] } {
  const original = matchKey(input.source?.url);
  const others: string[] = [];
  for (const u of [input.canonicalUrl, input.url]) {
    const k = matchKey(u);
    if (k && k !== original && !others.includes(k)) others.push(k);
  }
  if (!original && others.length === 0 && input.url) others.push(String(input.url).trim());
  return { original, others, all: original ? [original, ...others] : others };
}

/** Lowercase, no diacritics, letters/digits only, single spaces. */
export function normalizeText(s: string | null | undefined): string {
  if (!s) return '';
  return s
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/(\p{L})['’‘`´](\p{L})/gu, '$1$2')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** A publisher name for matching: normalised, without a leading "the". */
export function normalizePublisher(name: string | null | undefined): string {
  const n = normalizeText(name);
  return n.startsWith('the ') ? n.slice(4) : n;
}

/**
 * Normalised title + publisher, or null when either is missing or the title is too short to be
 * distinctive (fewer than 3 words and 16 characters). A title ending in " - Publisher" or
 * " | Publisher" counts without that suffix.
 */
export function titleKey(title: string | null | undefined, publisher: string | null | undefined): string | null {
  const pub = normalizePublisher(publisher);
  let t = normalizeText(title);
  if (!pub || !t) return null;
  for (const suffix of [` ${pub}`, ` the ${pub}`]) {
    if (t.endsWith(suffix) && t.length > suffix.length) t = t.slice(0, -suffix.length).trim();
  }
  if (t.split(' ').length < 3 && t.length < 16) return null;
  return `${t}\u0001${pub}`;
}

/**
 * True when both sides know their original article URL and the two are different articles:
 * such a pair is never merged, whatever else matches.
 */
export function conflictingOriginals(a: string | null | undefined, b: string | null | undefined): boolean {
  const ka = matchKey(a);
  const kb = matchKey(b);
  return !!ka && !!kb && ka !== kb;
}

/**
 * cyrb53: a fast, well-mixed 53-bit string hash (public domain, bryc). Synchronous so that ids
 * can be computed inside an IndexedDB transaction.
 */
export function hash53(str: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * The stable short id of an identity key: 11 base-36 characters (53 bits; for 10,000 items the
 * chance of any collision is about 1 in 10^8, and the store resolves one with `idFromKey(key, n)`).
 */
export function idFromKey(key: string, attempt = 0): string {
  const h = hash53(attempt === 0 ? key : `${key}\u0000${attempt}`);
  return h.toString(36).padStart(11, '0');
}
