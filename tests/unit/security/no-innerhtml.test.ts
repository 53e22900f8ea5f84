// @vitest-environment node
/**
 * One place writes HTML and it sanitises: utils/extract/sanitize.ts. Everywhere else, markup sinks
 * and code evaluation are forbidden. Scans every .ts/.tsx of the repository.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const SKIP_DIRS = new Set(['node_modules', '.output', '.wxt', '.git', 'test-results', 'playwright-report']);
const SKIP_PATHS = ['tests/fixtures'];
const ALLOWED = new Set(['utils/extract/sanitize.ts']);

const RULES: { name: string; re: RegExp }[] = [
  { name: 'innerHTML', re: /\binnerHTML\b/ },
  { name: 'outerHTML assignment', re: /\bouterHTML\s*\+?=(?!=)/ },
  { name: 'insertAdjacentHTML', re: /\binsertAdjacentHTML\b/ },
  { name: 'document.write', re: /\bdocument\s*\.\s*write(ln)?\s*\(/ },
  { name: 'dangerouslySetInnerHTML', re: /\bdangerouslySetInnerHTML\b/ },
  { name: 'eval(', re: /(^|[^\w.$])eval\s*\(/ },
  { name: 'new Function(', re: /\bnew\s+Function\s*\(/ },
];

/** this file names the sinks in RULES; build the names so the scan does not flag itself */
const SELF = relative(ROOT, fileURLToPath(import.meta.url)).split('\\').join('/');

function listSources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (SKIP_DIRS.has(name) || (name.startsWith('.') && name !== '.ci')) continue;
    const full = join(dir, name);
    const rel = relative(ROOT, full).split('\\').join('/');
    if (SKIP_PATHS.some((p) => rel === p || rel.startsWith(`${p}/`))) continue;
    const st = statSync(full);
    if (st.isDirectory()) listSources(full, out);
    else if (/\.(ts|tsx|mts|cts)$/.test(name) && !name.endsWith('.d.ts')) out.push(rel);
  }
  return out;
}

/** drop comments so that prose about a sink is not a finding */
function stripComments(src: string): string {
  return src.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

export function findViolations(rel: string, src: string): string[] {
  if (ALLOWED.has(rel) || rel === SELF) return [];
  const found: string[] = [];
  const lines = stripComments(src).split('\n');
  lines.forEach((line, i) => {
    for (const r of RULES) if (r.re.test(line)) found.push(`${rel}:${i + 1}: ${r.name}`);
  });
  return found;
}

describe('no HTML sinks outside utils/extract/sanitize.ts', () => {
  const files = listSources(ROOT);

  it('scans the repository (sanity: the pipeline and the sanitiser are among the files)', () => {
    expect(files).toContain('utils/extract/index.ts');
    expect(files).toContain('utils/extract/sanitize.ts');
    expect(files.some((f) => f.startsWith('tests/'))).toBe(true);
  });

  it('finds no innerHTML / outerHTML= / insertAdjacentHTML / document.write / dangerouslySetInnerHTML / eval / new Function', () => {
    const violations = files.flatMap((f) => findViolations(f, readFileSync(join(ROOT, f), 'utf8')));
    expect(violations).toEqual([]);
  });

  it('the rules do catch each sink (so the scan cannot silently pass)', () => {
    const samples = [
      'el.inner' + 'HTML = x;',
      'el.outer' + 'HTML = x;',
      'el.insertAdjacent' + 'HTML("beforeend", x);',
      'document.wr' + 'ite(x);',
      '<div dangerouslySet' + 'InnerHTML={{ __html: x }} />',
      'ev' + 'al(code);',
      'new Func' + 'tion("return 1");',
    ];
    for (const s of samples) expect(findViolations('components/x.tsx', s).length, s).toBe(1);
    expect(findViolations('components/x.tsx', 'const a = el.outerHTML === b; // innerHTML in a comment')).toEqual([]);
    expect(findViolations('utils/extract/sanitize.ts', 'el.inner' + 'HTML = x;')).toEqual([]);
  });
});
