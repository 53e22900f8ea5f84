import { useId, useState } from 'preact/hooks';
import { t } from '../../utils/i18n';

export interface TagAddFormProps {
  /** data-testid prefix: `<prefix>-input` and `<prefix>-add` */
  testId: string;
  /** Adds the (whitespace-normalised, non-empty) tag; resolves true when the field should clear. */
  onAdd(tag: string): Promise<boolean>;
}

/** The "add a tag" field of a row's tag editor and of the library page's bulk actions. */
export function TagAddForm({ testId, onAdd }: TagAddFormProps) {
  const [value, setValue] = useState('');
  const inputId = useId();
  const submit = async (e: Event) => {
    e.preventDefault();
    const tag = value.replace(/\s+/g, ' ').trim();
    if (tag && (await onAdd(tag))) setValue('');
  };
  return (
    <form class="tag-add" onSubmit={(e) => void submit(e)}>
      <label for={inputId} class="visually-hidden">
        {t('libTagInput')}
      </label>
      <input
        id={inputId}
        type="text"
        data-testid={`${testId}-input`}
        placeholder={t('libTagInput')}
        maxLength={64}
        value={value}
        onInput={(e) => setValue((e.currentTarget as HTMLInputElement).value)}
      />
      <button type="submit" class="small" data-testid={`${testId}-add`}>
        {t('libAddTag')}
      </button>
    </form>
  );
}
