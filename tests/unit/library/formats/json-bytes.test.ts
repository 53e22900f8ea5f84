/**
 * parseLecternJsonBytes (Lectern JSON read from its bytes, long `html` bodies handed on as byte
 * ranges of the file) says exactly what parseLecternJson says of the decoded text: the same
 * items once each range is decoded, the same errors with the same lines, counts and failures.
 * Checked on many seeded random files (unicode, every escape, marker look-alikes, long strings
 * everywhere, bad items, CRLF, BOMs, truncation, damaged bodies), plus parseImport's routing.
 */
import { describe, expect, it } from 'vitest';
import { LIFT_MIN, parseLecternJson, parseLecternJsonBytes } from '../../../../utils/library/formats/json';
import { parseImport } from '../../../../utils/library/formats/import';
import type { ImportedItem, ImportResult } from '../../../../utils/library/formats/types';
import { toText } from '../../../../utils/library/formats/util';
import { isJsonStringUtf8 } from '../../../../utils/library/schema';
import { seededRandom } from '../../../../bench/score';
import { concat as concatChunks } from '../../formats/helpers';

/** mulberry32 (the benches' deterministic PRNG) */
const rng = seededRandom;
type R = () => number;
const pick = <T,>(r: R, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const chance = (r: R, p: number) => r() < p;

const enc = new TextEncoder();
const utf8 = (s: string) => enc.encode(s);
const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => concatChunks(parts) as Uint8Array<ArrayBuffer>;

/** Pieces of text: ASCII markup with quotes and backslashes, accents, CJK, RTL, astral, controls, separators, marker look-alikes. */
const PIECES = [
  '<p class="lead">',
  '</p>',
  '<a href="https://gazette.example/a?b=1&amp;c=2">link</a>',
  'plain words and more words ',
  'quote " and backslash \\ and slash / ',
  'élan café naïve ',
  '漢字とかなの文章。',
  'مرحبا بالعالم ',
  'שלום עולם ',
  '😀🎉𝄞 ',
  '\u0000\u0001\u001f\u007f',
  '\n\r\t\b\f',
  '\u2028\u2029',
  '\u00a0\u3000\ufeff',
  '\u0000abc:0',
  '\u0000deadbeef:12',
  '"\\u0000x:1"',
  '\ud800 lone \udfff ',
];

function text(r: R, minLen: number): string {
  let s = '';
  while (s.length < minLen) s += pick(r, PIECES);
  return s;
}

/** A JSON string literal of `s`, each character written in one of the ways JSON allows. */
function lit(r: R, s: string, escapeRate = 0.05): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const u = () => '\\u' + c.toString(16).padStart(4, '0')[r() < 0.5 ? 'toUpperCase' : 'toLowerCase']();
    const esc = r() < escapeRate;
    if (c === 0x22) out += esc ? u() : '\\"';
    else if (c === 0x5c) out += esc ? u() : '\\\\';
    else if (c === 0x2f) out += esc ? '\\/' : '/';
    else if (c < 0x20) {
      const short: Record<number, string> = { 8: '\\b', 9: '\\t', 10: '\\n', 12: '\\f', 13: '\\r' };
      out += short[c] && !esc ? short[c] : u();
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const pair = c <= 0xdbff && s.charCodeAt(i + 1) >= 0xdc00 && s.charCodeAt(i + 1) <= 0xdfff;
      if (pair && !esc) {
        out += s.slice(i, i + 2);
        i++;
      } else out += u(); // a lone surrogate can only be written escaped
    } else out += esc ? u() : s[i];
  }
  return out + '"';
}

const longText = (r: R) => text(r, LIFT_MIN + Math.floor(r() * 3000));
const someText = (r: R) => (chance(r, 0.25) ? longText(r) : text(r, 1 + Math.floor(r() * 60)));

/** An item object's JSON (fields in a random order, some wrong, some long, some unknown). */
function itemJson(r: R, n: number, nl: string): string {
  if (chance(r, 0.04)) return pick(r, ['42', 'null', lit(r, longText(r)), `[${lit(r, longText(r))}, 1]`]);
  const f: [string, string][] = [];
  const url = chance(r, 0.08)
    ? pick(r, ['"ftp://x.example/a"', '""', 'null', '"not a url"', lit(r, 'https://' + 'a'.repeat(LIFT_MIN) + '.example/')])
    : lit(r, `https://news.example/${n}/${encodeURIComponent(pick(r, ['é-story', '漢字', 'plain', 'a b']))}`);
  if (!chance(r, 0.03)) f.push(['url', url]);
  if (chance(r, 0.9)) f.push(['title', lit(r, someText(r))]);
  const blank = pick(r, [' '.repeat(LIFT_MIN + 10), '\n\t\r '.repeat(LIFT_MIN), '\u3000\u00a0'.repeat(LIFT_MIN), ' '.repeat(LIFT_MIN) + '\u0008']);
  const html = chance(r, 0.08) ? blank : chance(r, 0.15) ? text(r, 20) : longText(r);
  if (chance(r, 0.92)) f.push(['html', chance(r, 0.03) ? pick(r, ['null', '12', '{"a":1}']) : lit(r, html, chance(r, 0.2) ? 0.5 : 0.03)]);
  if (chance(r, 0.03)) f.push(['html', lit(r, longText(r))]); // a duplicate key: the last one counts
  if (chance(r, 0.85)) f.push(['words', pick(r, ['0', '17', '1234', '1e3', '-1', '"12"', 'null', '2.5'])]);
  if (chance(r, 0.85)) f.push(['excerpt', chance(r, 0.08) ? pick(r, ['null', '3']) : lit(r, someText(r))]);
  if (chance(r, 0.5)) f.push(['leadImage', chance(r, 0.3) ? lit(r, 'data:image/png;base64,' + 'QUJD'.repeat(LIFT_MIN)) : '"https://img.example/a.jpg"']);
  if (chance(r, 0.5)) f.push(['tags', `[${lit(r, 'science')}, ${lit(r, someText(r))}]`]);
  if (chance(r, 0.5)) f.push(['source', `{"name": ${lit(r, someText(r))}, "url": "https://gazette.example/"}`]);
  if (chance(r, 0.4)) f.push(['archived', pick(r, ['true', 'false', '"yes"'])]);
  if (chance(r, 0.4)) f.push(['favourite', pick(r, ['true', 'false'])]);
  if (chance(r, 0.3)) f.push(['hasContent', pick(r, ['true', 'false'])]);
  if (chance(r, 0.4)) f.push(['savedAt', pick(r, ['"2026-03-02T10:00:00.000Z"', '"yesterday"'])]);
  if (chance(r, 0.3)) f.push(['dir', pick(r, ['"rtl"', '"ltr"', '"up"'])]);
  if (chance(r, 0.2)) f.push(['extra', `{"a": [${lit(r, longText(r))}, {"b": ${lit(r, longText(r))}}], "c": ${lit(r, someText(r))}}`]);
  if (chance(r, 0.05)) f.push(['__proto__', lit(r, longText(r))]);
  if (chance(r, 0.05)) f.push(['k' + 'e'.repeat(LIFT_MIN), lit(r, longText(r))]); // a long key
  for (let i = f.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [f[i], f[j]] = [f[j]!, f[i]!];
  }
  const sep = chance(r, 0.2) ? `,${nl}    ` : chance(r, 0.5) ? ', ' : ',';
  return `{${f.map(([k, v]) => `${JSON.stringify(k)}${chance(r, 0.3) ? ': ' : ':'}${v}`).join(sep)}}`;
}

function fileText(r: R): string {
  const nl = chance(r, 0.3) ? '\r\n' : '\n';
  const items = Array.from({ length: 1 + Math.floor(r() * 12) }, (_, n) => itemJson(r, n, nl));
  const head: string[] = [
    `"format": ${chance(r, 0.03) ? lit(r, longText(r)) : '"lectern"'}`,
    `"version": ${chance(r, 0.03) ? '"1"' : '1'}`,
    `"exportedAt": ${chance(r, 0.1) ? lit(r, longText(r)) : '"2026-11-29T00:00:00.000Z"'}`,
  ];
  if (chance(r, 0.2)) head.push(`"note": [${lit(r, longText(r))}, {"deep": [[${lit(r, longText(r))}]]}]`);
  const list = chance(r, 0.03) ? lit(r, longText(r)) : `[${nl}${items.join(`,${nl}`)}${nl}]`;
  const body = [...head, `"items": ${list}`];
  if (chance(r, 0.2)) body.push(`"trailer": ${lit(r, longText(r))}`);
  const lead = pick(r, ['', '', ' \n', '\r\n\t']);
  return `${lead}{${body.join(`,${nl}`)}}${nl}`;
}

/** The file's bytes, sometimes damaged the ways a real file can be. */
function fileBytes(r: R): { bytes: Uint8Array; how: string } {
  let b = utf8(fileText(r));
  const how: string[] = [];
  const bodyAt = () => {
    // somewhere inside a long literal (or anywhere, when there is none)
    const s = new TextDecoder().decode(b);
    const m = [...s.matchAll(/"(?:[^"\\]|\\.){1000,}"/g)];
    if (!m.length) return Math.floor(r() * b.length);
    const x = pick(r, m);
    return utf8(s.slice(0, x.index! + 1 + Math.floor(r() * (x[0].length - 2)))).length;
  };
  const put = (at: number, ins: Uint8Array) => (b = concat(b.subarray(0, at), ins, b.subarray(at)));
  if (chance(r, 0.07)) {
    how.push('invalid UTF-8 in a body');
    put(bodyAt(), pick(r, [new Uint8Array([0xff]), new Uint8Array([0xc3]), new Uint8Array([0xed, 0xa0, 0x80]), new Uint8Array([0xe2, 0x82])]));
  }
  if (chance(r, 0.05)) {
    how.push('raw control character in a body');
    put(bodyAt(), new Uint8Array([pick(r, [0x01, 0x0a, 0x09, 0x00])]));
  }
  if (chance(r, 0.05)) {
    how.push('malformed escape in a body');
    put(bodyAt(), utf8(pick(r, ['\\x', '\\u12G4', '\\'])));
  }
  if (chance(r, 0.04)) {
    how.push('missing comma');
    const s = new TextDecoder().decode(b);
    const i = s.indexOf('",', Math.floor(r() * s.length));
    if (i >= 0) b = concat(b.subarray(0, utf8(s.slice(0, i + 1)).length), b.subarray(utf8(s.slice(0, i + 2)).length));
  }
  if (chance(r, 0.06)) {
    how.push('truncated');
    b = b.subarray(0, chance(r, 0.5) ? bodyAt() : Math.floor(r() * b.length));
  }
  if (chance(r, 0.15)) {
    how.push('UTF-8 BOM');
    b = concat(new Uint8Array([0xef, 0xbb, 0xbf]), b);
  }
  if (chance(r, 0.05)) {
    how.push('UTF-16 BOM');
    const s = new TextDecoder().decode(b);
    const le = chance(r, 0.5);
    const u = new Uint8Array(2 + s.length * 2);
    u[0] = le ? 0xff : 0xfe;
    u[1] = le ? 0xfe : 0xff;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      u[2 + 2 * i + (le ? 0 : 1)] = c & 0xff;
      u[2 + 2 * i + (le ? 1 : 0)] = c >> 8;
    }
    b = u;
  }
  return { bytes: b, how: how.join(', ') || 'intact' };
}

const decodeLiteral = (bytes: Uint8Array, start: number, end: number) => JSON.parse(new TextDecoder().decode(bytes.subarray(start, end))) as string;

/**
 * The bytes result with each range decoded into `unsanitisedHtml` and `source` dropped: what
 * must equal the text parser's result. Checks each range on the way.
 */
function resolved(r: ImportResult, bytes: Uint8Array): { result: ImportResult; ranges: number } {
  if (!r.ok) return { result: r, ranges: 0 };
  let ranges = 0;
  const items = r.items.map((it): ImportedItem => {
    const { unsanitisedBody, ...rest } = it;
    if (!unsanitisedBody) return it;
    ranges++;
    const { start, end } = unsanitisedBody;
    expect(isJsonStringUtf8(bytes.subarray(start, end))).toBe(true);
    expect(end - start).toBeGreaterThanOrEqual(LIFT_MIN);
    expect(it.unsanitisedHtml).toBeUndefined();
    expect(typeof it.words).toBe('number');
    expect(typeof it.excerpt).toBe('string');
    const html = decodeLiteral(bytes, start, end);
    expect(html.trim()).not.toBe('');
    return { ...rest, unsanitisedHtml: html };
  });
  if (ranges) expect(r.source).toBe(bytes);
  else expect(r.source).toBeUndefined();
  const { source: _source, ...result } = r;
  return { result: { ...result, items }, ranges };
}

describe('parseLecternJsonBytes reads what parseLecternJson reads', () => {
  it('on 400 seeded random files (every kind of string, bad items, damage)', () => {
    const seen = { files: 0, failures: 0, withErrors: 0, ranges: 0, rangeFiles: 0, decodedLongBodies: 0 };
    const kinds = new Set<string>();
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const { bytes, how } = fileBytes(r);
      kinds.add(how);
      const fromText = parseLecternJson(toText(bytes));
      const fromBytes = parseLecternJsonBytes(bytes);
      const { result, ranges } = resolved(fromBytes, bytes);
      expect(result, `seed ${seed} (${how})`).toStrictEqual(fromText);
      seen.files++;
      if (!fromText.ok) seen.failures++;
      else {
        if (fromText.errors.length) seen.withErrors++;
        if (ranges) seen.rangeFiles++;
        seen.ranges += ranges;
        seen.decodedLongBodies += fromBytes.ok ? fromBytes.items.filter((it) => (it.unsanitisedHtml?.length ?? 0) >= LIFT_MIN).length : 0;
      }
    }
    // the generator really exercised each side
    expect(seen.failures).toBeGreaterThan(50);
    expect(seen.withErrors).toBeGreaterThan(50);
    expect(seen.rangeFiles).toBeGreaterThan(150);
    expect(seen.ranges).toBeGreaterThan(300);
    expect(seen.decodedLongBodies).toBeGreaterThan(300); // blank, or without words / excerpt
    for (const k of ['intact', 'UTF-8 BOM', 'UTF-16 BOM', 'truncated', 'invalid UTF-8 in a body', 'raw control character in a body', 'malformed escape in a body']) {
      expect([...kinds].some((h) => h.includes(k)), k).toBe(true);
    }
  });

  const body = (s = 'x') => `<p>${s.repeat(Math.ceil(LIFT_MIN / s.length))}</p>`;
  const file = (items: unknown[], extra: Record<string, unknown> = {}) =>
    `{"format":"lectern","version":1,"exportedAt":"2026-11-29T00:00:00.000Z",${Object.entries(extra)
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
      .join('')}"items":[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]}\n`;
  const good = (over: Record<string, unknown> = {}) => ({ url: 'https://a.example/1', title: 't', words: 3, excerpt: 'e', html: body(), ...over });

  it('hands a long body on as the range of its literal, quotes included, offsets counted from the BOM', () => {
    const text = file([good()]);
    for (const bom of [[], [0xef, 0xbb, 0xbf]]) {
      const bytes = concat(new Uint8Array(bom), utf8(text));
      const r = parseLecternJsonBytes(bytes);
      if (!r.ok) throw new Error(r.error);
      const { start, end } = r.items[0]!.unsanitisedBody!;
      expect(start).toBe(bom.length + utf8(text.slice(0, text.indexOf('"<p>'))).length);
      expect(bytes[start]).toBe(0x22);
      expect(bytes[end - 1]).toBe(0x22);
      expect(decodeLiteral(bytes, start, end)).toBe(body());
      expect(r.items[0]!.hasContent).toBe(true);
      expect(r.counts.withContent).toBe(1);
      expect(r.source).toBe(bytes);
    }
  });

  it('decodes the body instead when it is blank or the item lacks words or an excerpt; short bodies stay text', () => {
    const blank = ' '.repeat(LIFT_MIN) + '\u3000\n';
    const bytes = utf8(
      file([good({ html: blank }), good({ words: undefined }), good({ excerpt: null }), good({ words: -1 }), good({ words: '3' }), good({ html: '<p>short</p>' }), good({ html: '\u00a0'.repeat(LIFT_MIN) + 'x' })]),
    );
    const r = parseLecternJsonBytes(bytes);
    if (!r.ok) throw new Error(r.error);
    expect(r.items.map((it) => (it.unsanitisedBody ? 'range' : it.unsanitisedHtml === undefined ? 'none' : 'text'))).toEqual([
      'text',
      'text',
      'text',
      'text',
      'text',
      'text',
      'range',
    ]);
    expect(r.items[0]!.unsanitisedHtml).toBe(blank);
    expect(r.items[1]!.unsanitisedHtml).toBe(body());
  });

  it('restores every other long string as text: titles, excerpts, data: images, unknown and nested fields, top-level fields', () => {
    const long = (c: string) => c.repeat(LIFT_MIN + 7);
    const img = 'data:image/png;base64,' + long('QUJD');
    const bytes = utf8(
      file([good({ title: long('T'), excerpt: long('é'), leadImage: img, extra: { a: [long('n'), { b: long('m') }] } })], { note: [long('z')] }),
    );
    const r = parseLecternJsonBytes(bytes);
    if (!r.ok) throw new Error(r.error);
    const it0 = r.items[0]!;
    expect(it0.title).toBe(long('T'));
    expect(it0.excerpt).toBe(long('é'));
    expect(it0.leadImage).toBe(img);
    expect(it0.unsanitisedBody).toBeDefined();
    expect(JSON.stringify(r)).not.toContain('\\u0000');
  });

  it('cannot be fooled by marker-like text in the file', () => {
    const fake = '\u0000' + 'a'.repeat(8) + ':0';
    const bytes = utf8(file([good({ title: fake, html: body(fake) }), good({ url: 'https://a.example/2', excerpt: fake })]));
    const r = parseLecternJsonBytes(bytes);
    if (!r.ok) throw new Error(r.error);
    expect(r.items[0]!.title).toBe(fake);
    expect(decodeLiteral(bytes, r.items[0]!.unsanitisedBody!.start, r.items[0]!.unsanitisedBody!.end)).toBe(body(fake));
    expect(r.items[1]!.excerpt).toBe(fake);
  });

  it('reports a bad item on its line and a damaged file with today\'s message', () => {
    const items = [good(), good({ url: 'ftp://x' }), good({ html: body('ü') }), { title: 'no url', html: body() }];
    const bytes = utf8(file(items).replace(/\n/g, '\r\n'));
    const r = parseLecternJsonBytes(bytes);
    if (!r.ok) throw new Error(r.error);
    expect(r.errors.map((e) => e.message)).toEqual(['line 3: item 2: not a web link (ftp:)', 'line 5: item 4: missing url']);
    expect(r.items.filter((it) => it.unsanitisedBody)).toHaveLength(2);
    // truncated inside a body
    const cut = bytes.subarray(0, 600);
    expect(parseLecternJsonBytes(cut)).toStrictEqual(parseLecternJson(toText(cut)));
    expect(parseLecternJsonBytes(cut)).toMatchObject({ ok: false, error: expect.stringMatching(/^truncated JSON/) });
    // a syntax error after long bodies: the same line and message
    const broken = utf8(file(items).replace('"title":"no url"', '"title" "no url"'));
    const b = parseLecternJsonBytes(broken);
    expect(b).toStrictEqual(parseLecternJson(toText(broken)));
    expect(b).toMatchObject({ ok: false, error: expect.stringMatching(/^line 5 malformed/) });
    // a raw newline inside a long body: not lifted, JSON.parse refuses it as before
    const raw = utf8(file([good()]).replace('xxxx', 'xx\nxx'));
    expect(parseLecternJsonBytes(raw)).toStrictEqual(parseLecternJson(toText(raw)));
    expect(parseLecternJsonBytes(raw).ok).toBe(false);
  });

  it('uses ranges on a 10,000-item file', () => {
    const items = Array.from({ length: 10_000 }, (_, i) => good({ url: `https://a.example/${i}`, html: `<p>${i} ${'word '.repeat(220)}</p>` }));
    const bytes = utf8(file(items));
    const r = parseLecternJsonBytes(bytes);
    if (!r.ok) throw new Error(r.error);
    expect(r.items).toHaveLength(10_000);
    expect(r.items.every((it) => it.unsanitisedBody && it.unsanitisedHtml === undefined)).toBe(true);
    expect(r.source).toBe(bytes);
    expect(r.counts).toMatchObject({ records: 10_000, items: 10_000, withContent: 10_000 });
    const last = r.items[9_999]!.unsanitisedBody!;
    expect(decodeLiteral(bytes, last.start, last.end)).toBe(items[9_999]!.html);
  });
});

describe("parseImport('json' | 'auto') on bytes", () => {
  const items = [
    { url: 'https://a.example/1', words: 3, excerpt: 'e', html: `<p>${'y'.repeat(LIFT_MIN)}</p>` },
    { url: 'nope', html: `<p>${'z'.repeat(LIFT_MIN)}</p>` },
  ];
  const text = `{"format":"lectern","version":1,"items":[\n${items.map((i) => JSON.stringify(i)).join(',\n')}\n]}`;

  it('reads UTF-8 Lectern JSON bytes as bytes (ranges), strings and UTF-16 as text, with the same result', () => {
    for (const lead of ['', ' \r\n\t']) {
      for (const bom of [[], [0xef, 0xbb, 0xbf]]) {
        const bytes = concat(new Uint8Array(bom), utf8(lead + text));
        for (const format of ['json', 'auto'] as const) {
          const r = parseImport(format, bytes);
          expect(r.ok && r.format).toBe('json');
          expect(r.ok && r.items[0]!.unsanitisedBody).toBeTruthy();
          expect(r.ok && r.source).toBe(bytes);
          expect(resolved(r, bytes).result).toStrictEqual(parseImport(format, toText(bytes)));
          const s = parseImport(format, lead + text);
          expect(s.ok && s.items[0]!.unsanitisedHtml).toBe(items[0]!.html);
          expect(s.ok && s.source).toBeUndefined();
        }
      }
    }
    const u16 = new Uint8Array(2 + text.length * 2);
    u16.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) u16.set([text.charCodeAt(i) & 0xff, text.charCodeAt(i) >> 8], 2 + 2 * i);
    for (const format of ['json', 'auto'] as const) {
      const r = parseImport(format, u16);
      expect(r.ok && r.items[0]!.unsanitisedHtml).toBe(items[0]!.html);
      expect(r).toStrictEqual(parseImport(format, text));
    }
  });

  it("'auto' on bytes still says what it said of their text", () => {
    const cases = [
      '[{"id":1}]',
      '  [1,2]',
      '{"format":"lectern"\u0000',
      '\u00a0{"format":"lectern","version":1,"items":[]}',
      '\ufeff{"format":"lectern","version":1,"items":[]}',
      '{"format":"lectern","version":2,"items":[]}',
      '{"format":"other"}',
      '{ truncated',
      '   ',
      'url,time_added\nhttps://a.example/,1',
    ];
    for (const c of cases) {
      const bytes = utf8(c);
      expect(parseImport('auto', bytes), JSON.stringify(c)).toStrictEqual(parseImport('auto', toText(bytes)));
      const withBom = concat(new Uint8Array([0xef, 0xbb, 0xbf]), bytes);
      expect(parseImport('auto', withBom), JSON.stringify(c)).toStrictEqual(parseImport('auto', toText(withBom)));
    }
    expect(parseImport('auto', utf8('[1]'))).toMatchObject({ ok: false, code: 'impErrBareJsonList' });
    // detectText looks for NUL in the first 1024 characters (up to 4096 bytes of UTF-8)
    expect(parseImport('auto', utf8('{"a":"\u0000"}'))).toMatchObject({ ok: false, code: 'impErrUnrecognisedBinary' });
    const nulEarly = utf8(`{"a":"${'漢'.repeat(1000)}\u0000"}`); // character 1006, byte 3006
    expect(parseImport('auto', nulEarly)).toMatchObject({ ok: false, code: 'impErrUnrecognisedBinary' });
    const nulLate = utf8(`{"a":"${'é'.repeat(1100)}\u0000"}`); // character 1106, byte 2206
    expect(parseImport('auto', nulLate)).toMatchObject({ ok: false, code: 'impErrJsonLineMalformed' });
    expect(parseImport('auto', nulLate)).toStrictEqual(parseImport('auto', toText(nulLate)));
  });
});
