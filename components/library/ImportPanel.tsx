import { useId, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../utils/i18n';
import type { ImportFormat, ImportPreviewResult } from '../../utils/messages';
import { ask } from './api';
import { bytesToBase64, isZip } from './format';

export const IMPORT_CHOICES: Array<[ImportFormat, MessageKey]> = [
  ['auto', 'libImportAuto'],
  ['json', 'libFormatJson'],
  ['pocket-csv', 'libFormatPocketCsv'],
  ['pocket-zip', 'libFormatPocketZip'],
  ['pocket-html', 'libFormatPocketHtml'],
  ['instapaper-csv', 'libFormatInstapaper'],
  ['omnivore-zip', 'libFormatOmnivore'],
  ['bookmarks', 'libFormatBookmarks'],
];

const FORMAT_LABEL = Object.fromEntries(IMPORT_CHOICES) as Record<ImportFormat, MessageKey>;
const ERRORS_SHOWN = 20;

type Preview = Extract<ImportPreviewResult, { ok: true }>;

type State =
  | { step: 'idle' }
  | { step: 'reading'; file: string }
  | { step: 'preview'; file: string; data: string; preview: Preview }
  | { step: 'importing'; file: string; data: string; preview: Preview }
  | { step: 'done'; imported: number; skipped: number; errors: Array<{ line: number; message: string; file?: string }> }
  | { step: 'failed'; error: string };

/** A File → the string the import messages take: text, or base64 for a zip. */
export async function readImportFile(file: Blob & { name?: string }): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isZip(bytes) || /\.zip$/i.test(file.name ?? '')) return bytesToBase64(bytes);
  return new TextDecoder('utf-8').decode(bytes);
}

function ErrorList({ errors }: { errors: Array<{ line: number; message: string; file?: string }> }) {
  if (!errors.length) return null;
  return (
    <>
      <ul class="import-errors" data-testid="import-errors">
        {errors.slice(0, ERRORS_SHOWN).map((e, i) => (
          <li key={i}>
            {(e.file ? `${e.file} — ` : '') +
              // messages may already start with "line N:"; never say it twice
              t('libImportLineError', [e.line, e.message.replace(/^line\s+\d+\s*:?\s*/i, '')])}
          </li>
        ))}
      </ul>
      {errors.length > ERRORS_SHOWN ? <p class="muted">{t('libImportMoreErrors', errors.length - ERRORS_SHOWN)}</p> : null}
    </>
  );
}

/**
 * Import: file picker or drag and drop → read → importPreview (nothing written) → shows what
 * would be imported → Import writes it with importLibrary.
 */
export function ImportPanel({ onImported }: { onImported(): void }) {
  const [format, setFormat] = useState<ImportFormat>('auto');
  const [state, setState] = useState<State>({ step: 'idle' });
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const id = useId();

  const preview = async (file: string, data: string, fmt: ImportFormat) => {
    const answer = await ask('importPreview', { format: fmt, data });
    if (!answer.ok) setState({ step: 'failed', error: answer.error });
    else setState({ step: 'preview', file, data, preview: answer });
  };

  const take = async (file: File | null | undefined) => {
    if (!file) return;
    setState({ step: 'reading', file: file.name });
    let data: string;
    try {
      data = await readImportFile(file);
    } catch (e) {
      setState({ step: 'failed', error: e instanceof Error ? e.message : String(e) });
      return;
    }
    await preview(file.name, data, format);
  };

  const confirm = async () => {
    if (state.step !== 'preview') return;
    setState({ ...state, step: 'importing' });
    const answer = await ask('importLibrary', { format: state.preview.format, data: state.data });
    if (!answer.ok) {
      setState({ step: 'failed', error: answer.error });
      return;
    }
    setState({ step: 'done', imported: answer.imported, skipped: answer.skipped, errors: answer.errors });
    onImported();
  };

  const reset = () => {
    setState({ step: 'idle' });
    if (inputRef.current) inputRef.current.value = '';
  };

  return (
    <section class="import" aria-labelledby={`${id}-h`} data-testid="lib-import">
      <h2 id={`${id}-h`}>{t('libImportHeading')}</h2>
      <p class="muted">{t('libImportHint')}</p>
      <div
        class={`dropzone${dragging ? ' dragging' : ''}`}
        data-testid="import-dropzone"
        onDragEnter={(e) => {
          e.preventDefault();
          setDragging(true);
        }}
        onDragOver={(e) => {
          e.preventDefault();
          if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={(e) => {
          e.preventDefault();
          setDragging(false);
          void take(e.dataTransfer?.files?.[0]);
        }}
      >
        <label class="file-label" for={`${id}-file`}>
          {t('libImportChoose')}
        </label>
        <input
          ref={inputRef}
          id={`${id}-file`}
          type="file"
          data-testid="import-file"
          accept=".json,.csv,.html,.htm,.zip,application/json,text/csv,text/html,application/zip"
          onChange={(e) => void take((e.currentTarget as HTMLInputElement).files?.[0])}
        />
        <span class="muted">{t('libImportDrop')}</span>
      </div>
      <label class="field">
        <span>{t('libImportFormat')}</span>
        <select
          data-testid="import-format"
          value={format}
          onChange={(e) => {
            const next = (e.currentTarget as HTMLSelectElement).value as ImportFormat;
            setFormat(next);
            if (state.step === 'preview') void preview(state.file, state.data, next);
          }}
        >
          {IMPORT_CHOICES.map(([v, key]) => (
            <option value={v} key={v}>
              {t(key)}
            </option>
          ))}
        </select>
      </label>
      <div class="import-status" role="status" aria-live="polite" data-testid="import-status">
        {state.step === 'reading' ? <p>{t('libImportReading', state.file)}</p> : null}
        {state.step === 'preview' || state.step === 'importing' ? (
          <div data-testid="import-preview">
            <p>
              {t('libImportPreview', [
                state.file,
                t(FORMAT_LABEL[state.preview.format] ?? 'libImportAuto'),
                state.preview.new,
                state.preview.existing,
                state.preview.errors.length,
              ])}
            </p>
            <ErrorList errors={state.preview.errors} />
            {state.preview.new === 0 ? <p>{t('libImportNothingNew')}</p> : null}
          </div>
        ) : null}
        {state.step === 'done' ? (
          <div data-testid="import-result">
            <p>{t('libImportDone', [state.imported, state.skipped])}</p>
            <ErrorList errors={state.errors} />
          </div>
        ) : null}
        {state.step === 'failed' ? (
          <p class="error" role="alert" data-testid="import-failed">
            {t('libImportFailed', state.error)}
          </p>
        ) : null}
      </div>
      {state.step === 'preview' || state.step === 'importing' ? (
        <div class="actions">
          <button
            type="button"
            class="primary"
            data-testid="import-confirm"
            disabled={state.step === 'importing' || state.preview.new === 0}
            onClick={() => void confirm()}
          >
            {t('libImportConfirm', state.preview.new)}
          </button>
          <button type="button" data-testid="import-cancel" disabled={state.step === 'importing'} onClick={reset}>
            {t('libImportCancel')}
          </button>
        </div>
      ) : null}
    </section>
  );
}
