/**
 * Heuristic labels for the chunks of bench/diff.ts, to rank the kinds of error an extractor
 * makes across a benchmark. Labels are guesses from the chunk text and its position; they are
 * meant to point engineers at pages to inspect (`bench:quality -- --diff <id>`), not to be
 * scored. Pure.
 */
import type { Chunk, PageDiff } from './diff.ts';

export type Category =
  | 'empty output'
  | 'missed: first paragraph(s)'
  | 'missed: last paragraph(s)'
  | 'missed: inside the body'
  | 'missed: most of the body'
  | 'extra: headline'
  | 'extra: byline / date / reading time'
  | 'extra: author bio / reporting credits'
  | 'extra: navigation / link list'
  | 'extra: caption / image credit'
  | 'extra: related / read-more links'
  | 'extra: subscribe / newsletter / promo'
  | 'extra: share / social / comments'
  | 'extra: copyright / footer / tags'
  | 'extra: breadcrumb / section label'
  | 'extra: other, at the start (often a standfirst / lead caption)'
  | 'extra: other, at the end'
  | 'extra: other, inside the body';

const RX: Array<[Category, RegExp]> = [
  [
    'extra: author bio / reporting credits',
    /\b(is an? (\w+ ){0,3}(reporter|writer|editor|journalist|correspondent|contributor|columnist|producer)|contributed (to this )?report|reporting by|editing by|about the author|more articles from|write to|reach the reporters?|have a tip|email \w+ \w+ at|may be reached|view author archive|email the author|source: news agencies)\b/iu,
  ],
  [
    'extra: related / read-more links',
    /\b(related|read more|read also|also read|more from|more on|you may also like|you might also like|recommended|more great|popular|recent articles|trending|most read|see also|further reading|more stories|top stories|latest news|leia também|veja também|leia mais|читайте также|関連)\b/iu,
  ],
  [
    'extra: subscribe / newsletter / promo',
    /\b(subscribe|subscription|newsletter|sign up|sign in|log in|register|download (the|our) app|open app|advertisement|sponsored|promoted|free trial|inbox|podcast)\b/iu,
  ],
  [
    'extra: share / social / comments',
    /\b(share|tweet|facebook|twitter|whatsapp|pinterest|linkedin|reddit|e-?mail this|follow us|comments?|comentários?|reply|leave a)\b/iu,
  ],
  [
    'extra: caption / image credit',
    /\b(photo|photograph|image|picture|credit|getty|shutterstock|istock|afp|ap photo|reuters|epa|file photo|foto|illustration|courtesy|pictured|caption|statista|\d+ of \d+)\b|\((left|right|center|above|below)\)|©|\(.*\/.*\)/iu,
  ],
  // "Jason Cipriani/ZDNet", "Natalie Naccache | Bloomberg"
  ['extra: caption / image credit', /\b\p{Lu}\p{L}+ \p{Lu}\p{L}+\s?[/|]\s?\p{Lu}/u],
  [
    'extra: byline / date / reading time',
    /^(by|von|por|par)\s|\b(reporting by|editing by|written by|posted|updated|published|first published|min(ute)?s? read|reading time|tempo de leitura|staff writer|correspondent|contributor)\b|\b\d{1,2}:\d{2}\s*(am|pm)?\b|\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2},? \d{4}\b/iu,
  ],
  ['extra: copyright / footer / tags', /\b(copyright|all rights reserved|terms of (use|service)|privacy policy|tags?:|topics?:|filed under)\b|무단전재|ⓒ/iu],
  ['extra: breadcrumb / section label', /^(home|news|main)\b/iu],
];

function words(s: string): string[] {
  return s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? [];
}

/** Share of the title's words found in the chunk (0..1). */
function titleOverlap(chunk: string, title: string): number {
  const t = words(title);
  if (t.length < 3) return 0;
  const c = new Set(words(chunk));
  return t.filter((w) => c.has(w)).length / t.length;
}

export function categorizeExtra(c: Chunk, predictionTokens: number, title: string | null): Category {
  if (title && c.tokens <= words(title).length + 8 && titleOverlap(c.text, title) >= 0.8) return 'extra: headline';
  // keywords deep inside a long paragraph say little about it: look at its opening only
  const probe = c.tokens <= 60 ? c.text : c.text.slice(0, 160);
  for (const [cat, rx] of RX) if (rx.test(probe)) return cat;
  const endAt = predictionTokens ? c.to / predictionTokens : 1;
  if (c.at < 0.1) return 'extra: other, at the start (often a standfirst / lead caption)';
  if (endAt > 0.9) return 'extra: other, at the end';
  return 'extra: other, inside the body';
}

export function categorizeMissed(c: Chunk, truthTokens: number): Category {
  if (truthTokens > 0 && c.tokens / truthTokens > 0.6) return 'missed: most of the body';
  if (c.from === 0 || c.at < 0.05) return 'missed: first paragraph(s)';
  if (c.to >= truthTokens - 1) return 'missed: last paragraph(s)';
  return 'missed: inside the body';
}

/** The lines (blocks) of a chunk, as chunks of their own (token indexes kept consistent). */
export function splitLines(c: Chunk): Chunk[] {
  const lines = c.text.split(/\n+/);
  if (lines.length <= 1) return [c];
  const out: Chunk[] = [];
  let from = c.from;
  for (const line of lines) {
    const n = words(line).length;
    if (n === 0) continue;
    out.push({ from, to: from + n, tokens: n, at: c.at, text: line.trim() });
    from += n;
  }
  return out;
}

export interface Labelled {
  category: Category;
  chunk: Chunk;
}

/**
 * Label the chunks of a page. Chunks shorter than `minTokens` are ignored (single stray
 * tokens at paragraph joins are noise).
 */
export function categorizePage(d: PageDiff, title: string | null, minTokens = 3): Labelled[] {
  if (d.predictionTokens === 0 && d.truthTokens > 0) {
    return [{ category: 'empty output', chunk: { from: 0, to: d.truthTokens, tokens: d.truthTokens, at: 0, text: '' } }];
  }
  const out: Labelled[] = [];
  for (const c of d.missed) if (c.tokens >= minTokens) out.push({ category: categorizeMissed(c, d.truthTokens), chunk: c });
  for (const c of d.extra) {
    if (c.tokens < minTokens) continue;
    // one label per block: a chunk often spans a caption, then a link list, etc.
    const lines = splitLines(c);
    const cats = lines.map((line) => categorizeExtra(line, d.predictionTokens, title));
    // three or more consecutive short lines without a keyword: a menu or a list of headlines
    const isOther = (i: number) => cats[i].startsWith('extra: other') && lines[i].tokens <= 20 && !/[.!?]["”’)]?$/u.test(lines[i].text);
    for (let i = 0; i < lines.length; ) {
      let j = i;
      while (j < lines.length && isOther(j)) j++;
      if (j - i >= 3) for (let k = i; k < j; k++) cats[k] = 'extra: navigation / link list';
      i = Math.max(j, i + 1);
    }
    lines.forEach((line, i) => out.push({ category: cats[i], chunk: line }));
  }
  return out;
}

export interface CategorySummary {
  category: Category;
  pages: number;
  chunks: number;
  tokens: number;
  /** sum over pages of chunk tokens / page truth tokens: roughly "pages' worth" of error */
  weight: number;
  examples: Array<{ id: string; tokens: number; text: string }>;
}

export function summarize(
  pages: Array<{ id: string; truthTokens: number; labels: Labelled[] }>,
  maxExamples = 3,
): CategorySummary[] {
  const by = new Map<Category, CategorySummary & { ids: Set<string> }>();
  for (const p of pages) {
    for (const l of p.labels) {
      let s = by.get(l.category);
      if (!s) {
        s = { category: l.category, pages: 0, chunks: 0, tokens: 0, weight: 0, examples: [], ids: new Set() };
        by.set(l.category, s);
      }
      s.chunks++;
      s.tokens += l.chunk.tokens;
      s.weight += l.chunk.tokens / Math.max(1, p.truthTokens);
      s.ids.add(p.id);
      s.examples.push({ id: p.id, tokens: l.chunk.tokens, text: l.chunk.text });
    }
  }
  return [...by.values()]
    .map(({ ids, ...s }) => ({
      ...s,
      pages: ids.size,
      examples: s.examples
        .sort((a, b) => b.tokens - a.tokens)
        .filter((e, i, all) => all.findIndex((x) => x.id === e.id) === i)
        .slice(0, maxExamples),
    }))
    .sort((a, b) => b.weight - a.weight);
}
