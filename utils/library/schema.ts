/**
 * The saved library's record schema (pure, no `browser.*`).
 *
 * SCHEMA_VERSION is both the version of a saved record's shape and the IndexedDB database
 * version. History (migrations.ts converts each into the next):
 *   v1  one object store `articles`, records { id, url, title, author, source: string,
 *       sourceUrl, aggregator, published, savedAt: epoch ms, archived, favourite, html, excerpt,
 *       words } — no tags.
 *   v2  still one store `articles`; records gained structured `source {name,url}`, `byline`,
 *       ISO `savedAt`, `tags`, `status: 'unread'|'read'|'archived'`, `hasContent`,
 *       `leadImage`, `canonicalUrl`.
 *   v3  (current) the SavedItem of types.ts, split over object stores: light list rows
 *       (`items`, everything but html) and bodies (`bodies`), plus the body-word index
 *       (`segments`), `meta`, a `changes` log and a `quarantine` for records that could not
 *       be migrated. Ids are derived from the identity key (identity.ts).
 *       A `bodies` record is { id, json } — the html as the UTF-8 bytes of its JSON string
 *       literal, the form a Lectern JSON backup writes it in, so a backup copies the bytes
 *       instead of re-serialising 300 MB of text — or { id, html } (a string), the form written
 *       before; both are read, a body is rewritten in the new form when its item is next saved.
 *       (Readable either way, so no version bump and no multi-second rewrite on upgrade.)
 */
import type { SavedItem } from './types';

export const SCHEMA_VERSION = 3;

/** A saved item without its html: what list() returns and what the `items` store holds. */
export type ItemRow = Omit<SavedItem, 'html'>;

/** An `items` record: the row plus the keys the store finds it by. */
export interface StoredRow extends ItemRow {
  /** schema version the record was written with */
  schema: number;
  /** identity key (identity.ts identityKey) the id was derived from */
  idKey: string;
  /** every URL match key the item was saved under (multiEntry index `urlKeys`) */
  urlKeys: string[];
  /** normalised title + publisher, or null (index `titleKey`) */
  titleKey: string | null;
  /**
   * An imported body not yet cleaned, kept as the range `[at, at + len)` of the import file
   * stored in meta as `pack:<pack>` (store.ts "packs"). Such an entry has NO `bodies` record
   * until it is cleaned; a `bodies` record, when there is one, always wins over this.
   */
  packed?: PackedRef;
  /**
   * An imported entry whose file lacked these: they were derived from the html as it came (not
   * sanitised yet) and are counted again from the sanitised text when it is cleaned.
   */
  recount?: { words?: true; excerpt?: true; minutes?: true };
  /**
   * The rev of the write that last gave the entry its body (saves, restore; not cleanPending,
   * which rewrites a body as what an export cleaning it on the way already gave). A stored
   * backup part remembers each row as it was (backup.ts rowMark): with this, a new body always
   * makes a new row, even a re-save whose row is otherwise the same.
   */
  bodyRev?: number;
}

export interface PackedRef {
  pack: number;
  at: number;
  len: number;
}

const natural = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;

/** A row's `packed`: absent, or three integers ≥ 0. */
export function isPackedRef(v: unknown): v is PackedRef {
  if (!v || typeof v !== 'object') return false;
  const r = v as PackedRef;
  return natural(r.pack) && natural(r.at) && natural(r.len);
}

/** A `bodies` record, decoded: the sanitised html for reading (its words are in the body index). */
export interface StoredBody {
  id: string;
  html: string;
}

/** A `bodies` record as written now: UTF-8 bytes of `JSON.stringify(html)`. */
export interface StoredBodyJson {
  id: string;
  json: Uint8Array;
}

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** html → the `json` of a bodies record. */
export function encodeBodyJson(html: string): Uint8Array {
  return utf8.encode(JSON.stringify(html));
}

function decodeBodyJson(json: Uint8Array): string | null {
  try {
    const v: unknown = JSON.parse(utf8Decoder.decode(json));
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

export type Validation<T> = { ok: true; value: T } | { ok: false; error: string };

const ISO_RE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** An ISO 8601 date or date-time that parses. */
export function isIsoDate(v: unknown): v is string {
  return typeof v === 'string' && ISO_RE.test(v) && !Number.isNaN(Date.parse(v));
}

/** Trimmed, non-empty, at most 64 characters, deduplicated case-insensitively, order kept. */
export function normalizeTags(tags: unknown): string[] {
  if (!Array.isArray(tags)) return [];
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of tags) {
    if (typeof t !== 'string') continue;
    const v = t.replace(/\s+/g, ' ').trim().slice(0, 64);
    if (!v || seen.has(v.toLowerCase())) continue;
    seen.add(v.toLowerCase());
    out.push(v);
  }
  return out;
}

/** Reading time at 230 words a minute, at least 1 minute for any content. */
export function readingMinutesFor(words: number): number {
  return words > 0 ? Math.max(1, Math.round(words / 230)) : 0;
}

type Check = (v: unknown) => boolean;
const str: Check = (v) => typeof v === 'string';
const nonEmpty: Check = (v) => typeof v === 'string' && v.length > 0;
const strOrNull: Check = (v) => v === null || typeof v === 'string';
const bool: Check = (v) => typeof v === 'boolean';
const count: Check = (v) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isoOrNull: Check = (v) => v === null || isIsoDate(v);
const fraction: Check = (v) => typeof v === 'number' && v >= 0 && v <= 1;
const tagList: Check = (v) => Array.isArray(v) && v.every((t) => typeof t === 'string');
const source: Check = (v) =>
  v === null ||
  (typeof v === 'object' && v !== null && typeof (v as { name?: unknown }).name === 'string' &&
    strOrNull((v as { url?: unknown }).url));
const dir: Check = (v) => v === null || v === 'ltr' || v === 'rtl';

const ROW_FIELDS: Array<[keyof ItemRow, Check, string]> = [
  ['id', nonEmpty, 'a non-empty string'],
  ['url', nonEmpty, 'a non-empty string'],
  ['title', str, 'a string'],
  ['byline', strOrNull, 'a string or null'],
  ['source', source, '{ name, url } or null'],
  ['aggregator', strOrNull, 'an aggregator id or null'],
  ['published', isoOrNull, 'an ISO 8601 string or null'],
  ['savedAt', isIsoDate, 'an ISO 8601 string'],
  ['tags', tagList, 'an array of strings'],
  ['archived', bool, 'a boolean'],
  ['favourite', bool, 'a boolean'],
  ['words', count, 'a number ≥ 0'],
  ['hasContent', bool, 'a boolean'],
  ['canonicalUrl', strOrNull, 'a string or null'],
  ['excerpt', str, 'a string'],
  ['leadImage', strOrNull, 'a string or null'],
  ['readingMinutes', count, 'a number ≥ 0'],
  ['lang', strOrNull, 'a string or null'],
  ['dir', dir, "'ltr', 'rtl' or null"],
  ['read', bool, 'a boolean'],
  ['progress', fraction, 'a number from 0 to 1'],
  ['updatedAt', isIsoDate, 'an ISO 8601 string'],
];

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `"${v.length > 40 ? `${v.slice(0, 40)}…` : v}"`;
  if (typeof v === 'object') return 'an object';
  return String(v);
}

function checkFields(x: unknown, fields: Array<[string, Check, string]>): string | null {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return `record is ${describe(x)}, not an object`;
  const r = x as Record<string, unknown>;
  for (const [name, check, expected] of fields) {
    if (!check(r[name])) return `field "${name}" should be ${expected}, is ${describe(r[name])}`;
  }
  return null;
}

/** Validate a public row (a SavedItem without html). */
export function validateRow(x: unknown): Validation<ItemRow> {
  const error = checkFields(x, ROW_FIELDS as Array<[string, Check, string]>);
  return error ? { ok: false, error } : { ok: true, value: x as ItemRow };
}

/** Validate a full SavedItem (a row plus `html`). */
export function validateItem(x: unknown): Validation<SavedItem> {
  const error = checkFields(x, [...(ROW_FIELDS as Array<[string, Check, string]>), ['html', str, 'a string']]);
  return error ? { ok: false, error } : { ok: true, value: x as SavedItem };
}

/** Validate an `items` record as read from the database. */
export function validateStoredRow(x: unknown): Validation<StoredRow> {
  const error = checkFields(x, [
    ...(ROW_FIELDS as Array<[string, Check, string]>),
    ['schema', (v) => v === SCHEMA_VERSION, `schema version ${SCHEMA_VERSION}`],
    ['idKey', str, 'a string'],
    ['urlKeys', tagList, 'an array of strings'],
    ['titleKey', strOrNull, 'a string or null'],
    ['packed', (v) => v === undefined || isPackedRef(v), 'absent or { pack, at, len }'],
  ]);
  return error ? { ok: false, error } : { ok: true, value: x as StoredRow };
}

/**
 * Is `v` a typed array of this kind, from any realm (a record read back from IndexedDB, or made
 * in a page, a worker or a test DOM, is not `instanceof` this realm's class)?
 */
export function isTyped(v: unknown, kind: 'Uint8Array' | 'Uint32Array'): boolean {
  return ArrayBuffer.isView(v) && Object.prototype.toString.call(v) === `[object ${kind}]`;
}

const isBytes = (v: unknown): v is Uint8Array => isTyped(v, 'Uint8Array');

/** Validate a `bodies` record (either form) and decode it to its html. */
export function validateBody(x: unknown): Validation<StoredBody> {
  const raw = validateBodyJson(x);
  if (!raw.ok) return raw;
  if ('html' in raw.value) return { ok: true, value: { id: raw.value.id, html: raw.value.html } };
  const html = decodeBodyJson(raw.value.json);
  return html === null ? { ok: false, error: 'json is not the UTF-8 of a JSON string' } : { ok: true, value: { id: raw.value.id, html } };
}

/** printable ASCII that a JSON string holds as it is (not `"`, not `\\`) */
const PLAIN = new Uint8Array(256);
for (let c = 0x20; c < 0x80; c++) PLAIN[c] = c === 0x22 || c === 0x5c ? 0 : 1;
const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrtu') ESCAPES[c.charCodeAt(0)] = 1;

/**
 * true when `b` is exactly one JSON string literal in well-formed UTF-8 (RFC 8259 §7 + RFC 3629:
 * quotes, no raw control characters, only JSON escapes, no overlong forms, no UTF-8-encoded
 * surrogates, nothing above U+10FFFF). One pass, no string made: what the JSON backup relies on
 * when it copies a stored body's bytes into the file.
 */
export function isJsonStringUtf8(b: Uint8Array): boolean {
  const n = b.length;
  if (n < 2 || b[0] !== 0x22 || b[n - 1] !== 0x22) return false;
  const end = n - 1;
  const words = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let i = 1;
  while (i < end) {
    // four bytes at a time while they are plain printable ASCII (SWAR: no byte ≥ 0x80, none
    // < 0x20, no '"' (0x22), no '\\' (0x5c)) — most of an article; ~2× faster than byte by byte
    while (i + 4 <= end) {
      const w = words.getUint32(i, true);
      const q = w ^ 0x22222222;
      const s = w ^ 0x5c5c5c5c;
      if ((w | ((w - 0x20202020) & ~w) | ((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s)) & 0x80808080) break;
      i += 4;
    }
    if (i >= end) break;
    const c = b[i]!;
    if (PLAIN[c]) {
      i++;
      continue;
    }
    if (c < 0x80) {
      if (c < 0x20 || c === 0x22) return false;
      if (c === 0x5c) {
        const e = b[i + 1]!;
        if (i + 1 >= end || !ESCAPES[e]) return false;
        if (e === 0x75) {
          if (i + 5 >= end || !HEX[b[i + 2]!] || !HEX[b[i + 3]!] || !HEX[b[i + 4]!] || !HEX[b[i + 5]!]) return false;
          i += 6;
        } else i += 2;
      } else i++;
      continue;
    }
    if (c >= 0xc2 && c <= 0xdf) {
      if (i + 1 >= end || (b[i + 1]! & 0xc0) !== 0x80) return false;
      i += 2;
    } else if (c >= 0xe0 && c <= 0xef) {
      const c1 = b[i + 1]!;
      if (i + 2 >= end || (c1 & 0xc0) !== 0x80 || (b[i + 2]! & 0xc0) !== 0x80) return false;
      if ((c === 0xe0 && c1 < 0xa0) || (c === 0xed && c1 > 0x9f)) return false; // overlong / surrogate
      i += 3;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const c1 = b[i + 1]!;
      if (i + 3 >= end || (c1 & 0xc0) !== 0x80 || (b[i + 2]! & 0xc0) !== 0x80 || (b[i + 3]! & 0xc0) !== 0x80) return false;
      if ((c === 0xf0 && c1 < 0x90) || (c === 0xf4 && c1 > 0x8f)) return false; // overlong / > U+10FFFF
      i += 4;
    } else return false;
  }
  return true;
}

/**
 * Validate a `bodies` record without decoding the new form (the JSON backup copies its bytes):
 * the bytes must be exactly one JSON string in well-formed UTF-8 (isJsonStringUtf8), so that a
 * damaged record is reported and left out, never copied into a backup that would not parse.
 */
export function validateBodyJson(x: unknown): Validation<StoredBodyJson | StoredBody> {
  if (x && typeof x === 'object' && 'json' in x) {
    const error = checkFields(x, [['id', nonEmpty, 'a non-empty string']]);
    if (error) return { ok: false, error };
    const json = (x as { json: unknown }).json;
    if (!isBytes(json) || !isJsonStringUtf8(json)) {
      return { ok: false, error: 'json is not the bytes of a JSON string' };
    }
    return { ok: true, value: { id: (x as unknown as { id: string }).id, json: json as Uint8Array } };
  }
  const error = checkFields(x, [
    ['id', nonEmpty, 'a non-empty string'],
    ['html', str, 'a string'],
  ]);
  return error ? { ok: false, error } : { ok: true, value: { id: (x as StoredBody).id, html: (x as StoredBody).html } };
}

const ROW_KEYS = ROW_FIELDS.map(([k]) => k);

/** The public row of a stored record (internal keys dropped, a fresh object). */
export function toItemRow(r: ItemRow): ItemRow {
  const out: Record<string, unknown> = {};
  for (const k of ROW_KEYS) out[k] = (r as unknown as Record<string, unknown>)[k];
  out.tags = [...r.tags];
  out.source = r.source ? { ...r.source } : null;
  return out as unknown as ItemRow;
}
