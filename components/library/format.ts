/** Small pure helpers for showing saved items (rows of the list). */
import type { ItemRow } from '../../utils/messages';
import { aggregatorName } from '../../utils/runtime/aggregators';

/** The publisher shown for an item: the original source's name, else the host it was read on. */
export function publisherOf(row: Pick<ItemRow, 'source' | 'url'>): string {
  if (row.source?.name) return row.source.name;
  return hostOf(row.url);
}

export function hostOf(url: string | null | undefined): string {
  if (!url) return '';
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return url;
  }
}

/** "inkl" for an item read on an aggregator, else null. */
export function viaOf(row: Pick<ItemRow, 'aggregator'>): string | null {
  return aggregatorName(row.aggregator);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Building an Intl.DateTimeFormat costs ~1 ms: one per locale and kind, reused by every row. */
function formatter(locale: string, utc: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${utc}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', ...(utc ? { timeZone: 'UTC' } : {}) });
    formatters.set(key, f);
  }
  return f;
}

/** A short localised date ("3 Mar 2026") for an ISO date or date-time; null when unreadable. */
export function shortDate(iso: string | null | undefined, locale: string): string | null {
  if (!iso) return null;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const time = Date.parse(dateOnly ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(time)) return null;
  try {
    return formatter(locale || 'en', dateOnly).format(new Date(time));
  } catch {
    return new Date(time).toISOString().slice(0, 10);
  }
}

export function isWebUrl(url: string | null | undefined): url is string {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
