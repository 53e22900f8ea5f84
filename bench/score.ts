/**
 * The article-body extraction metric of ../shared/bench/article-extraction/README.md
 * (scrapinghub/article-extraction-benchmark), reimplemented exactly. Pure: no I/O.
 *
 *  1. tokens: maximal runs of /[\p{L}\p{N}_]+/u (Python's `re.findall(r'\w+', s)`), case kept;
 *  2. shingles: multiset of 4-token windows; 1..3 tokens -> one shorter shingle; 0 -> none;
 *  3. per page tp/fp/fn over the multisets, normalised by tp+fp+fn when > 0;
 *  4. page precision/recall with the fp=fn=0 -> 1 and tp=fp=0 / tp=fn=0 -> 0 rules;
 *  5. P = mean precision over pages with tp+fp>0, R = mean recall over pages with tp+fn>0,
 *     F1 = 2PR/(P+R) of the two means;
 *  6. accuracy = share of pages whose token lists are identical;
 *  7. ± = sample standard deviation over 1000 seeded bootstrap resamples of the pages.
 */

const TOKEN_RE = /[\p{L}\p{N}_]+/gu;

export function tokenize(text: string | null | undefined): string[] {
  if (!text) return [];
  return text.match(TOKEN_RE) ?? [];
}

/** Shingle multiset, keyed by the tokens joined with U+0000 (never inside a token). */
export function shingles(tokens: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  const n = tokens.length;
  if (n === 0) return out;
  if (n <= 3) {
    out.set(tokens.join('\u0000'), 1);
    return out;
  }
  for (let i = 0; i + 4 <= n; i++) {
    const key = `${tokens[i]}\u0000${tokens[i + 1]}\u0000${tokens[i + 2]}\u0000${tokens[i + 3]}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

export interface PageScore {
  /** normalised counts (tp + fp + fn = 1 unless all are 0) */
  tp: number;
  fp: number;
  fn: number;
  precision: number;
  recall: number;
  /** identical token lists */
  exact: boolean;
  /** raw (unnormalised) shingle counts, for diagnostics */
  raw: { tp: number; fp: number; fn: number };
}

export function scorePage(truth: string | null | undefined, prediction: string | null | undefined): PageScore {
  const tTok = tokenize(truth);
  const pTok = tokenize(prediction);
  const cT = shingles(tTok);
  const cP = shingles(pTok);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (const [s, t] of cT) {
    const p = cP.get(s) ?? 0;
    tp += Math.min(t, p);
    fn += Math.max(0, t - p);
  }
  for (const [s, p] of cP) {
    const t = cT.get(s) ?? 0;
    fp += Math.max(0, p - t);
  }
  const raw = { tp, fp, fn };
  const sum = tp + fp + fn;
  if (sum > 0) {
    tp /= sum;
    fp /= sum;
    fn /= sum;
  }
  let precision: number;
  let recall: number;
  if (fp === 0 && fn === 0) {
    precision = 1;
    recall = 1;
  } else {
    precision = tp === 0 && fp === 0 ? 0 : tp / (tp + fp);
    recall = tp === 0 && fn === 0 ? 0 : tp / (tp + fn);
  }
  let exact = tTok.length === pTok.length;
  if (exact) {
    for (let i = 0; i < tTok.length; i++) {
      if (tTok[i] !== pTok[i]) {
        exact = false;
        break;
      }
    }
  }
  return { tp, fp, fn, precision, recall, exact, raw };
}

/** F1 of a single page from its own precision/recall (diagnostics only; not the benchmark F1). */
export function pageF1(s: PageScore): number {
  return s.precision + s.recall > 0 ? (2 * s.precision * s.recall) / (s.precision + s.recall) : 0;
}

export interface Metrics {
  f1: number;
  precision: number;
  recall: number;
  accuracy: number;
  /** pages in the set */
  pages: number;
  /** pages that entered the precision mean (tp+fp>0) / the recall mean (tp+fn>0) */
  precisionPages: number;
  recallPages: number;
}

/**
 * Step 5 and 6 over a list of page scores. A mean over an empty subset is NaN (as numpy's
 * mean of an empty array); F1 is then NaN too.
 */
export function aggregate(pages: readonly PageScore[]): Metrics {
  let pSum = 0;
  let pN = 0;
  let rSum = 0;
  let rN = 0;
  let exact = 0;
  for (const s of pages) {
    if (s.tp + s.fp > 0) {
      pSum += s.precision;
      pN++;
    }
    if (s.tp + s.fn > 0) {
      rSum += s.recall;
      rN++;
    }
    if (s.exact) exact++;
  }
  const precision = pN > 0 ? pSum / pN : NaN;
  const recall = rN > 0 ? rSum / rN : NaN;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : precision + recall === 0 ? 0 : NaN;
  return {
    f1,
    precision,
    recall,
    accuracy: pages.length > 0 ? exact / pages.length : NaN,
    pages: pages.length,
    precisionPages: pN,
    recallPages: rN,
  };
}

/** mulberry32: small deterministic PRNG so that the ± figures are reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function sampleStd(values: readonly number[]): number {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length < 2) return NaN;
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(v);
}

export interface MetricsWithError extends Metrics {
  f1Std: number;
  precisionStd: number;
  recallStd: number;
  accuracyStd: number;
  resamples: number;
  seed: number;
}

export const DEFAULT_RESAMPLES = 1000;
export const DEFAULT_SEED = 42;

/** Step 7: aggregate plus bootstrap standard deviations (n-1 denominator). */
export function scoreWithBootstrap(
  pages: readonly PageScore[],
  resamples = DEFAULT_RESAMPLES,
  seed = DEFAULT_SEED,
): MetricsWithError {
  const base = aggregate(pages);
  const rand = seededRandom(seed);
  const f1s: number[] = [];
  const ps: number[] = [];
  const rs: number[] = [];
  const accs: number[] = [];
  const n = pages.length;
  const sample: PageScore[] = new Array(n);
  for (let b = 0; b < resamples && n > 0; b++) {
    for (let i = 0; i < n; i++) sample[i] = pages[Math.floor(rand() * n)];
    const m = aggregate(sample);
    f1s.push(m.f1);
    ps.push(m.precision);
    rs.push(m.recall);
    accs.push(m.accuracy);
  }
  return {
    ...base,
    f1Std: sampleStd(f1s),
    precisionStd: sampleStd(ps),
    recallStd: sampleStd(rs),
    accuracyStd: sampleStd(accs),
    resamples,
    seed,
  };
}

/** Score a prediction map against a ground-truth map over the ground truth's ids. */
export function scoreAll(
  truth: Record<string, { articleBody?: string | null }>,
  prediction: Record<string, { articleBody?: string | null } | undefined>,
  ids: readonly string[] = Object.keys(truth),
): Map<string, PageScore> {
  const out = new Map<string, PageScore>();
  for (const id of ids) {
    out.set(id, scorePage(truth[id]?.articleBody ?? '', prediction[id]?.articleBody ?? ''));
  }
  return out;
}

export interface PairedDifference {
  /** F1(a) - F1(b) on the full set */
  f1Delta: number;
  /** standard deviation of the difference over paired resamples (same pages for both) */
  f1DeltaStd: number;
  /** share of resamples where a's F1 is higher than b's */
  aBetterShare: number;
  resamples: number;
  seed: number;
}

/**
 * Paired bootstrap of the F1 difference between two systems scored on the same pages
 * (a[i] and b[i] are the same page): each resample draws page indexes once for both.
 */
export function pairedF1Difference(
  a: readonly PageScore[],
  b: readonly PageScore[],
  resamples = DEFAULT_RESAMPLES,
  seed = DEFAULT_SEED,
): PairedDifference {
  if (a.length !== b.length) throw new Error('pairedF1Difference: page lists differ in length');
  const rand = seededRandom(seed);
  const n = a.length;
  const deltas: number[] = [];
  let better = 0;
  const sa: PageScore[] = new Array(n);
  const sb: PageScore[] = new Array(n);
  for (let r = 0; r < resamples && n > 0; r++) {
    for (let i = 0; i < n; i++) {
      const k = Math.floor(rand() * n);
      sa[i] = a[k];
      sb[i] = b[k];
    }
    const d = aggregate(sa).f1 - aggregate(sb).f1;
    deltas.push(d);
    if (d > 0) better++;
  }
  return {
    f1Delta: aggregate(a).f1 - aggregate(b).f1,
    f1DeltaStd: sampleStd(deltas),
    aBetterShare: deltas.length ? better / deltas.length : NaN,
    resamples,
    seed,
  };
}
