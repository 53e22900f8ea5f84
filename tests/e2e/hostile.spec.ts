/**
 * Pages that fight overlays (tests/e2e/pages/hostile.html, fictional text). The page's behaviour is
 * chosen with ?mode=: remove (deletes every element it did not ship with, from <html> and <body>,
 * every 250 ms), dialog (its own modal <dialog> 1 s after load), hide (`* { display:none !important }`
 * 1 s after load), lock (scroll lock: overflow hidden + position fixed + wheel/keys swallowed).
 * The reader must stay attached and on top, scroll, close with Esc and with its Close button, and
 * leave the page's DOM as it was.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, gotoFixture, type FixtureServer, type Lectern } from './fixtures';
import { byTestId, domSnapshot, hostCount, notOnTop, overlayScrollTop, overlayText, testIdText } from './helpers';
import { E2E_PAGES } from './paths';

const BASE = 'https://www.gullpointchronicle.example/science/2026/04/18/lighthouse-logbooks-century-of-storms/';
const HTML = fs.readFileSync(path.join(E2E_PAGES, 'hostile.html'));
const MUST_CONTAIN = [
  'Volunteers transcribing the handwritten logbooks of the Gull Point light have finished the last of 41 volumes',
  'Volunteers who want to help with the next two lights can sign up at the library\'s front desk; no experience is needed, only patience with old handwriting.',
];
const MUST_NOT_CONTAIN = ['Reader survey: tell us what you think', 'Before you go: take our two-minute reader survey', 'Take the survey', 'Harbour · Weather · Letters', 'Harbour Street, Gull Point'];

async function open(page: Page, lectern: Lectern): Promise<void> {
  const res = await lectern.openReader();
  expect(res, JSON.stringify(res)).toMatchObject({ ok: true });
  await expect(byTestId(page, 'reader-body')).toHaveCount(1);
}

async function expectReaderHealthy(page: Page, when: string): Promise<void> {
  expect(await hostCount(page), `one <lectern-reader> attached ${when}`).toBe(1);
  expect(await notOnTop(page), `overlay topmost ${when}`).toEqual([]);
  await expect(byTestId(page, 'reader-body'), `reader-body visible ${when}`).toBeVisible();
  const body = await testIdText(page, 'reader-body');
  for (const s of MUST_CONTAIN) expect(body, `reader-body ${when}`).toContain(s);
  const all = await overlayText(page);
  for (const s of MUST_NOT_CONTAIN) expect(all, `overlay text ${when}`).not.toContain(s);
}

async function expectScrolls(page: Page): Promise<void> {
  const start = await overlayScrollTop(page);
  expect(start, 'the overlay has a scrollable article area').not.toBeNull();
  // wheel over the middle of the reader
  await page.mouse.move(640, 400);
  await page.mouse.wheel(0, 600);
  await expect.poll(() => overlayScrollTop(page), { message: 'scrollTop changes on wheel', timeout: 3000 }).toBeGreaterThan(start as number);
  // keyboard: click into the article text, then PageDown
  const afterWheel = (await overlayScrollTop(page)) as number;
  await byTestId(page, 'reader-body').locator('p').nth(3).click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('PageDown');
  await expect.poll(() => overlayScrollTop(page), { message: 'scrollTop changes on PageDown', timeout: 3000 }).toBeGreaterThan(afterWheel);
}

async function runHostile(page: Page, server: FixtureServer, lectern: Lectern, modes: string[]): Promise<void> {
  const url = `${BASE}?${modes.map((m) => `mode=${m}`).join('&')}`;
  await gotoFixture(page, server, url, HTML, null, 0);
  const dialogMode = modes.includes('dialog') || modes.includes('all');
  const before = await domSnapshot(page, { ignoreDialogOpen: dialogMode });

  // Open before the page's 1 s attacks, so they happen while the reader is open.
  await open(page, lectern);
  await expectReaderHealthy(page, 'right after opening');
  await page.waitForTimeout(3000);
  await expectReaderHealthy(page, '3 s after opening');
  if (modes.includes('remove') || modes.includes('all')) {
    expect(await page.evaluate(() => (window as unknown as { __hostileRemoved?: number }).__hostileRemoved ?? 0), 'the page really removed the overlay').toBeGreaterThan(0);
  }
  await expectScrolls(page);

  // Esc closes it, and the page is as before
  await page.keyboard.press('Escape');
  await expect(page.locator('lectern-reader'), 'Esc closes the reader').toHaveCount(0);
  expect(await domSnapshot(page, { ignoreDialogOpen: dialogMode }), 'page DOM after Esc').toEqual(before);

  // Open again (the page's attacks are in place now) and close with the Close button
  await open(page, lectern);
  await expectReaderHealthy(page, 'when opened over an already hostile page');
  await page.waitForTimeout(1000);
  await expectReaderHealthy(page, '1 s after re-opening');
  await byTestId(page, 'reader-close').click();
  await expect(page.locator('lectern-reader'), 'reader-close closes the reader').toHaveCount(0);
  expect(await domSnapshot(page, { ignoreDialogOpen: dialogMode }), 'page DOM after reader-close').toEqual(before);
  await page.waitForTimeout(500);
  await expect(page.locator('lectern-reader'), 'the reader stays closed').toHaveCount(0);
}

for (const mode of ['remove', 'dialog', 'hide', 'lock']) {
  test(`hostile page (${mode}): overlay stays attached and on top, scrolls, closes cleanly`, async ({ page, server, lectern }) => {
    await runHostile(page, server, lectern, [mode]);
  });
}

test('hostile page (all attacks at once)', async ({ page, server, lectern }) => {
  await runHostile(page, server, lectern, ['all']);
});
