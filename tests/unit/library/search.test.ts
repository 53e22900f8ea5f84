import { describe, expect, it } from 'vitest';
import { htmlToText, indexTerms, parseQuery, tokenize } from '../../../utils/library/search';
import { articleHtml, articleInput, freshLibrary, tickingClock, vocabulary } from './helpers';

describe('htmlToText', () => {
  it('keeps the text, drops tags, comments, scripts and styles, decodes entities', () => {
    const html =
      '<h2>Head&shy;line</h2><p class="a>b">Caf&eacute; &amp; bar&nbsp;open &#8211; &#x263A; <b>bo</b>ld</p>' +
      '<!-- a comment with <p>tags</p> --><script>var secret = "<p>no</p>";</script><style>p{color:red}</style>' +
      '<ul><li>one</li><li>two</li></ul><p>a < b and 3<4</p><img src="x.png" alt="alt text">';
    expect(htmlToText(html)).toBe('Headline\nCafé & bar open – ☺ bold\none\ntwo\na < b and 3<4');
  });

  it('handles unterminated markup without throwing', () => {
    expect(htmlToText('<p>text <script>never closed')).toBe('text');
    expect(htmlToText('plain &unknown; & text')).toBe('plain &unknown; & text');
  });
});

describe('tokens', () => {
  it('lowercases, folds accents and apostrophes, keeps numbers', () => {
    expect(tokenize("O'Brien’s Café won 2026's Prix — naïve!")).toEqual(['obriens', 'cafe', 'won', '2026', 's', 'prix', 'naive']);
  });

  it('splits CJK runs into bigrams', () => {
    expect(tokenize('東京都の天気')).toEqual(['東京', '京都', '都の', 'の天', '天気']);
    expect(tokenize('Tokyo 東')).toEqual(['tokyo', '東']);
  });

  it('indexTerms are unique, without stop words, capped', () => {
    expect(indexTerms('The cat and the hat and THE cat')).toEqual(['cat', 'hat']);
    expect(indexTerms('alpha beta gamma delta', 2)).toEqual(['alpha', 'beta']);
  });

  it('parseQuery ignores stop words unless that is all there is', () => {
    expect(parseQuery('the port of Calder')).toEqual({ terms: ['port', 'calder'], prefixLast: true });
    expect(parseQuery('the ')).toEqual({ terms: ['the'], prefixLast: false });
  });
});

describe('Library.search', () => {
  it('finds a word deep inside a 30 KB body', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const vocab = vocabulary(5000);
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) {
      const html = articleHtml(i, 30_000, vocab, i === 13 ? 'At the very end the word xylophonist appears once.' : '');
      ids.push((await lib.save(articleInput(i, { html }))).id);
    }
    const target = (await lib.get(ids[13]))!;
    expect(target.html.length).toBeGreaterThan(30_000);
    expect(target.html.indexOf('xylophonist')).toBeGreaterThan(29_000);
    const res = await lib.search('xylophonist');
    expect(res.items.map((r) => r.id)).toEqual([ids[13]]);
    // as a prefix while typing, and combined with another word
    expect((await lib.search('xylophon')).items.map((r) => r.id)).toEqual([ids[13]]);
    // a final space ends the word: no more prefix match
    expect((await lib.search('xylophon ')).total).toBe(0);
    expect((await lib.list({ query: 'xylophon ' })).total).toBe(0);
    expect((await lib.search('xylophonist ')).items.map((r) => r.id)).toEqual([ids[13]]);
    expect((await lib.search('story 13 xylophonist')).items.map((r) => r.id)).toEqual([ids[13]]);
    expect((await lib.search('story 12 xylophonist')).total).toBe(0);
  });

  it('searches titles, authors, publishers and tags; typo-tolerant on them; all words must match', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const a = await lib.save({ url: 'https://p.example/a', title: 'Fireflies are dimming along river corridors', byline: 'Jonah Whitcombe', source: { name: 'Green Water Journal', url: null }, html: '<p>Volunteers counted insects.</p>' });
    const b = await lib.save({ url: 'https://p.example/b', title: 'Late frost threatens peach crop', byline: 'Dana Ruiz', source: { name: 'Ridgeline Public Radio', url: null }, html: '<p>Growers fire up wind machines near the river.</p>' });
    await lib.update(b.id, { tags: ['agriculture'] });
    const ids = async (q: string) => (await lib.search(q)).items.map((r) => r.id);
    expect(await ids('fireflies')).toEqual([a.id]);
    expect(await ids('whitcombe')).toEqual([a.id]);
    expect(await ids('ridgeline')).toEqual([b.id]);
    expect(await ids('agriculture')).toEqual([b.id]);
    expect(await ids('firefiles')).toEqual([a.id]); // typo in a title word
    expect(await ids('peach wind')).toEqual([b.id]); // title word AND body word
    expect(await ids('peach volunteers')).toEqual([]);
    // a title match ranks above a body-only match
    expect(await ids('river')).toEqual([a.id, b.id]);
  });

  it('is kept up to date on update and delete; list({query}) stays newest first and filters', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const x = await lib.save(articleInput(1, { title: 'Harbour tug story', html: '<p>tugboat</p>' }));
    const y = await lib.save(articleInput(2, { title: 'Another tugboat tale', html: '<p>tugboat again</p>' }));
    expect((await lib.list({ query: 'tugboat' })).items.map((r) => r.id)).toEqual([y.id, x.id]);
    await lib.update(x.id, { archived: true, tags: ['boats'] });
    expect((await lib.list({ query: 'tugboat', filter: { archived: false } })).items.map((r) => r.id)).toEqual([y.id]);
    expect((await lib.search('boats')).items.map((r) => r.id)).toEqual([x.id]);
    await lib.delete([y.id]);
    expect((await lib.search('tugboat')).items.map((r) => r.id)).toEqual([x.id]);
    // re-saving with new content re-indexes the body
    await lib.save(articleInput(1, { title: 'Harbour tug story', html: '<p>icebreaker</p>' }));
    expect((await lib.search('icebreaker')).items.map((r) => r.id)).toEqual([x.id]);
    expect((await lib.search('tugboat ')).total).toBe(0);
  });

  it('finds Japanese text inside a body', async () => {
    const { lib } = freshLibrary();
    const { id } = await lib.save({ url: 'https://news.yahoo.co.jp/articles/abc', title: '天気予報', aggregator: 'yahoo-japan', html: '<p>東京都の天気は晴れです。</p>' });
    expect((await lib.search('東京都')).items.map((r) => r.id)).toEqual([id]);
    expect((await lib.search('晴れ')).items.map((r) => r.id)).toEqual([id]);
    expect((await lib.search('大阪')).total).toBe(0);
  });
});

describe("Library with searchIndex: lazy (the offscreen document's)", () => {
  it('finds the same titles, bylines and tags as an eager one, also after later saves', async () => {
    const { lib, factory } = freshLibrary({ now: tickingClock() });
    for (let i = 0; i < 8; i++) await lib.save(articleInput(i, { title: `Harbour ferry story ${i}`, byline: i % 2 ? 'Ada Okafor' : 'Ben Novak', tags: i % 3 ? ['rail'] : ['winter'] }));
    const { Library } = await import('../../../utils/library/store');
    const lazy = new Library({ indexedDB: factory, searchIndex: 'lazy' });
    // a list first: the row cache is loaded without the search index
    expect((await lazy.list()).total).toBe(8);
    for (const q of ['harbour', 'okafor', 'winter', 'story 3', 'nov']) {
      expect((await lazy.search(q)).items.map((r) => r.id), q).toEqual((await lib.search(q)).items.map((r) => r.id));
    }
    await lib.save(articleInput(20, { title: 'Glacier survey' }));
    expect((await lazy.search('glacier')).items.map((r) => r.title)).toEqual(['Glacier survey']);
  });
});

describe('Library.search paging', () => {
  it('pages through many hits in the same order as the full ranking', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    await lib.saveMany(
      Array.from({ length: 120 }, (_, i) =>
        articleInput(i, { title: i % 3 ? `Ferry timetable ${i}` : `Ferry ferry news ${i}`, html: `<p>ferry ${i % 5 ? '' : 'ferry ferry'}</p>` }),
      ),
    );
    const all = (await lib.search('ferry')).items.map((r) => r.id);
    expect(all).toHaveLength(120);
    const paged: string[] = [];
    for (let off = 0; off < 120; off += 7) paged.push(...(await lib.search('ferry', { offset: off, limit: 7 })).items.map((r) => r.id));
    expect(paged).toEqual(all);
    expect((await lib.search('ferry', { limit: 0 })).items).toEqual([]);
    // titles with the word twice rank first
    expect((await lib.get(all[0]))!.title).toMatch(/^Ferry ferry/);
  });
});

describe('tokenize: the fast path for text without CJK gives the general rule\'s tokens', () => {
  // the general rule, as it was written before the fast path (one Unicode regex over the text)
  const TOKEN_RE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}ー]+|(?:(?![\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])[\p{L}\p{N}])+/gu;
  const reference = (text: string): string[] => {
    const norm = text.normalize('NFKD').replace(/\p{M}+/gu, '').normalize('NFC').toLowerCase().replace(/(\p{L})['’‘`´](?=\p{L})/gu, '$1');
    return [...norm.matchAll(TOKEN_RE)].map((m) => m[0]);
  };
  const samples = [
    'Ελληνικά κείμενα με τόνους — και “εισαγωγικά”',
    'Привет, мир! Ёлка и ёж',
    'עברית: שלום עולם',
    'العربية: مرحبا بالعالم ١٢٣',
    'Çà et là, l’été dernier… O’Brien’s café',
    'हिन्दी पाठ में मात्राएँ',
    'Ｆｕｌｌｗｉｄｔｈ ＡＢＣ １２３',
    'ﬁne ﬂour ǅ ½ x²',
    'emoji 😀 test 𐐀’𐐨 Deseret 𞤀𞤢 Adlam',
    'math 𝐀𝐁𝐂 bold',
    'ß straße ŉ',
    'tab\tand\u00a0nbsp\u2009thin_under-score',
    "it's rock'n'roll ‘quoted’ ’tis o' a’’b a’b’c",
    'Türkçe İstanbul ı',
    "1'2 a'1 é’é ’a a’ x´y x`y",
    'd’Artagnan l’Hôpital',
  ];
  it('on scripts, apostrophes, compatibility forms, astral letters and symbols', () => {
    for (const s of samples) expect(tokenize(s), s).toEqual(reference(s));
  });
  it('on generated article text with curly quotes and dashes', () => {
    for (let i = 0; i < 20; i++) {
      const text = htmlToText(articleHtml(i, 4000)).replace(/ the /g, ' “the” — ').replace(/s /g, 's’ ');
      expect(text).toMatch(/[^\x00-\x7f]/);
      expect(tokenize(text)).toEqual(reference(text));
    }
  });
});
