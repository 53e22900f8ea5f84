import { strFromU8, unzipSync } from 'fflate';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportLibrary } from '../../../utils/library/formats/export';
import { parseHtml } from './helpers';

const now = new Date('2026-11-29T10:00:00.123Z');
const files = (r: ReturnType<typeof exportLibrary>) =>
  Object.fromEntries(Object.entries(unzipSync((r as { bytes: Uint8Array }).bytes)).map(([k, v]) => [k, strFromU8(v)]));

describe('EPUB package', () => {
  afterEach(() => vi.unstubAllGlobals());

  it('an empty selection still makes a valid book with one page and a table of contents', () => {
    const f = files(exportLibrary([], 'epub', { now, parseHtml, title: 'My <reading> list' }));
    expect(f['EPUB/text/empty.xhtml']).toContain('<p>No articles.</p>');
    expect(f['EPUB/nav.xhtml']).toContain('<li><a href="text/empty.xhtml">My &lt;reading&gt; list</a></li>');
    expect(f['EPUB/package.opf']).toContain('<meta property="dcterms:modified">2026-11-29T10:00:00Z</meta>');
    expect(f['EPUB/package.opf']).toContain('<dc:title>My &lt;reading&gt; list</dc:title>');
  });

  it('gets a urn:uuid identifier even where crypto.randomUUID is missing (non-secure context)', () => {
    const real = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: <T extends ArrayBufferView>(a: T) => real.getRandomValues(a as never) });
    const f = files(exportLibrary([], 'epub', { now, parseHtml }));
    expect(f['EPUB/package.opf']).toMatch(/<dc:identifier id="uid">urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}<\/dc:identifier>/);
  });

  it('needs an HTML parser where there is no DOMParser, and says so', () => {
    expect(() => exportLibrary([], 'epub', { now })).toThrow(/EPUB export needs an HTML parser/);
  });
});
