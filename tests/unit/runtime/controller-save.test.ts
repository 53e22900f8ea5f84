// @vitest-environment jsdom
/**
 * Saving from the reader script: what `reader:article` answers for a save (the shown article,
 * the pipeline's, or null for a non-article), the overlay's Save button (saveTab with Undo)
 * and its confirmation, Undo (delete a new entry / restore the previous one), and the notice
 * shown in the page for a save made without the overlay.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { JSDOM } from 'jsdom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { ReaderController } from '../../../utils/runtime/reader/controller';
import { HOST_TAG } from '../../../utils/runtime/reader/overlay';
import { mockI18n } from './i18n-mock';

const FIXTURES = path.resolve(__dirname, '../../fixtures/aggregators');

function load(name: string) {
  const expected = JSON.parse(readFileSync(path.join(FIXTURES, name, 'expected.json'), 'utf8'));
  const dom = new JSDOM(readFileSync(path.join(FIXTURES, name, 'page.html'), 'utf8'), { url: expected.url });
  const proto = dom.window.HTMLDialogElement.prototype as any;
  proto.showModal = function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  proto.close = function (this: HTMLDialogElement) {
    this.removeAttribute('open');
  };
  return { doc: dom.window.document, expected };
}

const byId = (doc: Document, id: string) =>
  doc.querySelector(HOST_TAG)?.shadowRoot?.querySelector<HTMLElement>(`[data-testid="${id}"]`) ?? null;
const flush = () => new Promise((r) => setTimeout(r, 0));

type Sent = { type: string; data: any };

function background(answers: Record<string, unknown>): Sent[] {
  const sent: Sent[] = [];
  vi.spyOn(fakeBrowser.runtime, 'sendMessage').mockImplementation((async (m: Sent) => {
    sent.push({ type: m.type, data: m.data });
    return answers[m.type];
  }) as never);
  return sent;
}

describe('saving from the reader script', () => {
  let controller: ReaderController | null = null;
  beforeEach(() => {
    fakeBrowser.reset();
    mockI18n();
  });
  afterEach(async () => {
    await controller?.close();
    controller = null;
    vi.restoreAllMocks();
  });

  it('reader:article gives the extracted article of an article page, null for a non-article', () => {
    const a = load('newsbreak-sticky-bars');
    controller = new ReaderController(a.doc);
    const art = controller.articleForSave();
    expect(art).toMatchObject({ ok: true, url: a.expected.url, aggregator: 'newsbreak' });
    expect((art as any).article).toMatchObject({ source: a.expected.source, isArticle: true });
    expect((art as any).article.html.length).toBeGreaterThan(500);

    const feed = load('msn-news-feed');
    const c2 = new ReaderController(feed.doc);
    expect(c2.articleForSave()).toMatchObject({ ok: true, url: feed.expected.url, aggregator: 'msn', article: null });
  });

  it('what the reader shows ("Read it anyway") is what gets saved', async () => {
    const feed = load('msn-news-feed');
    controller = new ReaderController(feed.doc);
    // not an article: saved as a link…
    expect(await controller.open()).toEqual({ ok: false, error: 'not-article' });
    expect((controller.articleForSave() as any).article).toBeNull();
    // …until the user chose to read it anyway: then the shown text is saved
    byId(feed.doc, 'reader-message')!.querySelector('button')!.click();
    await flush();
    expect(byId(feed.doc, 'reader-body')).not.toBeNull();
    const answer = controller.articleForSave() as any;
    expect(answer.article).toMatchObject({ isArticle: false, url: feed.expected.url });
    expect(answer.article.html.length).toBeGreaterThan(100);
  });

  it('Save → "Saved" with Undo; Undo deletes the new entry', async () => {
    const { doc } = load('inkl-modal-scroll-lock');
    const sent = background({
      saveTab: { ok: true, id: 'id1', updated: false, previous: null },
      deleteSaved: { ok: true, deleted: [] },
    });
    controller = new ReaderController(doc);
    expect(await controller.open()).toEqual({ ok: true });
    const save = byId(doc, 'reader-save') as HTMLButtonElement;
    expect(save.disabled).toBe(false);
    save.click();
    await vi.waitFor(() => expect(byId(doc, 'reader-save-status')?.textContent).toContain('Saved to your Lectern library.'));
    expect(sent[0]).toEqual({ type: 'saveTab', data: { withUndo: true } });
    expect(save.textContent).toBe('Saved');
    byId(doc, 'reader-save-undo')!.click();
    await vi.waitFor(() => expect(byId(doc, 'reader-save-status')?.textContent).toContain('Save undone.'));
    expect(sent[1]).toEqual({ type: 'deleteSaved', data: { ids: ['id1'] } });
    expect(byId(doc, 'reader-save-undo')).toBeNull();
    expect(save.textContent).toBe('Save');
  });

  it('an update says so, and its Undo restores the previous entry; a failure is an alert', async () => {
    const { doc } = load('inkl-modal-scroll-lock');
    const previous = { id: 'id2', url: 'https://x.example/', title: 'Before', tags: ['keep'] };
    const sent = background({ saveTab: { ok: true, id: 'id2', updated: true, previous }, restoreSaved: { ok: true } });
    controller = new ReaderController(doc);
    await controller.open();
    byId(doc, 'reader-save')!.click();
    await vi.waitFor(() => expect(byId(doc, 'reader-save-status')?.textContent).toContain('its entry was updated'));
    expect(byId(doc, 'reader-save')!.textContent).toBe('Saved (updated)');
    byId(doc, 'reader-save-undo')!.click();
    await vi.waitFor(() => expect(sent.map((s) => s.type)).toEqual(['saveTab', 'restoreSaved']));
    expect(sent[1].data).toEqual({ items: [previous] });

    vi.mocked(fakeBrowser.runtime.sendMessage).mockResolvedValueOnce({ ok: false, error: 'The library is full' } as never);
    byId(doc, 'reader-save')!.click();
    await vi.waitFor(() => expect(byId(doc, 'reader-save-status')?.getAttribute('role')).toBe('alert'));
    expect(byId(doc, 'reader-save-status')!.textContent).toContain('Could not save: The library is full');
  });

  it('a save made without the overlay (shortcut, menu) shows a notice in the page, with Undo', async () => {
    const { doc } = load('publisher-newsletter-modal');
    const sent = background({ deleteSaved: { ok: true, deleted: [] } });
    controller = new ReaderController(doc);
    expect(controller.saved({ ok: true, id: 'n1', updated: false, previous: null })).toEqual({ ok: true });
    const host = doc.querySelector('lectern-notice')!;
    expect(host).not.toBeNull();
    expect(doc.querySelector(HOST_TAG)).toBeNull(); // the overlay is not opened for it
    const box = host.shadowRoot!.querySelector('[data-testid="save-notice"]')!;
    expect(box.getAttribute('role')).toBe('status');
    expect(box.textContent).toContain('Saved to your Lectern library.');
    (host.shadowRoot!.querySelector('[data-testid="save-notice-undo"]') as HTMLButtonElement).click();
    await vi.waitFor(() => expect(box.textContent).toContain('Save undone.'));
    expect(sent).toEqual([{ type: 'deleteSaved', data: { ids: ['n1'] } }]);
    // Dismiss removes it
    (host.shadowRoot!.querySelector('button') as HTMLButtonElement).click();
    await flush();
    expect(doc.querySelector('lectern-notice')).toBeNull();
  });
});
