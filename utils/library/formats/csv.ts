/**
 * Lectern CSV export (Pocket-compatible first columns) and the shared CSV reader used by the
 * Pocket and Instapaper importers. RFC 4180: CRLF line ends, fields quoted when they contain
 * a comma, quote, CR/LF or edge spaces, quotes doubled. papaparse does the quoting/parsing.
 */
import Papa from 'papaparse';
import type { SavedItem } from '../types';
import { LineCounter, unixSeconds } from './util';

/** Header of Lectern's CSV. The first five are Pocket's columns with Pocket's meaning. */
export const CSV_COLUMNS = [
  'title',
  'url',
  'time_added',
  'tags',
  'status',
  'author',
  'publisher',
  'original_url',
  'read_via',
  'aggregator',
  'published',
  'words',
] as const;

/** Pocket joins tags with `|`; a `|` inside a tag cannot survive, so it becomes `/`. */
export function joinTags(tags: string[]): string {
  return tags.map((t) => t.replace(/\|/g, '/')).join('|');
}

export function csvRow(item: SavedItem): string[] {
  const original = item.source?.url ?? null;
  return [
    item.title ?? '',
    original ?? item.url,
    String(unixSeconds(item.savedAt) ?? ''),
    joinTags(item.tags ?? []),
    item.archived ? 'archive' : 'unread',
    item.byline ?? '',
    item.source?.name ?? '',
    original ?? '',
    item.url,
    item.aggregator ?? '',
    item.published ?? '',
    String(item.words ?? 0),
  ];
}

export function exportCsv(items: SavedItem[]): string {
  const rows = items.map(csvRow);
  // quotes only where needed; header always first even for an empty library
  const out = Papa.unparse({ fields: [...CSV_COLUMNS], data: rows }, { newline: '\r\n', quotes: false });
  return out.endsWith('\r\n') ? out : `${out}\r\n`;
}

// ---------------------------------------------------------------- reading

export interface CsvRecord {
  /** 1-based line where the record starts */
  line: number;
  fields: string[];
  /** papaparse's complaint about this record (bad quoting), if any */
  problem?: string;
  /** papaparse's codes for `problem` ('MissingQuotes', 'InvalidQuotes', …), in the same order */
  problemCodes?: string[];
}

export interface CsvTable {
  /** header fields as written (trimmed) */
  header: string[];
  headerLine: number;
  records: CsvRecord[];
}

/**
 * Parse CSV text into records with the line each starts on. Blank lines are skipped.
 * Returns null for a file with no non-blank line.
 */
export function readCsv(text: string): CsvTable | null {
  const lines = new LineCounter(text);
  let prev = 0;
  const all: CsvRecord[] = [];
  Papa.parse<string[]>(text, {
    delimiter: ',',
    skipEmptyLines: false,
    step(res) {
      const start = prev;
      prev = res.meta.cursor;
      // a quoted field's CRLF / CR line breaks become \n
      const fields = res.data.map((v) => (v.includes('\r') ? v.replace(/\r\n?/g, '\n') : v));
      // papaparse reports the whitespace-only rest of a row as a row of one empty field
      if (fields.length === 1 && fields[0].trim() === '' && res.errors.length === 0) return;
      let s = start;
      // the record starts at its first non-newline character
      while (s < text.length && (text[s] === '\n' || text[s] === '\r')) s++;
      const rec: CsvRecord = { line: lines.lineAt(s), fields };
      if (res.errors.length) {
        rec.problem = res.errors.map((e) => e.message).join('; ');
        rec.problemCodes = res.errors.map((e) => String(e.code));
      }
      all.push(rec);
    },
  });
  if (all.length === 0) return null;
  const [head, ...records] = all;
  return { header: head.fields.map((h) => h.trim()), headerLine: head.line, records };
}

/** Map of lower-cased header name → column index. */
export function headerIndex(header: string[]): Map<string, number> {
  const m = new Map<string, number>();
  header.forEach((h, i) => {
    const k = h.trim().toLowerCase();
    if (!m.has(k)) m.set(k, i);
  });
  return m;
}
