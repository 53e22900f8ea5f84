/**
 * The two bench commands as outside scorers run them (tsx, real pipeline, real jsdom).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../../..', import.meta.url));

function runTs(script: string, args: string[]): string {
  return execFileSync(process.execPath, ['--import', 'tsx', join(REPO, script), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
}

const PARAS = [
  'The harbour authority confirmed on Monday that the old ferry terminal will close at the end of the month, ending more than sixty years of service to the island communities.',
  'Commuters who relied on the early crossing said the decision had come without warning, and several local councillors called for a public meeting before any contracts are signed.',
  'A spokesperson for the authority said a temporary pontoon would keep a reduced timetable running while the new terminal is built on the northern side of the bay.',
  'Construction is expected to take eighteen months. The budget, approved last year, includes a covered waiting area, step-free access and charging points for electric vessels.',
  'Residents will be able to comment on the plans at the library until the fifteenth of next month, and the full documents are available at the harbour office.',
];

function articlePage(title: string): string {
  return `<!doctype html><html lang="en"><head><title>${title}</title></head><body>
<header><nav><a href="/">Home</a> <a href="/news">News</a></nav></header>
<main><article><h1>${title}</h1>${PARAS.map((p) => `<p>${p}</p>`).join('\n')}</article></main>
<footer>Harbour Gazette</footer></body></html>`;
}

/** temporary folders the tests made, removed after them */
const made: string[] = [];
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

describe('npm run bench:extract', () => {
  it('writes one entry per page with the scorer fields, using ground-truth URLs, and survives a broken file', () => {
    const root = mkdtempSync(join(tmpdir(), 'lectern-bench-cli-'));
    made.push(root);
    const dir = join(root, 'html');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ferry.html'), articlePage('Ferry terminal to close'));
    writeFileSync(join(dir, 'ferry2.html.gz'), gzipSync(Buffer.from(articlePage('Ferry terminal closure — café owners react'), 'utf8')));
    writeFileSync(join(dir, 'broken.html.gz'), Buffer.from([0x1f, 0x8b, 0x00, 0x01, 0x02]));
    writeFileSync(
      join(root, 'ground-truth.json'),
      JSON.stringify({ ferry: { url: 'https://gazette.example/news/ferry', articleBody: '' } }),
    );
    const out = join(root, 'pred.json');
    runTs('bench/extract.ts', ['--in', dir, '--out', out, '--quiet']);
    const pred = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(pred).sort()).toEqual(['broken', 'ferry', 'ferry2']);

    for (const id of ['ferry', 'ferry2']) {
      const e = pred[id];
      expect(e.error).toBeUndefined();
      expect(typeof e.ms).toBe('number');
      expect(e.ms).toBeGreaterThan(0);
      expect(e.articleBody).toContain(PARAS[0]);
      expect(e.articleBody).toContain(PARAS[4]);
      // block elements separated by newlines
      expect(e.articleBody.split('\n').length).toBeGreaterThanOrEqual(PARAS.length);
      expect(e).toHaveProperty('title');
      expect(e).toHaveProperty('byline');
      expect(e).toHaveProperty('siteName');
    }
    expect(pred.ferry.url).toBe('https://gazette.example/news/ferry');
    expect(pred.ferry2.url).toBe('https://example.invalid/ferry2');
    expect(pred.ferry2.title).toContain('café');

    expect(pred.broken.articleBody).toBe('');
    expect(pred.broken.error).toMatch(/load/);
  });
});

describe('npm run bench:quality', () => {
  it('skips cleanly when the benchmark folder is absent', () => {
    const stdout = runTs('bench/quality.ts', ['--bench', join(tmpdir(), 'no-such-bench-folder')]);
    expect(stdout).toMatch(/^skipped: .*not found/m);
  });
});
