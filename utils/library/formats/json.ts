/**
 * Lectern JSON: the lossless backup format.
 *
 *   { "format": "lectern", "version": 1, "exportedAt": "<ISO>", "items": [ {…SavedItem…}, … ] }
 *
 * Every SavedItem field is written (html included), one item per line so that a damaged
 * file's messages point somewhere useful. Import validates each item; a bad item is reported
 * with the line its object starts on and the rest are kept. `html` comes back as
 * `unsanitisedHtml` (a file is untrusted; the caller sanitises it before storing).
 */
import type { Source } from '../../types';
import type { SavedItem } from '../types';
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
  private readonly out = new Utf8Chunks();
  private count = 0;

  constructor(now: Date) {
    this.out.write(jsonHead(now));
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

  finish(): { chunks: Uint8Array[]; bytes: number } {
    this.out.write(this.count ? '\n]}\n' : ']}\n');
    return this.out.finish();
  }
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
  if (v.canonicalUrl === null) out.canonicalUrl = null;
  else if (httpUrl(v.canonicalUrl)) out.canonicalUrl = httpUrl(v.canonicalUrl);
  set('excerpt', str(v.excerpt));
  set('leadImage', imageUrl(v.leadImage));
  set('lang', strOrNull(v.lang));
  if (v.dir === null || v.dir === 'ltr' || v.dir === 'rtl') out.dir = v.dir;
  if (out.hasContent === undefined) out.hasContent = !!out.unsanitisedHtml;
  return { ok: true, item: out };
}

export function parseLecternJson(text: string): ImportResult {
  const fail = (f: Failure): ImportResult => ({ ...f, format: 'json' });
  const t = text.trimStart();
  if (!t) return fail(failure('impErrEmptyFile', [], 'empty file'));
  if (t[0] !== '{') return fail(failure('impErrJsonNotBrace', [], 'wrong format: this is not a Lectern JSON export (it does not start with "{")'));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return fail(jsonSyntaxError(text, e));
  }
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
