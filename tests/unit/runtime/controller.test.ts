// @vitest-environment jsdom
/**
 * The reader script on real fixture pages under jsdom: real pipeline, real ReaderView, real
 * overlay shell. jsdom has no top layer, so <dialog>.showModal/close get a minimal stand-in;
 * the top-layer behaviour itself is covered in the browser (tests/e2e/hostile.spec.ts).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ReaderController, pageHasImage } from '../../../utils/runtime/reader/controller';
import { HOST_STYLE, HOST_TAG } from '../../../utils/runtime/reader/overlay';
import { mockI18n } from './i18n-mock';

const FIXTURES = path.resolve(__dirname, '../../fixtures/aggregators');

function load(name: string): { dom: JSDOM; expected: Record<string, any> } {
  const expected = JSON.parse(readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8'));
  const dom = new JSDOM(readFileSync(path.join(FIXTURES, name, 'page.html'), 'utf8'), { url: expected.url });
  const proto = dom.window.HTMLDialogElement.prototype as any;
  proto.showModal = function (this: HTMLDialogElement) {
    if (!this.isConnected) throw new dom.window.DOMException('not connected', 'InvalidStateError');
    this.setAttribute('open', '');
  };
  proto.close = function (this: HTMLDialogElement) {
    if (!this.hasAttribute('open')) return;
    this.removeAttribute('open');
    setTimeout(() => this.dispatchEvent(new dom.window.Event('close')), 0);
  };
  return { dom, expected };
}

const shadow = (doc: Document) => doc.querySelector(HOST_TAG)?.shadowRoot ?? null;
const byId = (doc: Document, id: string) => shadow(doc)?.querySelector<HTMLElement>(`[data-testid="${id}"]`) ?? null;
const flush = () => new Promise((r) => setTimeout(r, 0));
const collapse = (s: string | null | undefined) => (s ?? '').replace(/\s+/g, ' ').trim();

describe('reader controller on fixture pages', () => {
  let controller: ReaderController | null = null;
  beforeEach(() => {
    fakeBrowser.reset();
    mockI18n();
  });
  afterEach(async () => {
    await controller?.close();
    controller = null;
  });

  it('opens an aggregator article: one host, open shadow root, contract test ids, clean body', async () => {
    const { dom, expected } = load('inkl-modal-scroll-lock');
    const doc = dom.window.document;
    controller = new ReaderController(doc);
    expect(await controller.open()).toEqual({ ok: true });
    expect(doc.querySelectorAll(HOST_TAG)).toHaveLength(1);
    const host = doc.querySelector(HOST_TAG)!;
    expect(host.parentElement).toBe(doc.documentElement);
    expect(host.shadowRoot).not.toBeNull(); // open
    // the CSS is inlined into the shadow root: a constructed sheet, or (as in jsdom) a <style>
    // (vitest does not process CSS, so its text is empty here)
    const root = shadow(doc)!;
    expect(root.adoptedStyleSheets?.length === 1 || root.firstElementChild?.localName === 'style').toBe(true);
    const dialog = shadow(doc)!.querySelector('dialog')!;
    expect(dialog.open).toBe(true);
    expect(dialog.getAttribute('aria-labelledby')).toBe(byId(doc, 'reader-title')!.id);
    expect(collapse(byId(doc, 'reader-title')!.textContent)).toBe(expected.title);
    expect(byId(doc, 'reader-source')!.textContent).toBe(expected.source.name);
    expect(byId(doc, 'reader-source')!.getAttribute('href')).toBe(expected.source.url);
    expect(byId(doc, 'reader-via')!.textContent).toBe('via inkl');
    const body = collapse(byId(doc, 'reader-body')!.textContent);
    for (const s of expected.mustContain) expect(body).toContain(s);
    for (const s of expected.mustNotContain) expect(body).not.toContain(s);
  });

  it('only ever opens: a second open keeps the same overlay', async () => {
    const { dom } = load('inkl-modal-scroll-lock');
    const doc = dom.window.document;
    controller = new ReaderController(doc);
    const [a, b] = await Promise.all([controller.open(), controller.open()]);
    expect(a).toEqual({ ok: true });
    expect(b).toEqual({ ok: true });
    const host = doc.querySelector(HOST_TAG);
    expect(await controller.open()).toEqual({ ok: true });
    expect(doc.querySelectorAll(HOST_TAG)).toHaveLength(1);
    expect(doc.querySelector(HOST_TAG)).toBe(host);
  });

  it('a non-article shows reader-message and resolves not-article; "Read it anyway" forces extraction', async () => {
    const { dom } = load('msn-news-feed');
    const doc = dom.window.document;
    controller = new ReaderController(doc);
    expect(await controller.open()).toEqual({ ok: false, error: 'not-article' });
    expect(byId(doc, 'reader-message')).not.toBeNull();
    expect(byId(doc, 'reader-body')).toBeNull();
    byId(doc, 'reader-message')!.querySelector('button')!.click();
    await flush();
    const forced = byId(doc, 'reader-body') ?? byId(doc, 'reader-message');
    expect(forced).not.toBeNull();
    // either the forced extraction found text, or it says so — never the not-article message again
    if (byId(doc, 'reader-message')) expect(byId(doc, 'reader-message')!.dataset.reason).toBe('not-readable');
  });

  it('close leaves the page exactly as it was and gives focus back', async () => {
    const { dom } = load('publisher-newsletter-modal');
    const doc = dom.window.document;
    const focusMe = doc.querySelector<HTMLElement>('a[href]')!;
    focusMe.focus();
    const before = doc.documentElement.outerHTML;
    const sheetsBefore = doc.adoptedStyleSheets?.length ?? 0;
    controller = new ReaderController(doc);
    expect(await controller.open()).toEqual({ ok: true });
    expect(doc.documentElement.outerHTML).not.toBe(before);
    expect(await controller.close()).toEqual({ ok: true });
    await flush();
    expect(doc.querySelector(HOST_TAG)).toBeNull();
    expect(doc.documentElement.outerHTML).toBe(before);
    expect(doc.adoptedStyleSheets?.length ?? 0).toBe(sheetsBefore);
    expect(doc.activeElement).toBe(focusMe);
    expect(controller.isOpen).toBe(false);
  });

  it('Esc (the dialog cancel event) closes it', async () => {
    const { dom } = load('publisher-newsletter-modal');
    const doc = dom.window.document;
    controller = new ReaderController(doc);
    await controller.open();
    const dialog = shadow(doc)!.querySelector('dialog')!;
    const cancel = new dom.window.Event('cancel', { cancelable: true });
    dialog.dispatchEvent(cancel);
    expect(cancel.defaultPrevented).toBe(true);
    await flush();
    await flush();
    expect(doc.querySelector(HOST_TAG)).toBeNull();
  });

  it('re-attaches and restores itself when page scripts remove or restyle the host', async () => {
    const { dom } = load('inkl-max-height-fade');
    const doc = dom.window.document;
    controller = new ReaderController(doc);
    await controller.open();
    const host = doc.querySelector<HTMLElement>(HOST_TAG)!;
    host.remove();
    await flush();
    expect(doc.querySelectorAll(HOST_TAG)).toHaveLength(1);
    expect(host.isConnected).toBe(true);
    expect(shadow(doc)!.querySelector('dialog')!.open).toBe(true);
    host.style.display = 'none';
    host.setAttribute('hidden', '');
    host.setAttribute('inert', '');
    await flush();
    expect(host.getAttribute('style')).toBe(HOST_STYLE);
    expect(host.hasAttribute('hidden')).toBe(false);
    expect(host.hasAttribute('inert')).toBe(false);
    // our own close() before a re-show must not be taken for the user closing it
    await flush();
    expect(controller.isOpen).toBe(true);
  });

  it('pageInfo reports the contract fields', async () => {
    const { dom, expected } = load('yahoo-wire-story-continues');
    controller = new ReaderController(dom.window.document);
    const info = controller.pageInfo();
    expect(info).toMatchObject({
      ok: true,
      isArticle: true,
      aggregator: 'yahoo',
      title: expected.title,
      source: expected.source,
    });
    if (info.ok) {
      expect(Date.parse(info.published!)).toBe(Date.parse(expected.published));
      expect(info.readingMinutes).toBeGreaterThan(0);
    }
    const feed = load('groundnews-topic-page');
    expect(new ReaderController(feed.dom.window.document).pageInfo()).toMatchObject({ ok: true, isArticle: false, aggregator: 'groundnews' });
  });

  it('shows a lead image only when the page itself has it (never an og:image-only URL)', () => {
    const dom = new JSDOM(
      '<img src="/a/one.png"><img src="data:image/gif;base64,R0lGOD" data-src="two.jpg"><picture><source srcset="three.webp 1x, three@2x.webp 2x"><img src="x.png"></picture>',
      { url: 'https://news.example/a/story' },
    );
    const doc = dom.window.document;
    expect(pageHasImage(doc, 'https://news.example/a/one.png')).toBe(true);
    expect(pageHasImage(doc, 'https://news.example/a/two.jpg')).toBe(true);
    expect(pageHasImage(doc, 'https://news.example/a/three@2x.webp')).toBe(true);
    expect(pageHasImage(doc, 'https://cdn.example/og/one.png')).toBe(false);
    expect(pageHasImage(doc, 'data:image/png;base64,AAAA')).toBe(true);
  });
});
