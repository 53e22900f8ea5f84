/**
 * Article content that carries scripts must not run anything in the reader: <script>, inline event
 * handlers, <img onerror>, <svg onload>, javascript: links/forms/objects, iframe srcdoc
 * (tests/e2e/pages/payloads.html, fictional). The payloads only count when they run outside the
 * page's own document tree, i.e. inside Lectern's shadow root; the page's own copies are inert
 * by construction (see the page's header script).
 */
import fs from 'node:fs';
import path from 'node:path';
import { test, expect, gotoFixture } from './fixtures';
import { byTestId, countOccurrences, testIdText } from './helpers';
import { E2E_PAGES } from './paths';

const URL_ = 'https://www.quietvalleypost.example/news/2026/10/03/cider-press-vote/';
const HTML = fs.readFileSync(path.join(E2E_PAGES, 'payloads.html'));

test('scripts and handlers in article content never run; links open safely in a new tab', async ({ page, server, lectern }) => {
  await gotoFixture(page, server, URL_, HTML, null, 500);
  expect(await page.evaluate(() => (window as unknown as { __lecternPwned?: string[] }).__lecternPwned), 'page payloads are inert before opening').toBeUndefined();

  const res = await lectern.openReader();
  expect(res, JSON.stringify(res)).toMatchObject({ ok: true });
  const body = byTestId(page, 'reader-body');
  await expect(body).toHaveCount(1);
  const text = await testIdText(page, 'reader-body');
  expect(countOccurrences(text, 'Residents of Applecross Hollow voted 412 to 97 on Friday')).toBe(1);
  expect(countOccurrences(text, 'Members said they hoped to add a small shop selling juice and vinegar by next year')).toBe(1);

  // give handlers every chance: time for errors/loads, hover, focus and click non-link text
  await page.waitForTimeout(1000);
  const para = body.locator('p', { hasText: 'timber-framed screw press' });
  await para.hover();
  await para.click({ position: { x: 3, y: 3 } });
  await page.waitForTimeout(300);

  expect(await page.evaluate(() => (window as unknown as { __lecternPwned?: string[] }).__lecternPwned), 'no payload ran inside the reader').toBeUndefined();

  const audit = await body.evaluate((root) => {
    const bad: string[] = [];
    root.querySelectorAll('script, iframe, object, embed, form, frame, frameset, base, meta, link').forEach((el) => bad.push(`<${el.localName}>`));
    root.querySelectorAll('*').forEach((el) => {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) bad.push(`${el.localName}[${a.name}]`);
        if (/^(href|src|action|formaction|xlink:href|data)$/i.test(a.name) && /^\s*(javascript|vbscript|data:text\/html)/i.test(a.value)) bad.push(`${el.localName}[${a.name}=${a.value}]`);
      }
    });
    const links = Array.from(root.querySelectorAll('a[href]')).map((a) => ({
      href: a.getAttribute('href'),
      target: a.getAttribute('target'),
      rel: (a.getAttribute('rel') ?? '').split(/\s+/).filter(Boolean).sort(),
    }));
    return { bad, links };
  });
  expect(audit.bad, 'dangerous elements/attributes left in reader-body').toEqual([]);
  expect(audit.links.length, 'the article\'s ordinary links are kept').toBeGreaterThanOrEqual(1);
  for (const link of audit.links) {
    expect(link.target, `target of ${link.href}`).toBe('_blank');
    expect(link.rel, `rel of ${link.href}`).toEqual(expect.arrayContaining(['noopener', 'noreferrer']));
  }
  expect(audit.links.map((l) => l.href)).toContain('https://www.quietvalleypost.example/news/2026/09/12/cider-press-for-sale/');

  expect(await lectern.closeReader()).toMatchObject({ ok: true });
  expect(await page.evaluate(() => (window as unknown as { __lecternPwned?: string[] }).__lecternPwned)).toBeUndefined();
});

test('harness check: a handler that runs inside a shadow root IS detected by the payload counter', async ({ page, server }) => {
  // proves the check above can fail: the same kind of payload, run from a shadow root, is counted
  await gotoFixture(page, server, URL_, HTML, null, 0);
  await page.evaluate(() => {
    const holder = document.createElement('div');
    const root = holder.attachShadow({ mode: 'open' });
    const img = document.createElement('img');
    img.setAttribute('onerror', "window.__pwn('img-onerror', this)");
    img.setAttribute('src', 'data:image/gif;base64,AAAA');
    root.append(img);
    document.body.append(holder);
  });
  await expect.poll(() => page.evaluate(() => (window as unknown as { __lecternPwned?: string[] }).__lecternPwned)).toEqual(['img-onerror']);
});
