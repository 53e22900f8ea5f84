import { strFromU8, unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { exportLibrary } from '../../../utils/library/formats/export';
import { safeFileName } from '../../../utils/library/formats/markdown';
import type { SavedItem } from '../../../utils/library/types';
import { makeItem, parseHtml, variedItems } from './helpers';

const now = new Date('2026-11-29T00:00:00Z');

function mdFiles(items: SavedItem[]): Record<string, string> {
  const r = exportLibrary(items, 'markdown', { now, parseHtml });
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
    const ja = split(Object.values(files).find((f) => f.includes('架空新聞'))!).body;
    expect(ja).toContain('架空新聞 · via Yahoo! Japan News · <https://kakuu.example/news/1>');
    expect(ja).toContain('これは架空(かくう)の記事です。');
    const link = split(Object.values(files).find((f) => f.includes('A link saved without content'))!).body;
    expect(link).toContain('[A link saved without content](<https://blog.example/link-only?utm_source=x>)');
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
