/**
 * Record migrations from every earlier schema version to SCHEMA_VERSION (pure, no `browser.*`).
 *
 * `migrateRecord(raw, fromVersion)` turns a record written by any earlier version into a valid
 * current SavedItem, or throws a MigrationError saying what is wrong with it. The store runs it
 * on every record of an older database when it is opened (store.ts), and the import code can run
 * it on a Lectern JSON export of an older version.
 *
 * The steps: MIGRATIONS[n] converts a version-n record into a version-(n+1) record.
 */
import type { SavedItem } from './types';
import { idFromKey, identityKey } from './identity';
import { SCHEMA_VERSION, isIsoDate, normalizeTags, readingMinutesFor, validateItem } from './schema';

/** The single object store of the v1 and v2 databases. */
export const LEGACY_STORE = 'articles';

/** A v1 record (Lectern 0.0.x): flat publisher, epoch-ms savedAt, no tags. */
export interface RecordV1 {
  id: string;
  url: string;
  title: string;
  author: string | null;
  /** publisher name */
  source: string | null;
  /** original article URL */
  sourceUrl: string | null;
  aggregator: string | null;
  published: string | null;
  /** epoch milliseconds */
  savedAt: number;
  archived: boolean;
  favourite: boolean;
  html: string;
  excerpt: string;
  words: number;
}

/** A v2 record: structured source, tags, a single status field. */
export interface RecordV2 {
  id: string;
  url: string;
  title: string;
  byline: string | null;
  source: { name: string; url: string | null } | null;
  aggregator: string | null;
  published: string | null;
  /** ISO 8601 */
  savedAt: string;
  tags: string[];
  status: 'unread' | 'read' | 'archived';
  favourite: boolean;
  html: string;
  excerpt: string;
  words: number;
  hasContent: boolean;
  leadImage: string | null;
  canonicalUrl: string | null;
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly fromVersion: number,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

type Obj = Record<string, unknown>;

function asObject(raw: unknown, version: number): Obj {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new MigrationError(`v${version} record is not an object`, version);
  }
  return raw as Obj;
}

function needString(r: Obj, key: string, version: number): string {
  const v = r[key];
  if (typeof v !== 'string' || !v) throw new MigrationError(`v${version} record: "${key}" is missing or not a string`, version);
  return v;
}

function optString(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v : null;
}

function optIso(v: unknown): string | null {
  return isIsoDate(v) ? v : null;
}

function hostName(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.replace(/^www\./, '');
  } catch {
    return null;
  }
}

/** v1 → v2: publisher name + URL become `source`, epoch ms becomes ISO, tags start empty. */
export function migrateV1toV2(raw: unknown): RecordV2 {
  const r = asObject(raw, 1);
  const url = needString(r, 'url', 1);
  const savedMs = r.savedAt;
  if (typeof savedMs !== 'number' || !Number.isFinite(savedMs) || savedMs <= 0) {
    throw new MigrationError('v1 record: "savedAt" is not a time in milliseconds', 1);
  }
  const sourceUrl = optString(r.sourceUrl);
  const sourceName = optString(r.source) ?? hostName(sourceUrl);
  const html = typeof r.html === 'string' ? r.html : '';
  return {
    id: typeof r.id === 'string' ? r.id : String(r.id ?? ''),
    url,
    title: typeof r.title === 'string' ? r.title : url,
    byline: optString(r.author),
    source: sourceName ? { name: sourceName, url: sourceUrl } : null,
    aggregator: optString(r.aggregator),
    published: optIso(r.published),
    savedAt: new Date(savedMs).toISOString(),
    tags: [],
    status: r.archived === true ? 'archived' : 'unread',
    favourite: r.favourite === true,
    html,
    excerpt: typeof r.excerpt === 'string' ? r.excerpt : '',
    words: typeof r.words === 'number' && r.words >= 0 ? Math.round(r.words) : 0,
    hasContent: html.length > 0,
    leadImage: null,
    canonicalUrl: null,
  };
}

/**
 * v2 → v3: `status` becomes `read` / `archived`, reading state and metadata fields are added,
 * and the id is re-derived from the identity key (so two v2 copies of one article get the same
 * id and the store merges them).
 */
export function migrateV2toV3(raw: unknown): SavedItem {
  const r = asObject(raw, 2);
  const url = needString(r, 'url', 2);
  if (!isIsoDate(r.savedAt)) throw new MigrationError('v2 record: "savedAt" is not an ISO 8601 date', 2);
  const s = r.source as { name?: unknown; url?: unknown } | null | undefined;
  const source =
    s && typeof s === 'object' && typeof s.name === 'string'
      ? { name: s.name, url: optString(s.url) }
      : null;
  const status = r.status === 'read' || r.status === 'archived' ? r.status : 'unread';
  const html = typeof r.html === 'string' ? r.html : '';
  const words = typeof r.words === 'number' && r.words >= 0 ? Math.round(r.words) : 0;
  const canonicalUrl = optString(r.canonicalUrl);
  const item: SavedItem = {
    id: idFromKey(identityKey({ url, source, canonicalUrl })),
    url,
    title: typeof r.title === 'string' ? r.title : url,
    byline: optString(r.byline),
    source,
    aggregator: optString(r.aggregator) as SavedItem['aggregator'],
    published: optIso(r.published),
    savedAt: r.savedAt,
    tags: normalizeTags(r.tags),
    archived: status === 'archived',
    favourite: r.favourite === true,
    words,
    hasContent: typeof r.hasContent === 'boolean' ? r.hasContent && html.length > 0 : html.length > 0,
    html,
    canonicalUrl,
    excerpt: typeof r.excerpt === 'string' ? r.excerpt : '',
    leadImage: optString(r.leadImage),
    readingMinutes: readingMinutesFor(words),
    lang: null,
    dir: null,
    read: status === 'read',
    progress: status === 'read' ? 1 : 0,
    updatedAt: r.savedAt,
  };
  return item;
}

/** MIGRATIONS[n] converts a version-n record into a version-(n+1) record. */
export const MIGRATIONS: Readonly<Record<number, (raw: unknown) => unknown>> = {
  1: migrateV1toV2,
  2: migrateV2toV3,
};

/**
 * Bring a record of schema version `fromVersion` up to SCHEMA_VERSION and validate it.
 * Throws MigrationError (with a readable message) for a record that cannot be migrated or
 * an unknown version.
 */
export function migrateRecord(raw: unknown, fromVersion: number): SavedItem {
  if (!Number.isInteger(fromVersion) || fromVersion < 1 || fromVersion > SCHEMA_VERSION) {
    throw new MigrationError(`unknown schema version ${fromVersion} (this Lectern knows 1–${SCHEMA_VERSION})`, fromVersion);
  }
  let r = raw;
  for (let v = fromVersion; v < SCHEMA_VERSION; v++) {
    const step = MIGRATIONS[v];
    if (!step) throw new MigrationError(`no migration from v${v}`, v);
    r = step(r);
  }
  const checked = validateItem(r);
  if (!checked.ok) throw new MigrationError(`v${fromVersion} record: ${checked.error}`, fromVersion);
  return checked.value;
}
