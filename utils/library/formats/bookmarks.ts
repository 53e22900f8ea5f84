/**
 * Netscape bookmark files (what every browser imports and exports).
 *
 * Export: a folder per read state ("Unread", "Archive"; default) or per tag (untagged items at
 * the top level). Each link: HREF = the original article's URL when known (else where it was
 * read), ADD_DATE = savedAt in Unix seconds, TAGS = comma-separated tags, and the excerpt as
 * <DD>. Import of any Netscape file: TAGS and the enclosing folders (except the browsers' root
 * folders) become tags; a folder named "Archive" / "Read Archive" means archived; ADD_DATE →
 * savedAt. A link present in several folders becomes one item with the union of the tags.
 */
import type { SavedItem } from '../types';
import type { ImportedItem, ImportError, ImportResult } from './types';
import {
  countsOf,
  escapeXml,
  httpUrl,
  inlineText,
  isoFromUnix,
  LineCounter,
  normaliseTags,
  parseAttrs,
  badTimeRow,
  failure,
  unixSeconds,
  urlRow,
  decodeEntities,
} from './util';

export const STATE_FOLDERS = { unread: 'Unread', archive: 'Archive' } as const;

function link(item: SavedItem, indent: string): string {
  const href = item.source?.url ?? item.url;
  const add = unixSeconds(item.savedAt);
  const mod = unixSeconds(item.updatedAt);
  const tags = (item.tags ?? []).map((t) => t.replace(/,/g, ' ').trim()).filter(Boolean);
  let s = `${indent}<DT><A HREF="${escapeXml(href)}"`;
  if (add !== null) s += ` ADD_DATE="${add}"`;
  if (mod !== null) s += ` LAST_MODIFIED="${mod}"`;
  if (tags.length) s += ` TAGS="${escapeXml(tags.join(','))}"`;
  s += `>${escapeXml((item.title || href).replace(/\s+/g, ' ').trim())}</A>\n`;
  if (item.excerpt) s += `${indent}<DD>${escapeXml(item.excerpt.replace(/\s+/g, ' ').trim())}\n`;
  return s;
}

function folder(name: string, items: SavedItem[], now: number): string {
  let s = `    <DT><H3 ADD_DATE="${now}" LAST_MODIFIED="${now}">${escapeXml(name)}</H3>\n    <DL><p>\n`;
  for (const it of items) s += link(it, '        ');
  return s + '    </DL><p>\n';
}

export function exportBookmarks(items: SavedItem[], now: Date, groupBy: 'state' | 'tag' = 'state'): string {
  const t = Math.floor(now.getTime() / 1000);
  let body = '';
  if (groupBy === 'tag') {
    const byTag = new Map<string, SavedItem[]>();
    const untagged: SavedItem[] = [];
    for (const it of items) {
      if (!it.tags?.length) untagged.push(it);
      for (const tag of it.tags ?? []) {
        const list = byTag.get(tag) ?? [];
        list.push(it);
        byTag.set(tag, list);
      }
    }
    // folder names spell tags as TAGS does (a comma cannot live in TAGS)
    for (const tag of [...byTag.keys()].sort((a, b) => a.localeCompare(b))) body += folder(tag.replace(/,/g, ' '), byTag.get(tag)!, t);
    for (const it of untagged) body += link(it, '    ');
  } else {
    const unread = items.filter((i) => !i.archived);
    const archived = items.filter((i) => i.archived);
    if (unread.length) body += folder(STATE_FOLDERS.unread, unread, t);
    if (archived.length) body += folder(STATE_FOLDERS.archive, archived, t);
  }
  return (
    '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n' +
    '<!-- This is an automatically generated file.\n     It will be read and overwritten.\n     DO NOT EDIT! -->\n' +
    '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">\n' +
    '<TITLE>Bookmarks</TITLE>\n' +
    '<H1>Lectern</H1>\n' +
    '<DL><p>\n' +
    body +
    '</DL><p>\n'
  );
}

// ---------------------------------------------------------------- import

const ROOT_FOLDERS = new Set([
  'bookmarks bar',
  'bookmarks toolbar',
  'bookmarks menu',
  'other bookmarks',
  'mobile bookmarks',
  'favorites bar',
  'favourites bar',
  'other favorites',
  'bookmarks',
  'unsorted bookmarks',
]);
const ARCHIVE_FOLDERS = new Set(['archive', 'archived', 'read archive']);
const UNREAD_FOLDERS = new Set(['unread']);

export function looksLikeNetscapeBookmarks(text: string): boolean {
  const head = text.slice(0, 4096);
  return /<!DOCTYPE\s+NETSCAPE-Bookmark-file/i.test(head) || (/<DL\b/i.test(text) && /<DT>\s*<A\b/i.test(text));
}

export function parseBookmarks(text: string): ImportResult {
  const fail = (code: string, error: string): ImportResult => ({ ...failure(code, [], error), format: 'bookmarks' });
  if (!text.trim()) return fail('impErrEmptyFile', 'empty file');
  if (!looksLikeNetscapeBookmarks(text)) {
    return fail('impErrNotBookmarks', 'wrong format: not a Netscape bookmarks file (no <!DOCTYPE NETSCAPE-Bookmark-file-1> or <DL>/<DT><A> list)');
  }
  const lines = new LineCounter(text);
  const items: ImportedItem[] = [];
  const errors: ImportError[] = [];
  const byUrl = new Map<string, ImportedItem>();
  let duplicates = 0;
  // folder stack: { name (null for roots), archive?, unread? }
  type Folder = { tag: string | null; archive: boolean };
  const stack: Folder[] = [];
  let pending: Folder | null = null;
  let last: ImportedItem | null = null;
  const re = /<H3\b([^>]*)>([\s\S]*?)<\/H3\s*>|<DL\b[^>]*>|<\/DL\s*>|<A\b([^>]*)>([\s\S]*?)<\/A\s*>|<DD>([^<]*)/gi;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const tok = m[0];
    if (m[2] !== undefined) {
      const attrs = parseAttrs(m[1]);
      const name = inlineText(m[2]);
      const lower = name.toLowerCase();
      const isRoot =
        'personal_toolbar_folder' in attrs || 'unfiled_bookmarks_folder' in attrs || ROOT_FOLDERS.has(lower);
      const archive = ARCHIVE_FOLDERS.has(lower);
      pending = { tag: isRoot || archive || UNREAD_FOLDERS.has(lower) || !name ? null : name, archive };
      last = null;
    } else if (/^<DL/i.test(tok)) {
      stack.push(pending ?? { tag: null, archive: false });
      pending = null;
      last = null;
    } else if (/^<\/DL/i.test(tok)) {
      stack.pop();
      last = null;
    } else if (m[4] !== undefined) {
      const line = lines.lineAt(m.index);
      const a = parseAttrs(m[3]);
      last = null;
      const url = httpUrl(a.href);
      if (!url) {
        errors.push(urlRow(line, a.href));
        continue;
      }
      let savedAt: string | null = null;
      if (a.add_date) {
        savedAt = isoFromUnix(a.add_date);
        if (!savedAt) {
          errors.push(badTimeRow(line, 'ADD_DATE', a.add_date));
          continue;
        }
      }
      // the link's own TAGS first, then the folders it sits in (outermost first)
      const tags = normaliseTags([...(a.tags ?? '').split(','), ...stack.map((f) => f.tag)]);
      const archived = stack.some((f) => f.archive);
      const seen = byUrl.get(url);
      if (seen) {
        duplicates++;
        seen.tags = normaliseTags([...(seen.tags ?? []), ...tags]);
        if (archived) seen.archived = true;
        continue;
      }
      const item: ImportedItem = { url, title: inlineText(m[4]) || url, tags, archived, hasContent: false };
      if (savedAt) item.savedAt = savedAt;
      if (a.last_modified) {
        const up = isoFromUnix(a.last_modified);
        if (up) item.updatedAt = up;
      }
      items.push(item);
      byUrl.set(url, item);
      last = item;
    } else if (m[5] !== undefined) {
      const d = decodeEntities(m[5]).replace(/\s+/g, ' ').trim();
      if (last && d) last.excerpt = d;
      last = null;
    }
  }
  if (items.length === 0 && errors.length === 0) return fail('impErrNoBookmarkLinks', 'wrong format: no links found in this bookmarks file');
  return { ok: true, format: 'bookmarks', items, errors, counts: countsOf(items, errors, duplicates) };
}
