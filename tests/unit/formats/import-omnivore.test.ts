import { strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parseImport } from '../../../utils/library/formats/import';
import { bytesToBase64 } from '../../../utils/library/formats/util';
import { err, fixtureBytes, ok } from './helpers';

describe('Omnivore zip import', () => {
  it('reads metadata_*.json and content/<slug>.html: state, labels, dates, progress, raw bodies', () => {
    const r = ok(parseImport('omnivore-zip', fixtureBytes('omnivore-export.zip')));
    expect(r.items.map((i) => i.url)).toEqual(['https://omni.example/one', 'https://omni.example/two', 'https://omni.example/three']);
    const [one, two, three] = r.items;
    expect(one).toMatchObject({
      title: 'Omnivore one',
      byline: 'Bo Writer',
      excerpt: 'First fictional article',
      tags: ['Newsletter', '日本語'],
      archived: false,
      hasContent: true,
      savedAt: '2024-05-01T10:00:00.000Z',
      updatedAt: '2024-05-02T10:00:00.000Z',
      published: '2024-04-30T00:00:00.000Z',
      progress: 0.4,
      leadImage: 'https://omni.example/thumb.jpg',
      words: 6,
    });
    // the body is handed over raw, clearly marked: the caller sanitises it (script/onerror still here)
    expect(one.unsanitisedHtml).toContain('<script>');
    expect((one as Record<string, unknown>).html).toBeUndefined();
    expect(two).toMatchObject({ archived: true, tags: ['Done'], progress: 1, read: true, hasContent: true });
    expect(two.unsanitisedHtml).toBe('<p>Body two. 日本語のテキスト。</p>');
    expect(three).toMatchObject({ hasContent: false, published: '2024-06-01' });
    expect(three.unsanitisedHtml).toBeUndefined();
    // DELETED is left out without being an error; the entry without url is an error at its line
    expect(r.counts).toMatchObject({ records: 5, items: 3, errors: 1, ignored: 1, withContent: 2, archived: 1 });
    expect(r.errors).toEqual([
      { line: 49, file: 'metadata_0_to_4.json', message: 'metadata_0_to_4.json line 49: missing url', code: 'impErrMissingUrl', params: [] },
    ]);
  });

  it('accepts base64 and refuses non-zips, truncated zips and zips without metadata', () => {
    const zip = fixtureBytes('omnivore-export.zip');
    expect(ok(parseImport('omnivore-zip', bytesToBase64(zip))).items).toHaveLength(3);
    expect(err(parseImport('omnivore-zip', '{"format":"lectern"}'))).toMatch(/^not a zip file/);
    expect(err(parseImport('omnivore-zip', zip.subarray(0, zip.length - 30)))).toMatch(/^truncated or damaged zip/);
    expect(err(parseImport('omnivore-zip', fixtureBytes('pocket-export.zip')))).toMatch(/^wrong format: this zip holds no metadata_\*\.json/);
  });

  it('names the metadata file and line of a malformed JSON member', () => {
    const zip = zipSync({ 'metadata_0_to_1.json': strToU8('[\n  {"url": "https://a.example/"}\n  {"url": "https://b.example/"}\n]') });
    expect(err(parseImport('omnivore-zip', zip))).toMatch(/^metadata_0_to_1\.json: line 3 malformed/);
  });
});
