import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportLibrary } from '../../../utils/library/formats/export';
import { parseImport } from '../../../utils/library/formats/import';
import { bytesToBase64 } from '../../../utils/library/formats/util';
import { err, fixtureBytes, fixtureText, ok, variedItems } from './helpers';

describe("'auto' import detects the format from the content", () => {
  const cases: [string, string][] = [
    ['pocket.csv', 'pocket-csv'],
    ['pocket-export.zip', 'pocket-zip'],
    ['ril_export.html', 'pocket-html'],
    ['instapaper.csv', 'instapaper-csv'],
    ['instapaper-no-tags.csv', 'instapaper-csv'],
    ['bookmarks-firefox.html', 'bookmarks'],
    ['lectern-bad-items.json', 'json'],
    ['omnivore-export.zip', 'omnivore-zip'],
  ];
  for (const [file, format] of cases) {
    it(`${file} → ${format} (as bytes, and as text or base64)`, () => {
      const bytes = fixtureBytes(file);
      expect(ok(parseImport('auto', bytes)).format).toBe(format);
      const asString = file.endsWith('.zip') ? bytesToBase64(bytes) : fixtureText(file);
      const r = ok(parseImport('auto', asString));
      expect(r.format).toBe(format);
      expect(r.items.length).toBeGreaterThan(0);
      // the import panel hands every file over as bytes: a text file holding a zip's base64 too
      expect(ok(parseImport('auto', new TextEncoder().encode(asString))).format).toBe(format);
      if (file.endsWith('.zip')) {
        expect(ok(parseImport(format as 'pocket-zip', new TextEncoder().encode(asString))).items.length).toBe(r.items.length);
        // saved by an editor with a byte order mark
        expect(ok(parseImport(format as 'pocket-zip', new TextEncoder().encode(`\ufeff${asString}`))).items.length).toBe(r.items.length);
      }
    });
  }

  it("detects Lectern's own exports", () => {
    const items = variedItems();
    const json = exportLibrary(items, 'json') as { text: string };
    expect(ok(parseImport('auto', json.text)).format).toBe('json');
    const bm = exportLibrary(items, 'bookmarks') as { text: string };
    expect(ok(parseImport('auto', bm.text)).format).toBe('bookmarks');
  });

  it('gives one clear message for what it cannot read', () => {
    expect(err(parseImport('auto', ''))).toBe('empty file');
    expect(err(parseImport('auto', new Uint8Array()))).toBe('empty file');
    expect(err(parseImport('auto', fixtureText('not-an-export.txt')))).toMatch(/^unrecognised format/);
    expect(err(parseImport('auto', new Uint8Array([0, 1, 2, 3, 0, 0, 255])))).toMatch(/^unrecognised format.*binary/);
    expect(err(parseImport('auto', zipSync({ 'photo.jpg': strToU8('x') })))).toMatch(/^unrecognised zip/);
    const zip = fixtureBytes('omnivore-export.zip');
    expect(err(parseImport('auto', zip.subarray(0, 200)))).toMatch(/^truncated or damaged zip/);
    expect(err(parseImport('auto', bytesToBase64(zip.subarray(0, 200))))).toMatch(/^truncated or damaged zip/);
    expect(err(parseImport('auto', fixtureText('lectern-v99.json')))).toMatch(/^unsupported schema version 99/);
    expect(err(parseImport('nope' as never, 'x'))).toMatch(/unknown import format/);
  });

  it('reads UTF-16 text with a BOM (spreadsheet "Unicode text" saves)', () => {
    const text = fixtureText('instapaper.csv');
    const u16 = new Uint8Array(2 + text.length * 2);
    u16[0] = 0xff;
    u16[1] = 0xfe;
    for (let i = 0; i < text.length; i++) {
      u16[2 + 2 * i] = text.charCodeAt(i) & 0xff;
      u16[3 + 2 * i] = text.charCodeAt(i) >> 8;
    }
    const r = ok(parseImport('auto', u16));
    expect(r.format).toBe('instapaper-csv');
    expect(r.items.find((i) => i.url === 'https://insta.example/folder')!.tags).toContain('日本');
  });
});
