/**
 * README screenshots, made by the suite from the real build: the reader over an aggregator
 * fixture in the light and dark theme, and an RTL article → docs/screenshots/*.png.
 */
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import path from 'node:path';
import { test, expect, gotoFixture } from './fixtures';
import { byTestId, chooseTheme, readerBackgroundLuminance } from './helpers';
import { AGGREGATOR_FIXTURES, E2E_PAGES, SCREENSHOTS } from './paths';

const shot = (name: string) => path.join(SCREENSHOTS, name);
/** No focus ring from the settings clicks in the README pictures. */
const blur = (page: Page) =>
  page.evaluate(() => {
    const inner = document.querySelector('lectern-reader')?.shadowRoot?.activeElement as HTMLElement | null | undefined;
    inner?.blur();
  });

test('screenshots: reader over inkl in light and dark theme', async ({ page, server, lectern }) => {
  const dir = path.join(AGGREGATOR_FIXTURES, 'inkl-modal-scroll-lock');
  const exp = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { url: string };
  await gotoFixture(page, server, exp.url, fs.readFileSync(path.join(dir, 'page.html')), dir);
  expect(await lectern.openReader()).toMatchObject({ ok: true });
  await expect(byTestId(page, 'reader-body')).toBeVisible();
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  try {
    await chooseTheme(page, 'light');
    await expect.poll(() => readerBackgroundLuminance(page)).toBeGreaterThan(0.6);
    await page.waitForTimeout(300); // let the lead image decode
    await blur(page);
    await page.screenshot({ path: shot('reader-light.png') });
    await chooseTheme(page, 'dark');
    await expect.poll(() => readerBackgroundLuminance(page)).toBeLessThan(0.1);
    await page.waitForTimeout(300);
    await blur(page);
    await page.screenshot({ path: shot('reader-dark.png') });
  } finally {
    await chooseTheme(page, 'light').catch(() => {});
  }
  for (const f of ['reader-light.png', 'reader-dark.png']) expect(fs.statSync(shot(f)).size).toBeGreaterThan(10_000);
});

test('screenshot: RTL article', async ({ page, server, lectern }) => {
  await gotoFixture(page, server, 'https://www.greenvalleypaper.example/ar/2026/05/09/mobile-library-valley-villages/', fs.readFileSync(path.join(E2E_PAGES, 'rtl.html')), null, 500);
  expect(await lectern.openReader()).toMatchObject({ ok: true });
  await expect(byTestId(page, 'reader-body')).toBeVisible();
  await page.screenshot({ path: shot('reader-rtl.png') });
  expect(fs.statSync(shot('reader-rtl.png')).size).toBeGreaterThan(10_000);
});
