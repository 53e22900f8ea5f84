// @vitest-environment node
/**
 * Meta-tests for the adapter registry: every adapter's hosts are covered by the manifest match
 * patterns (AGGREGATOR_MATCHES, used for host permissions), every adapter is proved by at least one
 * fixture, and URL patterns classify real-looking URLs.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ADAPTERS, findAdapter } from '../../../utils/adapters/index';
import { AGGREGATOR_MATCHES } from '../../../utils/adapters/hosts';
import { AGG_DIR, PAGES_DIR, ownPages } from '../extract/fixtures';

/** Chrome match-pattern semantics for scheme://host/path patterns. */
function matches(pattern: string, url: string): boolean {
  const m = /^(\*|https?):\/\/([^/]+)(\/.*)$/.exec(pattern);
  if (!m) throw new Error(`bad pattern ${pattern}`);
  const u = new URL(url);
  if (m[1] !== '*' && `${m[1]}:` !== u.protocol) return false;
  const host = m[2];
  if (host.startsWith('*.')) {
    const base = host.slice(2);
    if (u.hostname !== base && !u.hostname.endsWith(`.${base}`)) return false;
  } else if (host !== '*' && host !== u.hostname) return false;
  const pathRe = new RegExp(`^${m[3].replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return pathRe.test(u.pathname + u.search);
}

function sampleHosts(hosts: string[]): string[] {
  return hosts.flatMap((h) => (h.startsWith('.') ? [`www${h}`, `edition${h}`] : [h]));
}

describe('adapter registry', () => {
  it('has the contract ids, each once, in a stable order', () => {
    const ids = ADAPTERS.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(
      ['aol', 'flipboard', 'groundnews', 'inkl', 'msn', 'newsbreak', 'newsnow', 'smartnews', 'yahoo', 'yahoo-japan'].sort(),
    );
  });

  for (const a of ADAPTERS) {
    it(`${a.id}: every host is covered by AGGREGATOR_MATCHES and maps back to ${a.id}`, () => {
      for (const host of sampleHosts(a.hosts)) {
        const url = `https://${host}/news/some-story-123456.html`;
        expect(AGGREGATOR_MATCHES.some((p) => matches(p, url)), url).toBe(true);
        expect(findAdapter(url)?.id, url).toBe(a.id);
      }
      if (a.portalHosts) {
        for (const host of sampleHosts(a.portalHosts.hosts)) {
          const url = `https://${host}/news/some-story-123456.html`;
          expect(AGGREGATOR_MATCHES.some((p) => matches(p, url)), url).toBe(true);
          expect(findAdapter(url)?.id, url).toBe(a.id);
        }
      }
    });
  }

  it('every match pattern belongs to some adapter (no stray host permission)', () => {
    for (const p of AGGREGATOR_MATCHES) {
      const host = /^\*:\/\/(?:\*\.)?([^/]+)/.exec(p)![1];
      const path = /^\*:\/\/[^/]+(\/.*)$/.exec(p)![1].replace('*', 'x');
      expect(findAdapter(`https://${host}${path}`), p).not.toBeNull();
    }
  });

  it('every adapter is proved by at least one fixture (shared or own)', () => {
    const proved = new Set<string>();
    for (const d of readdirSync(AGG_DIR)) {
      const f = join(AGG_DIR, d, 'expected.json');
      if (existsSync(f)) {
        const agg = (JSON.parse(readFileSync(f, 'utf8')) as { aggregator: string | null }).aggregator;
        if (agg) proved.add(agg);
      }
    }
    expect(existsSync(PAGES_DIR)).toBe(true);
    for (const p of ownPages()) {
      const id = p.name.split('--')[0];
      if (findAdapter(p.url)?.id === id) proved.add(id);
    }
    for (const a of ADAPTERS) expect(proved.has(a.id), a.id).toBe(true);
  });

  it('ordinary sites and portal pages outside /news/ have no adapter', () => {
    expect(findAdapter('https://www.lakeshorecourier.example/news/x/')).toBeNull();
    expect(findAdapter('https://www.yahoo.com/')).toBeNull();
    expect(findAdapter('https://mail.yahoo.com/d/folders/1')).toBeNull();
    expect(findAdapter('https://notinkl.com/news/abc')).toBeNull();
    expect(findAdapter('file:///tmp/x.html')).toBeNull();
    expect(findAdapter('not a url')).toBeNull();
  });

  it('article and non-article URL patterns', () => {
    const cases: [string, boolean | null][] = [
      ['https://www.msn.com/en-us/news/world/some-story/ar-AA1abCdE', true],
      ['https://www.msn.com/en-us/news/us', null],
      ['https://www.msn.com/en-us/video/x/vi-AA1abCdE', false],
      ['https://www.inkl.com/news/some-long-article-slug-here', true],
      ['https://www.inkl.com/signin?redirect=%2Fnews%2Fsome-long-article-slug-here', false],
      ['https://www.inkl.com/news/topics/world', false],
      ['https://news.yahoo.co.jp/articles/4f2a9c81d07e5b3a6c9e1f2d8b7a0c5e4d3f2a1b', true],
      ['https://news.yahoo.co.jp/pickup/6512345', false],
      ['https://news.yahoo.co.jp/articles/4f2a9c81d07e5b3a6c9e1f2d8b7a0c5e4d3f2a1b/comments', false],
      ['https://uk.news.yahoo.com/storm-closes-roads-091500233.html', true],
      ['https://www.yahoo.com/news/politics/', false],
      ['https://www.yahoo.com/news/world/pacific-trade-ministers-agree-pilot-102200417.html', true],
      ['https://flipboard.com/@jpike/nature-notes-k1m2n3', false],
      ['https://www.newsbreak.com/news/4718233950127-some-story', true],
      ['https://www.newsbreak.com/millbrook-or', false],
      ['https://ground.news/interest/public-transit', false],
      ['https://ground.news/article/some-story_8e1f', true],
      ['https://www.newsnow.co.uk/h/World+News', false],
      ['https://web.smartnews.com/articles/3Kq8ZtR7wXp', true],
      ['https://www.aol.com/news/some-story-111000582.html', true],
      ['https://www.aol.com/news/', false],
    ];
    for (const [url, expected] of cases) {
      const a = findAdapter(url)!;
      expect(a, url).not.toBeNull();
      const u = new URL(url);
      const path = u.pathname + u.search;
      const isArt = a.articleUrl.some((r) => r.test(path));
      const isNon = a.nonArticleUrl.some((r) => r.test(path)) && !isArt;
      if (expected === true) expect(isArt, url).toBe(true);
      else if (expected === false) expect(isNon, url).toBe(true);
      else expect(isArt || isNon, url).toBe(false); // decided by the page, not the URL
    }
  });
});
