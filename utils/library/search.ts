/**
 * Full-text search for the saved library (pure, no `browser.*`).
 *
 * Two halves, measured (see tests/unit/library/perf.test.ts and the README section):
 * - LightIndex: a MiniSearch index, in memory, over the short fields of every item — title,
 *   byline, publisher name and tags — with prefix and typo-tolerant (fuzzy) matching and field
 *   boosts. 10,000 items make a small index; it is rebuilt from the list rows in memory, and
 *   updated incrementally on every save / update / delete.
 * - Body terms: the unique words of each article body (`indexTerms`) are stored by the store in
 *   an IndexedDB object store with a multiEntry index, so the database itself is the inverted
 *   index: a query word is one index lookup (`IDBKeyRange.only`, or a bound range for a prefix),
 *   nothing of the 300 MB of bodies is read, and nothing has to be kept in memory or rebuilt
 *   when the popup opens. A full MiniSearch index of 10,000 × 30 KB bodies would hold ~15 M
 *   postings in memory (hundreds of MB) and would have to be re-serialised on every save.
 *
 * A result must match every query word (AND), each word in any field; the last word also
 * matches as a prefix (search as you type). Scores: MiniSearch's BM25 score of the short
 * fields plus a constant per word found in the body; ties go to the newest item.
 */
import MiniSearch from 'minisearch';
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
export function tokenize(text: string): string[] {
  if (!text) return [];
  const norm = text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .normalize('NFC')
    .toLowerCase()
    .replace(/(\p{L})['’‘`´](?=\p{L})/gu, '$1');
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

interface LightDoc {
  id: string;
  title: string;
  byline: string;
  publisher: string;
  tags: string;
}

function lightDoc(row: ItemRow): LightDoc {
  return {
    id: row.id,
    title: row.title,
    byline: row.byline ?? '',
    publisher: row.source?.name ?? '',
    tags: row.tags.join(' '),
  };
}

const LIGHT_OPTIONS = {
  idField: 'id',
  fields: ['title', 'byline', 'publisher', 'tags'],
  storeFields: [] as string[],
  tokenize: (text: string) => tokenize(text),
  processTerm: (term: string) => term,
};

/** MiniSearch over title, byline, publisher and tags of every item. */
export class LightIndex {
  private ms = new MiniSearch<LightDoc>(LIGHT_OPTIONS);

  get size(): number {
    return this.ms.documentCount;
  }

  /** Add or replace an item's short fields. */
  put(row: ItemRow): void {
    const doc = lightDoc(row);
    if (this.ms.has(row.id)) this.ms.replace(doc);
    else this.ms.add(doc);
  }

  /** Add many rows to an empty index (faster than put one by one). */
  load(rows: Iterable<ItemRow>): void {
    const docs: LightDoc[] = [];
    for (const r of rows) docs.push(lightDoc(r));
    this.ms.addAll(docs);
  }

  remove(id: string): void {
    if (this.ms.has(id)) this.ms.discard(id);
  }

  clear(): void {
    this.ms.removeAll();
  }

  /**
   * Items whose short fields match one query term: exact, as a prefix when `prefix`, and with
   * one typo in 5+ letter words. Returns id → score.
   */
  match(term: string, prefix: boolean): Map<string, number> {
    const res = this.ms.search(term, {
      prefix: prefix && term.length >= 2,
      fuzzy: term.length >= 5 ? 0.2 : false,
      boost: { title: 3, publisher: 2, tags: 2, byline: 1.5 },
      tokenize: (s: string) => [s],
      processTerm: (t: string) => t,
    });
    const out = new Map<string, number>();
    for (const r of res) out.set(String(r.id), r.score);
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
