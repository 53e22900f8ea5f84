import { useEffect, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { t, uiLanguage } from '../utils/i18n';
import { sendMessage, type PageInfoResult } from '../utils/messages';
import { aggregatorName } from '../utils/runtime/aggregators';
import { formatPublished, minutesLabel } from '../utils/runtime/format';
import { ask } from './library/api';
import { itemActions } from './library/actions';
import { ExportMenu } from './library/ExportMenu';
import { Filters } from './library/Filters';
import { Notice, useNotice } from './library/Notice';
import { SavedListView } from './library/SavedList';
import { useSavedList } from './library/useSavedList';

export interface PopupProps {
  /** for tests: which tab the popup is about */
  getTabId?: () => Promise<number | undefined>;
  close?: () => void;
}

/**
 * The tab the popup is about: the active tab of its window; `popup.html?tabId=N` names one
 * explicitly (so the popup can be opened in a tab of its own, e.g. by tests).
 */
async function activeTab(): Promise<number | undefined> {
  const named = Number(new URLSearchParams(location.search).get('tabId'));
  if (Number.isInteger(named) && named > 0) return named;
  const [tab] = await browser.tabs.query({ active: true, currentWindow: true });
  return tab?.id;
}

/** Chrome's and Firefox's refusals for pages no extension may script (chrome://, the store, …). */
export function isRestricted(error: string): boolean {
  return /cannot access|cannot be scripted|extensions gallery|missing host permission|must request permission|chrome:\/\/|about:|moz-extension|chrome-extension/i.test(
    error,
  );
}

type CardState = { state: 'loading' } | { state: 'ready'; tabId: number; info: PageInfoResult } | { state: 'no-tab' };

type SaveState =
  | { state: 'unknown' }
  | { state: 'unsaved' }
  | { state: 'saving' }
  | { state: 'saved'; id: string | null };

/** The popup: the current page's card (Read / Save), then the saved library. */
export function Popup({ getTabId = activeTab, close = () => window.close() }: PopupProps) {
  const [card, setCard] = useState<CardState>({ state: 'loading' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [save, setSave] = useState<SaveState>({ state: 'unknown' });
  const list = useSavedList();
  const notice = useNotice();
  const actions = itemActions(list, notice, () => void refreshSaved());

  const refreshSaved = async (tabId = card.state === 'ready' ? card.tabId : undefined) => {
    if (tabId === undefined) return;
    const state = await ask('savedState', { tabId });
    if (state.ok) setSave(state.saved ? { state: 'saved', id: state.item?.id ?? null } : { state: 'unsaved' });
    else setSave({ state: 'unsaved' });
  };

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const tabId = await getTabId();
      if (tabId === undefined) {
        if (!cancelled) setCard({ state: 'no-tab' });
        return;
      }
      void refreshSaved(tabId);
      let info: PageInfoResult;
      try {
        info = (await sendMessage('pageInfo', { tabId })) ?? { ok: false, error: 'no-response' };
      } catch (e) {
        info = { ok: false, error: e instanceof Error ? e.message : String(e) };
      }
      if (!cancelled) setCard({ state: 'ready', tabId, info });
    })();
    return () => {
      cancelled = true;
    };
  }, []);

  const read = async () => {
    if (card.state !== 'ready') return;
    setBusy(true);
    setError(null);
    const result = await sendMessage('openReader', { tabId: card.tabId }).catch((e: unknown) => ({
      ok: false as const,
      error: e instanceof Error ? e.message : String(e),
    }));
    setBusy(false);
    // not-article / not-readable are shown by the overlay itself, in the page
    if (result?.ok || result?.error === 'not-article' || result?.error === 'not-readable') close();
    else setError(result?.error ?? 'no-response');
  };

  const saveTab = async () => {
    if (card.state !== 'ready' || save.state === 'saving' || save.state === 'saved') return;
    setSave({ state: 'saving' });
    const answer = await ask('saveTab', { tabId: card.tabId });
    if (!answer.ok) {
      setSave({ state: 'unsaved' });
      notice.show({ kind: 'error', text: t('libSaveFailed', answer.error) });
      return;
    }
    setSave({ state: 'saved', id: answer.id });
    const title = card.info.ok ? card.info.title : '';
    void list.reload();
    void list.refreshStats();
    notice.show({
      text: answer.updated ? t('libSaveUpdatedNotice', title) : t('libSavedNotice', title),
      // Undo of a new save removes it again; an update of an existing entry has nothing to undo
      undo: answer.updated
        ? undefined
        : async () => {
            const removed = await ask('deleteSaved', { ids: [answer.id] });
            if (!removed.ok) {
              notice.show({ kind: 'error', text: t('libActionFailed', removed.error) });
              return;
            }
            setSave({ state: 'unsaved' });
            list.removeRows([answer.id]);
            void list.refreshStats();
            notice.show({ text: t('libUndone') });
          },
    });
  };

  const openLibrary = async (id?: string) => {
    const answer = await ask('openLibrary', id ? { id } : {});
    if (answer.ok) close();
    else notice.show({ kind: 'error', text: t('libActionFailed', answer.error) });
  };

  const saved = save.state === 'saved';
  const canSave = card.state === 'ready' && card.info.ok;

  return (
    <main class="popup">
      <h1 class="popup-title">{t('popupTitle')}</h1>
      <section class="card" aria-labelledby="popup-current">
        <h2 id="popup-current" class="card-heading">
          {t('popupCurrentPage')}
        </h2>
        {card.state === 'loading' ? <p class="muted">{t('popupLoading')}</p> : null}
        {card.state === 'no-tab' ? <p class="muted">{t('popupUnavailable', 'no-tab')}</p> : null}
        {card.state === 'ready' && !card.info.ok ? (
          <p class="muted" data-testid="popup-unavailable">
            {isRestricted(card.info.error) ? t('popupRestricted') : t('popupUnavailable', card.info.error)}
          </p>
        ) : null}
        {card.state === 'ready' && card.info.ok ? <PageCard info={card.info} /> : null}
        <div class="actions">
          <button
            type="button"
            class="primary"
            data-testid="popup-read"
            disabled={card.state !== 'ready' || !card.info.ok || busy}
            onClick={() => void read()}
          >
            {t('popupRead')}
          </button>
          <button
            type="button"
            class={saved ? 'saved' : ''}
            data-testid="popup-save"
            disabled={!canSave || save.state === 'unknown' || save.state === 'saving'}
            aria-disabled={saved ? true : undefined}
            aria-pressed={saved}
            onClick={() => void saveTab()}
          >
            {saved ? t('popupSavedState') : save.state === 'saving' ? t('popupSaving') : t('popupSave')}
          </button>
        </div>
        {error ? (
          <p class="error" role="alert">
            {t('popupUnavailable', error)}
          </p>
        ) : null}
      </section>
      <Notice api={notice} />
      <section class="library-section" aria-labelledby="popup-saved">
        <div class="section-head">
          <h2 id="popup-saved" class="card-heading">
            {t('libSectionHeading')}
          </h2>
          <div class="section-tools">
            <ExportMenu notice={notice} applied={list.applied} />
            <button type="button" class="link-button" data-testid="popup-open-library" onClick={() => void openLibrary()}>
              {t('libOpenLibrary')}
            </button>
          </div>
        </div>
        <Filters list={list} />
        <SavedListView list={list} actions={actions} onRead={(row) => void openLibrary(row.id)} />
      </section>
    </main>
  );
}

function PageCard({ info }: { info: Extract<PageInfoResult, { ok: true }> }) {
  const via = aggregatorName(info.aggregator);
  const minutes = minutesLabel(info.readingMinutes);
  const date = formatPublished(info.published, uiLanguage());
  return (
    <div class="page-card" data-testid="popup-page">
      <p class="page-title" data-testid="popup-page-title">
        {info.title}
      </p>
      {info.byline ? <p class="page-byline">{info.byline}</p> : null}
      <p class="page-meta">
        {info.source?.name ? <span data-testid="popup-source">{info.source.name}</span> : null}
        {via ? <span data-testid="popup-via">{t('readerVia', via)}</span> : null}
        {date ? <span>{date}</span> : null}
        {minutes && info.isArticle ? <span>{t('readerMinutes', minutes)}</span> : null}
      </p>
      {!info.isArticle ? <p class="muted">{t('popupNotArticle')}</p> : null}
    </div>
  );
}
