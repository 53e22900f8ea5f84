/**
 * Omnivore export zip: `metadata_<from>_to_<to>.json` (arrays of { id, slug, title,
 * description, author, url, state, readingProgress, thumbnail, labels, savedAt, updatedAt,
 * publishedAt }) and `content/<slug>.html` bodies (`highlights/` is ignored).
 *
 * state ARCHIVED → archived; DELETED → left out (counted as ignored); anything else → unread.
 * labels (strings or { name }) → tags. A body found under content/ is returned RAW in
 * `unsanitisedHtml` with hasContent = true: this pure layer has no DOM to run DOMPurify, so the
 * caller MUST sanitise it (utils/extract/sanitize.ts) before storing it as `html`.
 */
import type { ImportedItem, ImportError, ImportResult } from './types';
import {
  baseName,
  countsOf,
  countWordsInHtml,
  httpUrl,
  jsonArrayElementOffsets,
  LineCounter,
  normaliseTags,
  failure,
  type Failure,
  inFile,
  readZip,
  toIso,
  urlIssue,
  validDateString,
} from './util';
import { jsonMalformed, lineMalformed } from './json';

const META_RE = /(^|\/)metadata_[^/]*\.json$/i;
const CONTENT_RE = /(^|\/)content\/[^/]+\.html?$/i;

function metaOrder(a: string, b: string): number {
  const na = /metadata_(\d+)/i.exec(a);
  const nb = /metadata_(\d+)/i.exec(b);
  if (na && nb && Number(na[1]) !== Number(nb[1])) return Number(na[1]) - Number(nb[1]);
  return a < b ? -1 : a > b ? 1 : 0;
}

function labelNames(v: unknown): string[] {
  if (!Array.isArray(v)) return [];
  return normaliseTags(
    v.map((l) => (typeof l === 'string' ? l : l && typeof l === 'object' && typeof (l as { name?: unknown }).name === 'string' ? (l as { name: string }).name : '')),
  );
}

export function parseOmnivoreZip(bytes: Uint8Array): ImportResult {
  const fail = (f: Failure): ImportResult => ({ ...f, format: 'omnivore-zip' });
  const z = readZip(bytes, (n) => !n.startsWith('__MACOSX/') && (META_RE.test(n) || CONTENT_RE.test(n)));
  if (!z.ok) return fail(z);
  const metas = Object.keys(z.files).filter((n) => META_RE.test(n)).sort(metaOrder);
  if (metas.length === 0) {
    return fail(failure('impErrOmnivoreNoMetadata', [], 'wrong format: this zip holds no metadata_*.json files (is it an Omnivore export?)'));
  }
  const bodies = new Map<string, Uint8Array>();
  for (const n of Object.keys(z.files)) if (CONTENT_RE.test(n)) bodies.set(baseName(n).replace(/\.html?$/i, ''), z.files[n]);

  const dec = new TextDecoder('utf-8');
  const items: ImportedItem[] = [];
  const errors: ImportError[] = [];
  let ignored = 0;
  for (const name of metas) {
    const file = baseName(name);
    const text = dec.decode(z.files[name]);
    if (!text.trim()) continue;
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      const pos = /position (\d+)/i.exec(msg);
      // "<file>: line N malformed: <msg>" / "<file>: malformed JSON: <msg>"
      return fail(inFile(file, pos ? lineMalformed(new LineCounter(text).lineAt(Number(pos[1])), msg) : jsonMalformed(msg)));
    }
    if (!Array.isArray(data)) return fail(inFile(file, failure('impErrOmnivoreNotList', [], 'wrong format: expected a list of articles')));
    let offsets: number[] | null = null;
    let lc: LineCounter | null = null;
    const bad = (index: number, why: { code: string; params: Array<string | number>; text: string }) => {
      offsets ??= jsonArrayElementOffsets(text, null);
      lc ??= new LineCounter(text);
      const line = offsets[index] !== undefined ? lc.lineAt(offsets[index]) : 1;
      errors.push({ line, file, message: `${file} line ${line}: ${why.text}`, code: why.code, params: why.params });
    };
    data.forEach((raw, index) => {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return bad(index, { code: 'impErrEntryNotObject', params: [], text: 'entry is not an object' });
      const r = raw as Record<string, unknown>;
      const state = typeof r.state === 'string' ? r.state.toUpperCase() : '';
      if (state === 'DELETED') {
        ignored++;
        return;
      }
      const url = httpUrl(r.url);
      if (!url) return bad(index, urlIssue(r.url));
      const item: ImportedItem = {
        url,
        title: typeof r.title === 'string' && r.title.trim() ? r.title.trim() : url,
        tags: labelNames(r.labels),
        archived: state === 'ARCHIVED',
        hasContent: false,
      };
      if (typeof r.author === 'string' && r.author.trim()) item.byline = r.author.trim();
      if (typeof r.description === 'string' && r.description.trim()) item.excerpt = r.description.trim();
      const thumb = httpUrl(r.thumbnail);
      if (thumb) item.leadImage = thumb;
      const savedAt = toIso(r.savedAt);
      if (savedAt) item.savedAt = savedAt;
      const updatedAt = toIso(r.updatedAt);
      if (updatedAt) item.updatedAt = updatedAt;
      const published = validDateString(r.publishedAt);
      if (published) item.published = published;
      if (typeof r.readingProgress === 'number' && Number.isFinite(r.readingProgress) && r.readingProgress >= 0) {
        const p = r.readingProgress > 1 ? r.readingProgress / 100 : r.readingProgress;
        item.progress = Math.min(1, p);
        if (item.progress >= 1) item.read = true;
      }
      const slug = typeof r.slug === 'string' ? r.slug : '';
      const body = slug ? bodies.get(slug) : undefined;
      if (body && body.length) {
        const html = dec.decode(body);
        if (html.trim()) {
          item.unsanitisedHtml = html;
          item.hasContent = true;
          item.words = countWordsInHtml(html);
        }
      }
      items.push(item);
    });
  }
  return { ok: true, format: 'omnivore-zip', items, errors, counts: countsOf(items, errors, ignored) };
}
