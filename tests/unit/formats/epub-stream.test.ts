import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { bookLanguage, epubWriter, exportEpub } from '../../../utils/library/formats/epub';
import { exportFileWriter } from '../../../utils/library/formats/export';
import type { SavedItem } from '../../../utils/library/types';
import { concat, expectHoldsNoArticles, GIF_1PX, makeItem, parseHtml, PNG_1PX, variedItems } from './helpers';

const now = new Date('2026-11-29T10:00:00Z');
const identifier = 'urn:uuid:00000000-0000-4000-8000-000000000001';

/** Entry names in archive order (local headers). */
function entryNames(zip: Uint8Array): string[] {
  const names: string[] = [];
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  for (let at = 0; v.getUint32(at, true) === 0x04034b50; ) {
    const csize = v.getUint32(at + 18, true);
    const nlen = v.getUint16(at + 26, true);
    const xlen = v.getUint16(at + 28, true);
    names.push(strFromU8(zip.subarray(at + 30, at + 30 + nlen)));
    at += 30 + nlen + xlen + csize;
  }
  return names;
}

/** Mostly Japanese, chapters without a language, images shared across batches. */
function library(): SavedItem[] {
  return [
    makeItem({ lang: 'ja', html: `<p>一 <img src="${PNG_1PX}" alt="p"></p>` }),
    ...variedItems(),
    makeItem({ lang: null, title: 'No language' }),
    makeItem({ lang: 'ja', html: `<p>again <img src="${PNG_1PX}" alt="same png, other batch"><img src="${GIF_1PX}" alt="g"></p>` }),
    makeItem({ lang: 'ja', dir: 'rtl', html: '<ul>stray<li>x</li></ul><table><tr><td>c</td></tr></table>' }),
    makeItem({ lang: 'ja', html: `<figure><img src="${GIF_1PX}" alt="gif again"><figcaption>cap</figcaption></figure>` }),
  ];
}

function epubcheck(bytes: Uint8Array): { out: string; status: number } {
  const candidates = ['/usr/share/java/epubcheck.jar'];
  const which = spawnSync('which', ['epubcheck'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) candidates.unshift(realpathSync(which.stdout.trim()));
  const jar = candidates.find((p) => p.endsWith('.jar') && existsSync(p));
  const cmd = jar ? ['java', '-jar', jar] : which.status === 0 ? [which.stdout.trim()] : null;
  if (!cmd) throw new Error('epubcheck is not installed: `apt-get install -y epubcheck` (Debian package; CI must install it)');
  const dir = mkdtempSync(join(tmpdir(), 'lectern-epub-stream-'));
  try {
    const file = join(dir, 'book.epub');
    writeFileSync(file, bytes);
    try {
      return { out: execFileSync(cmd[0], [...cmd.slice(1), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 }), status: 0 };
    } catch (e) {
      const x = e as { status?: number; stdout?: string; stderr?: string };
      return { out: `${x.stdout ?? ''}${x.stderr ?? ''}`, status: x.status ?? 1 };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('EPUB written batch by batch', () => {
  it('holds the same files as exportEpub, mimetype first and stored, and passes epubcheck', () => {
    const items = library();
    expect(bookLanguage(items)).toBe('ja');
    const want = unzipSync(exportEpub(items, { now, parseHtml, identifier }));
    const w = epubWriter({ now, parseHtml, identifier, lang: bookLanguage(items) });
    for (const n of [2, 3, 1, 100]) w.add(items.splice(0, n));
    expect(w.count).toBe(library().length);
    const bytes = concat(w.finish());

    expect(strFromU8(bytes.subarray(30, 38))).toBe('mimetype');
    expect(bytes[8] | (bytes[9] << 8)).toBe(0); // stored
    expect(bytes[6] & 8).toBe(0); // sizes in the local header, no data descriptor
    expect(bytes[28] | (bytes[29] << 8)).toBe(0); // no extra field
    expect(strFromU8(bytes.subarray(38, 58))).toBe('application/epub+zip');

    const got = unzipSync(bytes);
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const k of Object.keys(want)) {
      if (k.startsWith('EPUB/images/')) expect(got[k], k).toEqual(want[k]);
      else expect(strFromU8(got[k]), k).toBe(strFromU8(want[k]));
    }
    expect(Object.keys(got).filter((k) => k.startsWith('EPUB/images/')).sort()).toEqual(['EPUB/images/img1.png', 'EPUB/images/img2.gif']);
    const order = entryNames(bytes);
    expect(order.slice(0, 3)).toEqual(['mimetype', 'META-INF/container.xml', 'EPUB/style.css']);
    expect(order.slice(-2)).toEqual(['EPUB/nav.xhtml', 'EPUB/package.opf']);
    expect(strFromU8(got['EPUB/text/a0006.xhtml'])).toContain('xml:lang="ja"'); // no lang of its own: the book's

    const { out, status } = epubcheck(bytes);
    expect(out, out).toMatch(/No errors or warnings detected/);
    expect(status).toBe(0);
  }, 180_000);

  it('an empty library gives the same one-page book; exportFileWriter names it', () => {
    const want = unzipSync(exportEpub([], { now, parseHtml, identifier }));
    const got = unzipSync(concat(epubWriter({ now, parseHtml, identifier, lang: bookLanguage([]) }).finish()));
    expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
    for (const k of Object.keys(want)) expect(strFromU8(got[k]), k).toBe(strFromU8(want[k]));
    const f = exportFileWriter('epub', { now, parseHtml, lang: 'fr' });
    expect(f).toMatchObject({ filename: 'lectern-2026-11-29.epub', mimeType: 'application/epub+zip' });
    f.add([makeItem({ lang: null })]);
    const file = f.finish();
    const files = unzipSync(concat(file.chunks));
    expect(strFromU8(files['EPUB/package.opf'])).toContain('<dc:language>fr</dc:language>');
    expect(strFromU8(files['EPUB/text/a0001.xhtml'])).toContain('xml:lang="fr"');
  });

  it('keeps no item, no html and no image bytes once a batch is added: only the compressed files', () => {
    const marker = 'ZEBRA-MARKER-';
    const w = epubWriter({ now, parseHtml, identifier, lang: 'en' });
    const added: SavedItem[] = [];
    for (let b = 0; b < 3; b++) {
      const items = Array.from({ length: 20 }, (_, i) =>
        makeItem({ html: `<p>${marker}${b}-${i} ${'All work and no play makes a dull article. '.repeat(2000)}</p>` }),
      );
      items[0].html += `<p><img src="${PNG_1PX}" alt="p"></p>`;
      added.push(...items);
      w.add(items);
    }
    expectHoldsNoArticles(w, added, marker);
    const files = unzipSync(concat(w.finish()));
    expect(Object.keys(files).filter((k) => k.startsWith('EPUB/text/'))).toHaveLength(60);
    expect(files['EPUB/images/img1.png'].length).toBeGreaterThan(8); // written before its bytes were let go
  });
});

