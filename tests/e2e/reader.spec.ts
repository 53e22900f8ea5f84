/**
 * The reader over every fixture page: tests/fixtures/aggregators/<name>/ (expected.json) and the
 * pipeline owner's tests/fixtures/pages/<adapter>--<slug>.html (header on the first line).
 * Each page is served at its real URL, its scripts get 2.2 s, then we check what a user sees.
 */
import { test, expect, gotoFixture } from './fixtures';
import {
  aggregatorFixtures,
  byTestId,
  collapse,
  countOccurrences,
  hostCount,
  normByline,
  notOnTop,
  overlayText,
  pipelinePages,
  testIdText,
  type PageFixture,
} from './helpers';

const AGGREGATOR_IDS = ['inkl', 'msn', 'yahoo', 'yahoo-japan', 'aol', 'flipboard', 'newsbreak', 'smartnews', 'groundnews', 'newsnow'];
/** How "via <aggregator>" may spell each aggregator. */
const VIA_NAME: Record<string, RegExp> = {
  inkl: /inkl/i,
  msn: /msn/i,
  yahoo: /yahoo/i,
  'yahoo-japan': /yahoo/i,
  aol: /aol/i,
  flipboard: /flipboard/i,
  newsbreak: /news\s?break/i,
  smartnews: /smart\s?news/i,
  groundnews: /ground\s?news/i,
  newsnow: /news\s?now/i,
};

const pages: PageFixture[] = [...aggregatorFixtures(), ...pipelinePages()];

test('every aggregator fixture is exercised', () => {
  // 12 fixtures were shipped; the suite must not silently lose any.
  expect(aggregatorFixtures().length).toBeGreaterThanOrEqual(12);
});

for (const fx of pages) {
  const exp = fx.expected;
  // The pipeline pages' header may omit the kind/aggregator; the adapter name is the file prefix.
  const adapter = fx.origin === 'pages' ? fx.name.split('--')[0] : undefined;
  const expectedAggregator =
    'aggregator' in exp ? exp.aggregator : adapter && AGGREGATOR_IDS.includes(adapter) ? adapter : undefined;

  test(`${fx.origin}/${fx.name}${exp.kind ? ` (${exp.kind})` : ''}`, async ({ page, server, lectern }) => {
    // the shared aggregator fixtures need no network at all; the pipeline's own pages may load
    // resources they don't ship (see FixtureServer.serve), which are then not held against Lectern
    await gotoFixture(page, server, fx.url, fx.html, fx.assetDir, 2200, { pageOwned: fx.origin === 'pages' });

    // ---- pageInfo (the popup's current-page card)
    const info = await lectern.pageInfo();
    expect(info, JSON.stringify(info)).toMatchObject({ ok: true });
    if (exp.kind) expect(info.isArticle, 'isArticle').toBe(exp.kind !== 'not-article');
    if (expectedAggregator !== undefined) expect(info.aggregator, 'aggregator').toBe(expectedAggregator);
    const isArticle = exp.kind ? exp.kind !== 'not-article' : info.isArticle === true;

    if (isArticle) {
      if (exp.title != null) expect(collapse(info.title as string), 'pageInfo.title').toBe(collapse(exp.title));
      if ('byline' in exp) {
        if (exp.byline == null) expect(info.byline ?? null, 'pageInfo.byline').toBeNull();
        else expect(normByline(info.byline as string), 'pageInfo.byline').toBe(normByline(exp.byline));
      }
      if ('source' in exp) expect(info.source ?? null, 'pageInfo.source').toEqual(exp.source);
      if ('published' in exp) {
        if (exp.published == null) expect(info.published ?? null, 'pageInfo.published').toBeNull();
        else {
          expect(typeof info.published, 'pageInfo.published is a string').toBe('string');
          expect(Date.parse(info.published as string), `pageInfo.published ${String(info.published)}`).toBe(Date.parse(exp.published));
        }
      }
      expect(typeof info.readingMinutes === 'number' && (info.readingMinutes as number) >= 1, `readingMinutes ${String(info.readingMinutes)}`).toBe(true);
    } else {
      // A non-article reveals nothing article-like.
      expect(info.source ?? null, 'pageInfo.source').toBeNull();
      expect(info.byline ?? null, 'pageInfo.byline').toBeNull();
      expect(info.published ?? null, 'pageInfo.published').toBeNull();
    }

    if (!isArticle) {
      // ---- not an article: nothing opened by itself; Read shows a message, not a body
      expect(await hostCount(page), 'a reader was opened by itself on a non-article page').toBe(0);
      const res = await lectern.openReader();
      expect(res).toMatchObject({ ok: false, error: 'not-article' });
      await expect(byTestId(page, 'reader-message')).toBeVisible();
      await expect(byTestId(page, 'reader-body')).toHaveCount(0);
      const msgText = await overlayText(page);
      for (const word of ['Subscribe', 'Sign in', 'Open app', 'Advertisement']) expect(msgText).not.toContain(word);
      // "a way to show the page anyway": the message offers a button that reads the page regardless
      const force = byTestId(page, 'reader-message').getByRole('button');
      await expect(force, 'reader-message offers a way to read the page anyway').toHaveCount(1);
      await force.click();
      await expect(byTestId(page, 'reader-body').or(byTestId(page, 'reader-message').filter({ hasNotText: msgText.slice(0, 20) }))).toHaveCount(1);
      expect(await hostCount(page)).toBe(1);
      expect(await lectern.closeReader()).toMatchObject({ ok: true });
      await expect(page.locator('lectern-reader')).toHaveCount(0);
      return;
    }

    // ---- article: Read → the overlay with the clean article
    test.info().annotations.push({ type: 'auto-opened', description: String((await hostCount(page)) > 0) });
    const t0 = Date.now();
    const res = await lectern.openReader();
    test.info().annotations.push({ type: 'openReader-ms', description: String(Date.now() - t0) });
    expect(res, JSON.stringify(res)).toMatchObject({ ok: true });
    expect(await hostCount(page), 'exactly one <lectern-reader>').toBe(1);
    await expect(byTestId(page, 'reader-body')).toHaveCount(1);
    expect(await notOnTop(page), 'overlay not topmost right after opening').toEqual([]);

    const body = await testIdText(page, 'reader-body');
    for (const s of exp.mustContain ?? []) {
      expect.soft(countOccurrences(body, collapse(s)), `reader-body must contain exactly once: ${s}`).toBe(1);
    }
    const all = await overlayText(page);
    for (const s of exp.mustNotContain ?? []) {
      expect.soft(all.includes(s), `overlay must not contain: ${s}`).toBe(false);
    }
    for (const word of ['Subscribe', 'Sign in', 'Open app', 'Advertisement']) {
      expect.soft(all.includes(word), `overlay must not contain the wall word "${word}"`).toBe(false);
    }

    // header
    if (exp.title != null) expect(await testIdText(page, 'reader-title')).toBe(collapse(exp.title));
    if ('byline' in exp) {
      if (exp.byline == null) await expect(byTestId(page, 'reader-byline')).toHaveCount(0);
      else expect(normByline(await testIdText(page, 'reader-byline'))).toBe(normByline(exp.byline));
    }
    if ('source' in exp && exp.source) {
      const src = byTestId(page, 'reader-source');
      await expect(src).toHaveCount(1);
      expect(await testIdText(page, 'reader-source'), 'reader-source holds the publisher name only').toBe(collapse(exp.source.name));
      const link = await src.evaluate((el) => ({ tag: el.localName, href: el.getAttribute('href'), nested: el.querySelectorAll('a').length }));
      if (exp.source.url) expect(link, 'reader-source is a link to the original article').toEqual({ tag: 'a', href: exp.source.url, nested: 0 });
      else expect(link.tag === 'a' || link.nested > 0, 'reader-source must not be a link when the original URL is unknown').toBe(false);
    }
    if (expectedAggregator) {
      const via = await testIdText(page, 'reader-via');
      expect(via, 'reader-via').toMatch(/^via\b/i);
      expect(via, 'reader-via names the aggregator').toMatch(VIA_NAME[expectedAggregator] ?? new RegExp(expectedAggregator, 'i'));
    } else if (expectedAggregator === null) {
      await expect(byTestId(page, 'reader-via')).toHaveCount(0);
    }
    for (const id of ['reader-save', 'reader-close', 'reader-settings']) await expect(byTestId(page, id)).toHaveCount(1);
    if (exp.lang || exp.dir) {
      const ld = await byTestId(page, 'reader-body').evaluate((el) => ({
        lang: el.closest('[lang]')?.getAttribute('lang') ?? null,
        dir: el.closest('[dir]')?.getAttribute('dir') ?? null,
      }));
      if (exp.lang) expect(ld.lang, 'lang of the article inside the overlay').toBe(exp.lang);
      if (exp.dir) expect(ld.dir ?? 'ltr', 'dir of the article inside the overlay').toBe(exp.dir);
    }

    // images: the lead image once (compared by file name, README), loaded; no publisher logo
    const images = await page.evaluate(async () => {
      const root = document.querySelector('lectern-reader')?.shadowRoot;
      const imgs = [...(root?.querySelectorAll('img') ?? [])];
      await Promise.all(imgs.map((i) => (i.complete ? null : new Promise((r) => i.addEventListener('load', r, { once: true }) ?? setTimeout(r, 1000)))));
      return imgs.map((i) => ({ file: decodeURIComponent(new URL(i.currentSrc || i.src, location.href).pathname.split('/').pop() ?? ''), loaded: i.naturalWidth > 0 }));
    });
    if (exp.leadImage) {
      const lead = images.filter((i) => i.file === exp.leadImage);
      expect.soft(lead.length, `lead image ${exp.leadImage} shown exactly once (images: ${images.map((i) => i.file).join(', ')})`).toBe(1);
      expect.soft(lead.every((i) => i.loaded), 'lead image loaded').toBe(true);
    }
    expect.soft(images.filter((i) => /-logo\.svg$/.test(i.file)).map((i) => i.file), 'publisher logos are page chrome, not article').toEqual([]);

    // still there, still on top, seconds later (page scripts had time to fight back)
    await page.waitForTimeout(3000);
    expect(await hostCount(page), 'exactly one <lectern-reader> 3 s later').toBe(1);
    expect(await notOnTop(page), 'overlay not topmost 3 s after opening').toEqual([]);
    expect(await testIdText(page, 'reader-body'), 'body unchanged 3 s later').toBe(body);

    // openReader only ever opens
    expect(await lectern.openReader()).toMatchObject({ ok: true });
    expect(await hostCount(page)).toBe(1);

    expect(await lectern.closeReader()).toMatchObject({ ok: true });
    await expect(page.locator('lectern-reader')).toHaveCount(0);
  });
}
