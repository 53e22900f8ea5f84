/**
 * What the list's buttons do: update / delete (with Undo) / tag, through the library messages,
 * reflecting the answer in the list and reporting in the live region.
 */
import { t } from '../../utils/i18n';
import type { ItemPatch, ItemRow } from '../../utils/messages';
import { ask } from './api';
import type { NoticeApi } from './Notice';
import type { SavedList } from './useSavedList';

export interface ItemActions {
  update(ids: string[], patch: ItemPatch, opts?: { announce?: boolean }): Promise<boolean>;
  remove(ids: string[], rows?: ItemRow[]): Promise<boolean>;
  setTags(row: ItemRow, tags: string[]): Promise<boolean>;
}

export function itemActions(list: SavedList, notice: NoticeApi, after?: () => void): ItemActions {
  const failed = (error: string) => notice.show({ kind: 'error', text: t('libActionFailed', error) });
  return {
    async update(ids, patch, opts = {}) {
      if (!ids.length) return true;
      const answer = await ask('updateSaved', { ids, patch });
      if (!answer.ok) {
        failed(answer.error);
        return false;
      }
      list.patchRows(answer.items);
      if (opts.announce) notice.show({ text: t('libUpdatedMany', answer.items.length) });
      void list.refreshStats();
      after?.();
      return true;
    },
    async remove(ids, rows = []) {
      if (!ids.length) return true;
      const answer = await ask('deleteSaved', { ids });
      if (!answer.ok) {
        failed(answer.error);
        return false;
      }
      const deleted = answer.deleted;
      list.removeRows(ids);
      void list.refreshStats();
      after?.();
      const title = deleted.length === 1 ? (deleted[0]?.title ?? rows[0]?.title ?? '') : '';
      notice.show({
        text: deleted.length === 1 ? t('libDeletedOne', title) : t('libDeletedMany', deleted.length),
        undo: async () => {
          const back = await ask('restoreSaved', { items: deleted });
          if (!back.ok) {
            failed(back.error);
            return;
          }
          await list.reload();
          void list.refreshStats();
          after?.();
          notice.show({ text: t('libUndone') });
        },
      });
      return true;
    },
    async setTags(row, tags) {
      return this.update([row.id], { tags });
    },
  };
}
