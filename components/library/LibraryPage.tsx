/**
 * The library page (library.html): search, filters, the saved list with bulk selection and
 * bulk actions, export, import, and the saved copy in the reader (`#item=<id>`).
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../utils/i18n';
import type { ItemRow } from '../../utils/messages';
import { ask } from './api';
import { itemActions } from './actions';
import { ExportMenu } from './ExportMenu';
import { Filters } from './Filters';
import { ImportPanel } from './ImportPanel';
import { Notice, useNotice } from './Notice';
import { SavedListView } from './SavedList';
import { SavedReader } from './SavedReader';
import { TagAddForm } from './TagAddForm';
import { useSavedList } from './useSavedList';

/** `#item=<id>` → id. */
export function itemFromHash(hash: string): string | null {
  const m = /(?:^#|&)item=([^&]+)/.exec(hash);
  if (!m?.[1]) return null;
  try {
    return decodeURIComponent(m[1]);
  } catch {
    return null;
  }
}

export function LibraryPage() {
  const list = useSavedList();
  const notice = useNotice();
  const [reading, setReading] = useState<string | null>(() => itemFromHash(location.hash));
  const [selection, setSelection] = useState<Set<string>>(new Set());
  const [showImport, setShowImport] = useState(false);
  const [selecting, setSelecting] = useState(false);
  const actions = itemActions(list, notice);

  useEffect(() => {
    const onHash = () => setReading(itemFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    if (!reading) document.title = t('libPageTitle');
  }, [reading]);

  // "/" jumps to the search box (when not typing somewhere already)
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || reading) return;
      const target = e.target as HTMLElement | null;
      if (target && (target.isContentEditable || /^(input|select|textarea)$/i.test(target.localName))) return;
      const box = document.querySelector<HTMLInputElement>('[data-testid="lib-search"]');
      if (!box) return;
      e.preventDefault();
      box.focus();
      box.select();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [reading]);

  // saves made elsewhere (popup, overlay, another tab) show up when the page is looked at again
  const reloadRef = useRef(list);
  reloadRef.current = list;
  useEffect(() => {
    const onVisible = () => {
      if (document.visibilityState !== 'visible') return;
      void reloadRef.current.reload();
      void reloadRef.current.refreshStats();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, []);

  const open = (row: ItemRow) => {
    location.hash = `item=${encodeURIComponent(row.id)}`;
  };
  const close = () => {
    const id = reading;
    history.pushState(null, '', location.pathname + location.search);
    setReading(null);
    // back on the list: focus the row that was read
    if (id) {
      requestAnimationFrame(() => {
        const row = [...document.querySelectorAll<HTMLElement>('[data-testid="saved-row"]')].find((r) => r.dataset.id === id);
        row?.querySelector<HTMLElement>('.row-title')?.focus();
      });
    }
  };

  const select = (row: ItemRow, on: boolean) =>
    setSelection((prev) => {
      const next = new Set(prev);
      if (on) next.add(row.id);
      else next.delete(row.id);
      return next;
    });
  const allShownSelected = list.items.length > 0 && list.items.every((r) => selection.has(r.id));
  const ids = [...selection];

  const selectAllMatching = async () => {
    setSelecting(true);
    const q = list.applied.query;
    const answer = await ask('listSaved', { filter: list.applied.filter, ...(q ? { query: q } : {}) });
    setSelecting(false);
    if (!answer.ok) notice.show({ kind: 'error', text: t('libLoadFailed', answer.error) });
    else setSelection(new Set(answer.items.map((r) => r.id)));
  };

  const bulk = async (fn: () => Promise<boolean>) => {
    if (await fn()) setSelection(new Set());
  };

  const addTag = async (tag: string): Promise<boolean> => {
    if (!ids.length) return false;
    // tags are per item: read the selected rows' tags (from the list when it shows them all)
    let rows = list.items.filter((r) => selection.has(r.id));
    if (rows.length < ids.length) {
      const answer = await ask('listSaved', {});
      if (!answer.ok) {
        notice.show({ kind: 'error', text: t('libActionFailed', answer.error) });
        return false;
      }
      rows = answer.items.filter((r) => selection.has(r.id));
    }
    // one write per distinct tag list (usually one or a few), not one per item
    const groups = new Map<string, { tags: string[]; ids: string[] }>();
    for (const row of rows) {
      if (row.tags.some((x) => x.toLowerCase() === tag.toLowerCase())) continue;
      const tags = [...row.tags, tag];
      const key = JSON.stringify(tags);
      const g = groups.get(key) ?? { tags, ids: [] };
      g.ids.push(row.id);
      groups.set(key, g);
    }
    let changed = 0;
    for (const g of groups.values()) {
      if (!(await actions.update(g.ids, { tags: g.tags }))) return false;
      changed += g.ids.length;
    }
    notice.show({ text: t('libUpdatedMany', changed) });
    return true;
  };

  return (
    <div class="library-page">
      <div class="library" hidden={!!reading}>
        <header class="lib-header">
          <h1>{t('libPageTitle')}</h1>
          <div class="lib-header-tools">
            <ExportMenu notice={notice} applied={list.applied} selection={ids} />
            <button
              type="button"
              class="menu-toggle"
              data-testid="lib-import-toggle"
              aria-expanded={showImport}
              onClick={() => setShowImport(!showImport)}
            >
              {t('libImport')}
            </button>
          </div>
        </header>
        {list.stats ? (
          <p class="lib-stats muted" data-testid="lib-stats">
            {t('libStatsLine', [list.stats.total, list.stats.favourites, list.stats.archived])}
          </p>
        ) : null}
        {showImport ? (
          <ImportPanel
            onImported={() => {
              void list.reload();
              void list.refreshStats();
            }}
          />
        ) : null}
        <Notice api={notice} />
        <Filters list={list} autoFocus={!reading} />
        <div class="bulk" role="toolbar" aria-label={t('libBulkLabel')} data-testid="lib-bulk">
          <label class="select-shown">
            <input
              type="checkbox"
              data-testid="lib-select-shown"
              checked={allShownSelected}
              disabled={!list.items.length}
              onChange={(e) => {
                const on = (e.currentTarget as HTMLInputElement).checked;
                setSelection((prev) => {
                  const next = new Set(prev);
                  for (const r of list.items) on ? next.add(r.id) : next.delete(r.id);
                  return next;
                });
              }}
            />
            <span>{t('libSelectShown')}</span>
          </label>
          {list.total > list.items.length || (selection.size > 0 && selection.size < list.total) ? (
            <button type="button" class="small" data-testid="lib-select-all" disabled={selecting} onClick={() => void selectAllMatching()}>
              {t('libSelectAllMatching', list.total)}
            </button>
          ) : null}
          {selection.size ? (
            <>
              <span class="selected-count" data-testid="lib-selected-count" aria-live="polite">
                {t('libSelected', selection.size)}
              </span>
              <button type="button" class="small" data-testid="bulk-archive" onClick={() => void bulk(() => actions.update(ids, { archived: true }, { announce: true }))}>
                {t('libArchive')}
              </button>
              <button type="button" class="small" data-testid="bulk-unarchive" onClick={() => void bulk(() => actions.update(ids, { archived: false }, { announce: true }))}>
                {t('libUnarchive')}
              </button>
              <button type="button" class="small" data-testid="bulk-favourite" onClick={() => void bulk(() => actions.update(ids, { favourite: true }, { announce: true }))}>
                {t('libFavourite')}
              </button>
              <button type="button" class="small" data-testid="bulk-unfavourite" onClick={() => void bulk(() => actions.update(ids, { favourite: false }, { announce: true }))}>
                {t('libUnfavourite')}
              </button>
              <TagAddForm testId="bulk-tag" onAdd={addTag} />
              <button type="button" class="small danger" data-testid="bulk-delete" onClick={() => void bulk(() => actions.remove(ids))}>
                {t('libDelete')}
              </button>
              <button type="button" class="small" data-testid="lib-clear-selection" onClick={() => setSelection(new Set())}>
                {t('libClearSelection')}
              </button>
            </>
          ) : null}
        </div>
        <SavedListView list={list} actions={actions} onRead={open} selection={selection} onSelect={select} />
      </div>
      {reading ? (
        <SavedReader
          id={reading}
          onClose={close}
          onProgress={(id, patch) => {
            const row = list.items.find((r) => r.id === id);
            if (row) list.patchRows([{ ...row, ...patch }]);
          }}
        />
      ) : null}
    </div>
  );
}
