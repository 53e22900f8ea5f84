import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { exportLibrary } from '../../../utils/library/formats/export';
import { GIF_1PX, makeItem, parseHtml, PNG_1PX, variedItems } from './helpers';

/** epubcheck is Debian's `epubcheck` package (a jar); CI installs it. Never skipped. */
function epubcheckCommand(): string[] {
  const candidates = ['/usr/share/java/epubcheck.jar'];
  const which = spawnSync('which', ['epubcheck'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) candidates.unshift(realpathSync(which.stdout.trim()));
  const jar = candidates.find((p) => p.endsWith('.jar') && existsSync(p));
  if (jar) return ['java', '-jar', jar];
  if (which.status === 0 && which.stdout.trim()) return [which.stdout.trim()];
  throw new Error('epubcheck is not installed: `apt-get install -y epubcheck` (Debian package; CI must install it)');
}

const hostile = makeItem({
  title: 'Hostile <markup> & “quotes”',
  html: [
    '<p>Intro with <span>a span holding <div>a div</div></span> and <a href="https://x.example/">a link <a href="https://y.example/">nested</a></a>.</p>',
    '<h2><div>heading with a div</div></h2>',
    '<ul>stray text<li>item</li><p>para in list</p></ul>',
    '<ol start="3"><li>three</li></ol>',
    '<dl><dd>dd first</dd><dt>term</dt></dl>',
    '<figure><img src="' + GIF_1PX + '" alt="gif"><figcaption>middle</figcaption><p>after caption</p></figure>',
    '<table><caption>Cap</caption><tbody><tr><td colspan="2">a</td><th scope="col">b</th></tr></tbody><tfoot><tr><td>f</td></tr></tfoot></table>',
    '<p>Remote image dropped: <img src="https://cdn.example/track.gif" alt="t"> and webp dropped: <img src="data:image/webp;base64,UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=" alt="w"></p>',
    '<p>Same PNG twice: <img src="' + PNG_1PX + '" alt="p1"><img src="' + PNG_1PX + '" alt="p2"></p>',
    '<p><time>yesterday</time> <a href="#frag">fragment</a> <a href="relative/page">relative</a> <a href="javascript:alert(1)">js</a></p>',
    '<iframe src="https://evil.example/"></iframe><video src="v.mp4"></video><svg><circle r="1"/></svg><form><input></form>',
    '<section><header><h3>Section head</h3></header><p id="dup" class="c" style="color:red">Body</p><p id="dup">Again</p></section>',
    '<pre>  code\n  block &lt;x&gt;</pre><p>Control\u0001char and \uFFFE.</p><hr><blockquote>bare text in quote</blockquote>',
  ].join(''),
});

describe('EPUB export', () => {
  it('writes an EPUB 3 that passes epubcheck, one chapter per article with its attribution, only data: images', () => {
    const cmd = epubcheckCommand();
    const items = [...variedItems(), hostile];
    const r = exportLibrary(items, 'epub', { now: new Date('2026-11-29T10:00:00Z'), parseHtml });
    expect(r).toMatchObject({ filename: 'lectern-2026-11-29.epub', mimeType: 'application/epub+zip' });
    const bytes = (r as { bytes: Uint8Array }).bytes;

    // mimetype is the first entry, stored uncompressed
    expect(strFromU8(bytes.subarray(30, 38))).toBe('mimetype');
    expect(bytes[8] | (bytes[9] << 8)).toBe(0);
    const files = unzipSync(bytes);
    const chapters = Object.keys(files).filter((n) => /^EPUB\/text\/.*\.xhtml$/.test(n)).sort();
    expect(chapters).toHaveLength(items.length);
    const first = strFromU8(files[chapters[0]]);
    expect(first).toContain('<p class="attribution">The Example Gazette · via inkl · <a href="https://gazette.example/2026/story-');
    const ja = strFromU8(files[chapters[2]]);
    expect(ja).toContain('xml:lang="ja"');
    expect(ja).toContain('架空新聞 · via Yahoo! Japan News');
    expect(strFromU8(files[chapters[3]])).toContain('dir="rtl"');
    const h = strFromU8(files[chapters[chapters.length - 1]]);
    expect(h).not.toMatch(/https:\/\/cdn\.example|data:image\/webp|data:|<iframe|<video|<svg|<script|javascript:|#frag|style=|id="dup"/);
    // images: the PNG (once) and the GIF, as files in the book
    const imgs = Object.keys(files).filter((n) => n.startsWith('EPUB/images/')).sort();
    expect(imgs).toEqual(['EPUB/images/img1.png', 'EPUB/images/img2.gif']);

    const dir = mkdtempSync(join(tmpdir(), 'lectern-epub-'));
    try {
      const file = join(dir, 'book.epub');
      writeFileSync(file, bytes);
      let out = '';
      let status = 0;
      try {
        out = execFileSync(cmd[0], [...cmd.slice(1), file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 120_000 });
      } catch (e) {
        const x = e as { status?: number; stdout?: string; stderr?: string };
        status = x.status ?? 1;
        out = `${x.stdout ?? ''}${x.stderr ?? ''}`;
      }
      expect(out, out).toMatch(/No errors or warnings detected/);
      expect(status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
