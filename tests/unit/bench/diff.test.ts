import { describe, expect, it } from 'vitest';
import { diffPage } from '../../../bench/diff';

const P1 = 'The council voted on Tuesday to close the old bridge for repairs.';
const P2 = 'Residents said the detour would add twenty minutes to their commute.';
const P3 = 'Work is expected to finish before the end of next summer, officials said.';

describe('diffPage', () => {
  it('reports nothing for a perfect prediction', () => {
    const d = diffPage(`${P1}\n${P2}`, `${P1}\n\n${P2}`);
    expect(d.missed).toEqual([]);
    expect(d.extra).toEqual([]);
    expect(d.truthTokens).toBe(d.predictionTokens);
  });

  it('finds a missing first paragraph, with its text and position', () => {
    const d = diffPage(`${P1}\n${P2}\n${P3}`, `${P2}\n${P3}`);
    expect(d.extra).toEqual([]);
    expect(d.missed).toHaveLength(1);
    // the last token of P1 also starts a shingle spanning into P2, so matching may cover
    // up to three boundary tokens; the chunk is P1 minus at most those
    expect(P1).toContain(d.missed[0].text);
    expect(d.missed[0].text.startsWith('The council voted')).toBe(true);
    expect(d.missed[0].at).toBe(0);
  });

  it('finds an inserted caption and a trailing related-links list as extra', () => {
    const caption = 'Photo: Jane Doe / Getty Images';
    const related = 'Related stories\nMayor announces budget\nSchool reopens after flood';
    const d = diffPage(`${P1}\n${P2}\n${P3}`, `${P1}\n${caption}\n${P2}\n${P3}\n${related}`);
    expect(d.missed).toEqual([]);
    expect(d.extra.map((c) => c.text)).toEqual([caption, related]);
    expect(d.extra[1].at).toBeGreaterThan(0.5);
  });

  it('treats a duplicated paragraph as extra (multiset)', () => {
    const d = diffPage(`${P1}\n${P2}`, `${P1}\n${P2}\n${P2}`);
    expect(d.missed).toEqual([]);
    expect(d.extra).toHaveLength(1);
    expect(d.extra[0].text).toBe(P2.slice(0, -1)); // chunks run from first to last token
  });

  it('drops chunks below minTokens', () => {
    const d = diffPage(`${P1}\n${P2}`, `${P1}\nShare\n${P2}`, 2);
    expect(d.extra).toEqual([]);
    expect(diffPage(`${P1}\n${P2}`, `${P1}\nShare\n${P2}`).extra.map((c) => c.text)).toEqual(['Share']);
  });
});
