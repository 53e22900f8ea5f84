import { useId, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../utils/i18n';
import type { ExportFormat, ListFilter } from '../../utils/messages';
import { ask } from './api';
import type { NoticeApi } from './Notice';

export const EXPORT_CHOICES: Array<[ExportFormat, MessageKey]> = [
  ['json', 'libFormatJson'],
  ['markdown', 'libFormatMarkdown'],
  ['csv', 'libFormatCsv'],
  ['bookmarks', 'libFormatBookmarks'],
  ['epub', 'libFormatEpub'],
];

type Scope = 'all' | 'filter' | 'selection';

export interface ExportMenuProps {
  notice: NoticeApi;
  /** what the list currently shows */
  applied: { query: string; filter: ListFilter };
  /** library page: the selected ids */
  selection?: string[];
}

/**
 * Export: format + scope (all, current search/filter, selection). The background writes the
 * file and starts the download itself, so a closing popup cannot cancel it.
 */
export function ExportMenu({ notice, applied, selection }: ExportMenuProps) {
  const [open, setOpen] = useState(false);
  const [format, setFormat] = useState<ExportFormat>('json');
  const [scope, setScope] = useState<Scope>('all');
  const [busy, setBusy] = useState(false);
  const id = useId();
  const toggle = useRef<HTMLButtonElement>(null);
  const filtered = !!applied.query || Object.keys(applied.filter).length > 0;
  const effectiveScope: Scope =
    scope === 'selection' && !selection?.length ? 'all' : scope === 'filter' && !filtered ? 'all' : scope;

  const run = async () => {
    setBusy(true);
    try {
      let target: { ids?: string[]; filter?: ListFilter } = {};
      if (effectiveScope === 'selection') target = { ids: selection ?? [] };
      else if (effectiveScope === 'filter') {
        if (applied.query) {
          // the export message filters but does not search: send the matching ids
          const found = await ask('listSaved', { filter: applied.filter, query: applied.query });
          if (!found.ok) {
            notice.show({ kind: 'error', text: t('libExportFailed', found.error) });
            return;
          }
          target = { ids: found.items.map((r) => r.id) };
        } else target = { filter: applied.filter };
      }
      if (target.ids && !target.ids.length) {
        notice.show({ text: t('libExportEmpty') });
        return;
      }
      const answer = await ask('exportLibrary', { format, ...target, download: true });
      if (!answer.ok) notice.show({ kind: 'error', text: t('libExportFailed', answer.error) });
      else notice.show({ text: t('libExportStarted', answer.filename) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <div
      class="export-menu"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          e.stopPropagation();
          setOpen(false);
          toggle.current?.focus();
        }
      }}
    >
      <button
        ref={toggle}
        type="button"
        class="menu-toggle"
        data-testid="lib-export-toggle"
        aria-expanded={open}
        aria-controls={`${id}-panel`}
        onClick={() => setOpen(!open)}
      >
        {t('libExport')}
      </button>
      <div
        id={`${id}-panel`}
        class="menu-panel"
        role="group"
        aria-label={t('libExportHeading')}
        hidden={!open}
      >
        <label class="field">
          <span>{t('libExportFormat')}</span>
          <select
            data-testid="lib-export-format"
            value={format}
            onChange={(e) => setFormat((e.currentTarget as HTMLSelectElement).value as ExportFormat)}
          >
            {EXPORT_CHOICES.map(([v, key]) => (
              <option value={v} key={v}>
                {t(key)}
              </option>
            ))}
          </select>
        </label>
        <fieldset class="field">
          <legend>{t('libExportScope')}</legend>
          <label class="radio">
            <input type="radio" name={`${id}-scope`} checked={effectiveScope === 'all'} onChange={() => setScope('all')} />
            <span>{t('libScopeAll')}</span>
          </label>
          <label class="radio">
            <input
              type="radio"
              name={`${id}-scope`}
              data-testid="lib-export-scope-filter"
              disabled={!filtered}
              checked={effectiveScope === 'filter'}
              onChange={() => setScope('filter')}
            />
            <span>{t('libScopeFilter')}</span>
          </label>
          {selection ? (
            <label class="radio">
              <input
                type="radio"
                name={`${id}-scope`}
                data-testid="lib-export-scope-selection"
                disabled={!selection.length}
                checked={effectiveScope === 'selection'}
                onChange={() => setScope('selection')}
              />
              <span>{t('libScopeSelection', selection.length)}</span>
            </label>
          ) : null}
        </fieldset>
        <button type="button" class="primary" data-testid="lib-export-run" disabled={busy} onClick={() => void run()}>
          {t('libExport')}
        </button>
        {/* a first backup or a Markdown/EPUB file of thousands of articles takes seconds to write */}
        <p class="export-status" role="status" data-testid="lib-export-status">
          {busy ? t('libExportPreparing') : ''}
        </p>
      </div>
    </div>
  );
}
