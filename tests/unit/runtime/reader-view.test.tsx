// @vitest-environment jsdom
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReaderView, type ReaderContent, type ReaderViewProps } from '../../../components/ReaderView';
import { DEFAULT_SETTINGS } from '../../../utils/settings';
import type { Article } from '../../../utils/types';
import { mockI18n } from './i18n-mock';

function article(overrides: Partial<Article> = {}): Article {
  return {
    url: 'https://www.inkl.com/news/bus-depot',
    isArticle: true,
    aggregator: 'inkl',
    title: 'Bus depot to become a housing site',
    byline: 'Ada Reyes',
    source: { name: 'Latin Times', url: 'https://latintimes.example/bus-depot' },
    published: '2026-03-04T09:30:00Z',
    canonicalUrl: null,
    lang: 'en',
    dir: 'ltr',
    leadImage: { src: 'https://www.inkl.com/news/depot.png', alt: 'The depot', caption: 'The depot in 1990' },
    html: '<p>First paragraph with <a href="https://example.org/x">a link</a>.</p><p>Second.</p><script>alert(1)</script>',
    text: 'First paragraph with a link.\nSecond.',
    excerpt: 'First paragraph',
    words: 600,
    readingMinutes: 3,
    ...overrides,
  };
}

let root: HTMLElement;
const q = (id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`);

function show(content: ReaderContent, extra: Partial<ReaderViewProps> = {}) {
  const props: ReaderViewProps = {
    content,
    settings: DEFAULT_SETTINGS,
    titleId: 'rt',
    onSettingsChange: vi.fn(),
    onClose: vi.fn(),
    ...extra,
  };
  act(() => render(h(ReaderView, props), root));
  return props;
}

describe('ReaderView', () => {
  beforeEach(() => {
    mockI18n();
    root = document.createElement('div');
    document.body.append(root);
  });
  afterEach(() => {
    render(null, root);
    root.remove();
  });

  it('renders every contract test id for an aggregator article', () => {
    show({ kind: 'article', article: article() });
    expect(q('reader-title')?.textContent).toBe('Bus depot to become a housing site');
    expect(q('reader-title')?.id).toBe('rt');
    expect(q('reader-byline')?.textContent).toBe('Ada Reyes');
    expect(q('reader-via')?.textContent).toBe('via inkl');
    for (const id of ['reader-save', 'reader-close', 'reader-settings']) expect(q(id), id).not.toBeNull();
    expect(q('reader-message')).toBeNull();
    expect(root.textContent).toContain('3 min read');
    expect(root.querySelector('time')?.getAttribute('datetime')).toBe('2026-03-04T09:30:00Z');
    expect(root.querySelector('time')?.textContent).toBe('4 March 2026');
  });

  it('the source is the publisher name only, linked to the original article in a new tab', () => {
    show({ kind: 'article', article: article() });
    const source = q('reader-source')!;
    expect(source.tagName).toBe('A');
    expect(source.textContent).toBe('Latin Times');
    expect(source.getAttribute('href')).toBe('https://latintimes.example/bus-depot');
    expect(source.getAttribute('target')).toBe('_blank');
    expect(source.getAttribute('rel')).toBe('noopener noreferrer');
    // the "Source:" label sits outside the element
    expect(source.parentElement?.textContent).toBe('Source: Latin Times');
  });

  it('plain text source when the original URL is unknown; byline and via absent when unknown', () => {
    show({
      kind: 'article',
      article: article({ source: { name: 'The Lakeshore Courier', url: null }, byline: null, aggregator: null }),
    });
    const source = q('reader-source')!;
    expect(source.tagName).not.toBe('A');
    expect(source.querySelector('a')).toBeNull();
    expect(source.textContent).toBe('The Lakeshore Courier');
    expect(q('reader-byline')).toBeNull();
    expect(q('reader-via')).toBeNull();
  });

  it('the body holds only the sanitised article, with lang/dir and safe links', () => {
    show({ kind: 'article', article: article({ lang: 'ar', dir: 'rtl' }) });
    const body = q('reader-body')!;
    expect(body.textContent).toBe('First paragraph with a link.Second.');
    expect(body.querySelector('script')).toBeNull();
    expect(body.getAttribute('lang')).toBe('ar');
    expect(body.getAttribute('dir')).toBe('rtl');
    const link = body.querySelector('a')!;
    expect(link.getAttribute('target')).toBe('_blank');
    expect(link.getAttribute('rel')).toBe('noopener noreferrer');
    // header (title, byline, lead image) is outside the body
    expect(body.contains(q('reader-title'))).toBe(false);
    expect(body.querySelector('img')).toBeNull();
    expect(root.querySelector('figure.lead img')?.getAttribute('src')).toBe('https://www.inkl.com/news/depot.png');
    expect(root.querySelector('figure.lead figcaption')?.textContent).toBe('The depot in 1990');
  });

  it('leaves out a lead image the page never had (no fetch of metadata-only images)', () => {
    show({ kind: 'article', article: article() }, { imageShowable: () => false });
    expect(root.querySelector('figure.lead')).toBeNull();
    show({ kind: 'article', article: article() }, { imageShowable: (src) => src.endsWith('/depot.png') });
    expect(root.querySelector('figure.lead img')).not.toBeNull();
  });

  it('does not show the lead image twice when the body already has it', () => {
    show({ kind: 'article', article: article({ html: '<p><img src="https://www.inkl.com/news/depot.png" alt=""></p><p>x</p>' }) });
    expect(root.querySelector('figure.lead')).toBeNull();
    expect(q('reader-body')?.querySelectorAll('img')).toHaveLength(1);
  });

  it('not-article: a message instead of a body, with a button that forces extraction', () => {
    const onForce = vi.fn();
    show({ kind: 'message', reason: 'not-article', aggregator: 'msn' }, { onForce });
    const message = q('reader-message')!;
    expect(message).not.toBeNull();
    expect(q('reader-body')).toBeNull();
    expect(q('reader-title')).toBeNull();
    expect(message.querySelector('h1')?.id).toBe('rt');
    const button = message.querySelector('button')!;
    expect(button.textContent).toBe('Read it anyway');
    act(() => button.click());
    expect(onForce).toHaveBeenCalledTimes(1);
  });

  it('not-readable: a message without the force button', () => {
    show({ kind: 'message', reason: 'not-readable', aggregator: null }, { onForce: vi.fn() });
    expect(q('reader-message')?.textContent).toContain('Nothing readable found');
    expect(q('reader-message')?.querySelector('button')).toBeNull();
    expect(q('reader-body')).toBeNull();
  });

  it('Close calls onClose; Save stays disabled until the library provides onSave', () => {
    const props = show({ kind: 'article', article: article() });
    act(() => q('reader-close')!.click());
    expect(props.onClose).toHaveBeenCalledTimes(1);
    expect((q('reader-save') as HTMLButtonElement).disabled).toBe(true);
    const onSave = vi.fn();
    show({ kind: 'article', article: article() }, { onSave });
    expect((q('reader-save') as HTMLButtonElement).disabled).toBe(false);
    act(() => q('reader-save')!.click());
    expect(onSave).toHaveBeenCalledTimes(1);
  });

  it('settings: theme and typography apply to the view and report changes', () => {
    const onSettingsChange = vi.fn();
    show(
      { kind: 'article', article: article() },
      { settings: { ...DEFAULT_SETTINGS, theme: 'sepia', font: 'sans', fontSize: 22 }, onSettingsChange },
    );
    const view = root.querySelector<HTMLElement>('.reader')!;
    expect(view.dataset.theme).toBe('sepia');
    expect(view.dataset.font).toBe('sans');
    expect(view.style.getPropertyValue('--reader-font-size')).toBe('22px');
    const settings = q('reader-settings')!;
    const toggle = settings.querySelector('button')!;
    expect(toggle.getAttribute('aria-expanded')).toBe('false');
    act(() => toggle.click());
    expect(toggle.getAttribute('aria-expanded')).toBe('true');
    const dark = settings.querySelector<HTMLInputElement>('input[type=radio][value=dark]')!;
    act(() => dark.click());
    expect(onSettingsChange).toHaveBeenCalledWith({ theme: 'dark' });
    const autoOpen = settings.querySelector<HTMLInputElement>('input[type=checkbox]')!;
    expect(autoOpen.checked).toBe(true);
    expect(autoOpen.parentElement?.textContent).toContain('inkl');
    act(() => autoOpen.click());
    expect(onSettingsChange).toHaveBeenCalledWith({ autoOpen: { inkl: false } });
  });

  it('has no auto-open setting on a page that is not on an aggregator', () => {
    show({ kind: 'article', article: article({ aggregator: null }) });
    expect(q('reader-settings')?.querySelector('input[type=checkbox]')).toBeNull();
  });
});
