/**
 * The popup's current-page card, opened as `popup.html?tabId=N` in a tab of its own (a test cannot
 * click the toolbar button): what it shows for an aggregator article and for a non-article, and
 * that its Read button opens the reader in that page.
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, gotoFixture } from './fixtures';
import { byTestId, collapse, type Expected } from './helpers';
import { AGGREGATOR_FIXTURES } from './paths';

const fixture = (name: string) => {
  const dir = path.join(AGGREGATOR_FIXTURES, name);
  const exp = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
  return { exp, html: fs.readFileSync(path.join(dir, 'page.html')), dir };
};

test('popup card for an aggregator article: headline, original publisher, via; Read opens the reader', async ({ page, server, lectern, extContext, extensionId }) => {
  const { exp, html, dir } = fixture('yahoo-wire-story-continues');
  await gotoFixture(page, server, exp.url, html, dir);
  const tab = await lectern.activeTab();
  expect(tab.url).toBe(exp.url);
  // start from a closed reader (it may have opened by itself on the aggregator page)
  expect(await lectern.closeReader()).toMatchObject({ ok: true });
  await expect(page.locator('lectern-reader')).toHaveCount(0);

  const popup = await extContext.newPage();
  try {
    await popup.goto(`chrome-extension://${extensionId}/popup.html?tabId=${tab.id}`);
    await expect(popup.getByTestId('popup-page-title')).toHaveText(exp.title as string);
    await expect(popup.getByTestId('popup-source')).toHaveText(exp.source?.name as string);
    await expect(popup.getByTestId('popup-via')).toHaveText(/^via\s+yahoo/i);
    const text = collapse(await popup.locator('body').textContent());
    for (const word of ['Subscribe', 'Sign in', 'Open app', 'Advertisement']) expect(text).not.toContain(word);
    await popup.getByTestId('popup-read').click();
    await expect(byTestId(page, 'reader-body')).toHaveCount(1);
    await expect(page.locator('lectern-reader')).toHaveCount(1);
  } finally {
    await popup.close().catch(() => {});
  }
});

test('popup card for a non-article says so; Read shows the message in the page', async ({ page, server, lectern, extContext, extensionId }) => {
  const { exp, html, dir } = fixture('msn-news-feed');
  await gotoFixture(page, server, exp.url, html, dir, 500);
  const tab = await lectern.activeTab();
  const popup = await extContext.newPage();
  try {
    await popup.goto(`chrome-extension://${extensionId}/popup.html?tabId=${tab.id}`);
    await expect(popup.getByTestId('popup-page')).toBeVisible();
    await expect(popup.getByTestId('popup-source')).toHaveCount(0);
    await popup.getByTestId('popup-read').click();
    await expect(byTestId(page, 'reader-message')).toHaveCount(1);
    await expect(byTestId(page, 'reader-body')).toHaveCount(0);
  } finally {
    await popup.close().catch(() => {});
  }
});
