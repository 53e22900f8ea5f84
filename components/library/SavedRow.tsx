import { useId, useState } from 'preact/hooks';
import { t, uiLanguage } from '../../utils/i18n';
import type { ItemRow } from '../../utils/messages';
import { hostOf, isWebUrl, publisherOf, shortDate, viaOf } from './format';
import type { ItemActions } from './actions';
import { TagAddForm } from './TagAddForm';

export interface SavedRowProps {
  row: ItemRow;
  actions: ItemActions;
  /** read the saved copy (popup: opens the library page at it; library page: the reader) */
  onRead(row: ItemRow): void;
  /** library page: a selection checkbox */
  selected?: boolean;
  onSelect?(row: ItemRow, selected: boolean): void;
}

/** One saved item: title (reads the saved copy), meta line, quick toggles, more actions. */
export function SavedRow({ row, actions, onRead, selected, onSelect }: SavedRowProps) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const publisher = publisherOf(row);
  const via = viaOf(row);
  const locale = uiLanguage();
  const date = shortDate(row.published, locale);
  const saved = shortDate(row.savedAt, locale);
  const minutes = row.readingMinutes > 0 ? Math.max(1, Math.round(row.readingMinutes)) : 0;
  const original = row.source?.url && isWebUrl(row.source.url) ? row.source.url : null;

  return (
    <li
      class={`row${row.archived ? ' archived' : ''}${selected ? ' selected' : ''}`}
      data-testid="saved-row"
      data-id={row.id}
    >
      <div class="row-head">
        {onSelect ? (
          <input
            type="checkbox"
            class="row-select"
            data-testid="row-select"
            checked={!!selected}
            aria-label={t('libSelect', row.title)}
            onChange={(e) => onSelect(row, (e.currentTarget as HTMLInputElement).checked)}
          />
        ) : null}
        <div class="row-main">
          {row.hasContent || !isWebUrl(row.url) ? (
            <button
              type="button"
              class="row-title"
              data-testid="row-title"
              title={t('libReadCopyHint')}
              dir="auto"
              onClick={() => onRead(row)}
            >
              {row.title || hostOf(row.url)}
            </button>
          ) : (
            // a link saved without a copy: its title opens the page itself
            <a class="row-title" data-testid="row-title" href={row.url} target="_blank" rel="noopener noreferrer" dir="auto">
              {row.title || hostOf(row.url)}
            </a>
          )}
          <p class="row-meta">
            {publisher ? (
              <span class="row-publisher" data-testid="row-publisher" dir="auto">
                {publisher}
              </span>
            ) : null}
            {via && via !== publisher ? <span data-testid="row-via">{t('readerVia', via)}</span> : null}
            {minutes ? <span>{t('readerMinutes', minutes)}</span> : null}
            {date ? <span>{date}</span> : saved ? <span>{t('libSavedOn', saved)}</span> : null}
            {!row.hasContent ? <span class="badge">{t('libLinkOnly')}</span> : null}
            {row.archived ? <span class="badge">{t('libFilterArchived')}</span> : null}
          </p>
          {row.tags.length ? (
            <p class="row-tags" data-testid="row-tags">
              {row.tags.map((tag) => (
                <span class="tag" key={tag} dir="auto">
                  {tag}
                </span>
              ))}
            </p>
          ) : null}
        </div>
        <div class="row-quick">
          <button
            type="button"
            class={`icon-button fav${row.favourite ? ' on' : ''}`}
            data-testid="row-favourite"
            aria-pressed={row.favourite}
            aria-label={t('libFavourite')}
            title={t('libFavourite')}
            onClick={() => void actions.update([row.id], { favourite: !row.favourite })}
          >
            <span aria-hidden="true">{row.favourite ? '★' : '☆'}</span>
          </button>
          <button
            type="button"
            class={`icon-button arch${row.archived ? ' on' : ''}`}
            data-testid="row-archive"
            aria-pressed={row.archived}
            aria-label={t('libArchive')}
            title={t('libArchive')}
            onClick={() => void actions.update([row.id], { archived: !row.archived })}
          >
            <ArchiveIcon filled={row.archived} />
          </button>
          <button
            type="button"
            class="icon-button more"
            data-testid="row-more"
            aria-expanded={open}
            aria-controls={panelId}
            aria-label={t('libMoreActions', row.title)}
            title={t('libMore')}
            onClick={() => setOpen(!open)}
          >
            <span aria-hidden="true">⋯</span>
          </button>
        </div>
      </div>
      <div id={panelId} class="row-panel" hidden={!open}>
        {open ? (
          <>
            <div class="row-links">
              {row.hasContent ? (
                <button type="button" class="small" data-testid="row-read" onClick={() => onRead(row)}>
                  {t('libRead')}
                </button>
              ) : null}
              {original ? (
                <a
                  class="small-link"
                  data-testid="row-original"
                  href={original}
                  target="_blank"
                  rel="noopener noreferrer"
                  aria-label={t('libOpenOriginalLabel', publisher || hostOf(original))}
                >
                  {t('libOpenOriginal')}
                </a>
              ) : null}
              {isWebUrl(row.url) ? (
                <a
                  class="small-link"
                  data-testid="row-where-read"
                  href={row.url}
                  target="_blank"
                  rel="noopener noreferrer"
                  aria-label={t('libOpenWhereReadLabel', hostOf(row.url))}
                >
                  {t('libOpenWhereRead')}
                </a>
              ) : null}
              <button
                type="button"
                class="small danger"
                data-testid="row-delete"
                onClick={() => void actions.remove([row.id], [row])}
              >
                {t('libDelete')}
              </button>
            </div>
            <TagEditor row={row} actions={actions} />
          </>
        ) : null}
      </div>
    </li>
  );
}

export function TagEditor({ row, actions }: { row: ItemRow; actions: ItemActions }) {
  const add = async (tag: string): Promise<boolean> => {
    if (row.tags.some((x) => x.toLowerCase() === tag.toLowerCase())) return true;
    return actions.setTags(row, [...row.tags, tag]);
  };
  return (
    <div class="tag-editor" data-testid="row-tag-editor">
      {row.tags.length ? (
        <ul class="tag-list" aria-label={t('libTags')}>
          {row.tags.map((tag) => (
            <li key={tag} class="tag">
              <span dir="auto">{tag}</span>
              <button
                type="button"
                class="tag-remove"
                data-testid="tag-remove"
                aria-label={t('libRemoveTag', tag)}
                title={t('libRemoveTag', tag)}
                onClick={() => void actions.setTags(row, row.tags.filter((x) => x !== tag))}
              >
                <span aria-hidden="true">×</span>
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <TagAddForm testId="tag" onAdd={add} />
    </div>
  );
}

/** A small archive-box icon (decorative: the button has its own accessible name). */
function ArchiveIcon({ filled }: { filled: boolean }) {
  return (
    <svg viewBox="0 0 20 20" aria-hidden="true" focusable="false">
      <rect x="2.5" y="3.5" width="15" height="4" rx="1" fill={filled ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="1.5" />
      <path d="M4 7.5v8a1 1 0 0 0 1 1h10a1 1 0 0 0 1-1v-8" fill={filled ? 'currentColor' : 'none'} stroke="currentColor" stroke-width="1.5" />
      <path d="M8 11h4" stroke={filled ? 'var(--card, #fff)' : 'currentColor'} stroke-width="1.5" stroke-linecap="round" />
    </svg>
  );
}
