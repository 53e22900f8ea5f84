/**
 * Checks of the harness itself, so that the real tests cannot pass for the wrong reason:
 * the network guard sees requests from pages and from the extension's service worker, and the
 * tabId the hook is called with belongs to the test's page.
 */
import { test, expect, gotoFixture } from './fixtures';

const PAGE = 'https://harness.example/self-check';
const HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Harness</title></head><body><p>Harness self-check.</p></body></html>';

test('network guard records and aborts a non-fixture request from the page', async ({ page, server }) => {
  await gotoFixture(page, server, PAGE, HTML, null, 0);
  const outcome = await page.evaluate(() =>
    fetch('https://not-a-fixture.example/beacon?x=1').then(
      () => 'reached',
      () => 'aborted',
    ),
  );
  expect(outcome).toBe('aborted');
  expect(server.unexpected).toEqual(['https://not-a-fixture.example/beacon?x=1']);
  server.unexpected.length = 0; // seen; don't fail the guard for the planted request
});

test("network guard records a request made from the extension's service worker", async ({ page, server, lectern }) => {
  await gotoFixture(page, server, PAGE, HTML, null, 0);
  const sw = await lectern.worker();
  const outcome = await sw.evaluate(() =>
    fetch('https://telemetry.example/ping').then(
      () => 'reached',
      () => 'aborted',
    ),
  );
  expect(outcome).toBe('aborted');
  await expect.poll(() => [...server.unexpected]).toEqual(['https://telemetry.example/ping']);
  server.unexpected.length = 0;
});

test('the tab found by chrome.tabs.query in the worker is the test page', async ({ page, server, lectern }) => {
  await gotoFixture(page, server, PAGE, HTML, null, 0);
  const tab = await lectern.activeTab();
  expect(tab.url).toBe(PAGE);
  expect(tab.id).toBeGreaterThan(0);
});

test('the "on top" probe reports what covers the page when no reader is open', async ({ page, server }) => {
  const { notOnTop } = await import('./helpers');
  await gotoFixture(page, server, PAGE, HTML, null, 0);
  const bad = await notOnTop(page);
  expect(bad.length).toBe(8); // every probe point hits the page itself
  expect(bad.join(' ')).toMatch(/→ (html|body|p)/);
});

test("pages' own src/srcset resources get stand-ins; og:image / data-src URLs still count", async ({ page, server }) => {
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">' +
    '<meta property="og:image" content="https://cdn.example/og.png"></head><body>' +
    '<img src="photo.png" alt=""><img data-src="https://cdn.example/lazy.png" alt=""></body></html>';
  await gotoFixture(page, server, 'https://harness.example/own', html, null, 0, { pageOwned: true });
  expect(await page.evaluate(() => (document.querySelector('img') as HTMLImageElement).naturalWidth)).toBe(1);
  expect(server.served).toContain('https://harness.example/photo.png');
  expect(server.unexpected).toEqual([]);
  await page.evaluate(async () => {
    for (const u of ['https://cdn.example/og.png', 'https://cdn.example/lazy.png']) await fetch(u).catch(() => null);
  });
  expect(server.unexpected).toEqual(['https://cdn.example/og.png', 'https://cdn.example/lazy.png']);
  server.unexpected.length = 0;
});
