/**
 * Small pure helpers shared by the format modules (dates, URLs, entities, text decoding,
 * zips, line numbers). No DOM, no `browser.*`.
 */
import { unzipSync } from 'fflate';
import type { AggregatorId } from '../../types';
import type { ErrorCode, ErrorParams, ImportCounts, ImportedItem, ImportError } from './types';

export const AGGREGATOR_NAMES: Record<AggregatorId, string> = {
  inkl: 'inkl',
  msn: 'MSN',
  yahoo: 'Yahoo News',
  'yahoo-japan': 'Yahoo! Japan News',
  aol: 'AOL',
  flipboard: 'Flipboard',
  newsbreak: 'NewsBreak',
  smartnews: 'SmartNews',
  groundnews: 'Ground News',
  newsnow: 'NewsNow',
};

export function aggregatorName(id: string | null | undefined): string | null {
  if (!id) return null;
  return (AGGREGATOR_NAMES as Record<string, string>)[id] ?? id;
}

export function isAggregatorId(v: unknown): v is AggregatorId {
  return typeof v === 'string' && Object.prototype.hasOwnProperty.call(AGGREGATOR_NAMES, v);
}

// ---------------------------------------------------------------- dates

const MAX_MS = Date.UTC(9999, 11, 31);

/** Unix time (seconds; milliseconds and microseconds recognised by size) → ISO 8601, or null. */
export function isoFromUnix(v: string | number | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  const s = String(v).trim();
  if (!/^-?\d+(\.\d+)?$/.test(s)) return null;
  let n = Number(s);
  if (!Number.isFinite(n) || n < 0) return null;
  if (n > 1e14) n = n / 1e6; // microseconds (Firefox places.sqlite style)
  else if (n > 1e11) n = n / 1e3; // milliseconds
  const ms = Math.round(n * 1000);
  if (ms > MAX_MS) return null;
  return new Date(ms).toISOString();
}

/** ISO 8601 (or anything Date.parse reads) → Unix seconds, or null. */
export function unixSeconds(iso: string | null | undefined): number | null {
  if (!iso) return null;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : null;
}

/** A date string Date.parse understands → the same string trimmed (kept as given), or null. */
export function validDateString(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (!s || !Number.isFinite(Date.parse(s))) return null;
  return s;
}

/** A date string → normalised ISO 8601 (UTC), or null. */
export function toIso(v: unknown): string | null {
  const s = validDateString(v);
  return s ? new Date(Date.parse(s)).toISOString() : null;
}

export function ymd(d: Date): string {
  return d.toISOString().slice(0, 10);
}

// ---------------------------------------------------------------- urls, tags, text

/** The trimmed URL when it is an absolute http(s) URL, else null. */
export function httpUrl(v: unknown): string | null {
  if (typeof v !== 'string') return null;
  const s = v.trim();
  if (!s) return null;
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:' ? s : null;
  } catch {
    return null;
  }
}

/** Why a URL was refused: the English reason and its i18n code (`impErrMissingUrl`, …). */
export function urlIssue(v: unknown): ErrorCode & { text: string } {
  if (typeof v !== 'string' || !v.trim()) return { code: 'impErrMissingUrl', params: [], text: 'missing url' };
  const s = v.trim();
  try {
    const u = new URL(s);
    return { code: 'impErrNotWebLink', params: [u.protocol], text: `not a web link (${u.protocol})` };
  } catch {
    const shown = truncate(s, 60);
    return { code: 'impErrInvalidUrl', params: [shown], text: `invalid url "${shown}"` };
  }
}

/** A whole-file failure: the English `error` and its i18n `code` / `params`. */
export type Failure = { ok: false; error: string; code: string; params: ErrorParams; file?: string };

export function failure(code: string, params: ErrorParams, error: string): Failure {
  return { ok: false, error, code, params };
}

/** A zip member's failure: `file: ` in front of the English, the file beside the code. */
export function inFile(file: string, f: Failure): Failure {
  return { ...f, error: `${file}: ${f.error}`, file };
}

/** A whole-file failure from an exception whose message is passed on as a detail. */
export function errorDetail(e: unknown): string {
  return (e as Error)?.message ?? String(e);
}

export function normaliseTags(tags: Iterable<unknown>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const t of tags) {
    if (typeof t !== 'string') continue;
    const s = t.trim();
    if (!s || seen.has(s)) continue;
    seen.add(s);
    out.push(s);
  }
  return out;
}

export function truncate(s: string, n: number): string {
  const cps = Array.from(s);
  return cps.length <= n ? s : cps.slice(0, n - 1).join('') + '…';
}

/** Rough word count of an HTML string (for imported bodies; the store may recount). */
export function countWordsInHtml(html: string): number {
  const text = decodeEntities(
    html
      .replace(/<(script|style|template)\b[\s\S]*?<\/\1\s*>/gi, ' ')
      .replace(/<[^>]*>/g, ' '),
  );
  const m = text.match(/[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu);
  if (!m) return 0;
  // CJK text has no spaces: count each ideograph / kana as a word, like reading-time estimators
  let n = 0;
  for (const w of m) {
    const cjk = w.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/gu);
    n += cjk ? cjk.length : 1;
  }
  return n;
}

// ---------------------------------------------------------------- html entities / escaping

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', ndash: '–', mdash: '—',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', hellip: '…', middot: '·', copy: '©',
  reg: '®', trade: '™', laquo: '«', raquo: '»', bull: '•', euro: '€', pound: '£', yen: '¥',
};

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);?/gi, (m, body: string) => {
    if (body[0] === '#') {
      const cp = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      if (!Number.isFinite(cp) || cp <= 0 || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(cp);
    }
    const v = NAMED[body] ?? NAMED[body.toLowerCase()];
    return v ?? m;
  });
}

/** Escape text for HTML/XML element content and double-quoted attributes. */
export function escapeXml(s: string): string {
  return stripXmlInvalid(s).replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));
}

/** Remove characters XML 1.0 forbids (C0 controls except tab/LF/CR, lone surrogates, U+FFFE/F). */
export function stripXmlInvalid(s: string): string {
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
}

// ---------------------------------------------------------------- input decoding

export function isBytes(v: unknown): v is Uint8Array {
  return v instanceof Uint8Array;
}

/** Bytes or a string → text, with a UTF-8 / UTF-16 BOM removed. */
export function toText(data: string | Uint8Array): string {
  if (typeof data === 'string') return data.charCodeAt(0) === 0xfeff ? data.slice(1) : data;
  if (data.length >= 2 && data[0] === 0xff && data[1] === 0xfe) return new TextDecoder('utf-16le').decode(data.subarray(2));
  if (data.length >= 2 && data[0] === 0xfe && data[1] === 0xff) return new TextDecoder('utf-16be').decode(data.subarray(2));
  return new TextDecoder('utf-8').decode(data); // strips a UTF-8 BOM
}

/** True when the text looks binary (NUL bytes in the first KB), i.e. not a text export. */
export function looksBinary(text: string): boolean {
  return text.slice(0, 1024).includes('\u0000');
}

export function isZipBytes(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && (b[2] === 3 || b[2] === 5) && (b[3] === 4 || b[3] === 6);
}

/** A string that is plausibly base64 of a zip ("UEsDB…" / "UEsFB…"). */
export function looksLikeBase64Zip(s: string): boolean {
  return /^\s*UEs[DF]B[A-Za-z0-9+/=\s]*$/.test(s.slice(0, 4096)) && /^[A-Za-z0-9+/=\s]*$/.test(s.slice(-4096));
}

export function base64ToBytes(s: string): Uint8Array {
  const bin = atob(s.replace(/\s+/g, ''));
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function bytesToBase64(b: Uint8Array): string {
  let s = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < b.length; i += CHUNK) s += String.fromCharCode(...b.subarray(i, i + CHUNK));
  return btoa(s);
}

/**
 * Zip data for a zip format: bytes as they are, or a base64 string (the hook passes base64).
 * Returns an error message for anything else.
 */
export function zipInput(data: string | Uint8Array): { ok: true; bytes: Uint8Array } | Failure {
  if (isBytes(data)) {
    if (data.length === 0) return EMPTY_FILE();
    // a text file holding the zip as base64 (what a string would be; a UTF-8 BOM before it too): read as that string
    const text = data[0] === 0xef && data[1] === 0xbb && data[2] === 0xbf ? data.subarray(3) : data;
    if (!isZipBytes(data) && isBase64Text(text)) return zipInput(new TextDecoder().decode(text));
    return { ok: true, bytes: data };
  }
  const s = data.trim();
  if (!s) return EMPTY_FILE();
  if (/^[A-Za-z0-9+/=\s]+$/.test(s)) {
    try {
      const bytes = base64ToBytes(s);
      if (bytes.length === 0) return EMPTY_FILE();
      return { ok: true, bytes };
    } catch {
      /* fall through */
    }
  }
  return failure('impErrNotZipText', [], 'not a zip file: expected the zip itself (bytes or base64), got text');
}

/** Only base64 characters and whitespace (ASCII bytes). */
function isBase64Text(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f || c === 0x3d || c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
    if (!ok) return false;
  }
  return true;
}

export const EMPTY_FILE = (): Failure => failure('impErrEmptyFile', [], 'empty file');

export function damagedZip(e: unknown): Failure {
  const detail = errorDetail(e);
  return failure('impErrZipDamaged', [detail], `truncated or damaged zip: ${detail} (download the export again)`);
}

export type ZipRead = { ok: true; files: Record<string, Uint8Array> } | Failure;

/** Unzip the members `want` accepts. Clear messages for "not a zip" and "truncated zip". */
export function readZip(bytes: Uint8Array, want: (name: string) => boolean): ZipRead {
  if (bytes.length === 0) return EMPTY_FILE();
  if (!isZipBytes(bytes)) return failure('impErrNotZip', [], 'not a zip file (it does not start with a zip signature)');
  try {
    const files = unzipSync(bytes, { filter: (f) => !f.name.endsWith('/') && want(f.name) });
    return { ok: true, files };
  } catch (e) {
    return damagedZip(e);
  }
}

export function baseName(path: string): string {
  const i = path.lastIndexOf('/');
  return i >= 0 ? path.slice(i + 1) : path;
}

// ---------------------------------------------------------------- line numbers

/** Offset → 1-based line, for monotonically increasing offsets (O(total length)). */
export class LineCounter {
  private pos = 0;
  private line = 1;
  private readonly nl: string;
  constructor(private readonly text: string) {
    // old Mac files use CR alone
    this.nl = !text.includes('\n') && text.includes('\r') ? '\r' : '\n';
  }
  lineAt(offset: number): number {
    if (offset < this.pos) {
      this.pos = 0;
      this.line = 1;
    }
    const { text, nl } = this;
    let i = text.indexOf(nl, this.pos);
    while (i !== -1 && i < offset) {
      this.line++;
      i = text.indexOf(nl, i + 1);
    }
    this.pos = offset;
    return this.line;
  }
}

/** 1-based line of a character offset (one-off use). */
export function lineOf(text: string, offset: number): number {
  let n = 1;
  let i = text.indexOf('\n');
  while (i !== -1 && i < offset) {
    n++;
    i = text.indexOf('\n', i + 1);
  }
  return n;
}

/**
 * Start offsets of the elements of a JSON array: the root array (key = null) or the array
 * under a top-level object key. Only used to put line numbers on bad records (lazy).
 */
export function jsonArrayElementOffsets(text: string, key: string | null): number[] {
  const out: number[] = [];
  const stack: string[] = [];
  let target = -1; // stack depth of the target array
  let expectElement = false;
  let lastString = '';
  let currentKey = '';
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text[i];
    if (c === ' ' || c === '\n' || c === '\r' || c === '\t') continue;
    if (expectElement && stack.length === target && c !== ']') {
      out.push(i);
      expectElement = false;
    }
    if (c === '"') {
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) return out;
        let bs = 0;
        for (let k = q - 1; text[k] === '\\'; k--) bs++;
        if (bs % 2 === 0) {
          if (stack.length === 1 && q - i < 200) lastString = text.slice(i + 1, q);
          i = q;
          break;
        }
        j = q + 1;
      }
    } else if (c === ':') {
      if (stack.length === 1) currentKey = lastString;
    } else if (c === '{' || c === '[') {
      stack.push(c);
      if (c === '[' && target === -1 && ((key === null && stack.length === 1) || (key !== null && stack.length === 2 && stack[0] === '{' && currentKey === key))) {
        target = stack.length;
        expectElement = true;
      }
    } else if (c === '}' || c === ']') {
      if (stack.length === target && c === ']') return out;
      stack.pop();
    } else if (c === ',') {
      if (stack.length === target) expectElement = true;
    }
  }
  return out;
}

// ---------------------------------------------------------------- results

export function countsOf(items: ImportedItem[], errors: ImportError[], ignored = 0): ImportCounts {
  let withContent = 0;
  let archived = 0;
  let favourite = 0;
  for (const it of items) {
    if (it.hasContent) withContent++;
    if (it.archived) archived++;
    if (it.favourite) favourite++;
  }
  return {
    records: items.length + errors.length + ignored,
    items: items.length,
    errors: errors.length,
    ignored,
    withContent,
    archived,
    favourite,
  };
}

// ---------------------------------------------------------------- tag soup (bookmark files)

/** Attributes of a start tag's inside (`a href="x" ADD_DATE=1`) → lower-cased name → decoded value. */
export function parseAttrs(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s))) {
    const name = m[1].toLowerCase();
    if (name in out) continue;
    out[name] = decodeEntities(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

/** Inline markup of a bookmark title → plain text. */
export function inlineText(html: string): string {
  return decodeEntities(html.replace(/<[^>]*>/g, '')).replace(/\s+/g, ' ').trim();
}

/**
 * Accumulates text as UTF-8 bytes in chunks of about `chunkBytes` (TextEncoder.encodeInto), so
 * that a file of hundreds of megabytes is never one string: a Blob is made from the chunks.
 * Strings must be well-formed UTF-16 (JSON.stringify's output is; a lone surrogate would be
 * written as U+FFFD, as TextEncoder does). Large byte arrays given to `writeBytes` become chunks
 * of their own, uncopied (the Blob copies them once).
 */
export class Utf8Chunks {
  private readonly encoder = new TextEncoder();
  private readonly chunks: Uint8Array[] = [];
  private buf: Uint8Array;
  /** where the bytes not yet handed out as a chunk start in `buf` */
  private start = 0;
  private pos = 0;
  private total = 0;

  constructor(private readonly chunkBytes = 16 * 1024 * 1024) {
    this.buf = new Uint8Array(0);
  }

  write(s: string): void {
    // UTF-16 → UTF-8 takes at most 3 bytes per code unit
    if (this.buf.length - this.pos < s.length * 3) {
      this.cut();
      this.buf = new Uint8Array(Math.max(this.chunkBytes, s.length * 3));
      this.start = this.pos = 0;
    }
    const { written } = this.encoder.encodeInto(s, this.buf.subarray(this.pos));
    this.pos += written;
    this.total += written;
  }

  /** Bytes that are already UTF-8: kept as they are (not copied) when large, copied when small. */
  writeBytes(b: Uint8Array): void {
    if (b.length >= 4096) {
      this.cut();
      this.chunks.push(b);
      this.total += b.length;
      return;
    }
    if (this.buf.length - this.pos < b.length) {
      this.cut();
      this.buf = new Uint8Array(Math.max(this.chunkBytes, b.length));
      this.start = this.pos = 0;
    }
    this.buf.set(b, this.pos);
    this.pos += b.length;
    this.total += b.length;
  }

  /** Hand out the bytes written since the last cut as a chunk (a view of the buffer). */
  private cut(): void {
    if (this.pos > this.start) this.chunks.push(this.buf.subarray(this.start, this.pos));
    this.start = this.pos;
  }

  /** The bytes written so far, in order (the writer must not be used afterwards). */
  finish(): { chunks: Uint8Array[]; bytes: number } {
    // a mostly empty last buffer is copied so that its unused tail can be freed
    if (this.pos > this.start && this.pos < this.buf.length / 2 && this.start === 0) {
      this.chunks.push(this.buf.slice(0, this.pos));
      this.start = this.pos;
    } else this.cut();
    this.buf = new Uint8Array(0);
    this.start = this.pos = 0;
    return { chunks: this.chunks, bytes: this.total };
  }
}

// ---------------------------------------------------------------- per-row errors (English + i18n code)

/** A row whose URL was refused: "line N: missing url" / impErrMissingUrl, … */
export function urlRow(line: number, v: unknown): ImportError {
  const i = urlIssue(v);
  return { line, message: `line ${line}: ${i.text}`, code: i.code, params: i.params };
}

/** A row whose date column is not a Unix time (`field` is the file's own column name). */
export function badTimeRow(line: number, field: string, raw: string): ImportError {
  const shown = truncate(raw, 30);
  return { line, message: `line ${line}: ${field} "${shown}" is not a Unix time`, code: 'impErrRowBadTime', params: [field, shown] };
}

/** papaparse's one-problem messages that have their own i18n code (its English, kept as it is) */
const CSV_PROBLEMS: Record<string, [code: string, english: string]> = {
  MissingQuotes: ['impErrRowQuoteUnterminated', 'Quoted field unterminated'],
  InvalidQuotes: ['impErrRowQuoteMalformed', 'Trailing quote on quoted field is malformed'],
};

/**
 * A CSV row the reader could not split (`problem` is the CSV parser's own English, `codes` its
 * codes): a problem papaparse names with a code Lectern knows gets its own i18n code, any other
 * keeps the parser's English as the param of impErrRowMalformed.
 */
export function malformedRow(line: number, problem: string, codes: string[] = []): ImportError {
  const known = codes.length === 1 ? CSV_PROBLEMS[codes[0]] : undefined;
  const message = `line ${line} malformed: ${problem}`;
  if (known && known[1] === problem) return { line, message, code: known[0], params: [] };
  return { line, message, code: 'impErrRowMalformed', params: [problem] };
}

/** A CSV row with more or fewer fields than the header. */
export function fieldCountRow(line: number, expected: number, found: number): ImportError {
  return {
    line,
    message: `line ${line} malformed: expected ${expected} fields, found ${found}`,
    code: 'impErrRowFieldCount',
    params: [expected, found],
  };
}
