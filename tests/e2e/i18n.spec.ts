/** Right-to-left and CJK articles read with the right direction and language (fictional pages). */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, gotoFixture } from './fixtures';
import { byTestId, countOccurrences, notOnTop, outsideViewport, testIdText } from './helpers';
import { E2E_PAGES } from './paths';

/** dir / lang set INSIDE the shadow root on or above reader-body (not inherited from the page). */
const bodyLangDir = (page: Page) =>
  byTestId(page, 'reader-body').evaluate((el) => ({
    dir: el.closest('[dir]')?.getAttribute('dir') ?? null,
    lang: el.closest('[lang]')?.getAttribute('lang') ?? null,
    direction: getComputedStyle(el.querySelector('p') ?? el).direction,
  }));

test('an Arabic article reads right-to-left with lang="ar"', async ({ page, server, lectern }) => {
  await gotoFixture(page, server, 'https://www.greenvalleypaper.example/ar/2026/05/09/mobile-library-valley-villages/', fs.readFileSync(path.join(E2E_PAGES, 'rtl.html')), null, 500);
  const info = await lectern.pageInfo();
  expect(info).toMatchObject({ ok: true, isArticle: true, aggregator: null, title: 'مكتبة متنقلة تصل إلى قرى الوادي لأول مرة' });
  // "بقلم" is Arabic for "By": the byline is the name only
  expect.soft(info.byline).toBe('سلمى الحداد');
  expect(info.source).toEqual({ name: 'صحيفة الوادي الأخضر', url: 'https://www.greenvalleypaper.example/ar/2026/05/09/mobile-library-valley-villages/' });
  expect(await lectern.openReader()).toMatchObject({ ok: true });
  expect(await notOnTop(page)).toEqual([]);
  expect(await testIdText(page, 'reader-title')).toBe('مكتبة متنقلة تصل إلى قرى الوادي لأول مرة');
  expect.soft(await testIdText(page, 'reader-byline')).toBe('سلمى الحداد');
  const body = await testIdText(page, 'reader-body');
  expect(countOccurrences(body, 'وصلت حافلة المكتبة المتنقلة صباح السبت إلى قرية عين الزيتون')).toBe(1);
  expect(countOccurrences(body, 'تخطط المكتبة لإضافة حافلة ثانية في العام المقبل')).toBe(1);
  expect(body).not.toContain('الأكثر قراءة');
  expect(await bodyLangDir(page)).toEqual({ dir: 'rtl', lang: 'ar', direction: 'rtl' });
  // the reader (and its toolbar) sits inside the viewport on an RTL page too
  expect.soft(await outsideViewport(page), 'overlay boxes outside the viewport').toEqual([]);
  expect(await lectern.closeReader()).toMatchObject({ ok: true });
});

test('a Japanese article reads with lang="ja", left-to-right', async ({ page, server, lectern }) => {
  await gotoFixture(page, server, 'https://www.minatoshimpo.example/local/2026/11/03/old-lighthouse-relit/', fs.readFileSync(path.join(E2E_PAGES, 'cjk.html')), null, 500);
  const info = await lectern.pageInfo();
  expect(info).toMatchObject({ ok: true, isArticle: true, aggregator: null, title: '港町の古い灯台、百年ぶりに灯りがともる' });
  // "記者" ("staff writer") is a title, not part of the name; meta author and JSON-LD say 佐伯 遥
  expect.soft(info.byline).toBe('佐伯 遥');
  expect(Date.parse(info.published as string)).toBe(Date.parse('2026-11-03T18:00:00+09:00'));
  expect(info.readingMinutes as number).toBeGreaterThanOrEqual(1);
  expect(await lectern.openReader()).toMatchObject({ ok: true });
  expect(await testIdText(page, 'reader-title')).toBe('港町の古い灯台、百年ぶりに灯りがともる');
  const body = await testIdText(page, 'reader-body');
  expect(countOccurrences(body, '白浜港の入り口に立つ石造りの灯台に、三日の夕方、およそ百年ぶりに明かりがともった。')).toBe(1);
  expect(countOccurrences(body, '修復に携わった石工や寄付者の名前を刻んだ銘板が入り口の脇に取り付けられた。')).toBe(1);
  expect(body).not.toContain('人気記事');
  const ld = await bodyLangDir(page);
  expect(ld.lang).toBe('ja');
  expect(ld.direction).toBe('ltr');
  expect(await lectern.closeReader()).toMatchObject({ ok: true });
});
