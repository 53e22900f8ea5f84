/**
 * Lectern JSON: the lossless backup format.
 *
 *   { "format": "lectern", "version": 1, "exportedAt": "<ISO>", "items": [ {…SavedItem…}, … ] }
 *
 * Every SavedItem field is written (html included), one item per line so that a damaged
 * file's messages point somewhere useful. Import validates each item; a bad item is reported
 * with the line its object starts on and the rest are kept. `html` comes back as
 * `unsanitisedHtml` (a file is untrusted; the caller sanitises it before storing) or, read from
 * bytes by parseLecternJsonBytes, as `unsanitisedBody`: the byte range of its literal.
 */
import type { Source } from '../../types';
import type { SavedItem } from '../types';
import { isJsonStringUtf8 } from '../schema';
import type { ErrorCode, ImportedItem, ImportError, ImportResult } from './types';
import {
  countsOf,
  errorDetail,
  failure,
  type Failure,
  httpUrl,
  jsonArrayElementOffsets,
  LineCounter,
  normaliseTags,
  toText,
  urlIssue,
  Utf8Chunks,
  validDateString,
} from './util';

export const LECTERN_FORMAT = 'lectern';
/** Bump when the item layout changes incompatibly; import reads versions 1..LECTERN_JSON_VERSION. */
export const LECTERN_JSON_VERSION = 1;

/** SavedItem's fields in the order they are written. */
export const SAVED_ITEM_FIELDS = [
  'id',
  'url',
  'title',
  'byline',
  'source',
  'aggregator',
  'published',
  'savedAt',
  'tags',
  'archived',
  'favourite',
  'words',
  'hasContent',
  'html',
  'canonicalUrl',
  'excerpt',
  'leadImage',
  'readingMinutes',
  'lang',
  'dir',
  'read',
  'progress',
  'updatedAt',
] as const satisfies readonly (keyof SavedItem)[];

function orderedItem(item: SavedItem): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of SAVED_ITEM_FIELDS) out[k] = item[k] ?? null;
  // fields added to SavedItem later travel along
  for (const [k, v] of Object.entries(item)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

function jsonHead(now: Date): string {
  return `{"format":${JSON.stringify(LECTERN_FORMAT)},"version":${LECTERN_JSON_VERSION},"exportedAt":${JSON.stringify(now.toISOString())},"items":[`;
}

/** The Lectern JSON file as one string (the test hook's `exportLibrary('json')`). */
export function exportJson(items: SavedItem[], now: Date): string {
  const head = jsonHead(now);
  if (items.length === 0) return `${head}]}\n`;
  // plain concatenation measured cheaper than map+join on 10,000 × 30 KB items (no 300 MB copy)
  let out = `${head}\n`;
  for (let i = 0; i < items.length; i++) out += (i ? ',\n' : '') + JSON.stringify(orderedItem(items[i]));
  return `${out}\n]}\n`;
}

/**
 * The same file, byte for byte, as UTF-8 chunks (a download's Blob parts), written batch by
 * batch (`add`) as the library is read: each item is serialised and encoded at once, so the
 * whole text never exists as one string. In Chromium this is what keeps a 300 MB export fast:
 * a Blob made of one huge string costs several times more.
 */
export class JsonChunkWriter {
  private readonly out: Utf8Chunks;
  private count = 0;

  /**
   * `now`: the export's time in the file's head; null: items only (a backup part, jsonItemChunks).
   * `chunkBytes`: the buffer the items' other fields are encoded into (bodies are not copied).
   */
  constructor(now: Date | null, chunkBytes?: number) {
    this.out = new Utf8Chunks(chunkBytes);
    if (now) this.out.write(jsonHead(now));
  }

  add(items: readonly SavedItem[]): void {
    for (const item of items) this.out.write((this.count++ ? ',\n' : '\n') + JSON.stringify(orderedItem(item)));
  }

  /**
   * Items whose html is given as the UTF-8 bytes of its JSON string literal (`bodies[i]`, the
   * form the library stores bodies in): the item's other fields are serialised around the
   * copied bytes. Same output as `add` with the decoded html.
   */
  addWithBodies(items: readonly SavedItem[], bodies: readonly Uint8Array[]): void {
    items.forEach((item, i) => {
      const o = orderedItem(item);
      const before: Record<string, unknown> = {};
      const after: Record<string, unknown> = {};
      let seen = false;
      for (const k in o) {
        if (k === 'html') seen = true;
        else (seen ? after : before)[k] = o[k];
      }
      // SAVED_ITEM_FIELDS has fields on both sides of html, so neither object is empty
      this.out.write(`${this.count++ ? ',\n' : '\n'}${JSON.stringify(before).slice(0, -1)},"html":`);
      this.out.writeBytes(bodies[i]!);
      this.out.write(`,${JSON.stringify(after).slice(1)}`);
    });
  }

  finish(options: { tail?: boolean } = {}): { chunks: Uint8Array[]; bytes: number } {
    if (options.tail !== false) this.out.write(this.count ? '\n]}\n' : ']}\n');
    return this.out.finish();
  }
}

/**
 * What a stored backup part was written by: parts written by another version of the item writer
 * are never reused (an extension update that changes the file's items writes every part again).
 * Bump JSON_PART_FORMAT whenever jsonItemChunks' bytes for the same item change; a golden test
 * (tests/unit/library/backup.test.ts) fails until it is bumped.
 */
export const JSON_PART_FORMAT = 1;
export const jsonBackupWriter = {
  id: `lectern-json-${LECTERN_JSON_VERSION}/parts-${JSON_PART_FORMAT}/${SAVED_ITEM_FIELDS.join(',')}`,
  write: (items: readonly SavedItem[], bodies: readonly Uint8Array[]): Uint8Array[] => jsonItemChunks(items, bodies),
  starts: (chunks: readonly Uint8Array[]): number[] => jsonPartStarts(chunks),
};

/**
 * Where each item of a part's bytes starts (after the line feed before it): JSON.stringify escapes
 * every control character, so the only line feeds in a part are the one before each item.
 */
export function jsonPartStarts(chunks: readonly Uint8Array[]): number[] {
  const out: number[] = [];
  let offset = 0;
  for (const c of chunks) {
    for (let i = c.indexOf(10); i !== -1; i = c.indexOf(10, i + 1)) out.push(offset + i + 1);
    offset += c.length;
  }
  return out;
}

/**
 * A backup part's bytes (Library.backupParts): the items as JsonChunkWriter writes them — the
 * first preceded by "\n", the others by ",\n" — without the file's head and tail.
 */
export function jsonItemChunks(items: readonly SavedItem[], bodies: readonly Uint8Array[]): Uint8Array[] {
  // a part's fields take ~1 KB an item: not the 16 MB buffer of a whole file (200 parts of a backup)
  const w = new JsonChunkWriter(null, 256 * 1024);
  w.addWithBodies(items, bodies);
  return w.finish({ tail: false }).chunks;
}

/**
 * The Lectern JSON file made of backup parts: byte for byte what JsonChunkWriter writes for the
 * same items in the same order (a part is a Blob IndexedDB holds: it is not read here).
 */
export function jsonFileOfParts(now: Date, parts: readonly Blob[]): BlobPart[] {
  const out: BlobPart[] = [jsonHead(now)];
  parts.forEach((p, i) => out.push(...(i ? [',', p] : [p])));
  out.push(parts.length ? '\n]}\n' : ']}\n');
  return out;
}

// ---------------------------------------------------------------- import

function jsonSyntaxError(text: string, e: unknown): Failure {
  const msg = e instanceof Error ? e.message : String(e);
  if (/unexpected end|unterminated/i.test(msg)) {
    const lines = text.split('\n').length;
    return failure('impErrJsonTruncated', [lines], `truncated JSON: the file ends before the data does (line ${lines})`);
  }
  const pos = /position (\d+)/i.exec(msg);
  if (pos) return lineMalformed(new LineCounter(text).lineAt(Number(pos[1])), msg.replace(/\s*\(line \d+ column \d+\)/, '').replace(/\s*in JSON at position \d+/, ''));
  return jsonMalformed(msg);
}

/** JSON.parse failed at `line` (`detail`: the engine's own English). Omnivore's metadata too. */
export function lineMalformed(line: number, detail: string): Failure {
  return failure('impErrJsonLineMalformed', [line, detail], `line ${line} malformed: ${detail}`);
}

/** JSON.parse failed somewhere it did not say. */
export function jsonMalformed(detail: unknown): Failure {
  const d = typeof detail === 'string' ? detail : errorDetail(detail);
  return failure('impErrJsonMalformed', [d], `malformed JSON: ${d}`);
}

type Obj = Record<string, unknown>;
/**
 * An item's `html` that parseLecternJsonBytes left in the file: its JSON string literal's byte
 * range (readItem turns it into `unsanitisedBody`). JSON.parse never makes one, so the text
 * path cannot meet it.
 */
class LiftedBody {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {}
}
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strOrNull = (v: unknown): string | null | undefined => (v === null ? null : typeof v === 'string' ? v : undefined);
const bool = (v: unknown): boolean | undefined => (typeof v === 'boolean' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

function imageUrl(v: unknown): string | null | undefined {
  if (v === null) return null;
  if (typeof v !== 'string') return undefined;
  return httpUrl(v) ?? (/^data:image\//i.test(v) ? v : undefined);
}

/**
 * One item object → ImportedItem, or the reason it is refused. Fields of the wrong type are
 * dropped (the store fills in defaults); only a missing/invalid url refuses the item.
 */
export function itemFromJson(v: unknown): ImportedItem | string {
  const r = readItem(v);
  return r.ok ? r.item : r.why.text;
}

/** itemFromJson with the refusal's i18n code (`impErrItem…`, its first param the item's number). */
type Why = ErrorCode & { text: string };
/** the URL codes as an item's ("item N: …") */
const ITEM_URL_CODE: Record<string, string> = {
  impErrMissingUrl: 'impErrItemMissingUrl',
  impErrNotWebLink: 'impErrItemNotWebLink',
  impErrInvalidUrl: 'impErrItemInvalidUrl',
};
function readItem(v: unknown): { ok: true; item: ImportedItem } | { ok: false; why: Why } {
  if (!isObj(v)) return { ok: false, why: { code: 'impErrItemNotObject', params: [], text: 'item is not an object' } };
  const url = httpUrl(v.url);
  if (!url) {
    const i = urlIssue(v.url);
    return { ok: false, why: { ...i, code: ITEM_URL_CODE[i.code] ?? i.code } };
  }
  const out: ImportedItem = { url };
  const set = <K extends keyof ImportedItem>(k: K, val: ImportedItem[K] | undefined) => {
    if (val !== undefined) out[k] = val;
  };
  set('id', str(v.id));
  set('title', str(v.title));
  set('byline', strOrNull(v.byline));
  if (v.source === null) out.source = null;
  else if (isObj(v.source) && typeof v.source.name === 'string') {
    const su = v.source.url === null || v.source.url === undefined ? null : httpUrl(v.source.url);
    out.source = { name: v.source.name, url: su } satisfies Source;
  }
  if (v.aggregator === null) out.aggregator = null;
  else if (typeof v.aggregator === 'string' && /^[a-z0-9-]{1,40}$/.test(v.aggregator)) {
    // ids this version does not know (a newer Lectern's) are kept as they are
    out.aggregator = v.aggregator as ImportedItem['aggregator'];
  }
  // dates are kept exactly as written when Date.parse reads them; unreadable ones are dropped
  set('published', v.published === null ? null : (validDateString(v.published) ?? undefined));
  set('savedAt', validDateString(v.savedAt) ?? undefined);
  set('updatedAt', validDateString(v.updatedAt) ?? undefined);
  if (Array.isArray(v.tags)) out.tags = normaliseTags(v.tags);
  set('archived', bool(v.archived));
  set('favourite', bool(v.favourite));
  set('read', bool(v.read));
  set('hasContent', bool(v.hasContent));
  set('words', num(v.words));
  set('readingMinutes', num(v.readingMinutes));
  const p = num(v.progress);
  if (p !== undefined) out.progress = Math.min(1, p);
  if (typeof v.html === 'string') out.unsanitisedHtml = v.html;
  else if (v.html instanceof LiftedBody) out.unsanitisedBody = { start: v.html.start, end: v.html.end };
  if (v.canonicalUrl === null) out.canonicalUrl = null;
  else if (httpUrl(v.canonicalUrl)) out.canonicalUrl = httpUrl(v.canonicalUrl);
  set('excerpt', str(v.excerpt));
  set('leadImage', imageUrl(v.leadImage));
  set('lang', strOrNull(v.lang));
  if (v.dir === null || v.dir === 'ltr' || v.dir === 'rtl') out.dir = v.dir;
  if (out.hasContent === undefined) out.hasContent = !!out.unsanitisedHtml || !!out.unsanitisedBody;
  return { ok: true, item: out };
}

/** The checks before JSON.parse (the same on a file's text and on the reduced text of its bytes). */
function preParse(text: string): Failure | null {
  const t = text.trimStart();
  if (!t) return failure('impErrEmptyFile', [], 'empty file');
  if (t[0] !== '{') return failure('impErrJsonNotBrace', [], 'wrong format: this is not a Lectern JSON export (it does not start with "{")');
  return null;
}

export function parseLecternJson(text: string): ImportResult {
  const pre = preParse(text);
  if (pre) return { ...pre, format: 'json' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return { ...jsonSyntaxError(text, e), format: 'json' };
  }
  return readLectern(text, data);
}

/**
 * Everything after JSON.parse: the header checks, each item (readItem), the bad items' lines.
 * `text` is what was parsed (line numbers are counted in it: the reduced text of
 * parseLecternJsonBytes has the file's lines).
 */
function readLectern(text: string, data: unknown): ImportResult {
  const fail = (f: Failure): ImportResult => ({ ...f, format: 'json' });
  if (!isObj(data)) return fail(failure('impErrJsonNotLectern', [], 'wrong format: this is not a Lectern JSON export'));
  if (data.format !== LECTERN_FORMAT) {
    const found = JSON.stringify(data.format ?? null);
    return fail(failure('impErrJsonFormatField', [found], `wrong format: "format" is ${found}, expected "lectern"`));
  }
  const version = data.version;
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return fail(failure('impErrJsonNoVersion', [], 'wrong format: missing or non-integer schema "version"'));
  }
  if (version < 1 || version > LECTERN_JSON_VERSION) {
    const newer = version > LECTERN_JSON_VERSION;
    return fail(
      failure(
        newer ? 'impErrJsonVersionNewer' : 'impErrJsonVersion',
        [version, LECTERN_JSON_VERSION],
        `unsupported schema version ${version} (this Lectern reads version ${LECTERN_JSON_VERSION}${newer ? '; update Lectern to import it' : ''})`,
      ),
    );
  }
  if (!Array.isArray(data.items)) return fail(failure('impErrJsonItemsNotList', [], 'wrong format: "items" is not a list'));
  const items: ImportedItem[] = [];
  const bad: { index: number; why: Why }[] = [];
  data.items.forEach((raw, index) => {
    const r = readItem(raw);
    if (r.ok) items.push(r.item);
    else bad.push({ index, why: r.why });
  });
  const errors: ImportError[] = [];
  if (bad.length) {
    const offsets = jsonArrayElementOffsets(text, 'items');
    const lc = new LineCounter(text);
    for (const b of bad) {
      const line = offsets[b.index] !== undefined ? lc.lineAt(offsets[b.index]) : 1;
      errors.push({
        line,
        message: `line ${line}: item ${b.index + 1}: ${b.why.text}`,
        code: b.why.code,
        params: [b.index + 1, ...b.why.params],
      });
    }
  }
  return { ok: true, format: 'json', items, errors, counts: countsOf(items, errors) };
}

// ---------------------------------------------------------------- import from bytes

/**
 * String literals at least this long (bytes, quotes included) are lifted out of the text
 * JSON.parse sees. Anything much smaller than an article body would do; bodies are ~30 KB.
 */
export const LIFT_MIN = 1024;

/** UTF-8, non-fatal like toText; a BOM is skipped by hand (only at the very start of the file). */
const utf8 = new TextDecoder('utf-8', { ignoreBOM: true });

function randomNonce(): string {
  const a = new Uint32Array(4);
  crypto.getRandomValues(a);
  return Array.from(a, (x) => x.toString(36)).join('');
}

/** Is the literal that ends before `end` an object key (`:` next, after whitespace)? */
function isKey(b: Uint8Array, end: number): boolean {
  let i = end;
  while (b[i] === 0x20 || b[i] === 0x0a || b[i] === 0x0d || b[i] === 0x09) i++;
  return b[i] === 0x3a;
}

/**
 * False when the literal `b[start, end)` (valid, quotes included) surely holds a character
 * that String.prototype.trim keeps, from its first bytes; true when it may be blank (decode to
 * know): only spaces and whitespace escapes so far, then a `\u` escape or a non-ASCII byte.
 */
function mayBeBlank(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start + 1; i < end - 1; i++) {
    const c = b[i]!;
    if (c === 0x20) continue;
    if (c === 0x5c) {
      const e = b[i + 1]!;
      if (e === 0x6e || e === 0x72 || e === 0x74 || e === 0x66) {
        i++; // \n \r \t \f
        continue;
      }
      return e === 0x75; // \uXXXX may be whitespace; \" \\ \/ \b are not
    }
    return c >= 0x80; // U+00A0, U+2028, U+3000, U+FEFF, … are whitespace to trim()
  }
  return true;
}

/**
 * Lectern JSON from the file's bytes, fast on large files: the same result as
 * `parseLecternJson(toText(bytes))` (items, errors and their lines, counts, failures), except
 * that an item's long `html` is not decoded: it comes back as `unsanitisedBody`, the byte range
 * of its JSON string literal in `bytes` (quotes included), and the result carries
 * `source: bytes`.
 *
 * How: string literals of LIFT_MIN bytes or more that are valid JSON strings in well-formed
 * UTF-8 (isJsonStringUtf8) are replaced, in the text handed to JSON.parse, by short marker
 * literals (`"\u0000<nonce>:<n>"`, the nonce random per call so a file cannot forge one); only
 * the bytes between them are decoded. A valid literal holds no raw newline, so the reduced text
 * has the file's lines. After JSON.parse the markers are restored: an item's `html` becomes a
 * range (or its decoded text when it is blank or the item lacks `words` / `excerpt`, which the
 * library computes from the text), any other marker its decoded string. Whatever fails to parse
 * is parsed again as text, so a failure says exactly what parseLecternJson says (slowly).
 */
export function parseLecternJsonBytes(bytes: Uint8Array): ImportResult {
  const n = bytes.length;
  if (n >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    return parseLecternJson(toText(bytes)); // UTF-16
  }
  const begin = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  const nonce = randomNonce();
  const ranges: number[] = []; // [start, end) of lifted literal k at 2k, 2k+1
  const parts: string[] = [];
  let from = begin; // the bytes from here on are not in `parts` yet
  let i = begin;
  scan: for (;;) {
    const q = bytes.indexOf(0x22, i);
    if (q === -1) break;
    let close: number;
    for (let j = q + 1; ; ) {
      close = bytes.indexOf(0x22, j);
      if (close === -1) break scan; // unterminated (a truncated file): left as it is
      let k = close;
      while (bytes[k - 1] === 0x5c) k--; // stops at the opening quote at the latest
      if ((close - k) % 2 === 0) break;
      j = close + 1;
    }
    const end = close + 1;
    if (end - q >= LIFT_MIN && !isKey(bytes, end) && isJsonStringUtf8(bytes.subarray(q, end))) {
      parts.push(utf8.decode(bytes.subarray(from, q)), `"\\u0000${nonce}:${ranges.length >> 1}"`);
      ranges.push(q, end);
      from = end;
    }
    i = end;
  }
  if (ranges.length === 0) return parseLecternJson(toText(bytes));
  parts.push(utf8.decode(bytes.subarray(from)));
  const text = parts.join('');
  parts.length = 0;

  const pre = preParse(text);
  if (pre) return { ...pre, format: 'json' };
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return parseLecternJson(toText(bytes)); // today's message, from today's text
  }

  const prefix = `\u0000${nonce}:`;
  const markerOf = (v: unknown): number =>
    typeof v === 'string' && v.charCodeAt(0) === 0 && v.startsWith(prefix) ? Number(v.slice(prefix.length)) : -1;
  const decoded = (m: number): string => JSON.parse(utf8.decode(bytes.subarray(ranges[2 * m], ranges[2 * m + 1]))) as string;

  // items (elements of the top-level "items") whose html is a marker: decided once their other
  // fields (a long excerpt) are restored
  const items = new Set<object>();
  if (isObj(data) && Array.isArray(data.items)) for (const it of data.items) if (isObj(it)) items.add(it);
  const withBody: Obj[] = [];
  // (data is an object: the text starts with "{"). Iterative: JSON.parse takes nesting deeper
  // than a recursive walk's stack would.
  const stack: object[] = [data as object];
  while (stack.length) {
    const o = stack.pop()!;
    if (Array.isArray(o)) {
      for (let k = 0; k < o.length; k++) {
        const v: unknown = o[k];
        const m = markerOf(v);
        if (m >= 0) o[k] = decoded(m);
        else if (typeof v === 'object' && v !== null) stack.push(v);
      }
      continue;
    }
    const isItem = items.has(o);
    const rec = o as Obj;
    for (const key of Object.keys(rec)) {
      const v = rec[key];
      const m = markerOf(v);
      if (m >= 0) {
        if (isItem && key === 'html') withBody.push(rec);
        // defineProperty: an own "__proto__" key is data here, never the prototype
        else Object.defineProperty(rec, key, { value: decoded(m), writable: true, enumerable: true, configurable: true });
      } else if (typeof v === 'object' && v !== null) stack.push(v);
    }
  }
  for (const it of withBody) {
    const m = markerOf(it.html);
    const start = ranges[2 * m]!;
    const end = ranges[2 * m + 1]!;
    const keep = num(it.words) !== undefined && typeof it.excerpt === 'string' && !(mayBeBlank(bytes, start, end) && decoded(m).trim() === '');
    it.html = keep ? new LiftedBody(start, end) : decoded(m);
  }

  const r = readLectern(text, data);
  if (r.ok && r.items.some((it) => it.unsanitisedBody)) r.source = bytes;
  return r;
}
