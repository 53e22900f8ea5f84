/**
 * Every error the pure formats layer (utils/library/formats, utils/library/import-run) gives a
 * user names an i18n code of public/_locales/en/messages.json with params for its placeholders,
 * beside its unchanged English; the en messages, filled in as the browser does, say that same
 * English. Walks each error path (whole-file failures and bad rows) of every import format.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync, strToU8 } from 'fflate';
import { beforeEach, describe, expect, it } from 'vitest';
import { t, type MessageKey } from '../../../../utils/i18n';
import { parseImport } from '../../../../utils/library/formats/import';
import type { ImportError, ImportFormat, ImportResult } from '../../../../utils/library/formats/types';
import { bytesToBase64 } from '../../../../utils/library/formats/util';
import { readImport } from '../../../../utils/library/import-run';
import { fixtureBytes, fixtureText } from '../../formats/helpers';
import { mockI18n } from '../../runtime/i18n-mock';

type Entry = { message: string; placeholders?: Record<string, { content: string }> };
const messages = JSON.parse(
  readFileSync(path.resolve(__dirname, '../../../../public/_locales/en/messages.json'), 'utf8'),
) as Record<string, Entry>;

const POCKET_HEAD = 'title,url,time_added,cursor,tags,status';
const zip = (files: Record<string, string>) => zipSync(Object.fromEntries(Object.entries(files).map(([n, s]) => [n, strToU8(s)])));
const lectern = (o: Record<string, unknown>) => JSON.stringify({ format: 'lectern', version: 1, items: [], ...o });
/** a Uint8Array that cannot be read (a file that went away while it was read) */
class Unreadable extends Uint8Array {
  override get length(): number {
    throw new Error('the file could not be read');
  }
}

type Failure = Extract<ImportResult, { ok: false }>;

/** Whole-file failures: [format, data, the code it must name, its English (exact or pattern)]. */
const FAILURES: Array<[string, () => ImportResult, string, string | RegExp]> = [
  ['auto: empty', () => parseImport('auto', ''), 'impErrEmptyFile', 'empty file'],
  ['auto: empty bytes', () => parseImport('auto', new Uint8Array(0)), 'impErrEmptyFile', 'empty file'],
  ['json: empty bytes', () => parseImport('json', new Uint8Array(0)), 'impErrEmptyFile', 'empty file'],
  ['auto: plain text', () => parseImport('auto', 'just some notes\nand more'), 'impErrUnrecognised', /^unrecognised format: expected a Lectern JSON/],
  ['auto: not-an-export.txt', () => parseImport('auto', fixtureText('not-an-export.txt')), 'impErrUnrecognised', /^unrecognised format/],
  ['auto: binary', () => parseImport('auto', '\u0000\u0001\u0002binary'), 'impErrUnrecognisedBinary', /\(this is a binary file\)$/],
  ['auto: HTML page', () => parseImport('auto', '<html><body><p>hello</p></body></html>'), 'impErrUnrecognisedHtml', /holds no bookmark list\)$/],
  ['auto: bare JSON list', () => parseImport('auto', '[{"url":"https://a.example"}]'), 'impErrBareJsonList', /^wrong format: a bare JSON list/],
  ['auto: truncated zip', () => parseImport('auto', fixtureBytes('pocket-export.zip').slice(0, 60)), 'impErrZipDamaged', /^truncated or damaged zip: .+ \(download the export again\)$/],
  ['auto: zip of something else', () => parseImport('auto', zip({ 'readme.txt': 'hi' })), 'impErrZipUnrecognised', /^unrecognised zip/],
  ['auto: damaged base64', () => parseImport('auto', 'UEsDB'), 'impErrBase64Damaged', 'damaged base64 data: the zip could not be decoded'],
  ['json: a zip', () => parseImport('json', fixtureBytes('pocket-export.zip')), 'impErrZipChosen', /^wrong format: this is a zip file/],
  ['unknown format', () => parseImport('docx' as ImportFormat, 'x'), 'impErrUnknownFormat', 'unknown import format "docx"'],
  ['readImport: unknown format', () => readImport('docx' as ImportFormat, 'x'), 'impErrRunUnknownFormat', 'Unknown import format "docx".'],
  ['no data', () => parseImport('json', null as unknown as string), 'impErrNoData', 'no file data'],
  ['readImport: not a string', () => readImport('json', 42 as unknown as string), 'impErrRunDataType', 'The import data must be a string (text, or base64 for a zip).'],
  ['unreadable bytes', () => parseImport('json', new Unreadable(4)), 'impErrReadFailed', 'could not read the file: the file could not be read'],
  ['pocket-zip: text', () => parseImport('pocket-zip', fixtureText('pocket.csv')), 'impErrNotZipText', /^not a zip file: expected the zip itself/],
  ['pocket-zip: empty', () => parseImport('pocket-zip', ''), 'impErrEmptyFile', 'empty file'],
  ['omnivore-zip: empty bytes', () => parseImport('omnivore-zip', new Uint8Array(0)), 'impErrEmptyFile', 'empty file'],
  ['pocket-zip: not a zip', () => parseImport('pocket-zip', new Uint8Array([1, 2, 3, 4, 5])), 'impErrNotZip', /^not a zip file \(it does not start/],
  ['pocket-zip: truncated', () => parseImport('pocket-zip', fixtureBytes('pocket-export.zip').slice(0, 60)), 'impErrZipDamaged', /^truncated or damaged zip/],
  ['omnivore-zip: truncated (base64)', () => parseImport('omnivore-zip', bytesToBase64(fixtureBytes('omnivore-export.zip').slice(0, 80))), 'impErrZipDamaged', /^truncated or damaged zip/],
  ['pocket-zip: no parts', () => parseImport('pocket-zip', zip({ 'readme.txt': 'hi' })), 'impErrPocketZipNoParts', /^wrong format: this zip holds no part_\*\.csv/],
  ['pocket-zip: a part with another header', () => parseImport('pocket-zip', zip({ 'part_000000.csv': 'a,b,c\n1,2,3\n' })), 'impErrPocketHeader', /^part_000000\.csv: wrong format: expected a Pocket CSV header/],
  ['pocket-zip: a binary part', () => parseImport('pocket-zip', zip({ 'part_000000.csv': 'x\u0000y' })), 'impErrPocketBinary', /^part_000000\.csv: wrong format: this is a binary file/],
  ['bookmarks: empty', () => parseImport('bookmarks', '  \n'), 'impErrEmptyFile', 'empty file'],
  ['bookmarks: not bookmarks', () => parseImport('bookmarks', 'hello'), 'impErrNotBookmarks', /^wrong format: not a Netscape bookmarks file/],
  ['bookmarks: no links', () => parseImport('bookmarks', '<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n</DL>'), 'impErrNoBookmarkLinks', 'wrong format: no links found in this bookmarks file'],
  ['instapaper: empty', () => parseImport('instapaper-csv', ''), 'impErrEmptyFile', 'empty file'],
  ['instapaper: binary', () => parseImport('instapaper-csv', 'a\u0000b'), 'impErrInstapaperBinary', /^wrong format: this is a binary file, not an Instapaper/],
  ['instapaper: a Pocket CSV', () => parseImport('instapaper-csv', fixtureText('pocket.csv')), 'impErrInstapaperIsPocket', /looks like a Pocket CSV export/],
  ['instapaper: another header', () => parseImport('instapaper-csv', 'a,b,c\n1,2,3'), 'impErrInstapaperHeader', /^wrong format: expected an Instapaper CSV header ".+" on line 1, found "a,b,c"$/],
  ['pocket-csv: empty', () => parseImport('pocket-csv', ' '), 'impErrEmptyFile', 'empty file'],
  ['pocket-csv: binary', () => parseImport('pocket-csv', 'a\u0000b'), 'impErrPocketBinary', /^wrong format: this is a binary file, not a Pocket/],
  ['pocket-csv: an Instapaper CSV', () => parseImport('pocket-csv', fixtureText('instapaper.csv')), 'impErrPocketIsInstapaper', /looks like an Instapaper CSV export/],
  ['pocket-csv: another header', () => parseImport('pocket-csv', '\nname,link\nx,y'), 'impErrPocketHeader', /^wrong format: expected a Pocket CSV header ".+" on line 2, found "/],
  ['pocket-html: empty', () => parseImport('pocket-html', ''), 'impErrEmptyFile', 'empty file'],
  ['pocket-html: no list', () => parseImport('pocket-html', '<html><body><p>hello</p></body></html>'), 'impErrPocketHtmlNoList', /^wrong format: no Pocket export list/],
  ['pocket-html: no links', () => parseImport('pocket-html', '<h1>Unread</h1><ul></ul>'), 'impErrPocketHtmlNoLinks', 'wrong format: no links found in this Pocket HTML export'],
  ['json: empty', () => parseImport('json', '\n'), 'impErrEmptyFile', 'empty file'],
  ['json: a list', () => parseImport('json', '[]'), 'impErrJsonNotBrace', /^wrong format: this is not a Lectern JSON export \(it does not start/],
  ['json: truncated', () => parseImport('json', '{"format":"lectern",\n"items":['), 'impErrJsonTruncated', 'truncated JSON: the file ends before the data does (line 2)'],
  ['json: malformed line', () => parseImport('json', '{"format":"lectern",\n"version":1,\n}'), 'impErrJsonLineMalformed', /^line 3 malformed: /],
  ['json: malformed (fixture)', () => parseImport('json', fixtureText('lectern-malformed.json')), 'impErrJsonLineMalformed', /^line \d+ malformed: /],
  ['json: malformed, no position', () => parseImport('json', '{"a": x}'), 'impErrJsonMalformed', /^malformed JSON: /],
  ['json: not Lectern', () => parseImport('json', fixtureText('not-lectern.json')), 'impErrJsonFormatField', /^wrong format: "format" is .+, expected "lectern"$/],
  ['json: no format', () => parseImport('json', '{"items":[]}'), 'impErrJsonFormatField', 'wrong format: "format" is null, expected "lectern"'],
  ['json: no version', () => parseImport('json', '{"format":"lectern","items":[]}'), 'impErrJsonNoVersion', 'wrong format: missing or non-integer schema "version"'],
  ['json: version 0', () => parseImport('json', lectern({ version: 0 })), 'impErrJsonVersion', 'unsupported schema version 0 (this Lectern reads version 1)'],
  ['json: a newer version', () => parseImport('json', fixtureText('lectern-v99.json')), 'impErrJsonVersionNewer', 'unsupported schema version 99 (this Lectern reads version 1; update Lectern to import it)'],
  ['json: items not a list', () => parseImport('json', lectern({ items: {} })), 'impErrJsonItemsNotList', 'wrong format: "items" is not a list'],
  ['omnivore: no metadata', () => parseImport('omnivore-zip', zip({ 'content/a.html': '<p>x</p>' })), 'impErrOmnivoreNoMetadata', /^wrong format: this zip holds no metadata_\*\.json/],
  ['omnivore: metadata not a list', () => parseImport('omnivore-zip', zip({ 'metadata_0_to_0.json': '{}' })), 'impErrOmnivoreNotList', 'metadata_0_to_0.json: wrong format: expected a list of articles'],
  ['omnivore: metadata malformed at a line', () => parseImport('omnivore-zip', zip({ 'metadata_0_to_0.json': '[\n{"url":1,}\n]' })), 'impErrJsonLineMalformed', /^metadata_0_to_0\.json: line 2 malformed: /],
  ['omnivore: metadata malformed', () => parseImport('omnivore-zip', zip({ 'metadata_0_to_0.json': '[x]' })), 'impErrJsonMalformed', /^metadata_0_to_0\.json: malformed JSON: /],
];

/** Files with bad rows: [format, data, the rows' codes (in order)]. */
const ROWS: Array<[string, () => ImportResult, string[]]> = [
  [
    'pocket-csv',
    () =>
      parseImport(
        'pocket-csv',
        [
          POCKET_HEAD,
          'Good,https://a.example/1,1700000000,,,unread',
          'No url,,1700000000,,,unread',
          'Script,javascript:alert(1),1700000000,,,unread',
          'Junk,not a url,1700000000,,,unread',
          'Time,https://a.example/2,yesterday,,,unread',
          'Status,https://a.example/3,1700000000,,,deleted',
          'Fields,https://a.example/4,1700000000,,,unread,extra',
          '"Quote"d",https://a.example/5,1700000000,,,unread',
          '"Two"problems,https://a.example/6,1700000000,,,unread',
        ].join('\n'),
      ),
    ['impErrMissingUrl', 'impErrNotWebLink', 'impErrInvalidUrl', 'impErrRowBadTime', 'impErrRowStatus', 'impErrRowFieldCount', 'impErrRowQuoteMalformed', 'impErrRowMalformed'],
  ],
  [
    'pocket-zip (rows name their part)',
    () => parseImport('pocket-zip', zip({ 'part_000000.csv': `${POCKET_HEAD}\nA,https://a.example/1,1,,,unread\nB,ftp://x.example/f,1,,,unread\n` })),
    ['impErrNotWebLink'],
  ],
  [
    'instapaper-csv',
    () =>
      parseImport(
        'instapaper-csv',
        [
          'URL,Title,Selection,Folder,Timestamp,Tags',
          'https://a.example/1,Good,,Unread,1700000000,[]',
          ',No url,,Unread,1700000000,[]',
          'https://a.example/2,Time,,Unread,soon,[]',
          'https://a.example/3,Fields,,Unread',
          'https://a.example/4,"Unterminated,,Unread,1700000000,[]',
        ].join('\n'),
      ),
    ['impErrMissingUrl', 'impErrRowBadTime', 'impErrRowFieldCount', 'impErrRowQuoteUnterminated'],
  ],
  ['instapaper-csv (fixture)', () => parseImport('instapaper-csv', fixtureText('instapaper.csv')), ['impErrInvalidUrl']],
  [
    'bookmarks',
    () =>
      parseImport(
        'bookmarks',
        [
          '<!DOCTYPE NETSCAPE-Bookmark-file-1>',
          '<DL><p>',
          '<DT><A HREF="https://a.example/1" ADD_DATE="1700000000">Good</A>',
          '<DT><A HREF="javascript:void(0)">Script</A>',
          '<DT><A HREF="https://a.example/2" ADD_DATE="tuesday">Date</A>',
          '</DL>',
        ].join('\n'),
      ),
    ['impErrNotWebLink', 'impErrRowBadTime'],
  ],
  [
    'pocket-html',
    () =>
      parseImport(
        'pocket-html',
        '<h1>Unread</h1>\n<ul>\n<li><a href="https://a.example/1" time_added="1700000000">Good</a></li>\n<li><a href="">Empty</a></li>\n<li><a href="https://a.example/2" time_added="noon">Noon</a></li>\n</ul>',
      ),
    ['impErrMissingUrl', 'impErrRowBadTime'],
  ],
  [
    'json',
    () =>
      parseImport(
        'json',
        lectern({
          items: [{ url: 'https://a.example/1' }, 'text', {}, { url: 'javascript:x' }, { url: 'nope nope' }],
        }),
      ),
    ['impErrItemNotObject', 'impErrItemMissingUrl', 'impErrItemNotWebLink', 'impErrItemInvalidUrl'],
  ],
  ['json (fixture)', () => parseImport('json', fixtureText('lectern-bad-items.json')), ['impErrItemMissingUrl', 'impErrItemNotObject', 'impErrItemNotWebLink']],
  [
    'omnivore-zip',
    () =>
      parseImport(
        'omnivore-zip',
        zip({
          'metadata_0_to_3.json': JSON.stringify(
            [{ url: 'https://a.example/1', title: 'Good' }, 7, { title: 'No url' }, { url: 'mailto:a@b.example' }, { url: 'x y' }],
            null,
            1,
          ),
        }),
      ),
    ['impErrEntryNotObject', 'impErrMissingUrl', 'impErrNotWebLink', 'impErrInvalidUrl'],
  ],
  ['omnivore-zip (fixture)', () => parseImport('omnivore-zip', fixtureBytes('omnivore-export.zip')), ['impErrMissingUrl']],
];

/** Codes a file cannot reach (defensive checks) — still described, checked by hand below. */
const UNREACHABLE: Record<string, [Array<string | number>, string]> = {
  // JSON.parse of text starting with "{" is always an object
  impErrJsonNotLectern: [[], 'wrong format: this is not a Lectern JSON export'],
};

const seen = new Set<string>();

/** the code's messages.json entry takes exactly `params.length` values ($1…$n, each used) */
function expectKnown(code: string, params: unknown[], what: string): void {
  const entry = messages[code];
  expect(entry, `${what}: ${code} in messages.json`).toBeDefined();
  const slots = Object.values(entry.placeholders ?? {}).map((p) => p.content).sort();
  expect(slots, `${what}: ${code} placeholders`).toEqual(params.map((_, i) => `$${i + 1}`));
  for (const p of params) expect(['string', 'number'], `${what}: param ${String(p)}`).toContain(typeof p);
  seen.add(code);
}

beforeEach(() => mockI18n());

describe('import errors name an i18n code whose English is the message', () => {
  it.each(FAILURES)('%s', (_, run, code, english) => {
    const r = run();
    expect(r.ok).toBe(false);
    const f = r as Failure;
    if (typeof english === 'string') expect(f.error).toBe(english);
    else expect(f.error).toMatch(english);
    expect(f.code).toBe(code);
    expectKnown(f.code!, f.params!, f.error);
    let text = t(f.code as MessageKey, f.params!);
    if (f.file) {
      expectKnown('impErrInFile', [f.file, text], f.error);
      text = t('impErrInFile', [f.file, text]);
    }
    expect(text).toBe(f.error);
  });

  it.each(ROWS)('bad rows: %s', (_, run, codes) => {
    const r = run();
    if (!r.ok) throw new Error(r.error);
    expect(r.errors.map((e) => e.code)).toEqual(codes);
    for (const e of r.errors as ImportError[]) {
      expectKnown(e.code!, e.params!, e.message);
      // the English says "line N:" (Omnivore: "<file> line N:") before what the code says
      const prefix = new RegExp(`^(${(e.file ?? '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} )?line ${e.line}( malformed)?:? ?`);
      expect(e.message).toMatch(prefix);
      const reason = e.message.replace(prefix, (m) => (/malformed/.test(m) ? 'malformed: ' : ''));
      expect(t(e.code as MessageKey, e.params!)).toBe(reason);
    }
  });

  it('rows from a zip part keep their file beside the code', () => {
    const r = parseImport('pocket-zip', zip({ 'part_000002.csv': `${POCKET_HEAD}\nB,,1,,,unread\n` }));
    if (!r.ok) throw new Error(r.error);
    expect(r.errors).toEqual([{ line: 2, file: 'part_000002.csv', message: 'line 2: missing url', code: 'impErrMissingUrl', params: [] }]);
  });

  it('the checks a file cannot reach have described codes too', () => {
    for (const [code, [params, english]] of Object.entries(UNREACHABLE)) {
      expectKnown(code, params, code);
      expect(t(code as MessageKey, params)).toBe(english);
    }
  });

  it('every impErr… message is produced by some path above, and every code in the formats layer has a message', () => {
    const all = Object.keys(messages).filter((k) => k.startsWith('impErr'));
    expect(all.filter((k) => !seen.has(k)).sort()).toEqual([]);
    const root = path.resolve(__dirname, '../../../../utils/library');
    const sources = ['formats/detect.ts', 'formats/import.ts', 'formats/json.ts', 'formats/pocket.ts', 'formats/instapaper.ts', 'formats/omnivore.ts', 'formats/bookmarks.ts', 'formats/util.ts', 'import-run.ts']
      .map((f) => readFileSync(path.join(root, f), 'utf8'))
      .join('\n');
    const named = [...sources.matchAll(/'(impErr\w+)'/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(40);
    expect(named.filter((k) => !messages[k])).toEqual([]);
  });
});
