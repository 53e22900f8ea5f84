/**
 * Importing a file bigger than one extension message could carry (Chrome refuses any message
 * over 64 MiB): a Lectern JSON backup of ~72 MiB, chosen with the library page's real file
 * picker, is read in the page with a progress bar, previewed and imported there (no message
 * carries it), its items arrive with their content, and once the background has sanitised and
 * indexed them (the panel says so) their body words are found by search. The file is big but
 * cheap: a few items whose html is one long plain paragraph each.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, expect } from './fixtures';
import { clearSaved, listSaved } from './helpers';

const ITEMS = 9;
const PARAGRAPH_CHARS = 8_000_000;
const WORDS = ['harbour', 'council', 'river', 'budget', 'ferry', 'school', 'rail', 'market', 'winter', 'garden'];

/** A Lectern JSON export of ITEMS items, each ~8 MB of plain text in one paragraph. */
function bigBackup(file: string): number {
  const unit = `${WORDS.join(' ')} `;
  const body = unit.repeat(Math.ceil(PARAGRAPH_CHARS / unit.length)).slice(0, PARAGRAPH_CHARS);
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, '{"format":"lectern","version":1,"exportedAt":"2026-03-10T09:00:00.000Z","items":[');
    for (let i = 0; i < ITEMS; i++) {
      const head = JSON.stringify({
        url: `https://www.inkl.com/news/big-backup-${i}`,
        title: `Big backup story ${i}`,
        byline: 'Ada Reyes',
        source: { name: 'Harbor Business Daily', url: `https://publisher.example/big-${i}` },
        aggregator: 'inkl',
        published: '2026-03-01',
        savedAt: new Date(Date.UTC(2026, 2, 1, 9) + i * 3_600_000).toISOString(),
        tags: ['backup'],
        archived: false,
        favourite: i === 0,
        hasContent: true,
      }).slice(0, -1);
      fs.writeSync(fd, `${i ? ',' : ''}${head},"html":"<p>story${i}marker ${body}</p>"}`);
    }
    fs.writeSync(fd, ']}');
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}

test('a Lectern backup over 64 MiB imports through the library page (preview, then Import)', async ({ lectern, extContext, extensionId }) => {
  test.setTimeout(180_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-big-import-'));
  const file = path.join(dir, 'lectern-backup.json');
  const size = bigBackup(file);
  expect(size).toBeGreaterThan(64 * 1024 * 1024);
  await clearSaved(lectern);
  const lib = await extContext.newPage();
  try {
    await lib.goto(`chrome-extension://${extensionId}/library.html`);
    await expect(lib.getByTestId('lib-empty')).toContainText('Nothing saved yet');
    await lib.getByTestId('lib-import-toggle').click();
    const preview = lib.getByTestId('import-preview');
    const failed = lib.getByTestId('import-failed');
    // (when the page sent the file in one message: "Could not import: … Message exceeded maximum allowed size of 64MiB.")
    const noFailure = async () => expect((await failed.count()) ? await failed.textContent() : null, 'the import panel shows a failure').toBeNull();
    await lib.getByTestId('import-file').setInputFiles(file);
    // reading ~72 MiB takes a moment: the panel shows how far it got
    const progress = lib.getByRole('progressbar', { name: 'Reading the import file' });
    await expect(progress.or(failed)).toBeVisible();
    await noFailure();
    await expect(lib.getByTestId('import-progress')).toContainText(/Reading lectern-backup\.json… \d+%/);
    await expect(preview.or(failed)).toBeVisible({ timeout: 60_000 });
    await noFailure();
    await expect(preview).toContainText(`lectern-backup.json (Lectern JSON): ${ITEMS} new, 0 already in the library, 0 with errors.`, {
      timeout: 60_000,
    });
    // the preview writes nothing
    expect(await listSaved(lectern)).toEqual([]);

    await lib.getByTestId('import-confirm').click();
    const result = lib.getByTestId('import-result');
    await expect(result.or(failed)).toBeVisible({ timeout: 60_000 });
    await noFailure();
    await expect(result).toContainText(`Imported ${ITEMS};`);
    await expect(lib.getByTestId('saved-row')).toHaveCount(ITEMS);
    // sanitised and indexed after the import: then a word only in one body finds that article
    await expect(lib.getByTestId('import-indexed')).toBeVisible({ timeout: 90_000 });
    await lib.getByTestId('lib-search').fill('story4marker');
    await expect(lib.getByTestId('saved-row').getByTestId('row-title')).toHaveText(['Big backup story 4']);

    const items = await listSaved(lectern);
    expect(items.map((i) => i.title).sort()).toEqual(Array.from({ length: ITEMS }, (_, i) => `Big backup story ${i}`).sort());
    for (const item of items) {
      expect(item).toMatchObject({ hasContent: true, tags: ['backup'], source: { name: 'Harbor Business Daily' } });
      // the whole paragraph arrived: ~8 MB of ten-letter-ish words
      expect(item.words).toBeGreaterThan(1_000_000);
    }
    const one = await lectern.call('getSaved', items.find((i) => i.title === 'Big backup story 4')!.id);
    expect(one.ok).toBe(true);
    const html = (one.item as { html: string }).html;
    expect(html.startsWith('<p>story4marker harbour council')).toBe(true);
    expect(html.length).toBeGreaterThan(PARAGRAPH_CHARS);
  } finally {
    await lib.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/**
 * A backup as Lectern writes it (every item with `words` and `excerpt`): its article bodies are
 * stored as ranges of the library's own copy of the file, so the chosen file can be deleted the
 * moment Import is done — every article still comes out whole, sanitised, and found by search.
 */
test('a Lectern backup: the chosen file can be deleted right after Import; every article comes out whole and sanitised', async ({ lectern, extContext, extensionId }) => {
  test.setTimeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lectern-backup-import-'));
  const file = path.join(dir, 'lectern-backup.json');
  const N = 40;
  const paragraph = (i: number) => `<p>${WORDS.map((w, k) => `${w}${(i * 7 + k) % 13}`).join(' ')} «ñ» 😀 مرحبا ${'lorem ipsum dolor '.repeat(200)}</p>`;
  const items = Array.from({ length: N }, (_, i) => ({
    url: `https://www.inkl.com/news/backup-${i}`,
    title: `Backup story ${i}`,
    source: { name: 'Harbor Business Daily', url: `https://publisher.example/backup-${i}` },
    aggregator: 'inkl',
    savedAt: new Date(Date.UTC(2026, 2, 1, 9) + i * 60_000).toISOString(),
    tags: ['backup'],
    hasContent: true,
    words: 620,
    excerpt: `Excerpt ${i}`,
    html:
      i === 7
        ? `<p onclick="steal()">wombatmarker tide <a href="javascript:alert(1)">here</a><script>alert(1)</script></p>${paragraph(i)}`
        : `<h2>Part ${i}</h2>${paragraph(i)}<p>ending${i}word</p>`,
  }));
  fs.writeFileSync(file, JSON.stringify({ format: 'lectern', version: 1, exportedAt: '2026-03-10T09:00:00.000Z', items }));
  await clearSaved(lectern);
  const lib = await extContext.newPage();
  try {
    await lib.goto(`chrome-extension://${extensionId}/library.html`);
    await lib.getByTestId('lib-import-toggle').click();
    await lib.getByTestId('import-file').setInputFiles(file);
    await expect(lib.getByTestId('import-preview')).toContainText(`lectern-backup.json (Lectern JSON): ${N} new, 0 already in the library, 0 with errors.`);
    await lib.getByTestId('import-confirm').click();
    await expect(lib.getByTestId('import-result')).toContainText(`Imported ${N};`);
    // the library needs the chosen file no more
    fs.rmSync(file);
    await expect(lib.getByTestId('import-indexed')).toBeVisible({ timeout: 90_000 });
    await lib.getByTestId('lib-search').fill('ending23word');
    await expect(lib.getByTestId('saved-row').getByTestId('row-title')).toHaveText(['Backup story 23']);

    const saved = await listSaved(lectern);
    expect(saved).toHaveLength(N);
    for (const item of saved) {
      const i = Number(item.title.replace('Backup story ', ''));
      expect(item).toMatchObject({ hasContent: true, words: 620, tags: ['backup'] });
      const got = await lectern.call('getSaved', item.id);
      const html = (got.item as { html: string }).html;
      expect(html, item.title).toContain(i === 7 ? 'wombatmarker tide' : `ending${i}word`);
      expect(html).toContain('«ñ» 😀 مرحبا');
      expect(html).not.toMatch(/<script|onclick|javascript:/i);
    }
  } finally {
    await lib.close().catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
