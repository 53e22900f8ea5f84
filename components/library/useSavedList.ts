/**
 * The saved list's state: search query (debounced), filter, the rows shown (first page only,
 * then "show more"), total, damaged records. Answers arriving out of order are dropped.
 */
import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { DamagedRecord, ItemRow, LibraryStats, ListFilter } from '../../utils/messages';
import { ask } from './api';

export const PAGE_SIZE = 50;
export const SEARCH_DEBOUNCE_MS = 120;

export type ShowState = 'all' | 'unread' | 'archived' | 'favourites';

export interface FilterState {
  show: ShowState;
  tag: string;
  publisher: string;
}

export const NO_FILTER: FilterState = { show: 'all', tag: '', publisher: '' };

/** The UI's filter choices → the store's ListFilter. */
export function toListFilter(f: FilterState): ListFilter {
  const out: ListFilter = {};
  if (f.show === 'unread') {
    out.unread = true;
    out.archived = false;
  } else if (f.show === 'archived') out.archived = true;
  else if (f.show === 'favourites') out.favourite = true;
  if (f.tag) out.tag = f.tag;
  if (f.publisher) out.publisher = f.publisher;
  return out;
}

export interface SavedList {
  query: string;
  setQuery(q: string): void;
  filter: FilterState;
  setFilter(patch: Partial<FilterState>): void;
  items: ItemRow[];
  total: number;
  damaged: DamagedRecord[];
  loading: boolean;
  /** the last load failed (message) */
  error: string | null;
  /** the query and filter the shown rows answer (after the debounce) */
  applied: { query: string; filter: ListFilter };
  stats: LibraryStats | null;
  reload(): Promise<void>;
  more(): Promise<void>;
  /** replace these rows in place (after an update) */
  patchRows(rows: ItemRow[]): void;
  /** drop these rows (after a delete) */
  removeRows(ids: string[]): void;
  refreshStats(): Promise<void>;
}

export function useSavedList(pageSize = PAGE_SIZE): SavedList {
  const [query, setQueryState] = useState('');
  const [debounced, setDebounced] = useState('');
  const [filter, setFilterState] = useState<FilterState>(NO_FILTER);
  const [items, setItems] = useState<ItemRow[]>([]);
  const [total, setTotal] = useState(0);
  const [damaged, setDamaged] = useState<DamagedRecord[]>([]);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [stats, setStats] = useState<LibraryStats | null>(null);
  const seq = useRef(0);
  const shown = useRef(0);

  const listFilter = toListFilter(filter);
  const filterKey = JSON.stringify(listFilter);

  useEffect(() => {
    if (query === debounced) return undefined;
    // clearing the box answers at once; typing waits for a short pause
    if (!query.trim()) {
      setDebounced(query);
      return undefined;
    }
    const timer = setTimeout(() => setDebounced(query), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  const load = useCallback(
    async (offset: number, limit: number) => {
      const mine = ++seq.current;
      setLoading(true);
      const q = debounced.trim() ? debounced : undefined;
      const answer = await ask('listSaved', { filter: listFilter, ...(q ? { query: q } : {}), limit, offset });
      if (mine !== seq.current) return;
      setLoading(false);
      if (!answer.ok) {
        setError(answer.error);
        return;
      }
      setError(null);
      setTotal(answer.total);
      setDamaged(answer.damaged ?? []);
      setItems((prev) => {
        const next = offset === 0 ? answer.items : [...prev, ...answer.items.filter((r) => !prev.some((p) => p.id === r.id))];
        shown.current = next.length;
        return next;
      });
    },
    [debounced, filterKey],
  );

  const refreshStats = useCallback(async () => {
    const answer = await ask('libraryStats', {});
    if (answer.ok) setStats(answer);
  }, []);

  // a layout effect: the first page is asked for right after the first render, not a frame later
  useLayoutEffect(() => {
    void load(0, pageSize);
  }, [load]);

  // the filter counts come after the first page, so they never delay it
  const statsAsked = useRef(false);
  useEffect(() => {
    if (statsAsked.current || loading) return;
    statsAsked.current = true;
    void refreshStats();
  }, [loading]);

  return {
    query,
    setQuery: setQueryState,
    filter,
    setFilter: (patch) => setFilterState((f) => ({ ...f, ...patch })),
    items,
    total,
    damaged,
    loading,
    error,
    applied: { query: debounced.trim(), filter: listFilter },
    stats,
    reload: () => load(0, Math.max(pageSize, shown.current)),
    more: () => load(shown.current, pageSize),
    patchRows: (rows) =>
      setItems((prev) => prev.map((p) => rows.find((r) => r.id === p.id) ?? p)),
    removeRows: (ids) => {
      setItems((prev) => {
        const next = prev.filter((p) => !ids.includes(p.id));
        shown.current = next.length;
        return next;
      });
      setTotal((n) => Math.max(0, n - ids.length));
    },
    refreshStats,
  };
}
