import { describe, expect, it } from 'vitest';
import {
  conflictingOriginals,
  idFromKey,
  identityKey,
  matchKey,
  matchKeys,
  normalizeUrl,
  titleKey,
} from '../../../utils/library/identity';

describe('normalizeUrl', () => {
  it('drops tracking parameters and the fragment, keeps the rest in a stable order', () => {
    expect(
      normalizeUrl('https://News.Example.COM:443/a/b?utm_source=x&utm_medium=y&b=2&fbclid=abc&a=1&gclid=9#section'),
    ).toBe('https://news.example.com/a/b?a=1&b=2');
    expect(normalizeUrl('https://x.example/p?mc_cid=1&mc_eid=2&igshid=3&ref_src=twsrc&ocid=msedgntp&id=7')).toBe(
      'https://x.example/p?id=7',
    );
    // same parameters in another order → same URL
    expect(normalizeUrl('https://x.example/p?b=2&a=1')).toBe(normalizeUrl('https://x.example/p?a=1&b=2'));
    // repeated names keep their order
    expect(normalizeUrl('https://x.example/p?t=2&t=1')).toBe('https://x.example/p?t=2&t=1');
  });

  it('leaves the path alone (percent-escapes, case) and refuses non-http URLs', () => {
    const flip = 'https://flipboard.com/article/x/a-Xk3mPq9vTgW2bNcLr8sYfA%3Aa%3A2931847-4c7e91ab2d%2Fgreenwaterjournal.example';
    expect(normalizeUrl(flip)).toBe(flip);
    expect(normalizeUrl('https://x.example/CaseMatters')).toBe('https://x.example/CaseMatters');
    expect(normalizeUrl('javascript:alert(1)')).toBeNull();
    expect(normalizeUrl('not a url')).toBeNull();
    expect(normalizeUrl(null)).toBeNull();
  });

  it('keeps meaningful query strings (the inkl sign-in redirect)', () => {
    const u = 'https://www.inkl.com/signin?redirect=%2Fnews%2Fport-calder';
    expect(normalizeUrl(u)).toBe(u);
  });
});

describe('identityKey and id', () => {
  it('is the original URL when known, else the read URL without tracking', () => {
    expect(
      identityKey({ url: 'https://www.inkl.com/news/a?utm_source=x', source: { name: 'P', url: 'https://p.example/a?fbclid=1#top' } }),
    ).toBe('https://p.example/a');
    expect(identityKey({ url: 'https://www.msn.com/en-us/news/us/x/ar-AA1?ocid=msedgntp#c', source: { name: 'P', url: null } })).toBe(
      'https://www.msn.com/en-us/news/us/x/ar-AA1',
    );
  });

  it('derives a short stable id, the same for the same article via two aggregators', () => {
    const a = identityKey({ url: 'https://www.inkl.com/news/a', source: { name: 'P', url: 'https://p.example/a?utm_campaign=inkl' } });
    const b = identityKey({ url: 'https://www.yahoo.com/news/a-1.html', source: { name: 'P', url: 'https://p.example/a' } });
    expect(idFromKey(a)).toBe(idFromKey(b));
    expect(idFromKey(a)).toMatch(/^[0-9a-z]{11}$/);
    expect(idFromKey('https://p.example/b')).not.toBe(idFromKey(a));
    expect(idFromKey(a, 1)).not.toBe(idFromKey(a));
  });
});

describe('matching keys', () => {
  it('matchKey ignores scheme, www, trailing slash and amp switches', () => {
    const k = matchKey('https://www.p.example/news/story/');
    expect(matchKey('http://p.example/news/story')).toBe(k);
    expect(matchKey('https://p.example/news/story?amp=1&utm_source=x')).toBe(k);
    expect(matchKey('https://p.example/news/other')).not.toBe(k);
  });

  it('lists the original first, then canonical, then the read URL', () => {
    const keys = matchKeys({
      url: 'https://www.inkl.com/news/a?utm_source=x',
      canonicalUrl: 'https://www.inkl.com/news/a',
      source: { name: 'P', url: 'https://p.example/a' },
    });
    expect(keys.original).toBe('p.example/a');
    expect(keys.others).toEqual(['inkl.com/news/a']);
  });

  it('titleKey normalises case, punctuation, accents, "The" and a publisher suffix', () => {
    const k = titleKey('Ice storm leaves tens of thousands without power', 'Northland Daily Record');
    expect(titleKey('ICE STORM leaves tens of thousands without power!', 'The Northland Daily Record')).toBe(k);
    expect(titleKey('Ice storm leaves tens of thousands without power - Northland Daily Record', 'Northland Daily Record')).toBe(k);
    expect(titleKey('Café opens', 'P')).toBeNull(); // too short to be distinctive
    expect(titleKey('A long enough headline here', null)).toBeNull(); // no publisher
    expect(titleKey('Crème brûlée festival returns to town', 'P')).toBe(titleKey('Creme brulee festival returns to town', 'p'));
  });

  it('two different original URLs conflict; a missing one does not', () => {
    expect(conflictingOriginals('https://p.example/a', 'https://p.example/b')).toBe(true);
    expect(conflictingOriginals('https://p.example/a', 'http://www.p.example/a/')).toBe(false);
    expect(conflictingOriginals(null, 'https://p.example/b')).toBe(false);
  });
});
