/** Small, pure formatting helpers for the reader and the popup. */

/** A localised date for an ISO 8601 date or date-time; null when it cannot be read. */
export function formatPublished(iso: string | null | undefined, locale: string): string | null {
  if (!iso) return null;
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(iso);
  const time = Date.parse(dateOnly ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(time)) return null;
  try {
    return new Intl.DateTimeFormat(locale || 'en', {
      dateStyle: 'long',
      ...(dateOnly ? { timeZone: 'UTC' } : {}),
    }).format(new Date(time));
  } catch {
    return new Date(time).toISOString().slice(0, 10);
  }
}

/** Whole minutes, at least 1 for any text at all. */
export function minutesLabel(minutes: number | null | undefined): number | null {
  if (!minutes || !Number.isFinite(minutes) || minutes <= 0) return null;
  return Math.max(1, Math.round(minutes));
}

/** "https://publisher.example/a" → true; anything but http(s) → false. */
export function isWebUrl(url: string | null | undefined): url is string {
  if (!url) return false;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}
