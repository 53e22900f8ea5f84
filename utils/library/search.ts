/**
 * Full-text search for the saved library (pure, no `browser.*`).
 *
 * Two halves, chosen by measurement (see the store.ts header and tests/unit/library/measure.ts):
 * - LightIndex: an inverted index, in memory, over the short fields of every item — title,
 *   byline, publisher name and tags — with prefix and typo-tolerant matching and field boosts;
 *   built from the list rows (tens of ms for 10,000), updated on every save / update / delete.
 *   (MiniSearch was measured first and dropped: see LightIndex.)
 * - Body index: an inverted index of the unique words of every article body, stored compactly
 *   as immutable SEGMENTS (sorted term list + varint-delta postings, ≈1.5 bytes a posting). A
 *   save adds one small segment (one put, in the save's own transaction); segments are merged
 *   in the background (log-structured, like Lucene), dropping deleted and re-saved articles.
 *   A search loads the segments it has not seen yet and looks words up by binary search.
 *   Measured alternatives: a full MiniSearch index of 10,000 × 30 KB bodies (~15 M postings)
 *   needs hundreds of MB of heap and a multi-MB re-serialisation on every save; an IndexedDB
 *   multiEntry index of the body words costs ~1,500 index rows per save (save p50 > 100 ms in
 *   Chromium and ~100 KB of disk per article, ~1 GB for 10,000).
 *
 * A result must match every query word (AND), each word in any field; the last word also
 * matches as a prefix (search as you type). Scores: the short-field score (field boost × idf)
 * plus a constant per word found in the body; ties go to the newest item.
 */
import type { ItemRow } from './schema';

// ---------------------------------------------------------------- html → text

const SKIP_CONTENT = new Set(['script', 'style', 'template', 'noscript', 'svg', 'math', 'head', 'title']);
const BLOCK = new Set([
  'p', 'div', 'br', 'li', 'ul', 'ol', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'pre', 'tr',
  'td', 'th', 'table', 'section', 'article', 'header', 'footer', 'aside', 'figure', 'figcaption',
  'hr', 'dd', 'dt', 'dl', 'main', 'nav', 'details', 'summary', 'caption', 'address',
]);
const ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', hellip: '…', laquo: '«', raquo: '»', shy: '',
  eacute: 'é', egrave: 'è', aacute: 'á', agrave: 'à', ouml: 'ö', uuml: 'ü', auml: 'ä',
  ccedil: 'ç', ntilde: 'ñ', szlig: 'ß', copy: '©', reg: '®', trade: '™', middot: '·', bull: '•',
  zwj: '', zwnj: '', thinsp: ' ', ensp: ' ', emsp: ' ',
};

function decodeEntity(body: string): string | null {
  if (body[0] === '#') {
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    if (!Number.isFinite(code) || code < 0 || code > 0x10ffff) return null;
    try {
      return String.fromCodePoint(code);
    } catch {
      return null;
    }
  }
  return ENTITIES[body] ?? ENTITIES[body.toLowerCase()] ?? null;
}

/**
 * Plain text of an HTML fragment without a DOM (the background has none): a single pass that
 * drops tags, comments and the content of script/style/svg…, turns block boundaries into
 * newlines and decodes common character references. Quoted attribute values may contain `>`.
 */
/** Words in a text, as the library counts them (an article's `words`). */
export function countWords(text: string): number {
  let n = 0;
  for (const _ of text.matchAll(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu)) n++;
  return n;
}

/** What indexing a cleaned body gives: its body-index terms and, when asked, its counts. */
export interface IndexedBody {
  terms: string[];
  /** countWords of its text (only when counts were asked for, else -1) */
  words: number;
  /** the excerpt given, or the first 200 characters of its text when none was */
  excerpt: string;
}

/**
 * Index one sanitised body: its text (htmlToText), the terms of text + excerpt (indexTerms), and,
 * with `counts`, its word count; without an `excerpt`, the text's first 200 characters are it.
 * Pure: runs where the body was cleaned or in a worker beside it (index-worker.ts).
 */
export function indexBody(html: string, excerpt: string | null, counts: boolean): IndexedBody {
  const text = htmlToText(html);
  const ex = excerpt ?? text.slice(0, 200);
  return { terms: indexTerms(`${text}\n${ex}`), words: counts ? countWords(text) : -1, excerpt: ex };
}

export function htmlToText(html: string): string {
  const out: string[] = [];
  const n = html.length;
  let i = 0;
  let textStart = 0;
  let lower: string | null = null;
  const flush = (end: number) => {
    if (end > textStart) out.push(decodeText(html.slice(textStart, end)));
  };
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    const next = html.charCodeAt(lt + 1);
    const isTag = next === 47 /* / */ || next === 33 /* ! */ || next === 63 /* ? */ ||
      (next >= 65 && next <= 90) || (next >= 97 && next <= 122);
    if (!isTag) {
      i = lt + 1;
      continue;
    }
    flush(lt);
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = textStart = end < 0 ? n : end + 3;
      continue;
    }
    // scan the tag, honouring quotes
    let j = lt + 1;
    let quote = 0;
    for (; j < n; j++) {
      const c = html.charCodeAt(j);
      if (quote) {
        if (c === quote) quote = 0;
      } else if (c === 34 || c === 39) {
        quote = c;
      } else if (c === 62 /* > */) {
        break;
      }
    }
    const closing = next === 47;
    let k = lt + (closing ? 2 : 1);
    let name = '';
    while (k < j) {
      const c = html.charCodeAt(k);
      const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45;
      if (!letter) break;
      name += html[k];
      k++;
    }
    name = name.toLowerCase();
    i = textStart = j + 1;
    if (BLOCK.has(name)) out.push('\n');
    if (!closing && SKIP_CONTENT.has(name) && html.charCodeAt(j - 1) !== 47) {
      lower ??= html.toLowerCase();
      const endTag = lower.indexOf(`</${name}`, j + 1);
      if (endTag < 0) {
        i = textStart = n;
      } else {
        const gt = html.indexOf('>', endTag);
        i = textStart = gt < 0 ? n : gt + 1;
      }
    }
  }
  flush(n);
  return out
    .join('')
    .replace(/[ \t\r\f\v\u00a0]+/g, ' ')
    .replace(/ *\n[\n ]*/g, '\n')
    .trim();
}

function decodeText(s: string): string {
  if (s.indexOf('&') < 0) return s;
  let out = '';
  let i = 0;
  while (i < s.length) {
    const amp = s.indexOf('&', i);
    if (amp < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, amp);
    const semi = s.indexOf(';', amp + 1);
    const decoded = semi > amp + 1 && semi - amp <= 12 ? decodeEntity(s.slice(amp + 1, semi)) : null;
    if (decoded === null) {
      out += '&';
      i = amp + 1;
    } else {
      out += decoded;
      i = semi + 1;
    }
  }
  return out;
}

// ---------------------------------------------------------------- tokens

const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]+/u;
const TOKEN_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]+|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}])+/gu;

/** English function words left out of the body index (they match almost every article). */
export const STOPWORDS: ReadonlySet<string> = new Set(
  ('a an and are as at be been but by for from had has have he her his i if in into is it its ' +
    'of on or our she so than that the their them then there these they this to was we were ' +
    'what when which who will with would you your').split(' '),
);

/**
 * Search tokens of a text: lowercased, diacritics removed, apostrophes inside words dropped
 * ("O’Brien" → "obrien"), split on anything that is not a letter or digit. Runs of Chinese,
 * Japanese or Korean characters, which have no spaces, become overlapping character bigrams
 * (a single character stays itself), so a CJK query matches the text it is part of.
 */
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const CJK_ANY = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]/u;
const NON_ASCII = /[^\x00-\x7f]/gu;
const LETTER_OR_DIGIT = /^[\p{L}\p{N}]$/u;
const LETTER = /^\p{L}$/u;
const APOSTROPHES = /['’‘`´]/g;
/** after every non-ASCII character that is not a letter or digit became a space */
const PLAIN_TOKEN = /[a-z0-9\u0080-\uffff]+/g;

function isLetterAt(s: string, i: number, before: boolean): boolean {
  const c = s.charCodeAt(i);
  if (Number.isNaN(c)) return false;
  if (c < 0x80) return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  // an astral letter: step back over its low surrogate / read the pair forward
  const cp = before && c >= 0xdc00 && c <= 0xdfff && i >= 1 ? s.codePointAt(i - 1)! : s.codePointAt(i)!;
  return LETTER.test(String.fromCodePoint(cp));
}

export function tokenize(text: string): string[] {
  if (!text) return [];
  if (ASCII_ONLY.test(text)) {
    // fast path (most titles and names): same result as below for ASCII text
    return text.toLowerCase().replace(/([a-z])['`](?=[a-z])/g, '$1').match(/[a-z0-9]+/g) ?? [];
  }
  const norm = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC')
    .toLowerCase()
    // an apostrophe between two letters goes ("o’brien" → "obrien"); looked at only where one is
    .replace(APOSTROPHES, (c: string, i: number, s: string) => (i > 0 && isLetterAt(s, i - 1, true) && isLetterAt(s, i + 1, false) ? '' : c));
  if (!CJK_ANY.test(norm)) {
    // no CJK (most text, "mostly ASCII with curly quotes" included): the Unicode classes are
    // tested only on the non-ASCII characters — same tokens as the general loop below, ~2.5× faster
    return norm.replace(NON_ASCII, (c) => (LETTER_OR_DIGIT.test(c) ? c : ' ')).match(PLAIN_TOKEN) ?? [];
  }
  const out: string[] = [];
  for (const m of norm.matchAll(TOKEN_RE)) {
    const t = m[0];
    if (CJK_RUN.test(t[0])) {
      const chars = Array.from(t);
      if (chars.length === 1) out.push(t);
      else for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i] + chars[i + 1]);
    } else {
      out.push(t);
    }
  }
  return out;
}

/** A token worth storing in the body index: not a stop word, 2–40 characters (CJK: any). */
function indexable(t: string): boolean {
  if (CJK_RUN.test(t[0])) return true;
  return t.length >= 2 && t.length <= 40 && !STOPWORDS.has(t);
}

/** The default cap of unique body terms stored per article (a long book chapter stays bounded). */
export const MAX_TERMS_PER_ITEM = 8000;

/** The unique indexable terms of a body text, in first-seen order, at most `max`. */
export function indexTerms(text: string, max = MAX_TERMS_PER_ITEM): string[] {
  const seen = new Set<string>();
  for (const t of tokenize(text)) {
    if (!indexable(t) || seen.has(t)) continue;
    seen.add(t);
    if (seen.size >= max) break;
  }
  return [...seen];
}

/** A parsed query: the words to match (AND) and whether the last one is still being typed. */
export interface ParsedQuery {
  terms: string[];
  /** the last term also matches as a prefix (true unless the query ends with a space) */
  prefixLast: boolean;
}

export function parseQuery(query: string): ParsedQuery {
  const all = [...new Set(tokenize(query))];
  const meaningful = all.filter((t) => !STOPWORDS.has(t));
  const terms = meaningful.length ? meaningful : all;
  return { terms, prefixLast: !/\s$/.test(query) };
}

// ---------------------------------------------------------------- light index

/** Field weights of the short fields. */
export const FIELD_BOOST = { title: 3, publisher: 2, tags: 2, byline: 1.5 } as const;

/** Edit distance of a and b if it is at most `max`, else max + 1 (banded Levenshtein). */
export function boundedDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length];
}

/**
 * An inverted index, in memory, of the short fields (title, byline, publisher, tags) of every
 * item: term → item → weight. Exact, prefix and typo-tolerant (1 edit from 5 letters, 2 from 8)
 * lookups; scores weigh fields (FIELD_BOOST) and rarer words (idf). Measured against MiniSearch
 * on 10,000 items: building it and looking up a word found in every title are both an order
 * of magnitude faster (MiniSearch: ~0.85 s to build, 150–330 ms for such a word).
 */
export class LightIndex {
  private post = new Map<string, Map<string, number>>();
  private docTerms = new Map<string, string[]>();
  private sorted: string[] | null = null;
  /** tokens of recently seen bylines / publishers / tag lists (they repeat across items) */
  private shared = new Map<string, string[]>();

  get size(): number {
    return this.docTerms.size;
  }

  private sharedTokens(text: string): string[] {
    let t = this.shared.get(text);
    if (!t) {
      if (this.shared.size > 5000) this.shared.clear();
      t = [...new Set(tokenize(text))];
      this.shared.set(text, t);
    }
    return t;
  }

  /** Add or replace an item's short fields. */
  put(row: ItemRow): void {
    this.remove(row.id);
    const w = new Map<string, number>();
    const field = (tokens: Iterable<string>, boost: number) => {
      for (const t of tokens) w.set(t, (w.get(t) ?? 0) + boost);
    };
    if (row.title) field(new Set(tokenize(row.title)), FIELD_BOOST.title);
    if (row.byline) field(this.sharedTokens(row.byline), FIELD_BOOST.byline);
    if (row.source?.name) field(this.sharedTokens(row.source.name), FIELD_BOOST.publisher);
    if (row.tags.length) field(this.sharedTokens(row.tags.join(' ')), FIELD_BOOST.tags);
    for (const [t, weight] of w) {
      let m = this.post.get(t);
      if (!m) {
        m = new Map();
        this.post.set(t, m);
        this.sorted = null;
      }
      m.set(row.id, weight);
    }
    this.docTerms.set(row.id, [...w.keys()]);
  }

  load(rows: Iterable<ItemRow>): void {
    for (const r of rows) this.put(r);
  }

  remove(id: string): void {
    const terms = this.docTerms.get(id);
    if (!terms) return;
    for (const t of terms) {
      const m = this.post.get(t);
      if (!m) continue;
      m.delete(id);
      if (m.size === 0) {
        this.post.delete(t);
        this.sorted = null;
      }
    }
    this.docTerms.delete(id);
  }

  clear(): void {
    this.post.clear();
    this.docTerms.clear();
    this.sorted = null;
  }

  private vocabulary(): string[] {
    if (!this.sorted) this.sorted = [...this.post.keys()].sort();
    return this.sorted;
  }

  /**
   * Items whose short fields match one query term: exactly, as a prefix when `prefix` (from 2
   * letters), or within 1–2 typos (from 5 letters). Returns id → score.
   */
  match(term: string, prefix: boolean): Map<string, number> {
    const out = new Map<string, number>();
    const n = this.docTerms.size;
    const add = (t: string, factor: number) => {
      const m = this.post.get(t);
      if (!m) return;
      const idf = Math.log(1 + n / m.size);
      for (const [id, w] of m) {
        const sc = w * idf * factor;
        if ((out.get(id) ?? 0) < sc) out.set(id, sc);
      }
    };
    add(term, 1);
    const vocab = prefix || term.length >= 5 ? this.vocabulary() : [];
    if (prefix && term.length >= 2) {
      for (let i = lowerBound(vocab, term); i < vocab.length && vocab[i].startsWith(term); i++) {
        if (vocab[i] !== term) add(vocab[i], 0.8);
      }
    }
    if (term.length >= 5) {
      const max = term.length >= 8 ? 2 : 1;
      for (const t of vocab) {
        if (t !== term && Math.abs(t.length - term.length) <= max && boundedDistance(t, term, max) <= max) add(t, 0.5);
      }
    }
    return out;
  }
}

/** Score given to each query word found in an item's body. */
export const BODY_SCORE = 1;

/**
 * Combine per-term matches into a ranked list of ids: an id must match every term, in the
 * short fields (`light`, with scores) or in the body (`body`, ids).
 */
export function combineMatches(
  perTerm: Array<{ light: Map<string, number>; body: Iterable<string> }>,
): Map<string, number> {
  let acc: Map<string, number> | null = null;
  for (const { light, body } of perTerm) {
    const cur = new Map<string, number>(light);
    for (const id of body) cur.set(id, (cur.get(id) ?? 0) + BODY_SCORE);
    if (acc === null) {
      acc = cur;
    } else {
      const next = new Map<string, number>();
      for (const [id, s] of acc) {
        const c = cur.get(id);
        if (c !== undefined) next.set(id, s + c);
      }
      acc = next;
    }
    if (acc.size === 0) break;
  }
  return acc ?? new Map();
}

// ---------------------------------------------------------------- body index segments

/** One immutable piece of the body index, as stored in IndexedDB. */
export interface SegmentData {
  /** item ids; a posting refers to a position in this array */
  docs: string[];
  /** for each doc, the sequence number (store revision) of the save that indexed it */
  seqs: number[];
  /** the segment's unique terms, sorted (JS string order), joined by "\n" */
  terms: string;
  /** offsets[i]..offsets[i+1] is term i's postings in `postings` (length: terms + 1) */
  offsets: Uint32Array;
  /** ascending doc positions per term, varint delta-encoded */
  postings: Uint8Array;
}

export interface IndexedDoc {
  id: string;
  seq: number;
  terms: string[];
}

function* encodePostings(lists: number[][]): Generator<void, { offsets: Uint32Array; postings: Uint8Array }> {
  let size = 0;
  for (const l of lists) size += l.length * 3;
  let buf = new Uint8Array(Math.max(16, size));
  const offsets = new Uint32Array(lists.length + 1);
  let pos = 0;
  for (let i = 0; i < lists.length; i++) {
    if ((i & 2047) === 2047) yield;
    offsets[i] = pos;
    let prev = -1;
    for (const v of lists[i]) {
      let d = v - prev - 1; // gaps ≥ 0
      prev = v;
      if (pos + 5 > buf.length) {
        const bigger = new Uint8Array(buf.length * 2);
        bigger.set(buf);
        buf = bigger;
      }
      while (d >= 0x80) {
        buf[pos++] = (d & 0x7f) | 0x80;
        d >>>= 7;
      }
      buf[pos++] = d;
    }
  }
  offsets[lists.length] = pos;
  return { offsets, postings: buf.slice(0, pos) };
}

function decodePostings(postings: Uint8Array, from: number, to: number, out: (v: number) => void): void {
  let prev = -1;
  let pos = from;
  while (pos < to) {
    let d = 0;
    let shift = 0;
    let b: number;
    do {
      b = postings[pos++];
      d |= (b & 0x7f) << shift;
      shift += 7;
    } while (b & 0x80 && pos < to);
    prev = prev + d + 1;
    out(prev);
  }
}

function* encodeSteps(docs: string[], seqs: number[], byTerm: Map<string, number[]>): Generator<void, SegmentData> {
  const terms = [...byTerm.keys()].sort();
  yield;
  const { offsets, postings } = yield* encodePostings(terms.map((t) => byTerm.get(t)!));
  return { docs, seqs, terms: terms.join('\n'), offsets, postings };
}

function encodeSegment(docs: string[], seqs: number[], byTerm: Map<string, number[]>): SegmentData {
  const it = encodeSteps(docs, seqs, byTerm);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/** Build a segment from freshly indexed documents (a later doc with the same id wins). */
export function buildSegment(input: IndexedDoc[]): SegmentData {
  const last = new Map<string, IndexedDoc>();
  for (const d of input) last.set(d.id, d);
  const docs: string[] = [];
  const seqs: number[] = [];
  const byTerm = new Map<string, number[]>();
  for (const d of last.values()) {
    const n = docs.length;
    docs.push(d.id);
    seqs.push(d.seq);
    for (const t of d.terms) {
      const l = byTerm.get(t);
      if (l) l.push(n);
      else byTerm.set(t, [n]);
    }
  }
  return encodeSegment(docs, seqs, byTerm);
}

/**
 * Merge segments into one, keeping only the docs for which `keep(id, seq)` is true and, for a
 * doc present in several of them, only its newest version.
 */
export function mergeSegments(segments: SegmentData[], keep: (id: string, seq: number) => boolean): SegmentData {
  const it = mergeSteps(segments, keep);
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
  }
}

/** mergeSegments that yields to the event loop every ~10 ms (a big merge takes ~1 s). */
export async function mergeSegmentsAsync(segments: SegmentData[], keep: (id: string, seq: number) => boolean): Promise<SegmentData> {
  const it = mergeSteps(segments, keep);
  let t = Date.now();
  for (;;) {
    const r = it.next();
    if (r.done) return r.value;
    if (Date.now() - t > 10) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      t = Date.now();
    }
  }
}

function* mergeSteps(segments: SegmentData[], keep: (id: string, seq: number) => boolean): Generator<void, SegmentData> {
  const newest = new Map<string, number>();
  segments.forEach((s) => s.docs.forEach((id, i) => newest.set(id, Math.max(newest.get(id) ?? -1, s.seqs[i]))));
  const docs: string[] = [];
  const seqs: number[] = [];
  const remaps: Int32Array[] = segments.map((s) => {
    const map = new Int32Array(s.docs.length).fill(-1);
    s.docs.forEach((id, i) => {
      const seq = s.seqs[i];
      if (seq !== newest.get(id) || !keep(id, seq)) return;
      newest.set(id, -2); // taken: a duplicate (same id and seq) elsewhere is dropped
      map[i] = docs.length;
      docs.push(id);
      seqs.push(seq);
    });
    return map;
  });
  const byTerm = new Map<string, number[]>();
  for (let si = 0; si < segments.length; si++) {
    const s = segments[si];
    const map = remaps[si];
    const terms = s.terms ? s.terms.split('\n') : [];
    for (let ti = 0; ti < terms.length; ti++) {
      let list: number[] | undefined;
      decodePostings(s.postings, s.offsets[ti], s.offsets[ti + 1], (v) => {
        const n = map[v];
        if (n < 0) return;
        list ??= byTerm.get(terms[ti]) ?? [];
        list.push(n);
      });
      if (list && !byTerm.has(terms[ti])) byTerm.set(terms[ti], list);
      if ((ti & 1023) === 1023) yield;
    }
  }
  yield;
  return yield* encodeSteps(docs, seqs, byTerm);
}

interface LoadedSegment {
  data: SegmentData;
  terms: string[];
}

function lowerBound(arr: string[], t: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The body index in memory: the loaded segments, looked up by binary search. A posting counts
 * only when it is the newest indexed version of its doc (a re-saved article's older segment
 * no longer matches); deleted docs are filtered by the caller.
 */
export class SegmentSet {
  private segs = new Map<number, LoadedSegment>();
  private newest: Map<string, number> | null = null;

  get keys(): number[] {
    return [...this.segs.keys()];
  }

  has(key: number): boolean {
    return this.segs.has(key);
  }

  docCount(key: number): number {
    return this.segs.get(key)?.data.docs.length ?? 0;
  }

  data(key: number): SegmentData | undefined {
    return this.segs.get(key)?.data;
  }

  add(key: number, data: SegmentData): void {
    this.segs.set(key, { data, terms: data.terms ? data.terms.split('\n') : [] });
    this.newest = null;
  }

  delete(key: number): void {
    if (this.segs.delete(key)) this.newest = null;
  }

  clear(): void {
    this.segs.clear();
    this.newest = null;
  }

  /** Total postings bytes and term count (for measurements). */
  size(): { segments: number; docs: number; terms: number; bytes: number } {
    let docs = 0;
    let terms = 0;
    let bytes = 0;
    for (const s of this.segs.values()) {
      docs += s.data.docs.length;
      terms += s.terms.length;
      bytes += s.data.postings.byteLength + s.data.offsets.byteLength + s.data.terms.length;
    }
    return { segments: this.segs.size, docs, terms, bytes };
  }

  private newestSeq(): Map<string, number> {
    if (!this.newest) {
      const m = new Map<string, number>();
      for (const s of this.segs.values()) {
        s.data.docs.forEach((id, i) => {
          if ((m.get(id) ?? -1) < s.data.seqs[i]) m.set(id, s.data.seqs[i]);
        });
      }
      this.newest = m;
    }
    return this.newest;
  }

  /**
   * Ids of the docs containing `term` (or a term starting with it when `prefix`), reading at
   * most `cap` postings for a prefix.
   */
  lookup(term: string, prefix: boolean, cap = Infinity): Set<string> {
    const newest = this.newestSeq();
    const out = new Set<string>();
    let read = 0;
    for (const { data, terms } of this.segs.values()) {
      let i = lowerBound(terms, term);
      while (i < terms.length && (terms[i] === term || (prefix && terms[i].startsWith(term)))) {
        decodePostings(data.postings, data.offsets[i], data.offsets[i + 1], (v) => {
          read++;
          const id = data.docs[v];
          if (newest.get(id) === data.seqs[v]) out.add(id);
        });
        if (!prefix || read >= cap) break;
        i++;
      }
    }
    return out;
  }
}
