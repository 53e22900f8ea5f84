/** Keyboard focus stays in the reader dialog; theme and text size apply and persist. */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, gotoFixture } from './fixtures';
import { byTestId, changeFontSize, chooseTheme, host, readerBackgroundLuminance, readerFontSize } from './helpers';
import { AGGREGATOR_FIXTURES } from './paths';

const fixture = (name: string) => {
  const dir = path.join(AGGREGATOR_FIXTURES, name);
  const exp = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as { url: string };
  return { url: exp.url, html: fs.readFileSync(path.join(dir, 'page.html')), dir };
};

/** Where keyboard focus is: inside Lectern's shadow root (and what), or elsewhere. */
const focusInfo = (page: Page) =>
  page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a.localName !== 'lectern-reader') return { inside: false, what: a ? a.localName + (a.id ? '#' + a.id : '') : 'none' };
    const inner = a.shadowRoot?.activeElement;
    return { inside: !!inner, what: inner ? inner.localName + (inner.getAttribute('data-testid') ? `[${inner.getAttribute('data-testid')}]` : '') : 'host only' };
  });

test('focus moves into the reader and Tab / Shift+Tab stay inside it', async ({ page, server, lectern }) => {
  // inkl's own modal dialog with buttons sits under the reader: focus must not leak to it
  const fx = fixture('inkl-modal-scroll-lock');
  await gotoFixture(page, server, fx.url, fx.html, fx.dir);
  expect(await lectern.openReader()).toMatchObject({ ok: true });
  await expect(host(page).getByRole('dialog')).toHaveCount(1);
  await expect.poll(async () => (await focusInfo(page)).inside, { message: 'focus moved into the reader' }).toBe(true);

  const seen = new Set<string>();
  for (let i = 0; i < 30; i++) {
    await page.keyboard.press('Tab');
    const f = await focusInfo(page);
    expect(f.inside, `after Tab #${i + 1} focus is on ${f.what}`).toBe(true);
    seen.add(f.what);
  }
  for (let i = 0; i < 12; i++) {
    await page.keyboard.press('Shift+Tab');
    const f = await focusInfo(page);
    expect(f.inside, `after Shift+Tab #${i + 1} focus is on ${f.what}`).toBe(true);
  }
  // Tab really moved between the reader's controls
  expect(seen.size, [...seen].join(', ')).toBeGreaterThanOrEqual(3);
  expect([...seen].some((w) => w.includes('reader-close'))).toBe(true);

  await page.keyboard.press('Escape');
  await expect(page.locator('lectern-reader')).toHaveCount(0);
});

test('theme and text size change from reader-settings, apply, and persist after close/reopen and reload', async ({ page, server, lectern }) => {
  const fx = fixture('publisher-newsletter-modal');
  await gotoFixture(page, server, fx.url, fx.html, fx.dir, 500);
  expect(await lectern.openReader()).toMatchObject({ ok: true });
  await expect(byTestId(page, 'reader-settings')).toHaveCount(1);
  try {
    await chooseTheme(page, 'light');
    await expect.poll(() => readerBackgroundLuminance(page), { message: 'light theme is light' }).toBeGreaterThan(0.6);
    const size0 = await readerFontSize(page);

    await chooseTheme(page, 'dark');
    await expect.poll(() => readerBackgroundLuminance(page), { message: 'dark theme is dark' }).toBeLessThan(0.1);
    await changeFontSize(page, 'larger', 4);
    await expect.poll(() => readerFontSize(page), { message: 'text got larger' }).toBeGreaterThan(size0);
    const size1 = await readerFontSize(page);

    // close and reopen: still dark, still larger
    expect(await lectern.closeReader()).toMatchObject({ ok: true });
    await expect(page.locator('lectern-reader')).toHaveCount(0);
    expect(await lectern.openReader()).toMatchObject({ ok: true });
    await expect.poll(() => readerBackgroundLuminance(page), { message: 'dark after reopen' }).toBeLessThan(0.1);
    expect(await readerFontSize(page)).toBe(size1);

    // reload the page: settings are stored, not kept in the page
    await page.reload({ waitUntil: 'load' });
    await page.waitForTimeout(500);
    expect(await lectern.openReader()).toMatchObject({ ok: true });
    await expect.poll(() => readerBackgroundLuminance(page), { message: 'dark after reload' }).toBeLessThan(0.1);
    expect(await readerFontSize(page)).toBe(size1);

    // and back
    await chooseTheme(page, 'light');
    await changeFontSize(page, 'smaller', 4);
    await expect.poll(() => readerBackgroundLuminance(page)).toBeGreaterThan(0.6);
    expect(await readerFontSize(page)).toBe(size0);
  } finally {
    // leave the shared profile in the light default for the next tests, even on failure
    if ((await byTestId(page, 'reader-settings').count()) > 0) {
      await chooseTheme(page, 'light').catch(() => {});
    }
  }
});
