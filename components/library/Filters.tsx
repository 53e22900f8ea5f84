import { useId } from 'preact/hooks';
import { t, type MessageKey } from '../../utils/i18n';
import type { SavedList, ShowState } from './useSavedList';

const SHOW: Array<[ShowState, MessageKey]> = [
  ['all', 'libFilterAll'],
  ['unread', 'libFilterUnread'],
  ['archived', 'libFilterArchived'],
  ['favourites', 'libFilterFavourites'],
];

/** The instant search box and the filters (state, tag, publisher). */
export function Filters({ list, autoFocus = false }: { list: SavedList; autoFocus?: boolean }) {
  const id = useId();
  const tags = list.stats?.tags ?? [];
  const publishers = list.stats?.publishers ?? [];
  const value = (e: Event) => (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
  return (
    <div class="filters" role="search">
      <div class="search">
        <label for={`${id}-q`} class="visually-hidden">
          {t('libSearchLabel')}
        </label>
        <input
          id={`${id}-q`}
          type="search"
          data-testid="lib-search"
          placeholder={t('libSearchPlaceholder')}
          autoComplete="off"
          spellcheck={false}
          autoFocus={autoFocus}
          value={list.query}
          onInput={(e) => list.setQuery(value(e))}
        />
      </div>
      <div class="filter-row">
        <label class="filter">
          <span>{t('libFilterShow')}</span>
          <select data-testid="lib-filter-show" value={list.filter.show} onChange={(e) => list.setFilter({ show: value(e) as ShowState })}>
            {SHOW.map(([v, key]) => (
              <option value={v} key={v}>
                {t(key)}
              </option>
            ))}
          </select>
        </label>
        <label class="filter">
          <span>{t('libFilterTag')}</span>
          <select data-testid="lib-filter-tag" value={list.filter.tag} onChange={(e) => list.setFilter({ tag: value(e) })}>
            <option value="">{t('libFilterAnyTag')}</option>
            {tags.map(({ tag, count }) => (
              <option value={tag} key={tag}>
                {tag} ({count})
              </option>
            ))}
            {list.filter.tag && !tags.some((x) => x.tag === list.filter.tag) ? (
              <option value={list.filter.tag}>{list.filter.tag}</option>
            ) : null}
          </select>
        </label>
        <label class="filter">
          <span>{t('libFilterPublisher')}</span>
          <select
            data-testid="lib-filter-publisher"
            value={list.filter.publisher}
            onChange={(e) => list.setFilter({ publisher: value(e) })}
          >
            <option value="">{t('libFilterAnyPublisher')}</option>
            {publishers.map(({ name, count }) => (
              <option value={name} key={name}>
                {name} ({count})
              </option>
            ))}
            {list.filter.publisher && !publishers.some((x) => x.name === list.filter.publisher) ? (
              <option value={list.filter.publisher}>{list.filter.publisher}</option>
            ) : null}
          </select>
        </label>
      </div>
    </div>
  );
}
