/**
 * Per-page diagnostics in the metric's own terms: which stretches of the ground truth the
 * prediction misses, and which stretches of the prediction are not in the ground truth.
 * A token counts as matched when a 4-token shingle covering it is matched, consuming the
 * shingle multiset in reading order (so a duplicated paragraph shows up as extra). Pure.
 */
import { shingles } from './score.ts';

const TOKEN_RE = /[\p{L}\p{N}_]+/gu;

interface Tok {
  t: string;
  start: number;
  end: number;
}

function tokensWithOffsets(text: string): Tok[] {
  const out: Tok[] = [];
  for (const m of text.matchAll(TOKEN_RE)) out.push({ t: m[0], start: m.index!, end: m.index! + m[0].length });
  return out;
}

export interface Chunk {
  /** token index range [from, to) in its own text */
  from: number;
  to: number;
  tokens: number;
  /** share of the way through its text where the chunk starts, 0..1 */
  at: number;
  text: string;
}

function key(tokens: readonly Tok[], i: number, n: number): string {
  return tokens
    .slice(i, i + n)
    .map((x) => x.t)
    .join('\u0000');
}

/** Tokens of `own` covered by shingles also present (multiset) in `other`. */
function matchedMask(own: Tok[], otherTokens: string[]): boolean[] {
  const mask = new Array<boolean>(own.length).fill(false);
  const counts = shingles(otherTokens);
  if (own.length === 0) return mask;
  if (own.length <= 3) {
    const k = key(own, 0, own.length);
    if ((counts.get(k) ?? 0) > 0) mask.fill(true);
    return mask;
  }
  for (let i = 0; i + 4 <= own.length; i++) {
    const k = key(own, i, 4);
    const c = counts.get(k) ?? 0;
    if (c > 0) {
      counts.set(k, c - 1);
      for (let j = i; j < i + 4; j++) mask[j] = true;
    }
  }
  return mask;
}

function runs(text: string, toks: Tok[], mask: boolean[], minTokens: number): Chunk[] {
  const out: Chunk[] = [];
  let i = 0;
  while (i < toks.length) {
    if (mask[i]) {
      i++;
      continue;
    }
    let j = i;
    while (j < toks.length && !mask[j]) j++;
    if (j - i >= minTokens) {
      out.push({
        from: i,
        to: j,
        tokens: j - i,
        at: toks.length ? i / toks.length : 0,
        text: text.slice(toks[i].start, toks[j - 1].end),
      });
    }
    i = j;
  }
  return out;
}

export interface PageDiff {
  truthTokens: number;
  predictionTokens: number;
  /** in the truth, not in the prediction */
  missed: Chunk[];
  /** in the prediction, not in the truth */
  extra: Chunk[];
}

export function diffPage(truth: string, prediction: string, minTokens = 1): PageDiff {
  const tT = tokensWithOffsets(truth ?? '');
  const tP = tokensWithOffsets(prediction ?? '');
  const missed = runs(truth, tT, matchedMask(tT, tP.map((x) => x.t)), minTokens);
  const extra = runs(prediction, tP, matchedMask(tP, tT.map((x) => x.t)), minTokens);
  return { truthTokens: tT.length, predictionTokens: tP.length, missed, extra };
}
