import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { exportLibrary } from '../../../utils/library/formats/export';
import { safeFileName } from '../../../utils/library/formats/markdown';
import type { SavedItem } from '../../../utils/library/types';
import { makeItem, parseHtml, variedItems } from './helpers';

const now = new Date('2026-11-29T00:00:00Z');

function mdFiles(items: SavedItem[], parse: ((html: string) => Document) | undefined = parseHtml): Record<string, string> {
  const r = exportLibrary(items, 'markdown', { now, parseHtml: parse });
  expect(r).toMatchObject({ filename: 'lectern-2026-11-29-markdown.zip', mimeType: 'application/zip' });
  const files = unzipSync((r as { bytes: Uint8Array }).bytes);
  return Object.fromEntries(Object.entries(files).map(([k, v]) => [k, strFromU8(v)]));
}

function split(md: string): { fm: Record<string, unknown>; body: string } {
  const m = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(md);
  if (!m) throw new Error(`no front matter in:\n${md.slice(0, 200)}`);
  return { fm: parseYaml(m[1]), body: m[2] };
}

describe('Markdown zip export', () => {
  it('writes one .md per item with the required YAML front matter', () => {
    const items = variedItems();
    const files = mdFiles(items);
    expect(Object.keys(files)).toHaveLength(items.length);
    const byId = new Map(Object.values(files).map((md) => [split(md).fm.lectern_id, split(md)]));
    for (const it of items) {
      const { fm } = byId.get(it.id)!;
      expect(fm).toMatchObject({
        title: it.title,
        author: it.byline,
        publisher: it.source?.name ?? null,
        url: it.source?.url ?? it.url,
        read_via: it.url,
        aggregator: it.aggregator,
        published: it.published,
        saved: it.savedAt,
        tags: it.tags,
        status: it.archived ? 'archive' : 'unread',
      });
    }
  });

  it('converts the article with turndown and puts the attribution line first', () => {
    const files = mdFiles(variedItems());
    const story = split(Object.entries(files).find(([n]) => n.startsWith('Fictional story number'))![1]).body;
    expect(story).toMatch(/^\n# Fictional story number \d+\n\nThe Example Gazette · via inkl · <https:\/\/gazette\.example\/2026\/story-\d+>\n/);
    expect(story).toContain('[a link](https://gazette.example/ref) & _emphasis_.');
    const rich = split(Object.values(files).find((f) => f.includes('lectern_id: item-') && f.includes('## Heading'))!).body;
    expect(rich).toContain('-   two **bold**');
    expect(rich).toContain('> Quoted.');
    // one column under a header row: still a table
    expect(rich).toContain('\n| H |\n| --- |\n| C |\n');
    const ja = split(Object.values(files).find((f) => f.includes('架空新聞'))!).body;
    expect(ja).toContain('架空新聞 · via Yahoo! Japan News · <https://kakuu.example/news/1>');
    expect(ja).toContain('これは架空(かくう)の記事です。');
    const link = split(Object.values(files).find((f) => f.includes('A link saved without content'))!).body;
    expect(link).toContain('[A link saved without content](<https://blog.example/link-only?utm_source=x>)');
  });

  it('exports items saved at dates a zip cannot stamp (before 1980, after 2099) instead of failing', () => {
    const items = [makeItem({ savedAt: '1975-06-01T00:00:00.000Z' }), makeItem({ savedAt: '2150-01-01T00:00:00.000Z' }), makeItem()];
    const r = exportLibrary(items, 'markdown', { parseHtml }) as { bytes: Uint8Array };
    const files = unzipSync(r.bytes);
    expect(Object.keys(files).filter((n) => n.endsWith('.md'))).toHaveLength(3);
    const text = Object.values(files).map((f) => strFromU8(f)).join('\n');
    expect(text).toContain('2150-01-01');
    expect(text).toContain('1975-06-01');
  });

  it('gives safe, unique file names that open cleanly in Obsidian', () => {
    const titles = ['Same title', 'same TITLE', 'Same title', '../../etc/passwd', 'CON', '.hidden', 'a:b*c?d"e<f>g|h#i^j[k]l', '', '東'.repeat(120), 'Tab\there\u0001'];
    const files = mdFiles(titles.map((title) => makeItem({ title })));
    const names = Object.keys(files);
    expect(names).toHaveLength(titles.length);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    for (const n of names) {
      expect(n).toMatch(/\.md$/);
      expect(n).not.toMatch(/[\\/:*?"<>|#^[\]\u0000-\u001f]/);
      expect(n.startsWith('.')).toBe(false);
      expect(new TextEncoder().encode(n).length).toBeLessThanOrEqual(210);
    }
    expect(names.slice(0, 3)).toEqual(['Same title.md', 'same TITLE (2).md', 'Same title (3).md']);
    expect(names).toContain('CON_.md');
    expect(names).toContain('etc passwd.md');
    // no title: named after the URL
    expect(names.some((n) => n.startsWith('https www.inkl.com news fictional-story-'))).toBe(true);
    expect(safeFileName('  ..  ', new Set())).toBe('Untitled');
  });
});

describe('Markdown export: GitHub-flavoured tables and strikethrough (Obsidian renders them)', () => {
  /** The article body (after the title/attribution/byline lines) of one exported item. */
  function article(html: string, parse?: (html: string) => Document): string {
    const files = mdFiles([makeItem({ title: 'Table test', html })], parse);
    const body = split(files['Table test.md']).body;
    return body.slice(body.indexOf('_By Ada Example · 2026-03-01_\n\n') + '_By Ada Example · 2026-03-01_\n\n'.length);
  }

  const scores =
    '<p>Results:</p><table><thead><tr><th>Team</th><th align="right">Points</th></tr></thead>' +
    '<tbody><tr><td>Red | Blue</td><td align="right">12</td></tr>' +
    '<tr><td>a||b <em>c</em></td><td>3<br>(after <del>4</del>)</td></tr></tbody></table><p>After.</p>';

  for (const [how, parse] of [['DOMParser', parseHtml], ['turndown’s own parser', undefined]] as const) {
    it(`turns a table with a header into a pipe table, pipes escaped, <br> kept on the row (${how})`, () => {
      expect(article(scores, parse)).toBe(
        [
          'Results:',
          '',
          '| Team | Points |',
          '| --- | ---: |',
          '| Red \\| Blue | 12 |',
          '| a\\|\\|b _c_ | 3<br>(after ~~4~~) |',
          '',
          'After.',
          '',
        ].join('\n'),
      );
    });
  }

  it('uses the first row as the header when there is no <thead> (a header row + separator, never an empty one)', () => {
    expect(article('<table><tr><td>City</td><td>People</td></tr><tr><td>Oslo</td><td>700,000</td></tr></table>')).toBe(
      '| City | People |\n| --- | --- |\n| Oslo | 700,000 |\n',
    );
    // a first row of <th> after a <caption>: header row; the caption is a paragraph above the table
    expect(
      article('<table><caption>Table 1: <strong>sizes</strong></caption><tr><th>Size</th><th>Cm</th></tr><tr><td>S</td><td>36</td></tr><tr><td>M</td></tr></table>'),
    ).toBe('Table 1: **sizes**\n\n| Size | Cm |\n| --- | --- |\n| S | 36 |\n| M |  |\n');
  });

  it('keeps each row on one line when cells hold paragraphs, lists, headings or code blocks', () => {
    const md = article(
      '<table><tr><th><h3>Step</h3></th><th>Details</th></tr>' +
        '<tr><td><p>One</p><p>Two</p></td><td><ul><li>first</li><li>second <a href="https://x.example/a">link</a></li></ul></td></tr>' +
        '<tr><td><blockquote><p>Quoted</p></blockquote></td><td><pre><code>ls | wc -l\nexit</code></pre></td></tr></table>',
    );
    expect(md).toBe(
      [
        '| **Step** | Details |',
        '| --- | --- |',
        '| One<br>Two | - first<br>- second [link](https://x.example/a) |',
        '| Quoted | `ls \\| wc -l`<br>`exit` |',
        '',
      ].join('\n'),
    );
  });

  it('lays colspan/rowspan out on a grid: content in the first cell, covered cells empty, every row complete', () => {
    const md = article(
      '<table><tr><th>Year</th><th>Quarter</th><th>Sales</th></tr>' +
        '<tr><td rowspan="2">2025</td><td>Q1</td><td>10</td></tr><tr><td>Q2</td><td>12</td></tr>' +
        '<tr><td colspan="2">Total</td><td>22</td></tr></table>',
    );
    expect(md).toBe(
      ['| Year | Quarter | Sales |', '| --- | --- | --- |', '| 2025 | Q1 | 10 |', '|  | Q2 | 12 |', '| Total |  | 22 |', ''].join('\n'),
    );
  });

  it('unwraps layout tables (one cell, role="presentation", tables holding tables) into plain blocks, never HTML', () => {
    expect(article('<table><tr><td><p>Only cell, para 1.</p><p>Para 2.</p></td></tr></table>')).toBe('Only cell, para 1.\n\nPara 2.\n');
    expect(article('<table role="presentation"><tr><td>Left</td><td>Right</td></tr><tr><td>Below</td><td></td></tr></table>')).toBe(
      'Left\n\nRight\n\nBelow\n',
    );
    const nested = article(
      '<table><tr><td><p>Sidebar</p></td><td><table><tr><th>K</th><th>V</th></tr><tr><td>a</td><td>1</td></tr></table></td></tr></table>',
    );
    expect(nested).toBe('Sidebar\n\n| K | V |\n| --- | --- |\n| a | 1 |\n');
    for (const md of [nested, article(scores, undefined)]) expect(md).not.toMatch(/<\/?(table|tr|td|th|div)\b/);
  });

  it('writes <del>, <s> and <strike> as ~~strikethrough~~', () => {
    expect(article('<p>Was <del>£10</del> <s>£8</s> <strike>£7</strike>, now £5.</p>')).toBe('Was ~~£10~~ ~~£8~~ ~~£7~~, now £5.\n');
  });
});
