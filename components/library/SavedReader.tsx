/**
 * Reading a saved copy on the library page, offline: the same ReaderView (typography settings,
 * ArticleBody's sanitised markup) as the overlay, resuming at the saved progress and saving
 * the progress while scrolling.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { ReaderView, type ReaderContent } from '../ReaderView';
import { t } from '../../utils/i18n';
import type { ItemPatch } from '../../utils/messages';
import { DEFAULT_SETTINGS, getSettings, updateSettings, watchSettings, type Settings } from '../../utils/settings';
import type { SavedItem } from '../../utils/library/types';
import type { Article } from '../../utils/types';
import { ask } from './api';
import { isWebUrl } from './format';

/** How often, at most, scrolling writes the progress. */
export const PROGRESS_SAVE_MS = 1000;
const TITLE_ID = 'lectern-saved-title';

export function savedToArticle(item: SavedItem): Article {
  return {
    url: item.url,
    isArticle: true,
    aggregator: item.aggregator,
    title: item.title,
    byline: item.byline,
    source: item.source,
    published: item.published,
    canonicalUrl: item.canonicalUrl,
    lang: item.lang,
    dir: item.dir,
    leadImage: item.leadImage ? { src: item.leadImage, alt: '', caption: null } : null,
    html: item.html,
    text: '',
    excerpt: item.excerpt,
    words: item.words,
    readingMinutes: item.readingMinutes,
  };
}

/** Scroll fraction of a scroll box, 0..1. */
export function scrollFraction(el: { scrollTop: number; scrollHeight: number; clientHeight: number }): number {
  const max = el.scrollHeight - el.clientHeight;
  if (max <= 0) return 1;
  return Math.min(1, Math.max(0, el.scrollTop / max));
}

type State = { step: 'loading' } | { step: 'ready'; item: SavedItem } | { step: 'failed'; error: string };

export interface SavedReaderProps {
  id: string;
  onClose(): void;
  /** called with what was written (progress/read), so the list can reflect it */
  onProgress?(id: string, patch: ItemPatch): void;
}

export function SavedReader({ id, onClose, onProgress }: SavedReaderProps) {
  const [state, setState] = useState<State>({ step: 'loading' });
  const [settings, setSettings] = useState<Settings>(DEFAULT_SETTINGS);
  const host = useRef<HTMLDivElement>(null);
  const lastSaved = useRef<number>(-1);
  const pending = useRef<number | null>(null);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const restored = useRef(false);

  useEffect(() => {
    let live = true;
    void getSettings().then((s) => live && setSettings(s));
    const unwatch = watchSettings((s) => live && setSettings(s));
    return () => {
      live = false;
      unwatch();
    };
  }, []);

  useEffect(() => {
    let live = true;
    restored.current = false;
    setState({ step: 'loading' });
    void ask('getSaved', { id }).then((answer) => {
      if (!live) return;
      if (!answer.ok) setState({ step: 'failed', error: answer.error });
      else {
        lastSaved.current = answer.item.progress;
        setState({ step: 'ready', item: answer.item });
        document.title = answer.item.title || t('libPageTitle');
      }
    });
    return () => {
      live = false;
    };
  }, [id]);

  const scroller = () => host.current?.querySelector<HTMLElement>('.reader') ?? null;

  const flush = () => {
    if (timer.current) clearTimeout(timer.current);
    timer.current = null;
    const value = pending.current;
    pending.current = null;
    if (value === null || Math.abs(value - lastSaved.current) < 0.005) return;
    lastSaved.current = value;
    const patch: ItemPatch = value >= 0.98 ? { progress: 1, read: true } : { progress: Math.round(value * 1000) / 1000 };
    void ask('updateSaved', { ids: [id], patch }).then((answer) => {
      if (answer.ok) onProgress?.(id, patch);
    });
  };

  // resume where the reader left off, once the body is laid out
  useLayoutEffect(() => {
    if (state.step !== 'ready' || restored.current) return;
    const el = scroller();
    if (!el) return;
    restored.current = true;
    const progress = state.item.progress;
    // the article box scrolls, not the page: give it the focus so Space / PageDown / arrows work
    if (!el.hasAttribute('tabindex')) el.tabIndex = -1;
    el.focus({ preventScroll: true });
    if (progress > 0 && progress < 1) {
      requestAnimationFrame(() => {
        const max = el.scrollHeight - el.clientHeight;
        if (max > 0) el.scrollTop = Math.round(progress * max);
      });
    }
  }, [state]);

  useEffect(() => {
    if (state.step !== 'ready') return undefined;
    const el = scroller();
    if (!el) return undefined;
    const onScroll = () => {
      if (!restored.current) return;
      pending.current = scrollFraction(el);
      if (!timer.current) timer.current = setTimeout(flush, PROGRESS_SAVE_MS);
    };
    el.addEventListener('scroll', onScroll, { passive: true });
    window.addEventListener('pagehide', flush);
    return () => {
      el.removeEventListener('scroll', onScroll);
      window.removeEventListener('pagehide', flush);
      flush();
    };
  }, [state]);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && !e.defaultPrevented) {
      e.preventDefault();
      onClose();
    }
  };

  if (state.step === 'loading') {
    return (
      <div class="saved-reader loading" ref={host}>
        <p class="muted">{t('libLoading')}</p>
      </div>
    );
  }
  if (state.step === 'failed' || !state.item.hasContent || !state.item.html) {
    // nothing to read: say why, offer the page itself when there is one, and the way back
    const item = state.step === 'ready' ? state.item : null;
    return (
      <div class="saved-reader saved-message" ref={host} onKeyDown={onKeyDown}>
        <section class="message-box" data-testid="reader-message" role="status">
          <h1 id={TITLE_ID}>{item?.title || t('libPageTitle')}</h1>
          <p>
            {item
              ? t('libNoCopy')
              : state.step === 'failed' && state.error !== 'not-found'
                ? t('libLoadFailed', state.error)
                : t('libNotFound')}
          </p>
          <div class="actions">
            {item && isWebUrl(item.url) ? (
              <a class="button-link" href={item.url} target="_blank" rel="noopener noreferrer">
                {t('libOpenWhereRead')}
              </a>
            ) : null}
            <button type="button" class="primary" data-testid="reader-close" autoFocus onClick={() => onClose()}>
              {t('libBack')}
            </button>
          </div>
        </section>
      </div>
    );
  }
  const content: ReaderContent = { kind: 'article', article: savedToArticle(state.item) };

  return (
    <div class="saved-reader" ref={host} onKeyDown={onKeyDown} data-testid="saved-reader">
      <ReaderView
        content={content}
        settings={settings}
        titleId={TITLE_ID}
        onSettingsChange={(patch) => {
          setSettings((s) => ({ ...s, ...patch, autoOpen: { ...s.autoOpen, ...(patch.autoOpen ?? {}) } }));
          void updateSettings(patch).then(setSettings);
        }}
        onClose={() => {
          flush();
          onClose();
        }}
        save={{ state: 'saved', updated: false }}
        onPrint={() => window.print()}
        // never load an image from the network: only data: images of the saved copy show
        imageShowable={(src) => src.startsWith('data:')}
      />
    </div>
  );
}
