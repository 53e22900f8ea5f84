import { useLayoutEffect } from 'preact/hooks';
import { t } from '../../utils/i18n';
import type { ItemRow } from '../../utils/messages';
import type { ItemActions } from './actions';
import { SavedRow } from './SavedRow';
import type { SavedList as ListState } from './useSavedList';

export interface SavedListProps {
  list: ListState;
  actions: ItemActions;
  onRead(row: ItemRow): void;
  selection?: Set<string>;
  onSelect?(row: ItemRow, selected: boolean): void;
}

/** The list itself: damaged notice, status line, rows, empty states, "Show more". */
/** Name of the performance mark set when the first rows are in the DOM (measured by tests). */
export const FIRST_ROWS_MARK = 'lectern:first-rows';

export function SavedListView({ list, actions, onRead, selection, onSelect }: SavedListProps) {
  useLayoutEffect(() => {
    if (list.items.length && !performance.getEntriesByName(FIRST_ROWS_MARK).length) performance.mark(FIRST_ROWS_MARK);
  }, [list.items.length > 0]);
  const filtered = !!list.applied.query || Object.keys(list.applied.filter).length > 0;
  return (
    <div class="saved-list">
      {list.damaged.length ? (
        <p class="damaged" role="note" data-testid="lib-damaged">
          {t('libDamaged', list.damaged.length)}
        </p>
      ) : null}
      {list.error ? (
        <p class="error" role="alert" data-testid="lib-error">
          {t('libLoadFailed', list.error)}
        </p>
      ) : null}
      {list.items.length ? (
        <p class="list-status muted" data-testid="lib-count" aria-live="polite">
          {t('libShowing', [list.items.length, list.total])}
        </p>
      ) : null}
      {!list.loading && !list.error && !list.items.length ? (
        <p class="empty" data-testid="lib-empty" role="status">
          {filtered ? t('libNoMatches') : t('libEmpty')}
        </p>
      ) : null}
      {list.loading && !list.items.length ? <p class="muted">{t('libLoading')}</p> : null}
      <ul class="rows" data-testid="saved-list" aria-busy={list.loading}>
        {list.items.map((row) => (
          <SavedRow
            key={row.id}
            row={row}
            actions={actions}
            onRead={onRead}
            selected={selection?.has(row.id)}
            onSelect={onSelect}
          />
        ))}
      </ul>
      {list.items.length < list.total ? (
        <button
          type="button"
          class="show-more"
          data-testid="lib-more"
          disabled={list.loading}
          onClick={async (e) => {
            const list_ = (e.currentTarget as HTMLElement).parentElement?.querySelector('[data-testid="saved-list"]');
            const before = list.items.length;
            await list.more();
            // keyboard focus moves on to the first new row (the button may be gone now)
            requestAnimationFrame(() =>
              list_?.querySelectorAll<HTMLElement>('[data-testid="saved-row"] .row-title')[before]?.focus(),
            );
          }}
        >
          {t('libShowMore')}
        </button>
      ) : null}
    </div>
  );
}
