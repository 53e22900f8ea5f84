/** Helpers that look at the page and at Lectern's overlay the way a user (or an outside harness) would. */
import { expect, type Locator, type Page } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import type { HookResult, Lectern } from './fixtures';
import { AGGREGATOR_FIXTURES, PIPELINE_PAGES } from './paths';

export const collapse = (s: string | null | undefined): string => (s ?? '').replace(/\s+/g, ' ').trim();

/** Byline comparison rules from the fixtures README. */
export const normByline = (s: string | null | undefined): string =>
  collapse(s)
    .replace(/^(story\s+)?by\s+/i, '')
    .replace(/\s*,\s*|\s+and\s+/gi, ', ')
    .toLowerCase();

export const countOccurrences = (haystack: string, needle: string): number => {
  if (!needle) return 0;
  let n = 0;
  for (let i = haystack.indexOf(needle); i !== -1; i = haystack.indexOf(needle, i + needle.length)) n++;
  return n;
};

export interface Expected {
  url: string;
  kind: 'aggregator-article' | 'publisher-article' | 'not-article';
  aggregator: string | null;
  title: string | null;
  byline: string | null;
  source: { name: string; url: string | null } | null;
  published: string | null;
  leadImage?: string | null;
  /** optional (pipeline page headers): the article's language and direction */
  lang?: string;
  dir?: 'ltr' | 'rtl';
  mustContain: string[];
  mustNotContain: string[];
}

export interface PageFixture {
  name: string;
  url: string;
  html: Buffer;
  assetDir: string;
  /** full expectations (aggregator fixtures) or the pipeline page's header, which may be partial */
  expected: Partial<Expected> & { url: string };
  origin: 'aggregators' | 'pages';
}

export function aggregatorFixtures(): PageFixture[] {
  return fs
    .readdirSync(AGGREGATOR_FIXTURES)
    .filter((d) => fs.existsSync(path.join(AGGREGATOR_FIXTURES, d, 'expected.json')))
    .sort()
    .map((name) => {
      const dir = path.join(AGGREGATOR_FIXTURES, name);
      const expected = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
      return { name, url: expected.url, html: fs.readFileSync(path.join(dir, 'page.html')), assetDir: dir, expected, origin: 'aggregators' as const };
    });
}

/** tests/fixtures/pages/<adapter>--<slug>.html whose first line is `<!-- {"url": "...", ...} -->`. */
export function pipelinePages(): PageFixture[] {
  if (!fs.existsSync(PIPELINE_PAGES)) return [];
  return fs
    .readdirSync(PIPELINE_PAGES)
    .filter((f) => /^[a-z0-9-]+--[^/]+\.html$/i.test(f))
    .sort()
    .map((f) => {
      const html = fs.readFileSync(path.join(PIPELINE_PAGES, f));
      const first = html.toString('utf8').split('\n', 1)[0] ?? '';
      const m = /^\s*<!--\s*(\{.*\})\s*-->\s*$/.exec(first);
      if (!m) throw new Error(`${f}: first line must be <!-- {"url": "..."} -->`);
      const header = JSON.parse(m[1]) as Partial<Expected> & { url: string; isArticle?: boolean };
      if (!header.url) throw new Error(`${f}: header has no url`);
      // the header may say isArticle instead of kind
      if (!header.kind && typeof header.isArticle === 'boolean') {
        header.kind = !header.isArticle ? 'not-article' : f.startsWith('publisher--') ? 'publisher-article' : 'aggregator-article';
      }
      if (!('aggregator' in header) && f.startsWith('publisher--')) header.aggregator = null;
      return { name: f.replace(/\.html$/, ''), url: header.url, html, assetDir: PIPELINE_PAGES, expected: header, origin: 'pages' as const };
    });
}

// ---------------------------------------------------------------------------------------------
// The overlay

export const host = (page: Page): Locator => page.locator('lectern-reader');
export const byTestId = (page: Page, id: string): Locator => host(page).getByTestId(id);

export const hostCount = (page: Page): Promise<number> => page.evaluate(() => document.querySelectorAll('lectern-reader').length);

/** textContent of one test id, whitespace collapsed ('' when absent). */
export async function testIdText(page: Page, id: string): Promise<string> {
  const loc = byTestId(page, id);
  if ((await loc.count()) === 0) return '';
  return collapse(await loc.first().evaluate((el) => el.textContent));
}

/** All text of the overlay's shadow root (text nodes, not <style>/<script>), whitespace collapsed. */
export async function overlayText(page: Page): Promise<string> {
  const text = await page.evaluate(() => {
    const root = document.querySelector('lectern-reader')?.shadowRoot;
    if (!root) return null;
    const out: string[] = [];
    const walk = (n: Node) => {
      if (n.nodeType === Node.TEXT_NODE) out.push(n.nodeValue ?? '');
      else if (n.nodeType === Node.ELEMENT_NODE) {
        const el = n as Element;
        if (el.localName === 'style' || el.localName === 'script' || el.localName === 'template') return;
        if (el.shadowRoot) el.shadowRoot.childNodes.forEach(walk);
        // block boundaries become spaces so that words from two elements are not glued together
        out.push(' ');
        el.childNodes.forEach(walk);
        out.push(' ');
      } else if (n.nodeType === Node.DOCUMENT_FRAGMENT_NODE) n.childNodes.forEach(walk);
    };
    walk(root);
    return out.join('');
  });
  if (text === null) throw new Error('no <lectern-reader> with an open shadow root in the page');
  return collapse(text);
}

/**
 * `document.elementFromPoint` at several points of the viewport must be the `lectern-reader` host.
 * Returns the points where something else is on top (empty = topmost).
 */
export async function notOnTop(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const w = window.innerWidth;
    const h = window.innerHeight;
    const points: Array<[number, number]> = [
      [0.5, 0.5],
      [0.1, 0.1],
      [0.9, 0.1],
      [0.1, 0.9],
      [0.9, 0.9],
      [0.5, 0.15],
      [0.5, 0.85],
      [0.3, 0.6],
    ];
    const bad: string[] = [];
    for (const [fx, fy] of points) {
      const x = Math.round(w * fx);
      const y = Math.round(h * fy);
      const el = document.elementFromPoint(x, y);
      if (!el || el.localName !== 'lectern-reader') {
        const desc = el ? `${el.localName}${el.id ? '#' + el.id : ''}${el.className && typeof el.className === 'string' ? '.' + el.className.split(/\s+/).join('.') : ''}` : 'nothing';
        bad.push(`(${x},${y}) → ${desc}`);
      }
    }
    return bad;
  });
}

/** What must be unchanged after the reader closed. */
export async function domSnapshot(page: Page, opts: { ignoreDialogOpen?: boolean } = {}): Promise<{ body: string; htmlClass: string; htmlStyle: string }> {
  return page.evaluate((o) => {
    const body = document.body.cloneNode(true) as HTMLElement;
    if (o.ignoreDialogOpen) body.querySelectorAll('dialog').forEach((d) => d.removeAttribute('open'));
    return {
      body: body.outerHTML,
      htmlClass: document.documentElement.getAttribute('class') ?? '',
      htmlStyle: document.documentElement.getAttribute('style') ?? '',
    };
  }, opts);
}

/** The element of the overlay that scrolls the article (null when none). Returns its scrollTop. */
export async function overlayScrollTop(page: Page): Promise<number | null> {
  return page.evaluate(() => {
    const root = document.querySelector('lectern-reader')?.shadowRoot;
    if (!root) return null;
    const candidates = [...root.querySelectorAll<HTMLElement>('*')].filter((el) => {
      const s = getComputedStyle(el);
      return /(auto|scroll|overlay)/.test(s.overflowY) && el.scrollHeight > el.clientHeight + 20;
    });
    const body = root.querySelector('[data-testid="reader-body"]');
    const scroller = candidates.find((c) => body && c.contains(body)) ?? candidates[0];
    return scroller ? scroller.scrollTop : null;
  });
}

/** Relative luminance (0 dark … 1 light) of the first opaque background at/above reader-body. */
export async function readerBackgroundLuminance(page: Page): Promise<number> {
  return page.evaluate(() => {
    const root = document.querySelector('lectern-reader')?.shadowRoot;
    let el: Element | null = root?.querySelector('[data-testid="reader-body"]') ?? null;
    if (!el) throw new Error('no reader-body');
    while (el) {
      const c = getComputedStyle(el).backgroundColor;
      const m = /rgba?\(([\d.]+),\s*([\d.]+),\s*([\d.]+)(?:,\s*([\d.]+))?\)/.exec(c);
      if (m && (m[4] === undefined || Number(m[4]) > 0.5)) {
        const lin = (v: string) => {
          const s = Number(v) / 255;
          return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
        };
        return 0.2126 * lin(m[1]) + 0.7152 * lin(m[2]) + 0.0722 * lin(m[3]);
      }
      el = el.parentElement ?? ((el.getRootNode() as ShadowRoot).host as Element | undefined) ?? null;
      if (el && el.localName === 'lectern-reader') break;
    }
    throw new Error('no opaque background found for the reader');
  });
}

/** Computed font size (px) of the first paragraph (or the body itself) of reader-body. */
export async function readerFontSize(page: Page): Promise<number> {
  return page.evaluate(() => {
    const body = document.querySelector('lectern-reader')?.shadowRoot?.querySelector('[data-testid="reader-body"]');
    if (!body) throw new Error('no reader-body');
    const p = body.querySelector('p') ?? body;
    return parseFloat(getComputedStyle(p).fontSize);
  });
}

// ---------------------------------------------------------------------------------------------
// Settings (reader-settings): found by role and accessible name, as a user finds them.

/** Opens the settings panel if reader-settings is a disclosure (button with aria-expanded). */
export async function openSettings(page: Page): Promise<Locator> {
  const settings = byTestId(page, 'reader-settings');
  const toggle = settings.locator('button[aria-expanded]').first();
  if ((await toggle.count()) > 0 && (await toggle.getAttribute('aria-expanded')) !== 'true') await toggle.click();
  return settings;
}

export async function closeSettings(page: Page): Promise<void> {
  const toggle = byTestId(page, 'reader-settings').locator('button[aria-expanded="true"]').first();
  if ((await toggle.count()) > 0) await toggle.click();
}

export async function chooseTheme(page: Page, theme: 'light' | 'dark' | 'sepia'): Promise<void> {
  const settings = await openSettings(page);
  const name = new RegExp(`^\\s*${theme}\\s*$`, 'i');
  const radio = settings.getByRole('radio', { name });
  if ((await radio.count()) > 0) {
    await radio.check();
  } else if ((await settings.getByRole('button', { name }).count()) > 0) {
    await settings.getByRole('button', { name }).click();
  } else {
    await settings.getByRole('combobox', { name: /theme/i }).selectOption({ label: theme[0].toUpperCase() + theme.slice(1) });
  }
  await closeSettings(page);
}

/** Sets the text size with the slider (or presses the larger/smaller buttons) and returns to the page. */
export async function changeFontSize(page: Page, direction: 'larger' | 'smaller', steps = 4): Promise<void> {
  const settings = await openSettings(page);
  const slider = settings.getByRole('slider', { name: /text size|font size/i });
  if ((await slider.count()) > 0) {
    await slider.focus();
    // pressed as fast as a held key repeats: every step must count (a stale storage echo once
    // stepped the slider back, losing presses)
    const before = Number(await slider.inputValue());
    const step = Number((await slider.getAttribute('step')) ?? '1');
    for (let i = 0; i < steps; i++) await page.keyboard.press(direction === 'larger' ? 'ArrowRight' : 'ArrowLeft');
    const [min, max] = [Number(await slider.getAttribute('min')), Number(await slider.getAttribute('max'))];
    const want = Math.min(max, Math.max(min, before + (direction === 'larger' ? steps : -steps) * step));
    await expect.poll(async () => Number(await slider.inputValue()), { timeout: 3000 }).toBe(want);
    // and it stays there once the writes have settled
    await page.waitForTimeout(500);
    expect(Number(await slider.inputValue())).toBe(want);
  } else {
    const btn = settings.getByRole('button', { name: direction === 'larger' ? /larger|bigger|increase/i : /smaller|decrease/i });
    for (let i = 0; i < steps; i++) await btn.click();
  }
  await closeSettings(page);
}

/** Overlay boxes that stick out of the viewport horizontally (the article scroller, toolbar controls). */
export async function outsideViewport(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const root = document.querySelector('lectern-reader')?.shadowRoot;
    if (!root) return ['no overlay'];
    const body = root.querySelector('[data-testid="reader-body"]');
    const boxes: Element[] = [...root.querySelectorAll('[data-testid], button')];
    for (let el = body?.parentElement ?? null; el; el = el.parentElement) {
      if (/(auto|scroll)/.test(getComputedStyle(el).overflowY)) boxes.push(el);
    }
    const w = document.documentElement.clientWidth || window.innerWidth;
    const out: string[] = [];
    for (const el of boxes) {
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      if (r.left < -0.5 || r.right > window.innerWidth + 0.5) {
        out.push(`${el.localName}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : el.className ? '.' + String(el.className) : ''} x=${Math.round(r.left)}..${Math.round(r.right)} (viewport 0..${window.innerWidth}, client ${w})`);
      }
    }
    return out;
  });
}

/** A `listSaved()` / `getSaved()` item as the test contract describes it (getSaved adds html). */
export interface ContractItem {
  id: string;
  url: string;
  title: string;
  byline: string | null;
  source: { name: string; url: string | null } | null;
  aggregator: string | null;
  published: string | null;
  savedAt: string;
  tags: string[];
  archived: boolean;
  favourite: boolean;
  words: number;
  hasContent: boolean;
  html?: string;
}

/** A shared aggregator fixture by folder name: its expected.json, page bytes and folder. */
export function readFixture(name: string): { exp: Expected; html: Buffer; dir: string } {
  const dir = path.join(AGGREGATOR_FIXTURES, name);
  const exp = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8')) as Expected;
  return { exp, html: fs.readFileSync(path.join(dir, 'page.html')), dir };
}

/** `lecternTest.listSaved()` items, asserting the call succeeded. */
export async function listSaved(lectern: Lectern): Promise<ContractItem[]> {
  const res = await lectern.call('listSaved');
  expect(res, JSON.stringify(res)).toMatchObject({ ok: true });
  return res.items as ContractItem[];
}

/** `lecternTest.clearLibrary()`, then checks the library is empty. */
export async function clearSaved(lectern: Lectern): Promise<void> {
  expect(await lectern.call('clearLibrary')).toMatchObject({ ok: true });
  expect(await listSaved(lectern)).toEqual([]);
}

/** An extension page in a tab, to talk to the background the way the popup / library page do. */
export async function extensionPage(page: Page, extensionId: string): Promise<Page> {
  const p = await page.context().newPage();
  await p.goto(`chrome-extension://${extensionId}/popup.html`);
  return p;
}

/** runtime.sendMessage with Lectern's envelope, from an extension page. */
export function send(ext: Page, type: string, data: unknown): Promise<HookResult> {
  return ext.evaluate(
    ([t, d]) =>
      (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<HookResult> } } }).chrome.runtime.sendMessage({
        lectern: 1,
        type: t,
        data: d,
      }),
    [type, data] as const,
  );
}

/** Wait for a download Lectern started to complete; its MIME type and the file's bytes (read from disk). */
export async function downloadedFile(lectern: Lectern, id: number, timeout = 15_000): Promise<{ mime: string; bytes: Buffer }> {
  const worker = await lectern.worker();
  type D = { state: string; mime: string; filename: string; byExtensionId?: string; url: string; error?: string };
  let done: D | null = null;
  await expect
    .poll(
      async () => {
        const d = await worker.evaluate(async (i) => {
          const c = (globalThis as unknown as { chrome: { downloads: { search(q: object): Promise<D[]> } } }).chrome;
          return (await c.downloads.search({ id: i }))[0] ?? null;
        }, id);
        if (d?.state === 'complete') done = d;
        return d ? { state: d.state, error: d.error ?? null, byLectern: !!d.byExtensionId, blob: d.url.startsWith('blob:chrome-extension://') } : null;
      },
      { timeout, message: `download ${id} did not complete` },
    )
    .toEqual({ state: 'complete', error: null, byLectern: true, blob: true });
  const d = done as unknown as D;
  // (Playwright saves downloads under a GUID name in its own folder: the path comes from the API)
  return { mime: d.mime, bytes: fs.readFileSync(d.filename) };
}
