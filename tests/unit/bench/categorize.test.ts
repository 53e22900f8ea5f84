import { describe, expect, it } from 'vitest';
import { categorizePage, summarize } from '../../../bench/categorize';
import { diffPage } from '../../../bench/diff';

const BODY = [
  'The council voted on Tuesday to close the old bridge for repairs after inspectors found cracks.',
  'Residents said the detour would add twenty minutes to their commute every single morning.',
  'Work is expected to finish before the end of next summer, officials said in a statement.',
];
const TRUTH = BODY.join('\n');

function labels(prediction: string, title: string | null = null) {
  return categorizePage(diffPage(TRUTH, prediction), title).map((l) => l.category);
}

describe('categorizePage', () => {
  it('labels nothing on a perfect extraction', () => {
    expect(labels(TRUTH)).toEqual([]);
  });

  it('labels an empty output once', () => {
    expect(labels('')).toEqual(['empty output']);
  });

  it('labels a missing first paragraph and a missing last paragraph', () => {
    expect(labels(BODY.slice(1).join('\n'))).toEqual(['missed: first paragraph(s)']);
    expect(labels(BODY.slice(0, 2).join('\n'))).toEqual(['missed: last paragraph(s)']);
  });

  it('labels headline, byline, caption, related links, one per block', () => {
    const title = 'Council shuts river crossing over safety fears';
    const pred = [
      title,
      'By Jane Smith, Staff Writer',
      BODY[0],
      'Photo: The old bridge in 2010 (John Doe/Getty Images)',
      BODY[1],
      BODY[2],
      'Related stories',
      'Mayor announces new budget plan',
    ].join('\n');
    expect(labels(pred, title)).toEqual([
      'extra: headline',
      'extra: byline / date / reading time',
      'extra: caption / image credit',
      'extra: related / read-more links',
      'extra: other, at the end',
    ]);
  });

  it('summarize ranks categories by weight and keeps one example per page', () => {
    const d1 = diffPage(TRUTH, `${TRUTH}\nRelated stories about bridges\nMore on bridges and tunnels`);
    const d2 = diffPage(TRUTH, BODY.slice(1).join('\n'));
    const s = summarize([
      { id: 'p1', truthTokens: d1.truthTokens, labels: categorizePage(d1, null) },
      { id: 'p2', truthTokens: d2.truthTokens, labels: categorizePage(d2, null) },
    ]);
    expect(s[0].category).toBe('missed: first paragraph(s)');
    expect(s[0].pages).toBe(1);
    const related = s.find((x) => x.category === 'extra: related / read-more links')!;
    expect(related.chunks).toBe(2);
    expect(related.pages).toBe(1);
    expect(related.examples).toHaveLength(1);
  });
});
