import { describe, expect, it } from 'vitest';
import {
  aggregate,
  pairedF1Difference,
  sampleStd,
  scoreAll,
  scorePage,
  scoreWithBootstrap,
  seededRandom,
  shingles,
  tokenize,
} from '../../../bench/score';

describe('tokenize', () => {
  it('splits on anything that is not a Unicode letter, number or underscore', () => {
    expect(tokenize("Don't stop—the snake_case 42nd, naïve!")).toEqual([
      'Don', 't', 'stop', 'the', 'snake_case', '42nd', 'naïve',
    ]);
  });
  it('keeps non-Latin letters and case (unlike JavaScript \\w)', () => {
    expect(tokenize('Привет, мир! 日本語 Ünïcode')).toEqual(['Привет', 'мир', '日本語', 'Ünïcode']);
  });
  it('treats combining marks as separators, as the README says', () => {
    // "e" + U+0301 COMBINING ACUTE ACCENT + "t"
    expect(tokenize('e\u0301t')).toEqual(['e', 't']);
  });
  it('returns no tokens for empty, null or punctuation-only text', () => {
    expect(tokenize('')).toEqual([]);
    expect(tokenize(null)).toEqual([]);
    expect(tokenize(' — … !')).toEqual([]);
  });
});

describe('shingles', () => {
  it('takes every 4-token window', () => {
    const s = shingles(['a', 'b', 'c', 'd', 'e']);
    expect([...s.values()]).toEqual([1, 1]);
    expect(s.size).toBe(2);
  });
  it('gives exactly one shorter shingle for 1 to 3 tokens, none for 0', () => {
    expect(shingles([]).size).toBe(0);
    for (const toks of [['a'], ['a', 'b'], ['a', 'b', 'c']]) {
      const s = shingles(toks);
      expect(s.size).toBe(1);
      expect([...s.values()]).toEqual([1]);
    }
  });
  it('counts a repeated window twice (multiset)', () => {
    const s = shingles('a b c d a b c d'.split(' '));
    // windows: abcd, bcda, cdab, dabc, abcd
    expect(s.size).toBe(4);
    expect(Math.max(...s.values())).toBe(2);
  });
});

describe('scorePage', () => {
  it('identical text: P = R = 1, exact, and formatting differences do not matter', () => {
    const s = scorePage('One two three four five.\nSix seven.', 'One two  three four five Six, seven');
    expect(s.precision).toBe(1);
    expect(s.recall).toBe(1);
    expect(s.exact).toBe(true);
    expect(s.tp).toBe(1);
    expect(s.fp).toBe(0);
    expect(s.fn).toBe(0);
  });

  it('case matters', () => {
    const s = scorePage('one two three four', 'One two three four');
    expect(s.exact).toBe(false);
    expect(s.tp).toBe(0);
    expect(s.precision).toBe(0);
    expect(s.recall).toBe(0);
  });

  it('empty prediction: recall 0, tp = fp = 0 (so it will be left out of the precision mean)', () => {
    const s = scorePage('a b c d e f', '');
    expect(s.tp).toBe(0);
    expect(s.fp).toBe(0);
    expect(s.fn).toBe(1);
    expect(s.recall).toBe(0);
    expect(s.precision).toBe(0);
    expect(s.exact).toBe(false);
  });

  it('empty truth and empty prediction: P = R = 1 and exact', () => {
    const s = scorePage('', null);
    expect(s).toMatchObject({ tp: 0, fp: 0, fn: 0, precision: 1, recall: 1, exact: true });
  });

  it('normalises tp/fp/fn by their sum so every page weighs the same', () => {
    // truth 7 tokens -> 4 shingles; prediction = truth + 2 extra tokens -> 6 shingles, 4 shared
    const truth = 'a b c d e f g';
    const s = scorePage(truth, `${truth} x y`);
    expect(s.raw).toEqual({ tp: 4, fp: 2, fn: 0 });
    expect(s.tp).toBeCloseTo(4 / 6, 12);
    expect(s.fp).toBeCloseTo(2 / 6, 12);
    expect(s.fn).toBe(0);
    expect(s.precision).toBeCloseTo(4 / 6, 12);
    expect(s.recall).toBe(1);
  });

  it('duplicates are matched as a multiset: a doubled article costs precision', () => {
    const truth = 'a b c d';
    const s = scorePage(truth, `${truth} ${truth}`);
    // prediction windows: abcd, bcda, cdab, dabc, abcd -> one abcd matched, 4 extra
    expect(s.raw).toEqual({ tp: 1, fp: 4, fn: 0 });
    expect(s.precision).toBeCloseTo(0.2, 12);
    expect(s.recall).toBe(1);
    // and a truth that repeats needs the repetition
    const s2 = scorePage(`${truth} ${truth}`, truth);
    expect(s2.raw).toEqual({ tp: 1, fp: 0, fn: 4 });
    expect(s2.recall).toBeCloseTo(0.2, 12);
    expect(s2.precision).toBe(1);
  });

  it('n <= 3: the short shingle must match whole', () => {
    expect(scorePage('a b c', 'a b c').precision).toBe(1);
    const s = scorePage('a b c', 'a b');
    expect(s.raw).toEqual({ tp: 0, fp: 1, fn: 1 });
    expect(s.precision).toBe(0);
    expect(s.recall).toBe(0);
    // a 3-token prediction against a 4+ token truth shares nothing
    expect(scorePage('a b c d', 'a b c').raw).toEqual({ tp: 0, fp: 1, fn: 1 });
  });
});

describe('aggregate (subset rules)', () => {
  it('averages precision only over pages with tp+fp>0 and recall over pages with tp+fn>0', () => {
    const perfect = scorePage('a b c d e', 'a b c d e'); // P=R=1
    const empty = scorePage('a b c d e', ''); // tp=fp=0: out of the P mean, recall 0
    const noisy = scorePage('', 'x y z w'); // tp=fn=0: out of the R mean, precision 0
    const half = scorePage('a b c d e', 'a b c d e f g'); // raw tp 2, fp 2 -> P .5, R 1
    const m = aggregate([perfect, empty, noisy, half]);
    expect(m.precisionPages).toBe(3); // perfect, noisy, half
    expect(m.recallPages).toBe(3); // perfect, empty, half
    expect(m.precision).toBeCloseTo((1 + 0 + 0.5) / 3, 12);
    expect(m.recall).toBeCloseTo((1 + 0 + 1) / 3, 12);
    expect(m.f1).toBeCloseTo((2 * m.precision * m.recall) / (m.precision + m.recall), 12);
    expect(m.accuracy).toBe(0.25);
    expect(m.pages).toBe(4);
  });

  it('F1 is of the means, not the mean of page F1s', () => {
    const a = scorePage('a b c d e', 'a b c d e f g'); // P .5 R 1
    const b = scorePage('a b c d e f g', 'a b c d e'); // P 1 R .5
    const m = aggregate([a, b]);
    expect(m.precision).toBeCloseTo(0.75, 12);
    expect(m.recall).toBeCloseTo(0.75, 12);
    expect(m.f1).toBeCloseTo(0.75, 12); // mean of page F1s would be 2/3
  });

  it('a page with both texts empty counts for accuracy only', () => {
    const m = aggregate([scorePage('', ''), scorePage('a b c d', 'a b c d')]);
    expect(m.precisionPages).toBe(1);
    expect(m.recallPages).toBe(1);
    expect(m.accuracy).toBe(1);
  });
});

describe('bootstrap and helpers', () => {
  it('seededRandom is deterministic and in [0,1)', () => {
    const r1 = seededRandom(7);
    const r2 = seededRandom(7);
    for (let i = 0; i < 100; i++) {
      const x = r1();
      expect(x).toBe(r2());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it('sampleStd uses the n-1 denominator', () => {
    expect(sampleStd([1, 2, 3, 4])).toBeCloseTo(Math.sqrt(5 / 3), 12);
  });

  it('gives zero spread on identical pages and reproducible spread with a fixed seed', () => {
    const same = Array.from({ length: 20 }, () => scorePage('a b c d e', 'a b c d e'));
    const m = scoreWithBootstrap(same, 200, 1);
    expect(m.f1).toBe(1);
    expect(m.f1Std).toBe(0);
    const mixed = [
      ...Array.from({ length: 10 }, () => scorePage('a b c d e', 'a b c d e')),
      ...Array.from({ length: 10 }, () => scorePage('a b c d e f g h', 'a b c d e')),
    ];
    const x = scoreWithBootstrap(mixed, 300, 3);
    const y = scoreWithBootstrap(mixed, 300, 3);
    expect(x.f1Std).toBeGreaterThan(0);
    expect(x.f1Std).toBe(y.f1Std);
    expect(x.accuracyStd).toBeGreaterThan(0.05);
  });

  it('scoreAll treats a missing or null prediction as empty', () => {
    const truth = { p1: { articleBody: 'a b c d' }, p2: { articleBody: 'e f g h' } };
    const s = scoreAll(truth, { p1: { articleBody: null } });
    expect(s.get('p1')!.recall).toBe(0);
    expect(s.get('p2')!.recall).toBe(0);
    expect(s.get('p2')!.fn).toBe(1);
  });
});

describe('pairedF1Difference', () => {
  it('is exactly zero with no spread for a system against itself', () => {
    const pages = [scorePage('a b c d e', 'a b c d e f g'), scorePage('a b c d e f', 'a b c d')];
    const d = pairedF1Difference(pages, pages, 200, 5);
    expect(d.f1Delta).toBe(0);
    expect(d.f1DeltaStd).toBe(0);
    expect(d.aBetterShare).toBe(0);
  });

  it('gives a positive difference, won in every resample, when a is never worse page by page', () => {
    const truth = ['a b c d e f', 'g h i j k l', 'm n o p q r'];
    const a = truth.map((t) => scorePage(t, t));
    const b = truth.map((t, i) => scorePage(t, i === 0 ? `${t} x y z` : t));
    const d = pairedF1Difference(a, b, 300, 9);
    expect(d.f1Delta).toBeGreaterThan(0);
    // resamples that miss page 0 tie; none favours b
    expect(d.aBetterShare).toBeGreaterThan(0.5);
    expect(d.aBetterShare).toBeLessThanOrEqual(1);
    expect(() => pairedF1Difference(a, b.slice(1))).toThrow();
  });
});
