/**
 * The reader script's brain (injected on demand as /reader.js): runs the pipeline on the live
 * document, mounts the overlay, answers the background's tab messages.
 */
import { h, render } from 'preact';
import { detectPage, extractArticle } from '../../extract';
import {
  onMessages,
  sendMessage,
  type ArticleAnswer,
  type Failure,
  type OpenResult,
  type PageInfoResult,
  type Result,
  type SaveTabResult,
  type TabProtocol,
} from '../../messages';
import type { SavedItem } from '../../library/types';
import { DEFAULT_SETTINGS, getSettings, updateSettings, watchSettings, type Settings } from '../../settings';
import type { Article } from '../../types';
import { ReaderView, type ReaderContent, type SaveState } from '../../../components/ReaderView';
import { Overlay } from './overlay';
import { SaveNotice } from './save-notice';
import css from './reader.css?inline';

const TITLE_ID = 'lectern-reader-title';

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * true when the page has an <img> (or <source>) for this URL — as src, as the URL it loaded, or
 * as a lazy-load data-src it was about to load. An og:image that the page never shows is not
 * fetched by the reader.
 */
export function pageHasImage(doc: Document, src: string): boolean {
  if (src.startsWith('data:')) return true;
  const base = doc.location?.href ?? doc.baseURI;
  const abs = (value: string | null | undefined): string | null => {
    if (!value) return null;
    try {
      return new URL(value.trim(), base).href;
    } catch {
      return null;
    }
  };
  const target = abs(src);
  if (!target) return false;
  for (const img of Array.from(doc.querySelectorAll<HTMLImageElement>('img, picture source'))) {
    const candidates = [
      (img as HTMLImageElement).currentSrc,
      img.getAttribute('src'),
      img.getAttribute('data-src'),
      img.getAttribute('data-lazy-src'),
      img.getAttribute('data-original'),
      ...(img.getAttribute('srcset') ?? img.getAttribute('data-srcset') ?? '')
        .split(',')
        .map((part) => part.trim().split(/\s+/)[0]),
    ];
    if (candidates.some((c) => abs(c) === target)) return true;
  }
  return false;
}

export function resultOf(content: ReaderContent): OpenResult {
  if (content.kind === 'article') return { ok: true };
  return { ok: false, error: content.reason === 'error' ? content.error || 'error' : content.reason };
}

export class ReaderController {
  private overlay: Overlay | null = null;
  private content: ReaderContent | null = null;
  private contentUrl = '';
  private settings: Settings = DEFAULT_SETTINGS;
  private unwatch: (() => void) | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private saveState: SaveState = { state: 'idle' };
  /** what Undo reverts: the entry saved last, and how it was before (null: it was new) */
  private lastSave: { id: string; previous: SavedItem | null } | null = null;
  private notice: SaveNotice | null = null;

  constructor(private readonly doc: Document = document) {}

  get isOpen(): boolean {
    return !!this.overlay?.isOpen;
  }

  /** Serialise open/close so that concurrent requests never mount two overlays. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private url(): string {
    return this.doc.location?.href ?? '';
  }

  /** The pipeline on the live page. */
  extract(force: boolean): ReaderContent {
    const url = this.url();
    let article: Article | null;
    try {
      article = extractArticle(this.doc, url, { force });
    } catch (error) {
      return { kind: 'message', reason: 'error', aggregator: null, error: errorText(error) };
    }
    if (!article) {
      let aggregator = null;
      try {
        aggregator = detectPage(this.doc, url).aggregator;
      } catch {
        // detection is only used to label the message
      }
      return { kind: 'message', reason: 'not-readable', aggregator };
    }
    if (!article.isArticle && !force) return { kind: 'message', reason: 'not-article', aggregator: article.aggregator };
    if (!article.html.trim()) return { kind: 'message', reason: 'not-readable', aggregator: article.aggregator };
    return { kind: 'article', article };
  }

  open(options: { force?: boolean } = {}): Promise<OpenResult> {
    return this.serial(async () => {
      if (this.overlay?.isOpen && this.content) {
        // only ever opens: an open reader stays as it is, except that a forced request may
        // upgrade the not-article message, and a single-page site that moved on to another
        // URL gets the new page read
        if (options.force && this.content.kind === 'message' && this.content.reason === 'not-article') {
          this.show(this.extract(true));
        } else if (this.contentUrl !== this.url()) {
          this.show(this.extract(!!options.force));
        }
        this.overlay.bringToFront();
        return resultOf(this.content);
      }
      const content = this.extract(!!options.force);
      try {
        this.settings = await getSettings();
      } catch {
        this.settings = DEFAULT_SETTINGS;
      }
      this.mount();
      this.show(content);
      return this.verify(content);
    });
  }

  close(): Promise<Result> {
    return this.serial(async () => {
      this.teardown();
      return { ok: true };
    });
  }

  pageInfo(): PageInfoResult {
    const url = this.url();
    const article =
      this.content?.kind === 'article' && this.content.article.url === url
        ? this.content.article
        : extractArticle(this.doc, url, {});
    if (!article) {
      const detection = detectPage(this.doc, url);
      return {
        ok: true,
        isArticle: false,
        aggregator: detection.aggregator,
        title: (this.doc.title || '').trim(),
        byline: null,
        source: null,
        published: null,
        readingMinutes: 0,
      };
    }
    return {
      ok: true,
      isArticle: article.isArticle,
      aggregator: article.aggregator,
      title: article.title,
      byline: article.byline,
      source: article.source,
      published: article.published,
      readingMinutes: article.readingMinutes,
    };
  }

  /**
   * The article a save stores: the one the reader shows for this URL (even when the user chose
   * "Read it anyway"), else the pipeline's result when the page is an article; otherwise null
   * and the page is saved as a link.
   */
  articleForSave(): ArticleAnswer {
    const url = this.url();
    const title = (this.doc.title || '').trim();
    if (this.content?.kind === 'article' && this.contentUrl === url && this.content.article.html.trim()) {
      return { ok: true, url, title, aggregator: this.content.article.aggregator, article: this.content.article };
    }
    let article: Article | null = null;
    try {
      article = extractArticle(this.doc, url, {});
    } catch {
      article = null;
    }
    if (article && article.isArticle && article.html.trim()) {
      return { ok: true, url, title, aggregator: article.aggregator, article };
    }
    let aggregator = article?.aggregator ?? null;
    if (!article) {
      try {
        aggregator = detectPage(this.doc, url).aggregator;
      } catch {
        aggregator = null;
      }
    }
    return { ok: true, url, title: article?.title || title, aggregator, article: null };
  }

  /** The overlay's Save button: the background's saveTab (the same path as every save). */
  async save(): Promise<void> {
    if (this.saveState.state === 'saving') return;
    this.saveState = { state: 'saving' };
    this.rerender();
    let result: SaveTabResult;
    try {
      result = (await sendMessage('saveTab', { withUndo: true })) ?? { ok: false, error: 'no-response' };
    } catch (error) {
      result = { ok: false, error: errorText(error) };
    }
    this.saved(result);
  }

  /**
   * Show the outcome of a save: in the overlay when it is open, else as a notice in the page
   * (the keyboard command and the context menu save without the overlay).
   */
  saved(result: SaveTabResult): Result {
    if (result.ok) {
      const canUndo = result.previous !== undefined;
      this.lastSave = canUndo ? { id: result.id, previous: result.previous ?? null } : null;
      this.saveState = { state: 'saved', updated: result.updated, canUndo };
    } else {
      this.saveState = { state: 'failed', error: result.error };
    }
    if (this.overlay?.isOpen) {
      this.rerender();
    } else {
      this.notice?.destroy();
      this.notice = new SaveNotice(this.doc, {
        state: this.saveState,
        onUndo: this.lastSave ? () => this.undo() : undefined,
        onGone: () => (this.notice = null),
      });
      this.notice.show();
    }
    return { ok: true };
  }

  /** Undo the last save: delete the new entry, or put the previous one back. */
  async undo(): Promise<void> {
    const last = this.lastSave;
    if (!last) return;
    this.lastSave = null;
    let result: Result | { ok: true; deleted: unknown } ;
    try {
      result =
        (last.previous
          ? await sendMessage('restoreSaved', { items: [last.previous] })
          : await sendMessage('deleteSaved', { ids: [last.id] })) ?? { ok: false, error: 'no-response' };
    } catch (error) {
      result = { ok: false, error: errorText(error) };
    }
    this.saveState = result.ok ? { state: 'undone' } : { state: 'undo-failed', error: result.error };
    if (this.overlay?.isOpen) this.rerender();
    this.notice?.update(this.saveState);
  }

  private mount(): void {
    this.overlay = new Overlay(this.doc, {
      css,
      labelledBy: TITLE_ID,
      onUserClose: () => void this.close(),
    });
    this.overlay.mount();
    this.unwatch = watchSettings((settings) => {
      this.settings = settings;
      this.rerender();
    });
  }

  private show(content: ReaderContent): void {
    if (this.contentUrl !== this.url()) {
      // another page (SPA navigation): the last save's state belonged to the old one
      this.saveState = { state: 'idle' };
      this.lastSave = null;
    }
    this.content = content;
    this.contentUrl = this.url();
    this.rerender();
    this.overlay?.focusContent();
  }

  private rerender(): void {
    if (!this.overlay || !this.content) return;
    render(
      h(ReaderView, {
        content: this.content,
        settings: this.settings,
        titleId: TITLE_ID,
        onSettingsChange: (patch: Partial<Settings>) => this.changeSettings(patch),
        onClose: () => void this.close(),
        onForce: () => this.show(this.extract(true)),
        onPrint: () => this.doc.defaultView?.print(),
        onSave: () => void this.save(),
        save: this.saveState,
        onUndo: () => void this.undo(),
        imageShowable: (src: string) => pageHasImage(this.doc, src),
      }),
      this.overlay.container,
    );
  }

  private changeSettings(patch: Partial<Settings>): void {
    // applied at once, persisted in the background of the UI
    this.settings = {
      ...this.settings,
      ...patch,
      autoOpen: { ...this.settings.autoOpen, ...(patch.autoOpen ?? {}) },
    };
    this.rerender();
    void updateSettings(patch).catch(() => undefined);
  }

  /** Resolve only once what we promise is really in the DOM. */
  private async verify(content: ReaderContent): Promise<OpenResult> {
    const root = this.overlay?.shadow;
    const selector = content.kind === 'article' ? '[data-testid="reader-body"]' : '[data-testid="reader-message"]';
    for (let i = 0; i < 50 && !root?.querySelector(selector); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    if (!root?.querySelector(selector)) return { ok: false, error: 'overlay-not-rendered' } satisfies Failure;
    return resultOf(content);
  }

  private teardown(): void {
    this.unwatch?.();
    this.unwatch = null;
    if (this.overlay) {
      render(null, this.overlay.container);
      this.overlay.destroy();
    }
    this.overlay = null;
    this.content = null;
    this.saveState = { state: 'idle' };
  }
}

const INSTALLED = Symbol.for('lectern.reader');

/** Install once per page (the background may inject the script more than once). */
export function installReader(doc: Document = document): ReaderController {
  const g = globalThis as unknown as Record<symbol, ReaderController | undefined>;
  const existing = g[INSTALLED];
  if (existing) return existing;
  const controller = new ReaderController(doc);
  g[INSTALLED] = controller;
  onMessages<TabProtocol>({
    'reader:ping': () => ({ ok: true, open: controller.isOpen }),
    'reader:open': (data) => controller.open({ force: !!data.force }),
    'reader:close': () => controller.close(),
    'reader:pageInfo': () => controller.pageInfo(),
    'reader:article': () => controller.articleForSave(),
    'reader:saved': (data) => controller.saved(data.result),
  });
  return controller;
}
