/**
 * The saved library: IndexedDB storage, dedupe, search (pure of `browser.*`; the background
 * owns one `Library` and the popup asks it through messages).
 *
 * Database `lectern-library` in the extension's origin, version = SCHEMA_VERSION (schema.ts):
 *   items       light list rows (everything but html) + identity keys;
 *               indexes savedAt, urlKeys (multiEntry), titleKey
 *   bodies      { id, json } (html as the UTF-8 of its JSON string literal; older { id, html }
 *               still read — schema.ts) — read only by get()/exports, never by list()
 *   segments    the body-word index as immutable, compact segments (search.ts); a save adds a
 *               small one in its own transaction, the Library merges them in the background
 *   meta        'rev' → number, incremented by every write; 'count' → exact number of entries;
 *               'pending' → ids of imported bodies not yet sanitised and indexed (see below);
 *               'pack:<rev>' → the file (Blob) an import's waiting bodies are ranges of
 *               'backup' → the JSON backup's parts (ids + row marks), 'backup:<n>' → each
 *               part's bytes as a Blob (backup.ts; backupParts, kept ready by the background's
 *               refresh, dropped by delete/clear)
 *   changes     { seq: rev, ids } — the last 500 writes, so another Library instance (another
 *               tab or context) catches up by reading only the changed rows
 *   quarantine  records of an older database that could not be migrated, kept, not lost
 *
 * Every write is ONE readwrite transaction over all the stores: the lookup of an existing entry
 * and the write happen together, so concurrent saves (from many tabs, or parallel calls) are
 * serialised by IndexedDB and can neither lose one another nor create a duplicate; a failed
 * write (quota, anything) aborts the transaction and leaves the library exactly as it was,
 * and rejects with a LibraryError.
 *
 * Re-saving an article that is already saved (same identity, see identity.ts) updates its ONE
 * entry: the content and metadata of the new save replace the old (a save without content, such
 * as a bare link, never replaces saved content), while what the user made of the entry is kept:
 * the first `savedAt` (its place in the newest-first list), tags (new tags are added), archived,
 * read, progress and favourite (a new `favourite: true` sticks). `updatedAt` becomes now.
 *
 * Imports write untrusted bodies as they are (`saveMany(…, { untrusted: true })`): the body is kept
 * as `{ id, json, raw: rev }` (not sanitised), left out of the body-word index, and its id added to meta
 * 'pending'; `cleanPending` (run where a DOM is) later sanitises and indexes them in batches.
 * Anything that shows a body sanitises it again anyway (setSanitizedContent); reads that hand
 * bodies out for exports (readBatches/getMany) sanitise a raw one with the caller's `clean` or
 * refuse it (LibraryError 'pending'); restore() (Undo of a delete) writes untrusted too. So a raw
 * body is never shown nor exported as it is; until it is cleaned, its words are not found.
 * Counts an import did not give (words, reading time, excerpt) are taken from the html as it came
 * and marked in the row (`recount`); cleanPending counts them again from the sanitised text.
 * A Lectern JSON backup read from its bytes goes further (saveMany `pack`, SaveInput `rawBody`):
 * its file is stored once, as it is, in meta 'pack:<rev>', and each raw body as the range of
 * its JSON string literal there (PackedBody; every read turns it back into a raw body first:
 * unpackBodies). Storing one 300 MB File is ~0.1 s in Chromium where 10,000 copied bodies were
 * ~8 s. The packs are deleted when no body waits any more (cleanPending, clear): until then an
 * import takes the file's size on disk on top of the bodies cleaned so far (and a backup imported
 * again for one new article keeps the whole file until that one is cleaned).
 *
 * Why IndexedDB and not storage.local (measured in Chromium 156 with a throw-away extension,
 * 10,000 articles of ~30 KB, on a shared 2-core machine under load ≈ 12, so absolute numbers
 * are inflated):
 *                         IndexedDB (this store)      storage.local (+unlimitedStorage)
 *   first 50 rows, cold   6–47 ms (p95 ≤ 100)          66 ms (order key + 50 row keys)
 *   save p50 / p95        13–19 / 56–84 ms             295 / 681 ms (order + identity map
 *                                                      re-written on every save)
 *   full-text search      p50 14, p95 66 ms            4.4 s to scan the bodies (no index)
 *   disk                  164 MB (html + index)        320 MB
 * storage.local has no transactions spanning a read and a write, so the dedupe lookup and the
 * write of two concurrent saves can interleave (duplicates, lost updates); it has no indexes
 * or cursors, so listing newest first needs a list of all ids re-written on every save, and
 * search needs a hand-made index stored in it. IndexedDB gives atomic multi-store
 * transactions, indexes and cursors. Quota: storage.local is capped at 10 MB without the
 * `unlimitedStorage` permission; IndexedDB in the extension's origin gets a share of the disk
 * but may be evicted under storage pressure — the manifest should ask for `unlimitedStorage`
 * (no install warning), which lifts the cap and the eviction for both.
 */
import { wrap, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { AggregatorId, Article } from '../types';
import type { SavedItem } from './types';
import {
  conflictingOriginals,
  idFromKey,
  identityKey,
  matchKey,
  matchKeys,
  normalizePublisher,
  titleKey as makeTitleKey,
} from './identity';
import { BACKUP_PART_KEYS, BACKUP_STATE_KEY, backupPartKey, lastWithin, partsOf, planBackup, planSelection, readBackupState, rowMark, type BackupPart, type BackupState, type PlannedPart } from './backup';
import { LEGACY_STORE, migrateRecord } from './migrations';
import {
  SCHEMA_VERSION,
  isIsoDate,
  isPackedRef,
  isTyped,
  normalizeTags,
  readingMinutesFor,
  toItemRow,
  validateBody,
  validateBodyJson,
  encodeBodyJson,
  validateItem,
  validateStoredRow,
  type ItemRow,
  type StoredBody,
  type StoredBodyJson,
  type StoredRow,
} from './schema';
import {
  LightIndex,
  SegmentSet,
  buildSegment,
  combineMatches,
  countWords,
  htmlToText,
  indexBody,
  indexTerms,
  mergeSegmentsAsync,
  parseQuery,
  type IndexedBody,
  type IndexedDoc,
  type SegmentData,
} from './search';

export { SCHEMA_VERSION, type ItemRow } from './schema';

export const DB_NAME = 'lectern-library';
const STORES = ['items', 'bodies', 'segments', 'meta', 'changes', 'quarantine'] as const;
/** `""` as bytes: the JSON of an item without a body */
const EMPTY_JSON_STRING = new Uint8Array([0x22, 0x22]);
/** Merge body-index segments once this many of one size tier exist (log-structured merge). */
const MERGE_FACTOR = 8;
/**
 * Background merges stop at segments of this many items (a merge of 8 × 512 takes ~0.3 s of
 * JS, spread over 10 ms slices); bigger ones are merged only by an explicit compact({ all }).
 */
const MAX_MERGE_DOCS = 4096;
/** Merges of at least this many items also drop deleted items from the body index. */
const PURGE_FROM_DOCS = 256;
/** During a migration, one body-index segment per this many items. */
const MIGRATION_SEGMENT = 500;
const CHANGES_KEPT = 500;
/**
 * saveMany of at least this many items reads the items store once and matches in memory
 * (MemoryFinder); fewer look each item up with the indexes (a read of every row would cost more).
 */
export const BULK_MIN = 64;
/** cleanPending gives the event loop a turn after this much work (ms) */
const CLEAN_SLICE_MS = 30;
/**
 * A body word matches as a prefix (search as you type) only from 4 characters, and at most this
 * many index entries are read for it: the cost of a prefix lookup grows with the number of
 * (article, word) pairs under it, and "mer…" over 10,000 articles is hundreds of thousands.
 */
const BODY_PREFIX_MIN = 4;
const PREFIX_CAP = 20_000;
/** Up to this many rows, an unfiltered list() before the first full load reads them by cursor. */
const FIRST_PAGE_MAX = 200;
const CJK_START = /^[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

// ---------------------------------------------------------------- public types

export type LibraryErrorCode =
  | 'quota' // the browser refused to store more
  | 'write-failed' // any other failed write
  | 'read-failed'
  | 'damaged' // a stored record fails validation
  | 'not-found'
  | 'invalid-input'
  | 'open-failed'
  | 'version' // the database was written by a newer Lectern
  | 'pending'; // an export met an imported body not sanitised yet and had no sanitiser

export class LibraryError extends Error {
  readonly code: LibraryErrorCode;
  /** the item concerned, when there is one */
  readonly id?: string;
  constructor(code: LibraryErrorCode, message: string, options: { cause?: unknown; id?: string } = {}) {
    super(message, { cause: options.cause });
    this.name = 'LibraryError';
    this.code = code;
    if (options.id !== undefined) this.id = options.id;
  }
}

/** What a save needs; `Article` (utils/types.ts) converts with `articleToSaveInput`. */
export interface SaveInput {
  /** where it was read (aggregator or publisher page) */
  url: string;
  title?: string | null;
  byline?: string | null;
  source?: { name: string; url: string | null } | null;
  aggregator?: AggregatorId | null;
  published?: string | null;
  canonicalUrl?: string | null;
  /** sanitised article html; empty or absent for a link without content */
  html?: string | null;
  /**
   * Instead of `html`, for `saveMany(…, { untrusted: true, pack })` only: the untrusted html as
   * the byte range `[start, end)` of `pack` that holds its JSON string literal (quotes included,
   * not blank). It is stored as that range, not copied (see "packs" at the top); the input must
   * give `words` and `excerpt` (there is no text to count).
   */
  rawBody?: { start: number; end: number } | null;
  /** plain text of the body; derived from html when absent */
  text?: string | null;
  excerpt?: string | null;
  leadImage?: string | null;
  words?: number | null;
  readingMinutes?: number | null;
  lang?: string | null;
  dir?: 'ltr' | 'rtl' | null;
  // user state: used for a NEW entry (imports); for an existing entry see the merge rules above
  savedAt?: string | null;
  tags?: string[] | null;
  archived?: boolean;
  favourite?: boolean;
  read?: boolean;
  progress?: number;
}

export interface SaveResult {
  id: string;
  /** true when the article was already saved and its one entry was updated */
  updated: boolean;
}

export interface SaveManyResult extends SaveResult {
  /** true when `ifExists: 'skip'` left an existing entry untouched */
  skipped: boolean;
}

export interface ListFilter {
  /** true: only items not marked read; false: only read ones */
  unread?: boolean;
  archived?: boolean;
  favourite?: boolean;
  hasContent?: boolean;
  /** items carrying this tag (case-insensitive) */
  tag?: string;
  /** items from this publisher (source name, compared case- and "The"-insensitively) */
  publisher?: string;
  aggregator?: AggregatorId | null;
}

export interface ListOptions {
  filter?: ListFilter;
  /** full-text query; the result stays newest first (use search() for relevance order) */
  query?: string;
  /** default: all */
  limit?: number;
  offset?: number;
}

export interface DamagedRecord {
  id: string;
  error: string;
  store: 'items' | 'bodies' | 'quarantine';
}

export interface ListResult {
  items: ItemRow[];
  /** how many items match (all pages) */
  total: number;
  /** records that fail validation: skipped, reported here, left in the database */
  damaged: DamagedRecord[];
}

export type ItemPatch = Partial<Pick<SavedItem, 'archived' | 'favourite' | 'read' | 'progress' | 'tags' | 'title'>>;

export interface LibraryStats {
  total: number;
  unread: number;
  archived: number;
  favourites: number;
  withContent: number;
  /** tag → number of items, most used first (then alphabetical) */
  tags: Array<{ tag: string; count: number }>;
  /** publisher name → number of items, most used first (then alphabetical) */
  publishers: Array<{ name: string; count: number }>;
  damaged: DamagedRecord[];
  schemaVersion: number;
  /** imported bodies not yet sanitised and indexed (their words are not found by search yet) */
  pending: number;
}

/** What one cleanPending call did; `timings`: where its time went (ms), for bench:import:browser. */
export interface CleanResult {
  cleaned: number;
  remaining: number;
  /** entries whose row changed (a body that sanitised to nothing made its entry a link) */
  changed: string[];
  timings: { read: number; clean: number; index: number; write: number };
}

/** Library.backupParts's answer. */
export interface BackupParts {
  /** the items' bytes, in file order: join with "," between the JSON file's head and tail */
  parts: Blob[];
  items: number;
  damaged: DamagedRecord[];
  /** parts used as stored / written anew; `only`: runs of items taken as slices of stored parts */
  kept: number;
  built: number;
  slices: number;
  /** items in no part (only with `partial`: more than `maxBuild` were to be written) */
  left: number;
  /** ms spent: planning (row marks, the stored state), reading the items written anew, writing their bytes, their Blob */
  timings: { plan: number; read: number; write: number; blob: number };
  /** true once the new parts are stored for the next backup */
  stored: Promise<boolean>;
}

export interface LibraryOptions {
  /** the IndexedDB factory (default: globalThis.indexedDB) */
  indexedDB?: IDBFactory;
  /** database name (default `lectern-library`) */
  name?: string;
  /** clock, for tests */
  now?: () => Date;
  /** merge body-index segments in the background after saves (default true) */
  autoCompact?: boolean;
  /**
   * 'lazy': build the in-memory title/byline index on the first search instead of with the row
   * cache (a context that never searches — the offscreen document's exports — skips its cost)
   */
  searchIndex?: 'eager' | 'lazy';
  /** saveMany of at least this many items matches in memory (default BULK_MIN; tests compare both ways) */
  bulkFrom?: number;
  /**
   * Keep a JSON backup's parts ready (backup.ts): `afterMs` after this Library opens and after
   * its last write (and after `backupSoon`), the parts that are missing (no backup yet, new
   * articles) or stale are written with `write` and stored — at most `maxItems` items a round,
   * rounds one after the other until every item is in a part — so that a backup, the first one
   * included, finds them ready. Off by default (the background's Library turns it on).
   */
  backupRefresh?: {
    write: BackupWriter;
    afterMs: number;
    maxItems: number;
    partItems?: number;
    /** called as each round starts (the background: an extension call, so that Chrome does not stop its service worker mid-way) */
    keepAlive?: () => void;
  };
}

/**
 * Writes a backup part's bytes: its items, the first preceded by "\n", the others by ",\n"
 * (formats/json.ts jsonBackupWriter); `id` names the writer's output format (parts written by
 * another id are written again).
 */
export interface BackupWriter {
  id: string;
  write(items: SavedItem[], json: Uint8Array[]): Uint8Array[];
  /** where each item of a part's bytes starts (after the separator before it); null when it cannot tell */
  starts?(chunks: readonly Uint8Array[]): number[] | null;
}

/**
 * An export of a filter or a selection takes a run of chosen items that a stored part holds one
 * after the other as a slice of the part's Blob (nothing read) when that costs less than reading
 * them from the library: in Chromium a slice costs the download ~SLICE_MS, an article read and
 * written ~READ_MS (docs/benchmarks.md, sixth session).
 */
const SLICE_MS = 0.5;
const READ_MS = 0.3;

/**
 * Where a step's time went (for the benches): `lap(k)` adds the time since the last lap (or the
 * start, or `restart()`) to `timings[k]`.
 */
export function lapTimer<K extends string>(timings: Record<K, number>): { lap(k: K): void; restart(): void } {
  let mark = performance.now();
  return {
    lap(k) {
      const now = performance.now();
      timings[k] += now - mark;
      mark = now;
    },
    restart() {
      mark = performance.now();
    },
  };
}

/** Convert the pipeline's Article into a save. */
export function articleToSaveInput(a: Article): SaveInput {
  return {
    url: a.url,
    title: a.title,
    byline: a.byline,
    source: a.source,
    aggregator: a.aggregator,
    published: a.published,
    canonicalUrl: a.canonicalUrl,
    html: a.html,
    text: a.text,
    excerpt: a.excerpt,
    leadImage: a.leadImage?.src ?? null,
    words: a.words,
    readingMinutes: a.readingMinutes,
    lang: a.lang,
    dir: a.dir,
  };
}

// ---------------------------------------------------------------- preparing a save

interface Prepared {
  row: Omit<StoredRow, 'id'>;
  /** `raw`: untrusted html, stored as it is and left for cleanPending; `at`/`len`: it is that range of the write's pack */
  body: Omit<StoredBody, 'id'> & { raw?: boolean; at?: number; len?: number };
  terms: string[];
  original: string | null;
  others: string[];
  /** the input had no title: `row.title` was made from the URL and must not replace a real one */
  titleFromUrl: boolean;
}

type DB = IDBPDatabase<unknown>;
type WriteTx = IDBPTransaction<unknown, string[], 'readwrite' | 'versionchange'>;
type AnyTx = IDBPTransaction<unknown, string[], IDBTransactionMode>;

function str(v: unknown): string | null {
  return typeof v === 'string' && v.trim() ? v.trim() : null;
}

function httpUrl(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

function isoOrNow(v: unknown, now: string): string {
  return isIsoDate(v) ? new Date(v).toISOString() : now;
}

function fallbackTitle(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname.replace(/^www\./, '')}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return url;
  }
}

function prepare(input: SaveInput, now: string, untrusted = false, packSize?: number): Prepared {
  if (!input || typeof input !== 'object') throw new LibraryError('invalid-input', 'Nothing to save.');
  const url = str(input.url);
  if (!url) throw new LibraryError('invalid-input', 'An item needs a URL.');
  const range = input.rawBody ? packedRange(input, untrusted, packSize) : null;
  const html = !range && typeof input.html === 'string' ? input.html : '';
  const hasContent = range !== null || html.trim().length > 0;
  // untrusted html is indexed later (cleanPending): its text is only needed for a missing count or excerpt
  const needText = hasContent && (!untrusted || !(typeof input.words === 'number' && input.words >= 0) || typeof input.excerpt !== 'string');
  const text = needText ? (typeof input.text === 'string' && input.text ? input.text : htmlToText(html)) : '';
  const words = hasContent
    ? typeof input.words === 'number' && input.words >= 0 ? Math.round(input.words) : countWords(text)
    : 0;
  const sourceName = str(input.source?.name);
  const sourceUrl = httpUrl(input.source?.url);
  const source = sourceName ? { name: sourceName, url: sourceUrl } : sourceUrl ? { name: new URL(sourceUrl).hostname.replace(/^www\./, ''), url: sourceUrl } : null;
  const canonicalUrl = httpUrl(input.canonicalUrl);
  const title = str(input.title) ?? fallbackTitle(url);
  const excerpt = typeof input.excerpt === 'string' ? input.excerpt.trim() : hasContent ? text.slice(0, 200) : '';
  const ident = { url, source, canonicalUrl };
  const keys = matchKeys(ident);
  const progress = typeof input.progress === 'number' && input.progress >= 0 ? Math.min(1, input.progress) : 0;
  const row: Omit<StoredRow, 'id'> = {
    url,
    title,
    byline: str(input.byline),
    source,
    aggregator: (str(input.aggregator) as AggregatorId | null) ?? null,
    published: isIsoDate(input.published) ? input.published : null,
    savedAt: isoOrNow(input.savedAt, now),
    tags: normalizeTags(input.tags),
    archived: input.archived === true,
    favourite: input.favourite === true,
    words,
    hasContent,
    canonicalUrl,
    excerpt,
    leadImage: hasContent || input.leadImage ? str(input.leadImage) : null,
    readingMinutes: hasContent
      ? typeof input.readingMinutes === 'number' && input.readingMinutes >= 0 ? input.readingMinutes : readingMinutesFor(words)
      : 0,
    lang: str(input.lang),
    dir: input.dir === 'ltr' || input.dir === 'rtl' ? input.dir : null,
    read: input.read === true,
    progress,
    updatedAt: now,
    schema: SCHEMA_VERSION,
    idKey: identityKey(ident),
    urlKeys: keys.all,
    titleKey: makeTitleKey(title, source?.name),
  };
  if (untrusted && hasContent) {
    // counted from the html as it came: counted again from the sanitised text when it is cleaned
    const hasWords = typeof input.words === 'number' && input.words >= 0;
    const recount = {
      ...(hasWords ? {} : { words: true as const }),
      ...(typeof input.excerpt === 'string' ? {} : { excerpt: true as const }),
      ...(hasWords || (typeof input.readingMinutes === 'number' && input.readingMinutes >= 0) ? {} : { minutes: true as const }),
    };
    if (Object.keys(recount).length) row.recount = recount;
  }
  return {
    row,
    body: { html: hasContent ? html : '', ...(untrusted && hasContent ? { raw: true } : {}), ...(range ? { at: range.start, len: range.end - range.start } : {}) },
    terms: hasContent && !(untrusted && hasContent) ? indexTerms(`${text}\n${excerpt}`) : [],
    original: keys.original,
    others: keys.others,
    titleFromUrl: str(input.title) === null,
  };
}

/** A SaveInput's `rawBody`, checked: only for an untrusted bulk write with a pack, inside it, with words and excerpt. */
function packedRange(input: SaveInput, untrusted: boolean, packSize: number | undefined): { start: number; end: number } {
  const r = input.rawBody!;
  if (!untrusted || packSize === undefined) throw new LibraryError('invalid-input', 'rawBody needs saveMany(…, { untrusted: true, pack }).');
  const ok = Number.isSafeInteger(r.start) && Number.isSafeInteger(r.end) && r.start >= 0 && r.end - r.start >= 3 && r.end <= packSize;
  if (!ok) throw new LibraryError('invalid-input', `rawBody ${r.start}–${r.end} is not a range of the ${packSize}-byte pack.`);
  if (!(typeof input.words === 'number' && input.words >= 0) || typeof input.excerpt !== 'string') {
    throw new LibraryError('invalid-input', 'An item given as rawBody needs words and excerpt.');
  }
  return { start: r.start, end: r.end };
}

/**
 * An entry's row once its raw body is cleaned (cleanPending writes it; an export that cleans a
 * body on the way shows it): nothing left → a link (no content, no counts, and no excerpt when it
 * came from that html); else the counts `recount` names taken from the sanitised body.
 */
function afterCleaning(row: StoredRow, hasHtml: boolean, indexed: IndexedBody | null): StoredRow {
  const { recount, ...rest } = row;
  if (!hasHtml) return { ...rest, hasContent: false, words: 0, readingMinutes: 0, ...(recount?.excerpt ? { excerpt: '' } : {}) };
  return recount && indexed ? recounted(rest, recount, indexed) : rest;
}

/** `row` with the counts `recount` names taken from its sanitised body (cleanPending). */
function recounted(row: StoredRow, recount: NonNullable<StoredRow['recount']>, indexed: IndexedBody): StoredRow {
  const out = { ...row };
  if (recount.words && indexed.words >= 0) out.words = indexed.words;
  if (recount.minutes) out.readingMinutes = readingMinutesFor(out.words);
  if (recount.excerpt) out.excerpt = indexed.excerpt;
  return out;
}

/**
 * Indexes a sanitised body for cleanPending (search.ts indexBody): `indexHere` in the calling
 * thread, or a worker's (utils/runtime/background/dom-tasks.ts) so that indexing one body runs
 * beside sanitising the next.
 */
export type Indexer = (html: string, excerpt: string | null, counts: boolean) => IndexedBody | Promise<IndexedBody>;
export const indexHere: Indexer = (html, excerpt, counts) => indexBody(html, excerpt, counts);
const NOT_INDEXED: IndexedBody = { terms: [], words: 0, excerpt: '' };

/** The entry after re-saving `p` over `e` (see the merge rules at the top of this file). */
function merge(e: StoredRow, p: Prepared, now: string): { row: StoredRow; contentChanged: boolean } {
  const n = p.row;
  const useNew = n.hasContent || !e.hasContent; // a bare link never overrides a saved article
  const pick = <T>(a: T | null, b: T | null): T | null => (a !== null && a !== undefined ? a : b);
  const [pri, sec] = useNew ? [n, e] : [e, n];
  const source =
    pri.source || sec.source
      ? {
          name: pick(pri.source?.name ?? null, sec.source?.name ?? null) ?? '',
          url: pick(pri.source?.url ?? null, sec.source?.url ?? null),
        }
      : null;
  const savedAt = Date.parse(n.savedAt) < Date.parse(e.savedAt) && n.savedAt !== p.row.updatedAt ? n.savedAt : e.savedAt;
  const row: StoredRow = {
    ...(useNew ? { ...e, ...n } : e),
    id: e.id,
    url: useNew ? n.url : e.url,
    // a title made up from the URL never replaces one the user or the page gave
    title: useNew && !p.titleFromUrl ? n.title : e.title,
    byline: pick(pri.byline, sec.byline),
    source,
    aggregator: useNew ? n.aggregator : e.aggregator,
    published: pick(pri.published, sec.published),
    canonicalUrl: pick(pri.canonicalUrl, sec.canonicalUrl),
    leadImage: pick(pri.leadImage, sec.leadImage),
    lang: pick(pri.lang, sec.lang),
    dir: pick(pri.dir, sec.dir),
    savedAt,
    tags: normalizeTags([...e.tags, ...n.tags]),
    archived: e.archived,
    read: e.read,
    progress: e.progress,
    favourite: e.favourite || n.favourite,
    updatedAt: now,
    schema: SCHEMA_VERSION,
    urlKeys: [...new Set([...e.urlKeys, ...n.urlKeys])],
    titleKey: (useNew && !p.titleFromUrl ? n.titleKey : e.titleKey) ?? e.titleKey ?? n.titleKey,
    idKey: e.idKey,
  };
  row.idKey = identityKey({ url: row.url, source: row.source, canonicalUrl: row.canonicalUrl });
  // the counts to redo after cleaning are those of the content kept
  if (useNew) {
    if (n.recount) row.recount = n.recount;
    else delete row.recount;
  }
  return { row, contentChanged: n.hasContent };
}

// ---------------------------------------------------------------- errors

function errorName(e: unknown): string {
  return e && typeof e === 'object' && 'name' in e ? String((e as { name: unknown }).name) : '';
}

function isQuota(e: unknown): boolean {
  if (!e) return false;
  if (errorName(e) === 'QuotaExceededError') return true;
  const msg = e instanceof Error ? e.message : String(e);
  return /quota/i.test(msg);
}

function writeError(e: unknown, txError: unknown): LibraryError {
  if (e instanceof LibraryError) return e;
  if (isQuota(e) || isQuota(txError)) {
    return new LibraryError(
      'quota',
      'The library is full: the browser refused to store more (storage quota exceeded). Nothing was changed.',
      { cause: isQuota(e) ? e : txError },
    );
  }
  const cause = txError && errorName(e) === 'AbortError' ? txError : e;
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new LibraryError('write-failed', `Writing to the library failed (${detail}). Nothing was changed.`, { cause });
}

function readError(e: unknown): LibraryError {
  if (e instanceof LibraryError) return e;
  const detail = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return new LibraryError('read-failed', `Reading the library failed (${detail}).`, { cause: e });
}

// ---------------------------------------------------------------- shared write steps

/** One write transaction: its revision number and the bodies it indexed. */
interface WriteCtx {
  tx: WriteTx;
  rev: number;
  indexed: IndexedDoc[];
  /** entries added (+) or removed (−) by this write; `count` in meta is kept exact */
  countDelta: number;
  countReset: boolean;
  /** ids of untrusted bodies this write stored raw (added to meta 'pending') */
  pending: string[];
  /** saveMany's pack (the file packed bodies are ranges of) and whether a body of it was written */
  pack?: Blob;
  packUsed?: boolean;
}

async function beginWrite(tx: WriteTx): Promise<WriteCtx> {
  const meta = tx.objectStore('meta');
  const rev = (((await meta.get('rev')) as number | undefined) ?? 0) + 1;
  await meta.put(rev, 'rev');
  return { tx, rev, indexed: [], countDelta: 0, countReset: false, pending: [] };
}

/** Finish a write: one segment for the bodies it indexed, and the change log entry. */
async function endWrite(ctx: WriteCtx, ids: string[] | '*'): Promise<number> {
  const { tx, rev } = ctx;
  if (ctx.indexed.length) await tx.objectStore('segments').add(buildSegment(ctx.indexed));
  if (ctx.pending.length) {
    const meta = tx.objectStore('meta');
    await meta.put([...new Set([...pendingIds(await meta.get('pending')), ...ctx.pending])], 'pending');
  }
  if (ctx.packUsed && ctx.pack) await tx.objectStore('meta').put(ctx.pack, packKey(rev));
  if (ctx.countDelta || ctx.countReset) {
    const meta = tx.objectStore('meta');
    const stored = ctx.countReset ? 0 : ((await meta.get('count')) as number | undefined);
    // no count yet (a database from before it was kept): count once, after this write
    const count = stored === undefined ? await tx.objectStore('items').count() : stored + ctx.countDelta;
    await meta.put(Math.max(0, count), 'count');
  }
  const changes = tx.objectStore('changes');
  await changes.put({ seq: rev, ids });
  if (rev > CHANGES_KEPT) await changes.delete(IDBKeyRange.upperBound(rev - CHANGES_KEPT));
  return ctx.indexed.length ? tx.objectStore('segments').count() : 0;
}

/**
 * Write a body (`noWait`: queue the request without waiting for it; a failure aborts the write).
 * `stamped`: the write also stamps the row's `bodyRev` with this rev (saves, restore), and the
 * record carries it (`rev`; a raw one its `raw`), so that a reader can tell a row and a body of
 * different writes apart (readBatches); cleanPending's rewrite of the same body is not stamped.
 */
async function putBody(ctx: WriteCtx, id: string, body: Prepared['body'], terms: string[], noWait = false, stamped = true): Promise<void> {
  const record = body.raw
    ? ({ id, json: encodeBodyJson(body.html), raw: ctx.rev } satisfies RawBody) // as it came: cleanPending sanitises and indexes it; `raw` tells this version apart
    : ({ id, json: encodeBodyJson(body.html), ...(stamped ? { rev: ctx.rev } : {}) } satisfies StoredBodyJson & { rev?: number });
  const req = ctx.tx.objectStore('bodies').put(record);
  if (body.raw) ctx.pending.push(id);
  else ctx.indexed.push({ id, seq: ctx.rev, terms });
  if (noWait) req.catch(() => undefined);
  else await req;
}

/**
 * An imported body not yet sanitised nor indexed: stored like any body (the UTF-8 of its JSON
 * string — half the bytes of a two-byte string, which Chromium's IndexedDB writes noticeably
 * faster: 9 s instead of 13 s for 300 MB), plus `raw`, the revision that wrote it.
 */
interface RawBody extends StoredBodyJson {
  raw: number;
}

/**
 * Is `x` a raw (not yet cleaned) body record, inline or packed? Only its `raw` tag may be read
 * before `unpackBodies`: a packed one has no `json` until then.
 */
function isRawBody(x: unknown): x is RawBody {
  return !!x && typeof x === 'object' && typeof (x as RawBody).raw === 'number';
}

/**
 * Write `p`'s body for `row` (not put yet): a body given as a range of the write's pack goes
 * into the row itself (`row.packed`) and no `bodies` record is written — for a 10,000-article
 * import that is 10,000 requests fewer (~1.3 s in Chromium) — while an older record of the entry
 * is deleted (the record would win); any other body is a record, and drops an old `packed`.
 */
async function writeBody(ctx: WriteCtx, row: StoredRow, p: Prepared, noWait: boolean, replacing: boolean): Promise<void> {
  const { at, len } = p.body;
  row.bodyRev = ctx.rev;
  if (p.body.raw && at !== undefined && len !== undefined) {
    row.packed = { pack: ctx.rev, at, len };
    ctx.packUsed = true;
    ctx.pending.push(row.id);
    if (replacing) await ctx.tx.objectStore('bodies').delete(row.id);
    return;
  }
  delete row.packed;
  await putBody(ctx, row.id, p.body, p.terms, noWait);
}

/**
 * What stands for an entry's body: its `bodies` record, or, without one, the range of an import
 * file its row names (`packed`) as a PackedBody; undefined when neither.
 */
function bodyOf(row: unknown, record: unknown): unknown {
  if (record !== undefined) return record;
  const r = row as StoredRow | undefined;
  if (!r || !r.hasContent || !isPackedRef(r.packed)) return undefined;
  return { id: r.id, raw: r.packed.pack, pack: r.packed.pack, at: r.packed.at, len: r.packed.len } satisfies PackedBody;
}

/**
 * An imported body kept as the range `[at, at + len)` of the file it came in (its JSON string
 * literal), which is stored once in meta as `pack:<pack>` (the Blob or File saveMany was given):
 * a 300 MB import then stores one file instead of 10,000 copied bodies (~3 s instead of ~8 s
 * in Chromium). Made from the row (bodyOf), read back as a RawBody by unpackBodies; the packs go
 * when no body waits any more.
 */
interface PackedBody {
  id: string;
  raw: number;
  pack: number;
  at: number;
  len: number;
}

function isPackedBody(x: unknown): x is PackedBody {
  const b = x as PackedBody;
  return isRawBody(x) && !('json' in b) && typeof b.pack === 'number' && typeof b.at === 'number' && typeof b.len === 'number';
}

const packKey = (rev: number): string => `pack:${rev}`;
/** every pack key in meta */
const packKeys = (): IDBKeyRange => IDBKeyRange.bound('pack:', 'pack:\uffff');
/** Packed bodies this close together in a pack are read with one slice (a batch of one import is contiguous). */
const PACK_GAP = 64 * 1024;
/** …up to slices of this size. */
const PACK_SLICE_MAX = 16 * 1024 * 1024;

/** The packs that `bodies`' packed records name, read through `meta` (in the caller's transaction). */
async function packsFor(meta: { get(key: string): Promise<unknown> }, bodies: readonly unknown[]): Promise<Map<number, Blob | null>> {
  const revs = new Set<number>();
  for (const b of bodies) if (isPackedBody(b)) revs.add(b.pack);
  const out = new Map<number, Blob | null>();
  await Promise.all(
    [...revs].map(async (rev) => {
      const v = await meta.get(packKey(rev));
      out.set(rev, isBlobLike(v) ? (v as Blob) : null);
    }),
  );
  return out;
}

/** a Blob or File, from this realm or another (tests) */
/**
 * A delete (`ids`) or clear (null) drops every stored backup part holding a deleted item (a
 * deleted article's text is not kept there), and always moves the backup state on (`gen`), so
 * that a backup being built meanwhile stores nothing (backup.ts).
 */
async function forgetBackupOf(tx: WriteTx, ids: string[] | null): Promise<void> {
  const meta = tx.objectStore('meta');
  const state = readBackupState(await meta.get(BACKUP_STATE_KEY));
  const gone = new Set(ids ?? []);
  const keep = state && ids ? state.parts.filter((p) => !p.ids.some((id) => gone.has(id))) : [];
  // every part not kept, named by the state or not (one a backup stopped half-way left)
  const named = new Set(keep.map((p) => backupPartKey(p.key)));
  if (!named.size) await meta.delete(BACKUP_PART_KEYS());
  else for (const key of (await meta.getAllKeys(BACKUP_PART_KEYS())) as string[]) if (!named.has(key)) await meta.delete(key);
  const next: BackupState = { v: 1, writer: state?.writer ?? '', gen: (state?.gen ?? 0) + 1, rev: state?.rev ?? 0, parts: keep };
  await meta.put(next, BACKUP_STATE_KEY);
}

/**
 * Are a row and a body record of the same write? A stamped record (`rev`, written since rows carry
 * `bodyRev`) must match the row's stamp (a row without one is older than the record); a raw one's
 * `raw` is compared only with a stamped row (raw records are older than stamps); anything else
 * cannot tell, and is taken as a pair.
 */
function samePair(row: StoredRow, b: unknown): boolean {
  if (!b || typeof b !== 'object') return true;
  const { rev, raw } = b as { rev?: unknown; raw?: unknown };
  if (typeof rev === 'number') return rev === row.bodyRev;
  if (typeof raw === 'number' && row.bodyRev !== undefined) return raw === row.bodyRev;
  return true;
}

function isBlobLike(v: unknown): boolean {
  return !!v && typeof v === 'object' && typeof (v as Blob).slice === 'function' && typeof (v as Blob).size === 'number';
}

/**
 * `bodies` with each packed record replaced by the RawBody it stands for (its bytes read from
 * its pack, neighbours in one slice); others unchanged. A packed body whose pack is missing or
 * too short becomes a record that validation reports as damaged. Runs outside any transaction
 * (a Blob read is not an IndexedDB request).
 */
async function unpackBodies(bodies: readonly unknown[], packs: Map<number, Blob | null>): Promise<unknown[]> {
  const out = [...bodies];
  const byPack = new Map<number, number[]>();
  bodies.forEach((b, i) => {
    if (!isPackedBody(b)) return;
    const list = byPack.get(b.pack) ?? [];
    list.push(i);
    byPack.set(b.pack, list);
  });
  const damaged = (b: PackedBody) => ({ id: b.id, raw: b.raw, json: new Uint8Array(0) });
  for (const [rev, idx] of byPack) {
    const blob = packs.get(rev) ?? null;
    const list = idx.map((i) => ({ i, b: bodies[i] as PackedBody })).sort((x, y) => x.b.at - y.b.at);
    let k = 0;
    while (k < list.length) {
      // one run: bodies close together, one slice
      const from = list[k]!.b.at;
      let to = from + list[k]!.b.len;
      let end = k + 1;
      while (end < list.length) {
        const n = list[end]!.b;
        if (n.at - to > PACK_GAP || Math.max(to, n.at + n.len) - from > PACK_SLICE_MAX) break;
        to = Math.max(to, n.at + n.len);
        end++;
      }
      const run = list.slice(k, end);
      k = end;
      if (!blob || to > blob.size) {
        for (const { i, b } of run) out[i] = damaged(b);
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = new Uint8Array(await blob.slice(from, to).arrayBuffer());
      } catch {
        // the stored file cannot be read (lost from disk): like a missing one, its bodies are
        // damaged — reported by reads, no longer waiting — instead of failing every read forever
        for (const { i, b } of run) out[i] = damaged(b);
        continue;
      }
      for (const { i, b } of run) out[i] = { id: b.id, raw: b.raw, json: bytes.subarray(b.at - from, b.at - from + b.len) } satisfies RawBody;
    }
  }
  return out;
}

/** Sanitises one body (it needs a DOM): DOMPurify through utils/extract/sanitize.ts, or a test's stand-in. */
export type Cleaner = (html: string, baseUrl: string) => string;

/**
 * A raw body met by a read that hands bodies out (exports): sanitised with `clean` into a clean
 * record, or, without a sanitiser, a LibraryError('pending'). A damaged one stays as it is (the
 * read reports it).
 */
function cleanRaw(body: RawBody, baseUrl: string, clean: Cleaner | undefined): unknown {
  const v = validateBody(body);
  if (!v.ok) return body;
  if (!clean) throw new LibraryError('pending', 'Some imported articles are still being prepared (sanitised); try again in a moment.');
  const html = cleanOrNothing(clean, v.value.html, baseUrl);
  return { id: body.id, json: encodeBodyJson(html), cleaned: html } satisfies StoredBodyJson & { cleaned: string };
}

/**
 * `clean(html, baseUrl)`, or '' when it throws (or its promise rejects): a body that cannot be
 * sanitised keeps nothing of it (cleanPending, and exports that clean on the way).
 */
function cleanOrNothing(clean: Cleaner, html: string, baseUrl: string): string;
function cleanOrNothing(clean: (html: string, baseUrl: string) => string | Promise<string>, html: string, baseUrl: string): string | Promise<string>;
function cleanOrNothing(clean: (html: string, baseUrl: string) => string | Promise<string>, html: string, baseUrl: string): string | Promise<string> {
  try {
    const out = clean(html, baseUrl);
    return typeof out === 'string' ? out : out.catch(() => '');
  } catch {
    return '';
  }
}

/** A body cleanRaw sanitised on the way: its html, else null. */
function cleanedOnTheWay(b: unknown): string | null {
  return b && typeof b === 'object' && typeof (b as { cleaned?: unknown }).cleaned === 'string' ? (b as { cleaned: string }).cleaned : null;
}

/** meta 'pending' → its ids (anything else: none). */
function pendingIds(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((id): id is string => typeof id === 'string') : [];
}

function originalOf(r: { source: { url: string | null } | null }): string | null {
  return r.source?.url ?? null;
}

/**
 * Where a write looks entries up: the items store's indexes (one request each), or, for a bulk
 * write, an in-memory copy of them made in the same transaction (MemoryFinder).
 */
interface Finder {
  /** records whose urlKeys hold `key`, in primary-key order (the urlKeys index) */
  byUrl(key: string): unknown[] | Promise<unknown[]>;
  /** records with this titleKey, in primary-key order (the titleKey index) */
  byTitle(key: string): unknown[] | Promise<unknown[]>;
  /** is this id taken (by any record, damaged or not)? */
  taken(id: string): boolean | Promise<boolean>;
  /** a row was written (new or merged; `old` is what it replaced): keep the copy current */
  wrote(row: StoredRow, old: StoredRow | null): void;
}

function storeFinder(tx: AnyTx): Finder {
  const items = tx.objectStore('items');
  return {
    byUrl: (key) => items.index('urlKeys').getAll(key),
    byTitle: (key) => items.index('titleKey').getAll(key),
    taken: async (id) => (await items.count(id)) > 0,
    wrote: () => undefined,
  };
}

const byId = (a: StoredRow, b: StoredRow) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The items store's identity indexes in memory, read once inside a write transaction (which
 * holds the store, so nothing else changes it meanwhile): a bulk save (an import of thousands)
 * then matches each item without a request per lookup. Same answers as storeFinder: lists in
 * primary-key order; damaged records are left out of the lists (they are never merged into)
 * but their ids stay taken.
 */
class MemoryFinder implements Finder {
  private readonly url = new Map<string, StoredRow[]>();
  private readonly title = new Map<string, StoredRow[]>();
  private readonly ids: Set<string>;

  private constructor(raws: unknown[], keys: IDBValidKey[]) {
    this.ids = new Set(keys.map(String));
    const rows: StoredRow[] = [];
    for (const raw of raws) {
      const v = validateStoredRow(raw);
      if (v.ok) rows.push(v.value);
    }
    rows.sort(byId);
    for (const r of rows) this.add(r, false);
  }

  static async load(tx: AnyTx): Promise<MemoryFinder> {
    const items = tx.objectStore('items');
    const [raws, keys] = await Promise.all([items.getAll(), items.getAllKeys()]);
    return new MemoryFinder(raws, keys);
  }

  private static put(map: Map<string, StoredRow[]>, key: string, row: StoredRow, sorted: boolean): void {
    const list = map.get(key);
    if (!list) return void map.set(key, [row]);
    if (list.includes(row)) return;
    list.push(row);
    if (sorted && list.length > 1 && byId(list[list.length - 2], row) > 0) list.sort(byId);
  }

  private static drop(map: Map<string, StoredRow[]>, key: string, id: string): void {
    const list = map.get(key);
    if (!list) return;
    const rest = list.filter((r) => r.id !== id);
    if (rest.length) map.set(key, rest);
    else map.delete(key);
  }

  private add(row: StoredRow, sorted = true): void {
    this.ids.add(row.id);
    // a multiEntry index holds each distinct key once per record
    for (const k of new Set(row.urlKeys)) MemoryFinder.put(this.url, k, row, sorted);
    if (typeof row.titleKey === 'string') MemoryFinder.put(this.title, row.titleKey, row, sorted);
  }

  byUrl(key: string): unknown[] {
    return this.url.get(key) ?? [];
  }
  byTitle(key: string): unknown[] {
    return this.title.get(key) ?? [];
  }
  taken(id: string): boolean {
    return this.ids.has(id);
  }
  wrote(row: StoredRow, old: StoredRow | null): void {
    if (old) {
      for (const k of new Set(old.urlKeys)) MemoryFinder.drop(this.url, k, old.id);
      if (typeof old.titleKey === 'string') MemoryFinder.drop(this.title, old.titleKey, old.id);
    }
    this.add(row);
  }
}

/** Find the entry a save merges into, in the dedupe match order (identity.ts). */
async function findMatch(find: Finder, p: Prepared): Promise<StoredRow | null> {
  const newOriginal = originalOf(p.row);
  const usable = (raw: unknown, checkConflict: boolean): StoredRow | null => {
    const v = validateStoredRow(raw);
    if (!v.ok) return null; // a damaged record is never merged into
    if (checkConflict && conflictingOriginals(originalOf(v.value), newOriginal)) return null;
    return v.value;
  };
  if (p.original) {
    for (const raw of await find.byUrl(p.original)) {
      const r = usable(raw, matchKey(originalOf(raw as StoredRow)) !== p.original);
      if (r) return r;
    }
  }
  for (const k of p.others) {
    for (const raw of await find.byUrl(k)) {
      const r = usable(raw, true);
      if (r) return r;
    }
  }
  if (p.row.titleKey) {
    for (const raw of await find.byTitle(p.row.titleKey)) {
      const r = usable(raw, true);
      if (r) return r;
    }
  }
  return null;
}

/** A free id for a new entry: the hash of its identity key, re-hashed on a (rare) collision. */
async function allocateId(find: Finder, idKey: string): Promise<string> {
  for (let attempt = 0; ; attempt++) {
    const id = idFromKey(idKey, attempt);
    if (!(await find.taken(id))) return id;
  }
}

type SaveOutcome = SaveManyResult & { rowId: string };

/**
 * Save `p` inside the write. With a MemoryFinder (bulk) the row and body requests are not
 * awaited one by one: the transaction runs them in order, and a failed one aborts it (write()
 * then rejects and nothing is kept).
 */
async function saveInTx(
  ctx: WriteCtx,
  p: Prepared,
  now: string,
  ifExists: 'update' | 'skip',
  find: Finder = storeFinder(ctx.tx),
): Promise<SaveOutcome> {
  const { tx } = ctx;
  const bulk = find instanceof MemoryFinder;
  const existing = await findMatch(find, p);
  const items = tx.objectStore('items');
  const put = async (row: StoredRow) => {
    const req = items.put(row);
    if (bulk) req.catch(() => undefined);
    else await req;
  };
  if (existing) {
    if (ifExists === 'skip') return { id: existing.id, rowId: existing.id, updated: false, skipped: true };
    const { row, contentChanged } = merge(existing, p, now);
    if (contentChanged) await writeBody(ctx, row, p, bulk, true);
    await put(row);
    find.wrote(row, existing);
    return { id: row.id, rowId: row.id, updated: true, skipped: false };
  }
  const id = await allocateId(find, p.row.idKey);
  const row: StoredRow = { ...p.row, id };
  await writeBody(ctx, row, p, bulk, false);
  await put(row);
  find.wrote(row, null);
  ctx.countDelta++;
  return { id, rowId: id, updated: false, skipped: false };
}

// ---------------------------------------------------------------- schema upgrade

function createStores(db: DB): void {
  const items = db.createObjectStore('items', { keyPath: 'id' });
  items.createIndex('savedAt', 'savedAt');
  items.createIndex('urlKeys', 'urlKeys', { multiEntry: true });
  items.createIndex('titleKey', 'titleKey');
  db.createObjectStore('bodies', { keyPath: 'id' });
  db.createObjectStore('segments', { autoIncrement: true });
  db.createObjectStore('meta');
  db.createObjectStore('changes', { keyPath: 'seq' });
  db.createObjectStore('quarantine', { keyPath: 'qid', autoIncrement: true });
}

/** Move every record of a v1/v2 database into the current stores, merging duplicates. */
async function migrateLegacy(tx: WriteTx, db: DB, oldVersion: number): Promise<void> {
  const ctx = await beginWrite(tx);
  const segments = tx.objectStore('segments');
  const legacy = tx.objectStore(LEGACY_STORE);
  let cursor = await legacy.openCursor();
  while (cursor) {
    const raw = cursor.value as unknown;
    let item: SavedItem | null = null;
    try {
      item = migrateRecord(raw, oldVersion);
    } catch (e) {
      const rawId = raw && typeof raw === 'object' && 'id' in raw ? String((raw as { id: unknown }).id) : String(cursor.primaryKey);
      await tx.objectStore('quarantine').add({
        id: rawId,
        fromVersion: oldVersion,
        error: e instanceof Error ? e.message : String(e),
        raw,
      });
    }
    if (item) {
      // a second copy of the same article (v1/v2 allowed duplicates) merges into the first
      const p = prepare({ ...item, text: null }, item.updatedAt);
      await saveInTx(ctx, p, item.updatedAt, 'update');
      if (ctx.indexed.length >= MIGRATION_SEGMENT) {
        await segments.add(buildSegment(ctx.indexed));
        ctx.indexed = [];
      }
    }
    cursor = await cursor.continue();
  }
  db.deleteObjectStore(LEGACY_STORE);
  await endWrite(ctx, '*');
}

// ---------------------------------------------------------------- the cache

interface Cache {
  rev: number;
  rows: Map<string, ItemRow>;
  order: ItemRow[] | null; // newest first, rebuilt lazily
  rank: Map<string, number> | null;
  /** null until needed when the Library was made with searchIndex: 'lazy' */
  light: LightIndex | null;
  damaged: Map<string, DamagedRecord>;
}

function newestFirst(a: ItemRow, b: ItemRow): number {
  // same order as a 'prev' cursor on the savedAt index: equal times, greater id first
  return b.savedAt < a.savedAt ? -1 : b.savedAt > a.savedAt ? 1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

function matchesFilter(r: ItemRow, f: ListFilter | undefined): boolean {
  if (!f) return true;
  if (f.unread !== undefined && r.read === f.unread) return false;
  if (f.archived !== undefined && r.archived !== f.archived) return false;
  if (f.favourite !== undefined && r.favourite !== f.favourite) return false;
  if (f.hasContent !== undefined && r.hasContent !== f.hasContent) return false;
  if (f.aggregator !== undefined && r.aggregator !== f.aggregator) return false;
  if (f.tag !== undefined) {
    const t = f.tag.trim().toLowerCase();
    if (!r.tags.some((x) => x.toLowerCase() === t)) return false;
  }
  if (f.publisher !== undefined && normalizePublisher(r.source?.name) !== normalizePublisher(f.publisher)) return false;
  return true;
}

function isEmptyFilter(f: ListFilter | undefined): boolean {
  return !f || Object.values(f).every((v) => v === undefined);
}

interface Hit {
  s: number; // score
  n: number; // position in the newest-first list
  r: ItemRow;
}

function better(a: Hit, b: Hit): boolean {
  return a.s > b.s || (a.s === b.s && a.n < b.n);
}

/** The `k` best hits, best first (score, then newest), without sorting all of them. */
function topHits(hits: Hit[], k: number): Hit[] {
  if (k <= 0) return [];
  if (k >= hits.length / 4) return hits.sort((a, b) => b.s - a.s || a.n - b.n);
  const top: Hit[] = [];
  for (const h of hits) {
    if (top.length === k && !better(h, top[k - 1])) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (better(top[mid], h)) lo = mid + 1;
      else hi = mid;
    }
    top.splice(lo, 0, h);
    if (top.length > k) top.pop();
  }
  return top;
}

function page<T>(all: T[], offset = 0, limit = Infinity): T[] {
  const start = Math.max(0, Math.floor(offset));
  return Number.isFinite(limit) ? all.slice(start, start + Math.max(0, Math.floor(limit))) : all.slice(start);
}

// ---------------------------------------------------------------- Library

export class Library {
  private readonly factory: IDBFactory | undefined;
  private readonly name: string;
  private readonly clock: () => Date;
  private dbPromise: Promise<DB> | null = null;
  private cache: Cache | null = null;
  private syncing: Promise<Cache> | null = null;
  private readonly segs = new SegmentSet();
  private readonly autoCompact: boolean;
  private readonly lazySearchIndex: boolean;
  private readonly bulkFrom: number;
  private compacting: Promise<unknown> | null = null;
  private readonly backupRefresh: LibraryOptions['backupRefresh'] | null;
  private backupTimer: ReturnType<typeof setTimeout> | null = null;
  private refreshing: Promise<number> | null = null;
  /** the last error of a background merge (it is retried after the next save) */
  lastCompactionError: unknown = null;

  constructor(options: LibraryOptions = {}) {
    this.factory = options.indexedDB ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
    this.name = options.name ?? DB_NAME;
    this.clock = options.now ?? (() => new Date());
    this.autoCompact = options.autoCompact ?? true;
    this.lazySearchIndex = options.searchIndex === 'lazy';
    this.bulkFrom = options.bulkFrom ?? BULK_MIN;
    this.backupRefresh = options.backupRefresh ?? null;
  }

  private now(): string {
    return this.clock().toISOString();
  }

  // ------------------------------------------------------------ opening

  private db(): Promise<DB> {
    if (!this.dbPromise) {
      this.dbPromise = this.open().catch((e) => {
        this.dbPromise = null;
        throw e;
      });
      // a backup's parts are made ready once the library is open (they may be missing or stale)
      const opening = this.dbPromise;
      if (this.backupRefresh) void opening.then(() => this.dbPromise === opening && this.backupSoon(), () => undefined);
    }
    return this.dbPromise;
  }

  private async open(): Promise<DB> {
    const factory = this.factory;
    if (!factory) throw new LibraryError('open-failed', 'IndexedDB is not available here.');
    let upgradeError: unknown = null;
    let request: IDBOpenDBRequest;
    try {
      request = factory.open(this.name, SCHEMA_VERSION);
    } catch (e) {
      throw new LibraryError('open-failed', `Could not open the library: ${String(e)}`, { cause: e });
    }
    request.addEventListener('upgradeneeded', (event) => {
      const db = wrap(request.result) as DB;
      const tx = wrap(request.transaction!) as unknown as WriteTx;
      const oldVersion = event.oldVersion;
      createStores(db);
      if (oldVersion >= 1 && oldVersion < SCHEMA_VERSION && db.objectStoreNames.contains(LEGACY_STORE)) {
        migrateLegacy(tx, db, oldVersion).catch((e) => {
          upgradeError = e;
          try {
            tx.abort();
          } catch {
            /* already finished */
          }
        });
      } else {
        beginWrite(tx)
          .then((ctx) => {
            ctx.countReset = true;
            return endWrite(ctx, '*');
          })
          .catch((e) => {
            upgradeError = e;
          });
      }
    });
    let db: DB;
    try {
      db = (await wrap(request)) as unknown as DB;
    } catch (e) {
      if (errorName(e) === 'VersionError') {
        throw new LibraryError('version', 'The library was written by a newer version of Lectern; update Lectern to open it.', { cause: e });
      }
      const cause = upgradeError ?? e;
      throw new LibraryError('open-failed', `Could not open the library: ${cause instanceof Error ? cause.message : String(cause)}. Nothing was changed.`, { cause });
    }
    // let another context upgrade the database: close, reopen on next use
    db.addEventListener('versionchange', () => {
      db.close();
      this.dbPromise = null;
      this.cache = null;
      this.segs.clear();
    });
    db.addEventListener('close', () => {
      this.dbPromise = null;
      this.cache = null;
      this.segs.clear();
    });
    return db;
  }

  /** Close the connection (it reopens on the next call). */
  async close(): Promise<void> {
    if (this.backupTimer) clearTimeout(this.backupTimer);
    this.backupTimer = null;
    await this.idle();
    // (a refresh that just ended may have scheduled its next round)
    if (this.backupTimer) clearTimeout(this.backupTimer);
    this.backupTimer = null;
    const p = this.dbPromise;
    this.segs.clear();
    this.dbPromise = null;
    this.cache = null;
    if (p) (await p.catch(() => null))?.close();
  }

  // ------------------------------------------------------------ writing

  /**
   * One readwrite transaction over every store; all or nothing. `fn` returns its result and
   * the ids it changed ('*' for everything).
   */
  private async write<T>(fn: (ctx: WriteCtx) => Promise<[T, string[] | '*']>): Promise<T> {
    const db = await this.db();
    let tx: WriteTx;
    try {
      tx = db.transaction([...STORES], 'readwrite') as unknown as WriteTx;
    } catch (e) {
      throw writeError(e, null);
    }
    const done = tx.done.then(
      () => null,
      (e: unknown) => e ?? new Error('transaction aborted'),
    );
    try {
      const ctx = await beginWrite(tx);
      const [result, changed] = await fn(ctx);
      const segmentCount = await endWrite(ctx, changed);
      const failed = await done;
      if (failed) throw failed;
      if (segmentCount >= MERGE_FACTOR && this.autoCompact) this.scheduleCompaction();
      if (this.backupRefresh) this.scheduleBackupRefresh(this.backupRefresh.afterMs);
      return result;
    } catch (e) {
      try {
        tx.abort();
      } catch {
        /* already aborted or finished */
      }
      await done;
      throw writeError(e, tx.error);
    }
  }

  /**
   * Save an article (or, without html, a link). Merges into the existing entry of the same
   * article (identity.ts match order) — `updated: true` — else adds one.
   */
  async save(input: SaveInput): Promise<SaveResult> {
    const now = this.now();
    const p = prepare(input, now);
    const r = await this.write(async (ctx) => {
      const out = await saveInTx(ctx, p, now, 'update');
      return [out, [out.id]];
    });
    return { id: r.id, updated: r.updated };
  }

  /** Save a link as an unread bookmark without content. */
  async saveLink(url: string, title?: string | null): Promise<SaveResult> {
    return this.save({ url, title: title ?? null });
  }

  /**
   * Save many items in ONE transaction (imports): all are written, or, on any failure, none.
   * `ifExists: 'skip'` keeps an already saved entry untouched (`skipped: true`).
   * Throws LibraryError('invalid-input') naming the index of a bad input before writing anything.
   * `untrusted` (imports): the html is not sanitised yet — it is stored as it is, its words are
   * not indexed, and it waits in meta 'pending' for `cleanPending`. With `pack` (the import's
   * file), inputs may give their html as `rawBody`, a range of it: the pack is stored once
   * (when a body of it is written) and the bodies as ranges of it (PackedBody).
   */
  async saveMany(inputs: SaveInput[], options: { ifExists?: 'update' | 'skip'; untrusted?: boolean; pack?: Blob } = {}): Promise<SaveManyResult[]> {
    const now = this.now();
    const prepared = inputs.map((input, i) => {
      try {
        return prepare(input, now, options.untrusted === true, options.pack?.size);
      } catch (e) {
        throw new LibraryError('invalid-input', `Item ${i + 1}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      }
    });
    if (prepared.length === 0) return [];
    return this.write(async (ctx) => {
      ctx.pack = options.pack;
      const out: SaveManyResult[] = [];
      const find = await this.finderFor(ctx.tx, prepared.length);
      for (const p of prepared) {
        const r = await saveInTx(ctx, p, now, options.ifExists ?? 'update', find);
        out.push({ id: r.id, updated: r.updated, skipped: r.skipped });
      }
      return [out, [...new Set(out.map((r) => r.id))]];
    });
  }

  /** Change what the user made of an item. Returns the updated row. */
  async update(id: string, patch: ItemPatch): Promise<ItemRow> {
    const [row] = await this.updateMany([id], patch);
    return row;
  }

  /** update() for several items in one transaction (unknown ids: LibraryError 'not-found'). */
  async updateMany(ids: string[], patch: ItemPatch): Promise<ItemRow[]> {
    const now = this.now();
    const clean: ItemPatch = {};
    if (typeof patch.archived === 'boolean') clean.archived = patch.archived;
    if (typeof patch.favourite === 'boolean') clean.favourite = patch.favourite;
    if (typeof patch.read === 'boolean') clean.read = patch.read;
    if (typeof patch.progress === 'number' && Number.isFinite(patch.progress)) clean.progress = Math.min(1, Math.max(0, patch.progress));
    if (patch.tags !== undefined) clean.tags = normalizeTags(patch.tags);
    if (typeof patch.title === 'string' && patch.title.trim()) clean.title = patch.title.trim();
    return this.write(async ({ tx }) => {
      const items = tx.objectStore('items');
      const out: ItemRow[] = [];
      for (const id of ids) {
        const raw = await items.get(id);
        if (raw === undefined) throw new LibraryError('not-found', `No saved item ${id}.`, { id });
        const v = validateStoredRow(raw);
        if (!v.ok) throw new LibraryError('damaged', `Saved item ${id} is damaged: ${v.error}`, { id });
        const row: StoredRow = { ...v.value, ...clean, updatedAt: now };
        if (clean.title !== undefined) row.titleKey = makeTitleKey(row.title, row.source?.name) ?? row.titleKey;
        await items.put(row);
        out.push(toItemRow(row));
      }
      return [out, [...ids]];
    });
  }

  /**
   * Delete items. Resolves the deleted items (with html) for an Undo via restore(); ids that
   * are not saved are ignored; a damaged record is deleted too (it is not in the result).
   */
  async delete(ids: string[]): Promise<SavedItem[]> {
    // bodies kept as ranges of an import's file are read after the transaction (a Blob read is not an IndexedDB request)
    const packed: Array<{ item: SavedItem; body: PackedBody }> = [];
    let packs = new Map<number, Blob | null>();
    const out = await this.write(async (ctx) => {
      const { tx } = ctx;
      const items = tx.objectStore('items');
      const bodies = tx.objectStore('bodies');
      const out: SavedItem[] = [];
      const gone: string[] = [];
      for (const id of new Set(ids)) {
        const raw = await items.get(id);
        if (raw === undefined) continue;
        const v = validateStoredRow(raw);
        const body = bodyOf(raw, await bodies.get(id));
        const b = validateBody(body);
        if (v.ok) out.push({ ...toItemRow(v.value), html: b.ok ? b.value.html : '' });
        if (v.ok && isPackedBody(body)) packed.push({ item: out[out.length - 1]!, body });
        await items.delete(id);
        await bodies.delete(id);
        ctx.countDelta--;
        gone.push(id); // its body-index postings die with the row (search ignores unknown ids)
      }
      // records kept aside by a migration are deleted by the id they had
      const quarantine = tx.objectStore('quarantine');
      const wanted = new Set(ids);
      for (const q of (await quarantine.getAll()) as Array<{ qid: number; id: string }>) {
        if (wanted.has(q.id) || wanted.has(`quarantine-${q.qid}`)) {
          await quarantine.delete(q.qid);
          gone.push(q.id);
        }
      }
      if (packed.length) packs = await packsFor(tx.objectStore('meta'), packed.map((p) => p.body));
      await forgetBackupOf(tx, gone);
      return [out, gone];
    });
    if (packed.length) {
      const got = await unpackBodies(packed.map((p) => p.body), packs);
      packed.forEach((p, i) => {
        const b = validateBody(got[i]);
        p.item.html = b.ok ? b.value.html : '';
      });
    }
    return out;
  }

  /**
   * Put deleted items back exactly as they were (same id, savedAt, tags, state): the Undo of
   * delete(). An entry saved again in between under the same id is replaced.
   */
  async restore(items: SavedItem[]): Promise<void> {
    const now = this.now();
    const ready = items.map((item, i) => {
      const v = validateItem(item);
      if (!v.ok) throw new LibraryError('invalid-input', `Item ${i + 1} cannot be restored: ${v.error}`);
      // what comes back (an Undo's copy, through a message) is sanitised again like an import:
      // it may be a body deleted before it was cleaned
      const p = prepare({ ...v.value, text: null }, now, true);
      const row: StoredRow = { ...p.row, ...toItemRow(v.value), schema: SCHEMA_VERSION, idKey: p.row.idKey, urlKeys: p.row.urlKeys, titleKey: p.row.titleKey };
      row.hasContent = p.row.hasContent;
      return { row, p };
    });
    if (ready.length === 0) return;
    await this.write(async (ctx) => {
      for (const { row, p } of ready) {
        if ((await ctx.tx.objectStore('items').getKey(row.id)) === undefined) ctx.countDelta++;
        row.bodyRev = ctx.rev;
        await ctx.tx.objectStore('items').put(row);
        await putBody(ctx, row.id, p.body, p.terms);
      }
      return [undefined, ready.map((r) => r.row.id)];
    });
  }

  /** How many imported bodies wait to be sanitised and indexed (`cleanPending`). */
  async pendingCount(): Promise<number> {
    const db = await this.db();
    try {
      return pendingIds(await db.transaction('meta', 'readonly').objectStore('meta').get('pending')).length;
    } catch (e) {
      throw readError(e);
    }
  }

  /**
   * Sanitise and index up to `limit` of the imported bodies waiting in meta 'pending' (oldest
   * first): `clean` sanitises one body (it needs a DOM: the caller's; it may be async). Read in one transaction,
   * cleaned outside it, written in another — where a body that was replaced or deleted meanwhile
   * is left as it now is. A body that sanitises to nothing makes its entry a link (no content),
   * as a save of nothing would. Resolves what was cleaned, what is left, and the entries whose
   * row changed.
   */
  async cleanPending(
    limit: number,
    clean: (html: string, baseUrl: string) => string | Promise<string>,
    index: Indexer = indexHere,
  ): Promise<CleanResult> {
    const timings = { read: 0, clean: 0, index: 0, write: 0 };
    const { lap, restart } = lapTimer(timings);
    const db = await this.db();
    let take: string[];
    let rows: unknown[];
    let bodies: unknown[];
    let packs: Map<number, Blob | null>;
    try {
      const tx = db.transaction(['meta', 'items', 'bodies'], 'readonly');
      take = pendingIds(await tx.objectStore('meta').get('pending')).slice(0, Math.max(1, limit));
      const items = tx.objectStore('items');
      const store = tx.objectStore('bodies');
      [rows, bodies] = await Promise.all([Promise.all(take.map((id) => items.get(id))), Promise.all(take.map((id) => store.get(id)))]);
      bodies = bodies.map((b, i) => bodyOf(rows[i], b));
      packs = await packsFor(tx.objectStore('meta'), bodies);
    } catch (e) {
      throw readError(e);
    }
    bodies = await unpackBodies(bodies, packs);
    lap('read');
    if (!take.length) return { cleaned: 0, remaining: 0, changed: [], timings };
    const done: Array<{ id: string; tag: number; html: string; indexed: Promise<IndexedBody> | IndexedBody }> = [];
    /** the raw tag of every raw body read (cleaned or damaged): a newer one written meanwhile waits on */
    const seen = new Map<string, number>();
    // no transaction is open while bodies are cleaned: let the thread's other tasks run every
    // CLEAN_SLICE_MS (in Chrome the extension's pages may share this thread with the offscreen document)
    let slice = performance.now();
    for (const [i, id] of take.entries()) {
      if (performance.now() - slice > CLEAN_SLICE_MS) {
        await new Promise((r) => setTimeout(r, 0));
        slice = performance.now();
        restart(); // the time given to other tasks is no step's
      }
      const body = bodies[i];
      const row = validateStoredRow(rows[i]);
      if (isRawBody(body)) seen.set(id, body.raw);
      const raw = isRawBody(body) ? validateBody(body) : null;
      if (!raw?.ok || !row.ok || !isRawBody(body)) continue; // deleted, replaced, or damaged (reported by reads; it stops waiting)
      const html = await cleanOrNothing(clean, raw.value.html, row.value.url);
      lap('clean');
      const has = html.trim().length > 0;
      const recount = row.value.recount;
      // indexed as it comes (by `index`: here, or in a worker while the next body is sanitised)
      const indexed = has ? index(html, recount?.excerpt ? null : row.value.excerpt, !!recount?.words) : NOT_INDEXED;
      if (indexed instanceof Promise) indexed.catch(() => undefined); // awaited below
      done.push({ id, tag: body.raw, html: has ? html : '', indexed });
      lap('index');
    }
    const results = await Promise.all(done.map((d) => d.indexed));
    lap('index');
    const taken = new Set(take);
    let remaining = 0;
    let cleaned = 0;
    const changed: string[] = [];
    const rewritten: string[] = [];
    await this.write(async (ctx) => {
      const { tx } = ctx;
      const meta = tx.objectStore('meta');
      const store = tx.objectStore('bodies');
      // every taken body as it is now, asked for at once (they were read outside this transaction)
      const current = new Map(take.map((id, i) => [id, i]));
      const items = tx.objectStore('items');
      const rowsNow = await Promise.all(take.map((id) => items.get(id)));
      const now = await Promise.all(take.map(async (id, i) => bodyOf(rowsNow[i], await store.get(id))));
      // a taken id whose body was imported again meanwhile (deleted, then a new import with the
      // same identity) waits on: that newer raw body is not the one cleaned here
      const stillRaw = (id: string) => {
        const b = now[current.get(id)!];
        return isRawBody(b) && b.raw !== seen.get(id);
      };
      const rest = pendingIds(await meta.get('pending')).filter((id) => !taken.has(id) || stillRaw(id));
      await meta.put(rest, 'pending');
      remaining = rest.length;
      // no body waits any more: no packed one is left to read (a raw body is pending until cleaned)
      if (!rest.length) await meta.delete(packKeys());
      for (const [k, d] of done.entries()) {
        const b = now[current.get(d.id)!];
        if (!isRawBody(b) || b.raw !== d.tag) continue; // re-saved or deleted meanwhile
        const row = validateStoredRow(rowsNow[current.get(d.id)!]);
        if (row.ok && (!d.html || row.value.recount)) {
          const fixed = afterCleaning(row.value, !!d.html, results[k]!);
          await items.put(fixed);
          rewritten.push(d.id);
          const r = row.value;
          if (!d.html || fixed.words !== r.words || fixed.excerpt !== r.excerpt || fixed.readingMinutes !== r.readingMinutes) changed.push(d.id);
        }
        await putBody(ctx, d.id, { html: d.html }, results[k]!.terms, true, false);
        cleaned++;
      }
      // every row written goes in the change log (another Library's rows, and the backup parts'
      // row marks, follow it); `changed`: those whose counts a page shows changed
      return [undefined, rewritten];
    });
    lap('write');
    return { cleaned, remaining, changed, timings };
  }

  /** Remove everything (records that could not be migrated too). */
  async clear(): Promise<void> {
    await this.write(async (ctx) => {
      const { tx } = ctx;
      ctx.countReset = true;
      for (const s of ['items', 'bodies', 'segments', 'quarantine', 'changes']) await tx.objectStore(s).clear();
      await tx.objectStore('meta').delete('pending');
      await tx.objectStore('meta').delete(packKeys());
      await forgetBackupOf(tx, null);
      return [undefined, '*'];
    });
  }

  // ------------------------------------------------------------ reading

  /**
   * The saved entry a page would be saved into (same match order as save()), or null: lets the
   * popup show "saved" for the current page. Only `url` is required.
   */
  async findSaved(input: SaveInput): Promise<ItemRow | null> {
    const p = prepare(input, this.now());
    const db = await this.db();
    try {
      const tx = db.transaction(['items'], 'readonly') as unknown as AnyTx;
      const row = await findMatch(storeFinder(tx), p);
      return row ? toItemRow(row) : null;
    } catch (e) {
      throw readError(e);
    }
  }

  /**
   * Where `count` entries are looked up in `tx`: from `bulkFrom` on, the identity indexes are read
   * once into memory (MemoryFinder) instead of ~4 requests each (saveMany, findSavedMany).
   */
  private async finderFor(tx: AnyTx, count: number): Promise<Finder> {
    return count >= this.bulkFrom ? MemoryFinder.load(tx) : storeFinder(tx);
  }

  /**
   * findSaved for many inputs at once (an import's preview): from `bulkFrom` (BULK_MIN) inputs
   * on, the items store is read once and matched in memory (MemoryFinder, as saveMany does)
   * instead of several index requests each. The same answers as findSaved, in input order.
   */
  async findSavedMany(inputs: SaveInput[]): Promise<Array<ItemRow | null>> {
    const now = this.now();
    const prepared = inputs.map((input) => prepare(input, now));
    if (!prepared.length) return [];
    const db = await this.db();
    try {
      const tx = db.transaction(['items'], 'readonly') as unknown as AnyTx;
      const find = await this.finderFor(tx, prepared.length);
      const out: Array<ItemRow | null> = [];
      for (const p of prepared) {
        const row = await findMatch(find, p);
        out.push(row ? toItemRow(row) : null);
      }
      return out;
    } catch (e) {
      throw readError(e);
    }
  }

  /**
   * Several items with their html, newest first (all when `ids` is omitted): for exports.
   * Damaged records are skipped and reported. `{ html: false }` reads no bodies (html is '').
   */
  async getMany(ids?: string[], options: { html?: boolean; clean?: Cleaner } = {}): Promise<{ items: SavedItem[]; damaged: DamagedRecord[] }> {
    const items: SavedItem[] = [];
    const damaged: DamagedRecord[] = [];
    for await (const batch of this.readBatches(ids, { ...options, batch: Infinity })) {
      for (const it of batch.items) items.push(it);
      for (const d of batch.damaged) damaged.push(d);
    }
    return { items, damaged };
  }

  /**
   * The same items as getMany, in batches of `batch` (default 250), each batch's bodies read in
   * a transaction of its own while the caller works on the previous batch: an export of 10,000
   * articles never holds them all, and the reads overlap the writing. Damaged records are
   * reported with the batch where they are met (those of the row cache with the first batch);
   * an item deleted since the export began is left out.
   *
   * An imported body not sanitised yet (pending) is never handed out as it is: it is sanitised
   * with `clean` on the way (where a DOM is), or, without one, the read rejects with
   * LibraryError('pending') — the caller drains the pending bodies and reads again.
   */
  async *readBatches(
    ids?: string[],
    options: { html?: boolean; batch?: number; bodyAs?: 'html' | 'json'; ahead?: number; clean?: Cleaner } = {},
  ): AsyncGenerator<{ items: SavedItem[]; damaged: DamagedRecord[]; json?: Uint8Array[] }> {
    const cache = await this.sync();
    const rows = ids ? ids.map((id) => cache.rows.get(id)).filter((r): r is ItemRow => !!r) : this.ordered(cache);
    if (ids) rows.sort(newestFirst);
    const first: DamagedRecord[] = ids ? [] : [...cache.damaged.values()];
    if (options.html === false) {
      const items = rows.map((r) => ({ ...toItemRow(r), html: '' }));
      yield options.bodyAs === 'json' ? { items, damaged: first, json: items.map(() => EMPTY_JSON_STRING) } : { items, damaged: first };
      return;
    }
    const size = Math.max(1, options.batch ?? 250);
    const db = await this.db();
    const read = async (part: ItemRow[]): Promise<unknown[]> => {
      let bodies: unknown[];
      let packs: Map<number, Blob | null>;
      try {
        const tx = db.transaction(['bodies', 'items', 'meta'], 'readonly');
        const store = tx.objectStore('bodies');
        const items = tx.objectStore('items');
        // no body record: the row as it is NOW names the body (the cached one may be from before a
        // delete or a re-import); no row any more: deleted meanwhile (stillSaved leaves it out)
        bodies = await Promise.all(part.map(async (r) => (await store.get(r.id)) ?? bodyOf(await items.get(r.id), undefined)));
        packs = await packsFor(tx.objectStore('meta'), bodies);
      } catch (e) {
        throw readError(e);
      }
      return packs.size ? unpackBodies(bodies, packs) : bodies;
    };
    /**
     * A long export outlives deletes: a body missing where the row had content means the item
     * was deleted meanwhile (row and body go in one transaction) — only then is the row cache
     * caught up and the batch's gone rows left out. (An item without content deleted meanwhile
     * is still written: a link.)
     */
    const GONE = Symbol('gone');
    const stillSaved = async (part: ItemRow[], bodies: unknown[]): Promise<unknown[]> => {
      if (part.every((r, i) => bodies[i] !== undefined || !r.hasContent)) return bodies;
      const now = await this.sync();
      return part.map((r, i) => (now.rows.has(r.id) ? bodies[i] : GONE));
    };
    const ask = (part: ItemRow[]): Promise<unknown[]> => {
      const p = read(part);
      p.catch(() => undefined); // awaited below; this only keeps an abandoned read from being "unhandled"
      return p;
    };
    // `ahead` batches are asked for before one is handed out: IndexedDB reads them meanwhile
    const ahead = Math.max(1, options.ahead ?? 2);
    const pending: Array<Promise<unknown[]>> = [];
    let asked = 0;
    const fill = () => {
      while (pending.length < ahead && (asked < rows.length || asked === 0)) {
        pending.push(ask(rows.slice(asked, asked + size)));
        asked += size;
      }
    };
    /**
     * A body written after the rows were read (a re-save while the export runs) would go out with
     * the row of before: such a pair (the body's write is not the row's `bodyRev`) is read again,
     * row and body, from the library as it is now.
     */
    const pairUp = async (part: ItemRow[], got: unknown[]): Promise<[ItemRow[], unknown[]]> => {
      for (let tries = 0; tries < 3; tries++) {
        const stale = part.map((r, i) => !samePair(r as StoredRow, got[i]));
        if (!stale.includes(true)) break;
        const now = await this.sync();
        part = part.map((r, i) => (stale[i] ? (now.rows.get(r.id) ?? r) : r));
        const again = await read(part.filter((_, i) => stale[i]));
        let k = 0;
        got = got.map((b, i) => (stale[i] ? again[k++] : b));
      }
      return [part, got];
    };
    for (let start = 0; start < rows.length || start === 0; start += size) {
      fill();
      const [part, got] = await pairUp(rows.slice(start, start + size), await pending.shift()!);
      fill();
      const bodies = (await stillSaved(part, got)).map((b, i) => (isRawBody(b) ? cleanRaw(b, part[i].url, options.clean) : b));
      /** the row as it will be once cleaned, for a body cleaned on the way (its counts, or a link) */
      const rowOf = (r: ItemRow, b: unknown): ItemRow => {
        const html = cleanedOnTheWay(b);
        if (html === null) return r;
        const has = html.trim().length > 0;
        const recount = (r as StoredRow).recount;
        return afterCleaning(r as StoredRow, has, has && recount ? indexBody(html, recount.excerpt ? null : r.excerpt, !!recount.words) : null);
      };
      const items: SavedItem[] = [];
      const damaged: DamagedRecord[] = start === 0 ? first : [];
      if (options.bodyAs === 'json') {
        // the bodies as the bytes of their JSON string literals, html left '' (JSON backup)
        const json: Uint8Array[] = [];
        part.forEach((r, i) => {
          const raw = bodies[i];
          if (raw === GONE) return;
          const b = raw === undefined ? null : validateBodyJson(raw);
          if (b && !b.ok) return void damaged.push({ id: r.id, error: b.error, store: 'bodies' });
          items.push({ ...toItemRow(rowOf(r, raw)), html: '' });
          json.push(!b ? EMPTY_JSON_STRING : 'json' in b.value ? b.value.json : encodeBodyJson(b.value.html));
        });
        yield { items, damaged, json };
      } else {
        part.forEach((r, i) => {
          const raw = bodies[i];
          if (raw === GONE) return;
          if (raw === undefined) return void items.push({ ...toItemRow(r), html: '' });
          const b = validateBody(raw);
          if (b.ok) items.push({ ...toItemRow(rowOf(r, raw)), html: b.value.html });
          else damaged.push({ id: r.id, error: b.error, store: 'bodies' });
        });
        yield { items, damaged };
      }
      if (rows.length === 0) return;
    }
  }

  /**
   * A whole-library JSON backup's items as Blobs, in file order (backup.ts): the parts stored by
   * the last backup that are still right, and the rest written anew with `write` (which gets
   * items and their bodies as `readBatches(…, { bodyAs: 'json' })` gives them and returns a
   * part's bytes: its items joined by ",\n", the first preceded by "\n"). The new parts are
   * stored for the next backup after they are handed out: `stored` resolves true once they are,
   * false when a delete or clear came meanwhile (nothing is stored then) or the write failed;
   * they are stored once `storeAfter` (the download of the file) settles.
   * null while imported bodies wait to be cleaned: the caller writes the file from scratch,
   * cleaning them on the way (and when more than `maxBuild` items would be written).
   * `only` (an export of a filter or a selection): just these items — the stored parts whose
   * items are all among them and still right, as stored; runs of them a part still right holds
   * one after the other as slices of it, when there are few runs (SLICE_MS, READ_MS); the others
   * written (first, in the order given); nothing is stored, `storeAfter` is not waited for.
   * `partial` (the background's refresh, never a download): when more than `maxBuild` items
   * would be written, write the last parts in file order up to `maxBuild` items and store those
   * (`left` counts the items in no part; the next round puts them before, newest first: the
   * order of a library made in rounds is the one built whole. A stale part that a round does not
   * get to is dropped, and its items come back first: the order is not promised).
   */
  async backupParts(
    write: BackupWriter,
    options: { clean?: Cleaner; partItems?: number; storeAfter?: Promise<unknown>; maxBuild?: number; partial?: boolean; only?: readonly string[] } = {},
  ): Promise<BackupParts | null> {
    const db = await this.db();
    let cache = await this.sync();
    let state: BackupState | null;
    let changed: Set<string> | null = null;
    try {
      const meta = db.transaction('meta', 'readonly').objectStore('meta');
      const [pending, stateRaw] = await Promise.all([meta.get('pending'), meta.get(BACKUP_STATE_KEY)]);
      if (pendingIds(pending).length) return null;
      state = readBackupState(stateRaw);
      // the parts are as new as the rows their marks came from (cache.rev); the log names what a
      // row mark cannot see (a body rewritten alone) since then
      if (state && state.rev > cache.rev) cache = await this.sync();
      if (state && state.rev > cache.rev) state = { ...state, parts: [] }; // written by a newer view: start over
      if (state && state.rev === cache.rev) changed = new Set();
      else if (state && state.rev < cache.rev) {
        const changes = db.transaction('changes', 'readonly').objectStore('changes');
        const log = (await changes.getAll(IDBKeyRange.bound(state.rev + 1, cache.rev))) as Array<{ ids: string[] | '*' }>;
        // the log no longer reaches back (over CHANGES_KEPT writes): the row marks decide alone. A
        // body is never rewritten without its row but by cleanPending, and a part never holds a
        // body waiting to be cleaned (no parts while any waits; one cleaned on the way is what
        // cleanPending writes, and its row changes there when its counts do)
        if (log.length === cache.rev - state.rev && log.every((c) => c.ids !== '*')) changed = new Set(log.flatMap((c) => c.ids as string[]));
        else if (log.some((c) => c.ids === '*')) state = { ...state, parts: [] }; // cleared meanwhile: start over
      }
    } catch (e) {
      throw readError(e);
    }
    const rev = cache.rev;
    const t = { plan: 0, read: 0, write: 0, blob: 0 };
    const { lap } = lapTimer(t);
    const rows = this.ordered(cache).map((r) => ({ id: r.id, mark: rowMark(r) }));
    const markOf = new Map(rows.map((r) => [r.id, r.mark]));
    const plan = planBackup(state, rows, changed, options.partItems, write.id);
    // the kept parts' Blobs (handles to files IndexedDB holds: nothing is read here)
    const kept = plan.parts.flatMap((p) => ('keep' in p ? [p.keep] : []));
    let blobs: unknown[];
    try {
      const meta = db.transaction('meta', 'readonly').objectStore('meta');
      blobs = await Promise.all(kept.map((p) => meta.get(backupPartKey(p.key))));
    } catch (e) {
      throw readError(e);
    }
    const blobOf = new Map<number, Blob>();
    kept.forEach((p, i) => {
      if (isBlobLike(blobs[i]) && (blobs[i] as Blob).size === p.bytes) blobOf.set(p.key, blobs[i] as Blob);
    });
    // a part whose Blob is missing, not one, or not of the size written is written anew
    let planned: Array<PlannedPart & { was?: number }> = plan.parts.map((p) => ('keep' in p && !blobOf.has(p.keep.key) ? { build: p.keep.ids, was: p.keep.key } : p));
    const only = options.only;
    /** `only`: runs of chosen items as slices of stored parts (each one a part's bytes: "\n{…},\n{…}") */
    const sliced: Blob[] = [];
    let slicedItems = 0;
    if (only) {
      const fresh = planned.flatMap((p) => ('keep' in p ? [p.keep] : []));
      const sel = planSelection(fresh, only.filter((id) => markOf.has(id)), { slice: SLICE_MS, read: READ_MS });
      for (const r of sel.ranges) sliced.push(blobOf.get(r.key)!.slice(r.start, r.end));
      slicedItems = sel.items;
      planned = [...partsOf(sel.rest, options.partItems), ...sel.whole.map((keep) => ({ keep }))];
    }
    const drop = only ? [] : [...plan.drop, ...planned.flatMap((p) => (p.was !== undefined ? [p.was] : []))];
    let wanted = planned.flatMap((p) => ('build' in p ? p.build : []));
    const maxBuild = options.maxBuild ?? Infinity;
    let left = 0;
    if (wanted.length > maxBuild) {
      if (!options.partial) return null;
      // (one part at least: the last to write is a full one, so each round puts more items in parts)
      planned = lastWithin(planned, maxBuild);
      wanted = planned.flatMap((p) => ('build' in p ? p.build : []));
      left = rows.length - planned.reduce((n, p) => n + ('keep' in p ? p.keep.ids.length : p.build.length), 0);
    }
    const partOf = new Map<string, number>();
    planned.forEach((p, k) => {
      if ('build' in p) for (const id of p.build) partOf.set(id, k);
    });
    // every item to write read in one pass, grouped by part; a part is written as soon as all its
    // items are in (while the next batches are read), the rest at the end. The new parts' bytes go
    // into ONE Blob, each part a slice of it: in Chromium one Blob of 300 MB costs a fraction of
    // 200 Blobs of 1.5 MB (docs/benchmarks.md, fifth session)
    const got = planned.map((p) => ({ items: [] as SavedItem[], json: [] as Uint8Array[], left: 'build' in p ? p.build.length : 0 }));
    const damaged: DamagedRecord[] = only ? [] : [...cache.damaged.values()];
    const chunks: Uint8Array[] = [];
    const spans: Array<{ k: number; start: number; end: number; ids: string[]; starts?: number[] }> = [];
    let bytes = 0;
    const writePart = (k: number) => {
      const g = got[k]!;
      if (!g.items.length) return;
      const pk = planned[k]!;
      if (only && 'build' in pk) {
        // (readBatches reads newest first: `only`'s items go out in the order asked)
        const pos = new Map(pk.build.map((id, i) => [id, i]));
        const order = g.items.map((_, i) => i).sort((x, y) => pos.get(g.items[x]!.id)! - pos.get(g.items[y]!.id)!);
        g.items = order.map((i) => g.items[i]!);
        g.json = order.map((i) => g.json[i]!);
      }
      const start = bytes;
      const out = write.write(g.items, g.json);
      for (const c of out) {
        chunks.push(c);
        bytes += c.length;
      }
      const at = write.starts?.(out);
      spans.push({ k, start, end: bytes, ids: g.items.map((it) => it.id), ...(at && at.length === g.items.length ? { starts: at } : {}) });
      g.items = [];
      g.json = [];
      g.left = -1; // written
    };
    lap('plan');
    if (wanted.length) {
      // (read 250 at a time whatever the part size: fewer, larger transactions read faster)
      for await (const batch of this.readBatches(wanted, { bodyAs: 'json', clean: options.clean })) {
        lap('read');
        const complete = new Set<number>();
        batch.items.forEach((it, i) => {
          const k = partOf.get(it.id)!;
          const g = got[k]!;
          g.items.push(it);
          g.json.push(batch.json![i]!);
          if (--g.left === 0) complete.add(k);
        });
        damaged.push(...batch.damaged);
        for (const k of complete) writePart(k);
        lap('write');
      }
    }
    // parts with an item left out (deleted meanwhile, damaged)
    got.forEach((g, k) => {
      if (g.left > 0) writePart(k);
    });
    lap('write');
    const all = new Blob(chunks as Uint8Array<ArrayBuffer>[]);
    const newPart = new Map(spans.map((sp) => [sp.k, sp]));
    const parts: Blob[] = [];
    const fresh: Array<{ part: BackupPart; blob: Blob }> = [];
    const final: BackupPart[] = [];
    let items = 0;
    planned.forEach((p, k) => {
      if ('keep' in p) {
        parts.push(blobOf.get(p.keep.key)!);
        final.push(p.keep);
        items += p.keep.ids.length;
        return;
      }
      const sp = newPart.get(k);
      if (!sp) return; // every item of it deleted meanwhile, or damaged
      const blob = all.slice(sp.start, sp.end);
      const part: BackupPart = { key: -1, ids: sp.ids, marks: sp.ids.map((id) => markOf.get(id)!), bytes: sp.end - sp.start, ...(sp.starts ? { starts: sp.starts } : {}) };
      parts.push(blob);
      fresh.push({ part, blob });
      final.push(part);
      items += sp.ids.length;
    });
    const built = fresh.length;
    // (`only`: every part written comes first, then the slices, then the whole parts)
    parts.splice(built, 0, ...sliced);
    items += slicedItems;
    lap('blob');
    // (`storeAfter`: the caller's download first — storing 300 MB beside it slows it down)
    const stored = !only && (built || drop.length) ? Promise.resolve(options.storeAfter).then(() => this.storeBackup(state, write.id, rev, final, fresh)) : Promise.resolve(true);
    return { parts, items, damaged, kept: planned.filter((p) => 'keep' in p).length, built, slices: sliced.length, left, stored, timings: t };
  }

  /** Drop every stored backup part (a download made of them failed): the next backup writes the whole file. */
  async forgetBackup(): Promise<void> {
    await this.write(async (ctx) => {
      await forgetBackupOf(ctx.tx, null);
      return [undefined, []];
    });
  }

  /**
   * Write the backup parts that are missing or that changes made stale, and store them
   * (LibraryOptions.backupRefresh), so that the next backup finds them ready: at most
   * `maxItems` items (the last parts in file order; `left` counts the items still in no part,
   * for the next round). Nothing while imported bodies wait to be cleaned.
   */
  async refreshBackup(write: BackupWriter, maxItems = Infinity, partItems?: number): Promise<{ built: number; left: number }> {
    const b = await this.backupParts(write, { maxBuild: maxItems, partial: true, partItems });
    if (!b || !(await b.stored)) return { built: 0, left: 0 };
    return { built: b.built, left: b.left };
  }

  /**
   * Make the backup's parts ready in `ms` (default `afterMs`; LibraryOptions.backupRefresh, nothing
   * without it): at open, and once the imported bodies another context cleaned are all clean.
   */
  backupSoon(ms = this.backupRefresh?.afterMs ?? 0): void {
    if (this.backupRefresh) this.scheduleBackupRefresh(ms);
  }

  private scheduleBackupRefresh(ms: number, leftBefore = Infinity): void {
    if (this.backupTimer) clearTimeout(this.backupTimer);
    this.backupTimer = setTimeout(() => {
      this.backupTimer = null;
      const r = this.backupRefresh;
      if (!r) return;
      // one at a time; a write during a refresh schedules the next; a round that left items out
      // (more than maxItems) is followed by the next one at once
      const run = () => (
        r.keepAlive?.(),
        this.refreshBackup(r.write, r.maxItems, r.partItems).then(
          (x) => {
            if (x.left > 0 && x.built > 0 && x.left < leftBefore && !this.backupTimer) this.scheduleBackupRefresh(0, x.left);
            return x.built;
          },
          () => 0,
        )
      );
      const p = (this.refreshing ?? Promise.resolve(0)).then(run);
      this.refreshing = p;
      const done = () => {
        if (this.refreshing === p) this.refreshing = null;
      };
      p.then(done, done);
    }, ms);
  }

  /**
   * Store a backup's new parts and its state, unless a delete or clear changed the state meanwhile.
   * Each new part goes in a transaction of its own (a library write waits for one part, never for
   * the whole backup), under a random key; then one small transaction checks the state's `gen`,
   * writes the new state and deletes every part it does not name (replaced ones, and any left by
   * a backup that stopped half-way).
   */
  private async storeBackup(was: BackupState | null, writer: string, rev: number, parts: BackupPart[], fresh: Array<{ part: BackupPart; blob: Blob }>): Promise<boolean> {
    const db = await this.db().catch(() => null);
    if (!db) return false;
    const written: string[] = [];
    try {
      for (const f of fresh) {
        f.part.key = Math.floor(Math.random() * Number.MAX_SAFE_INTEGER);
        const key = backupPartKey(f.part.key);
        written.push(key);
        const tx = db.transaction('meta', 'readwrite');
        await tx.objectStore('meta').put(f.blob, key);
        await tx.done;
      }
      const tx = db.transaction('meta', 'readwrite');
      const meta = tx.objectStore('meta');
      const now = readBackupState(await meta.get(BACKUP_STATE_KEY));
      const ours = (now?.gen ?? -1) === (was?.gen ?? -1);
      const named = new Set(ours ? parts.map((p) => backupPartKey(p.key)) : (now?.parts ?? []).map((p) => backupPartKey(p.key)));
      // without a state this code knows, every part is nobody's
      if (ours || !now) {
        for (const key of (await meta.getAllKeys(BACKUP_PART_KEYS())) as string[]) {
          if (!named.has(key)) await meta.delete(key);
        }
      } else {
        for (const key of written) await meta.delete(key);
      }
      if (ours) await meta.put({ v: 1, writer, gen: (was?.gen ?? 0) + 1, rev, parts } satisfies BackupState, BACKUP_STATE_KEY);
      await tx.done;
      return ours;
    } catch {
      // the next backup writes them again (and its store deletes what this one left)
      return false;
    }
  }

  /** One item with its html; null when not saved; LibraryError 'damaged' when it cannot be read. */
  async get(id: string): Promise<SavedItem | null> {
    const db = await this.db();
    let raw: unknown;
    let rawBody: unknown;
    try {
      const tx = db.transaction(['items', 'bodies', 'meta'], 'readonly');
      [raw, rawBody] = await Promise.all([tx.objectStore('items').get(id), tx.objectStore('bodies').get(id)]);
      rawBody = bodyOf(raw, rawBody);
      if (isPackedBody(rawBody)) [rawBody] = await unpackBodies([rawBody], await packsFor(tx.objectStore('meta'), [rawBody]));
    } catch (e) {
      throw readError(e);
    }
    if (raw === undefined) return null;
    const v = validateStoredRow(raw);
    if (!v.ok) throw new LibraryError('damaged', `Saved item ${id} is damaged: ${v.error}`, { id });
    let html = '';
    if (rawBody !== undefined) {
      const b = validateBody(rawBody);
      if (!b.ok) throw new LibraryError('damaged', `The saved text of ${id} is damaged: ${b.error}`, { id });
      html = b.value.html;
    }
    return { ...toItemRow(v.value), html };
  }

  /**
   * Saved items, newest first, optionally filtered and/or matching a full-text query.
   * Damaged records are skipped and reported in `damaged`.
   */
  async list(options: ListOptions = {}): Promise<ListResult> {
    const { filter, query, limit = Infinity, offset = 0 } = options;
    const q = (query ?? '').trim();
    // a popup's first page before anything is loaded: read just those rows through the index
    if (!q && isEmptyFilter(filter) && !this.cache && offset + limit <= FIRST_PAGE_MAX) return this.firstPage(offset, limit);
    const cache = await this.sync();
    let rows: ItemRow[];
    if (q) {
      const ids = await this.searchIds(cache, query ?? '');
      rows = this.ordered(cache).filter((r) => ids.has(r.id) && matchesFilter(r, filter));
    } else {
      rows = this.ordered(cache).filter((r) => matchesFilter(r, filter));
    }
    return { items: page(rows, offset, limit).map(toItemRow), total: rows.length, damaged: [...cache.damaged.values()] };
  }

  /** Full-text search, best match first (ties: newest first). */
  async search(query: string, options: Omit<ListOptions, 'query'> = {}): Promise<ListResult> {
    const { filter, limit = Infinity, offset = 0 } = options;
    const cache = await this.sync();
    const q = query.trim();
    if (!q) return this.list({ filter, limit, offset });
    const scores = await this.searchIds(cache, query); // untrimmed: a final space ends the last word
    const rank = this.rank(cache);
    const hits: Hit[] = [];
    for (const [id, sc] of scores) {
      const r = cache.rows.get(id);
      if (r && matchesFilter(r, filter)) hits.push({ s: sc, n: rank.get(id)!, r });
    }
    const want = Number.isFinite(limit) ? Math.max(0, offset) + Math.max(0, limit) : Infinity;
    const best = topHits(hits, want);
    return { items: page(best, offset, limit).map((h) => toItemRow(h.r)), total: hits.length, damaged: [...cache.damaged.values()] };
  }

  /** Load every list row and the title/author/publisher/tag index now (e.g. after first paint). */
  async warm(): Promise<void> {
    await Promise.all([this.sync(), this.syncSegments()]);
  }

  /** Counts for the filter UI, and the damaged records. */
  async stats(): Promise<LibraryStats> {
    const cache = await this.sync();
    const tags = new Map<string, { tag: string; count: number }>();
    const pubs = new Map<string, { name: string; count: number }>();
    let unread = 0;
    let archived = 0;
    let favourites = 0;
    let withContent = 0;
    for (const r of this.ordered(cache)) {
      if (!r.read) unread++;
      if (r.archived) archived++;
      if (r.favourite) favourites++;
      if (r.hasContent) withContent++;
      for (const t of r.tags) {
        const k = t.toLowerCase();
        const e = tags.get(k) ?? { tag: t, count: 0 };
        e.count++;
        tags.set(k, e);
      }
      if (r.source?.name) {
        const k = normalizePublisher(r.source.name);
        const e = pubs.get(k) ?? { name: r.source.name, count: 0 };
        e.count++;
        pubs.set(k, e);
      }
    }
    const byCount = (a: { count: number; key: string }, b: { count: number; key: string }) =>
      b.count - a.count || a.key.localeCompare(b.key);
    return {
      total: cache.rows.size,
      unread,
      archived,
      favourites,
      withContent,
      tags: [...tags.values()].map((t) => ({ ...t, key: t.tag })).sort(byCount).map(({ tag, count }) => ({ tag, count })),
      publishers: [...pubs.values()].map((p) => ({ ...p, key: p.name })).sort(byCount).map(({ name, count }) => ({ name, count })),
      damaged: [...cache.damaged.values()],
      schemaVersion: SCHEMA_VERSION,
      pending: await this.pendingCount(),
    };
  }

  /**
   * The first page without the cache: a cursor on the savedAt index, newest first, reading
   * only `offset + limit` rows (the popup's first paint). `total` is the number of entries;
   * `damaged` lists the damaged records met on the way (a full list reports all of them).
   */
  private async firstPage(offset: number, limit: number): Promise<ListResult> {
    const db = await this.db();
    try {
      // no count(): Chromium counts by walking the records (hundreds of ms for 10,000)
      const tx = db.transaction(['items', 'quarantine', 'meta'], 'readonly');
      const items = tx.objectStore('items');
      const index = items.index('savedAt');
      const [stored, quarantined] = await Promise.all([
        tx.objectStore('meta').get('count') as Promise<number | undefined>,
        tx.objectStore('quarantine').getAll(),
      ]);
      const damaged: DamagedRecord[] = quarantined.map(quarantineRecord);
      const out: ItemRow[] = [];
      let skip = Math.max(0, Math.floor(offset));
      let cursor = await index.openCursor(null, 'prev');
      while (cursor && out.length < limit) {
        const v = validateStoredRow(cursor.value);
        if (!v.ok) damaged.push({ id: String(cursor.primaryKey), error: v.error, store: 'items' });
        else if (skip > 0) skip--;
        else out.push(toItemRow(v.value));
        cursor = await cursor.continue();
      }
      const total = stored ?? (await items.count());
      return { items: out, total, damaged };
    } catch (e) {
      throw readError(e);
    }
  }

  private ordered(cache: Cache): ItemRow[] {
    if (!cache.order) {
      cache.order = [...cache.rows.values()].sort(newestFirst);
      cache.rank = null;
    }
    return cache.order;
  }

  /** id → position in the newest-first list (for cheap tie-breaks when ranking). */
  private rank(cache: Cache): Map<string, number> {
    const order = this.ordered(cache);
    if (!cache.rank) cache.rank = new Map(order.map((r, i) => [r.id, i]));
    return cache.rank;
  }

  /** Bring the in-memory rows + light index up to date with the database (rev + change log). */
  private sync(): Promise<Cache> {
    if (!this.syncing) {
      this.syncing = this.doSync().finally(() => {
        this.syncing = null;
      });
    }
    return this.syncing;
  }

  private async doSync(): Promise<Cache> {
    const db = await this.db();
    try {
      const tx = db.transaction(['items', 'meta', 'changes', 'quarantine'], 'readonly');
      const rev = ((await tx.objectStore('meta').get('rev')) as number | undefined) ?? 0;
      const cache = this.cache;
      if (cache && cache.rev === rev) return cache;
      if (cache && cache.rev < rev) {
        const changes = (await tx.objectStore('changes').getAll(IDBKeyRange.bound(cache.rev + 1, rev))) as Array<{ seq: number; ids: string[] | '*' }>;
        const complete = changes.length === rev - cache.rev && changes.every((c) => c.ids !== '*');
        if (complete) {
          const ids = new Set<string>();
          for (const c of changes) for (const id of c.ids as string[]) ids.add(id);
          const items = tx.objectStore('items');
          const raws = await Promise.all([...ids].map((id) => items.get(id)));
          [...ids].forEach((id, i) => applyRow(cache, id, raws[i]));
          cache.rev = rev;
          cache.order = null;
          return cache;
        }
      }
      // full load
      const [raws, quarantined] = await Promise.all([tx.objectStore('items').getAll(), tx.objectStore('quarantine').getAll()]);
      const fresh: Cache = { rev, rows: new Map(), order: null, rank: null, light: this.lazySearchIndex ? null : new LightIndex(), damaged: new Map() };
      for (const q of quarantined) {
        const d = quarantineRecord(q);
        fresh.damaged.set(`q:${d.id}`, d);
      }
      for (const raw of raws) {
        const v = validateStoredRow(raw);
        const id = raw && typeof raw === 'object' && 'id' in raw ? String((raw as { id: unknown }).id) : '?';
        if (v.ok) fresh.rows.set(v.value.id, v.value); // rows are copied on the way out (toItemRow)
        else fresh.damaged.set(id, { id, error: v.error, store: 'items' });
      }
      fresh.light?.load(fresh.rows.values());
      this.cache = fresh;
      return fresh;
    } catch (e) {
      throw readError(e);
    }
  }

  /** id → score of items matching every word of the query. */
  private async searchIds(cache: Cache, query: string): Promise<Map<string, number>> {
    const { terms, prefixLast } = parseQuery(query);
    if (terms.length === 0) return new Map();
    const segs = await this.syncSegments();
    let light = cache.light;
    if (!light) {
      light = cache.light = new LightIndex();
      light.load(cache.rows.values());
    }
    const perTerm = terms.map((t, i) => {
      const last = prefixLast && i === terms.length - 1;
      const cjk = CJK_START.test(t);
      const prefix = (last && (t.length >= BODY_PREFIX_MIN || cjk)) || (cjk && [...t].length === 1);
      return { light: light.match(t, last), body: segs.lookup(t, prefix, PREFIX_CAP) };
    });
    const scores = combineMatches(perTerm);
    for (const id of scores.keys()) if (!cache.rows.has(id)) scores.delete(id);
    return scores;
  }

  /** Load the body-index segments written since the last look (by any context), drop merged ones. */
  private async syncSegments(): Promise<SegmentSet> {
    const db = await this.db();
    try {
      const tx = db.transaction('segments', 'readonly');
      const store = tx.objectStore('segments');
      const keys = (await store.getAllKeys()) as number[];
      const wanted = new Set(keys);
      for (const k of this.segs.keys) if (!wanted.has(k)) this.segs.delete(k);
      const missing = keys.filter((k) => !this.segs.has(k));
      const loaded = await Promise.all(missing.map((k) => store.get(k) as Promise<SegmentData | undefined>));
      missing.forEach((k, i) => {
        const d = loaded[i];
        // a damaged segment is left out (its words are not found) rather than breaking search
        if (
          d && Array.isArray(d.docs) && Array.isArray(d.seqs) && typeof d.terms === 'string' &&
          isTyped(d.offsets, 'Uint32Array') && isTyped(d.postings, 'Uint8Array')
        ) {
          this.segs.add(k, d);
        }
      });
      return this.segs;
    } catch (e) {
      throw readError(e);
    }
  }

  private scheduleCompaction(): void {
    if (this.compacting) return;
    this.compacting = this.compact()
      .catch((e) => {
        this.lastCompactionError = e;
      })
      .finally(() => {
        this.compacting = null;
      }) as Promise<unknown>;
  }

  /** Resolves when background maintenance (segment merging, a backup refresh under way) has finished. */
  async idle(): Promise<void> {
    while (this.compacting || this.refreshing) await (this.compacting ?? this.refreshing);
  }

  /**
   * Merge body-index segments: every group of MERGE_FACTOR segments of the same size tier
   * (or, with `all`, everything) becomes one, without deleted items and superseded versions.
   * Runs by itself in the background after saves; each merge is one transaction that changes
   * nothing visible. Resolves the number of segments merged away.
   */
  async compact(options: { all?: boolean } = {}): Promise<number> {
    let merged = 0;
    for (;;) {
      const segs = await this.syncSegments();
      const sizes = segs.keys.map((k) => ({ k, docs: segs.docCount(k) }));
      let pick: number[] = [];
      if (options.all) {
        if (sizes.length > 1) pick = sizes.map((x) => x.k);
      } else {
        const tiers = new Map<number, number[]>();
        for (const { k, docs } of sizes) {
          if (docs >= MAX_MERGE_DOCS) continue; // big segments stay as they are (compact({ all }) merges them)
          const tier = Math.floor(Math.log(Math.max(1, docs)) / Math.log(MERGE_FACTOR));
          tiers.set(tier, [...(tiers.get(tier) ?? []), k]);
        }
        const full = [...tiers.entries()].filter(([, ks]) => ks.length >= MERGE_FACTOR).sort((a, b) => a[0] - b[0])[0];
        if (full) pick = full[1].slice(0, MERGE_FACTOR);
      }
      if (pick.length < 2) return merged;
      // merge outside any transaction (saves are not held up), from the segments in memory
      const datas = pick.map((k) => segs.data(k)).filter((d): d is SegmentData => !!d);
      if (datas.length !== pick.length) return merged;
      const db = await this.db();
      // small merges only drop superseded versions; bigger ones also purge deleted items
      // (reading every key costs more than it saves on a handful of small segments)
      const docs = datas.reduce((n, d) => n + d.docs.length, 0);
      const alive = options.all || docs >= PURGE_FROM_DOCS ? new Set((await db.getAllKeys('items')).map(String)) : null;
      const out = await mergeSegmentsAsync(datas, (id) => !alive || alive.has(id));
      // then swap them in one short transaction, unless another context merged them meanwhile
      // (an item deleted or re-saved meanwhile is harmless: search skips unknown ids and older
      // versions)
      const tx = db.transaction('segments', 'readwrite');
      const store = tx.objectStore('segments');
      const present = await Promise.all(pick.map((k) => store.count(k)));
      if (present.some((n) => n === 0)) {
        await tx.done;
        continue;
      }
      const key = (await store.add(out)) as number;
      for (const k of pick) await store.delete(k);
      await tx.done;
      for (const k of pick) this.segs.delete(k);
      this.segs.add(key, out);
      merged += pick.length;
      if (options.all) return merged;
    }
  }
}

/**
 * Is `v` a typed array of this kind, from any realm? (Structured clones can come back built by
 * another global's constructors — fake-indexeddb under jsdom does — where `instanceof` fails.)
 */
function applyRow(cache: Cache, id: string, raw: unknown): void {
  cache.damaged.delete(id);
  if (raw === undefined) {
    cache.rows.delete(id);
    cache.light?.remove(id);
    return;
  }
  const v = validateStoredRow(raw);
  if (v.ok) {
    const row = v.value;
    cache.rows.set(id, row);
    cache.light?.put(row);
  } else {
    cache.rows.delete(id);
    cache.light?.remove(id);
    cache.damaged.set(id, { id, error: v.error, store: 'items' });
  }
}

function quarantineRecord(q: unknown): DamagedRecord {
  const r = q as { id?: unknown; qid?: unknown; error?: unknown; fromVersion?: unknown };
  return {
    id: typeof r.id === 'string' && r.id ? r.id : `quarantine-${String(r.qid)}`,
    error: `could not be migrated from v${String(r.fromVersion)}: ${String(r.error)}`,
    store: 'quarantine',
  };
}
