/**
 * Saving from the reader and the library hooks (saveArticle, listSaved, getSaved, exportLibrary,
 * importLibrary, clearLibrary) in the real build: what a user gets in the library after pressing
 * Save, with the original publisher's attribution, one entry per article.
 */
import type { Page } from '@playwright/test';
import { test, expect, gotoFixture, type Lectern } from './fixtures';
import { byTestId, collapse, countOccurrences, normByline, type ContractItem, readFixture as fixture, listSaved as list, clearSaved as clear } from './helpers';

type Item = ContractItem;

/** textContent (whitespace collapsed) of an HTML string, parsed inertly by the page's DOMParser. */
const htmlText = (page: Page, html: string) =>
  page.evaluate((h) => new DOMParser().parseFromString(h, 'text/html').body.textContent ?? '', html).then(collapse);

test.describe('library', () => {
  test.beforeEach(async ({ page, server, lectern }) => {
    // the hooks need a tab only for saveArticle; clear first so every test starts empty
    void page;
    void server;
    await clear(lectern);
  });
  test.afterEach(async ({ lectern }) => {
    await lectern.call('clearLibrary');
  });

  test('Save in the reader stores the article once, credited to the original publisher', async ({ page, server, lectern }) => {
    const { exp, html, dir } = fixture('inkl-modal-scroll-lock');
    await gotoFixture(page, server, exp.url, html, dir);
    expect(await lectern.openReader()).toMatchObject({ ok: true });
    const save = byTestId(page, 'reader-save');
    await expect(save).toBeEnabled();
    await save.click();
    await expect.poll(async () => (await list(lectern)).length, { message: 'one item after Save' }).toBe(1);

    const [item] = await list(lectern);
    expect(item.url).toBe(exp.url);
    expect(collapse(item.title)).toBe(exp.title);
    expect(normByline(item.byline)).toBe(normByline(exp.byline));
    expect(item.source).toEqual(exp.source);
    expect(item.aggregator).toBe('inkl');
    expect(Date.parse(item.published as string)).toBe(Date.parse(exp.published as string));
    expect(Number.isNaN(Date.parse(item.savedAt))).toBe(false);
    expect(Math.abs(Date.parse(item.savedAt) - Date.now())).toBeLessThan(120_000);
    expect(item).toMatchObject({ hasContent: true, archived: false, favourite: false, tags: [] });
    expect(item.words).toBeGreaterThan(200);

    // the saved copy is the clean article
    const got = await lectern.call('getSaved', item.id);
    expect(got).toMatchObject({ ok: true });
    const text = await htmlText(page, (got.item as Item).html ?? '');
    for (const s of exp.mustContain) expect.soft(countOccurrences(text, collapse(s)), s).toBe(1);
    for (const s of exp.mustNotContain) expect.soft(text.includes(s), `saved copy must not contain: ${s}`).toBe(false);

    // the button says so; saving again updates the one entry
    await expect(save).not.toHaveText(/^\s*Save\s*$/);
    const again = await lectern.callTab('saveArticle');
    expect(again).toMatchObject({ ok: true, id: item.id, updated: true });
    expect((await list(lectern)).map((i) => i.id)).toEqual([item.id]);
  });

  test('saveArticle works on an aggregator page without opening the reader; newest first', async ({ page, server, lectern }) => {
    const a = fixture('yahoo-wire-story-continues');
    await gotoFixture(page, server, a.exp.url, a.html, a.dir);
    const first = await lectern.callTab('saveArticle');
    expect(first).toMatchObject({ ok: true, updated: false });
    const b = fixture('newsbreak-sticky-bars');
    await gotoFixture(page, server, b.exp.url, b.html, b.dir);
    const second = await lectern.callTab('saveArticle');
    expect(second).toMatchObject({ ok: true, updated: false });
    const items = await list(lectern);
    expect(items.map((i) => i.url)).toEqual([b.exp.url, a.exp.url]);
    expect(items.map((i) => i.source)).toEqual([b.exp.source, a.exp.source]);
    expect(items.map((i) => i.aggregator)).toEqual(['newsbreak', 'yahoo']);
  });

  test('a non-article page is saved as a link without content', async ({ page, server, lectern }) => {
    const { exp, html, dir } = fixture('msn-news-feed');
    await gotoFixture(page, server, exp.url, html, dir);
    const res = await lectern.callTab('saveArticle');
    expect(res).toMatchObject({ ok: true, updated: false });
    const [item] = await list(lectern);
    expect(item).toMatchObject({ url: exp.url, hasContent: false });
    expect((await lectern.call('getSaved', item.id)).ok).toBe(true);
  });

  test('tracking parameters and fragments do not make a second entry', async ({ page, server, lectern }) => {
    // msn-continue-reading reveals no original URL, so the entry is identified by its own URL
    const { exp, html, dir } = fixture('msn-continue-reading');
    await gotoFixture(page, server, exp.url, html, dir);
    const first = await lectern.callTab('saveArticle');
    expect(first).toMatchObject({ ok: true, updated: false });
    const tracked = `${exp.url}?utm_source=newsletter&utm_medium=email&fbclid=abc123#comments`;
    await gotoFixture(page, server, tracked, html, dir);
    const second = await lectern.callTab('saveArticle');
    expect(second).toMatchObject({ ok: true, id: first.id, updated: true });
    expect(await list(lectern)).toHaveLength(1);
  });

  test('export to Lectern JSON, clear, import: the same library; importing twice skips', async ({ page, server, lectern }) => {
    for (const name of ['aol-split-body-hidden', 'smartnews-script-wall']) {
      const { exp, html, dir } = fixture(name);
      await gotoFixture(page, server, exp.url, html, dir, 1500);
      expect(await lectern.callTab('saveArticle')).toMatchObject({ ok: true });
    }
    const before = await list(lectern);
    expect(before).toHaveLength(2);

    const exported = await lectern.call('exportLibrary', 'json');
    expect(exported).toMatchObject({ ok: true });
    expect(exported.filename as string).toMatch(/\.json$/);
    const doc = JSON.parse(exported.text as string) as { format: string; version: number; exportedAt: string; items: Item[] };
    expect(doc.format).toBe('lectern');
    expect(Number.isInteger(doc.version)).toBe(true);
    expect(Number.isNaN(Date.parse(doc.exportedAt))).toBe(false);
    expect(doc.items.map((i) => i.id).sort()).toEqual(before.map((i) => i.id).sort());
    for (const i of doc.items) expect(typeof i.html).toBe('string');

    await clear(lectern);
    const imported = await lectern.call('importLibrary', 'json', exported.text);
    expect(imported).toMatchObject({ ok: true, imported: 2, skipped: 0, errors: [] });
    const after = await list(lectern);
    const pick = (items: Item[]) => items.map(({ id, url, title, byline, source, aggregator, published, savedAt, hasContent }) => ({ id, url, title, byline, source, aggregator, published, savedAt, hasContent }));
    expect(pick(after)).toEqual(pick(before));

    const twice = await lectern.call('importLibrary', 'json', exported.text);
    expect(twice).toMatchObject({ ok: true, imported: 0, skipped: 2 });
    expect(await list(lectern)).toHaveLength(2);

    const broken = await lectern.call('importLibrary', 'json', '{"format": "lectern", "items": [');
    expect(broken.ok).toBe(false);
    expect(typeof broken.error).toBe('string');
    expect(await list(lectern)).toHaveLength(2);
  });
});
