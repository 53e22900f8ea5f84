import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../utils/i18n';
import type { ErrorParams, ImportFormat } from '../../utils/library/formats/types';
import { ImportWriteError, measureImport, now, previewImport, readImport, writeImport, type ImportPreview, type ParsedImport } from '../../utils/library/import-run';
import { Library } from '../../utils/library/store';
import { ask, errorText } from './api';

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

/**
 * Bytes of the file read at a time: a file bigger than this is read in several slices with a
 * progress bar (and can be cancelled between two).
 */
export const CHUNK_BYTES = 8 * 1024 * 1024;

let pageLib: Library | null = null;

/**
 * The library page's own Library (opened on the first import, one per page): the page is an
 * extension page, same origin as the background, so it opens the same IndexedDB library and
 * imports into it directly (the background's Library catches up through the store's change log).
 */
export function pageLibrary(): Library {
  return (pageLib ??= new Library({ searchIndex: 'lazy', autoCompact: false }));
}

/** Tests: use this Library instead (null: back to the default). */
export function setPageLibrary(lib: Library | null): void {
  pageLib = lib;
}

/** The file being imported and, once read, what parseImport made of it (kept for Import). */
interface Source {
  file: File;
  parsed: ParsedImport | null;
}

type State =
  | { step: 'idle' }
  | { step: 'reading'; file: string }
  | { step: 'preview'; file: string; source: Source; preview: ImportPreview }
  | { step: 'importing'; file: string; source: Source; preview: ImportPreview }
  | { step: 'done'; imported: number; skipped: number; errors: ShownError[] }
  | { step: 'failed'; error: string; code?: string; params?: ErrorParams; file?: string };

/** An import error as the formats layer gives it: English, and (mostly) an i18n code + params. */
type ShownError = { line: number; message: string; file?: string; code?: string; params?: ErrorParams };

/**
 * A bad record's reason in the UI language: its code through i18n when the formats layer named
 * one (never with "line N" — libImportLineError says it), else its English without "line N:".
 */
function rowReason(e: ShownError): string {
  if (e.code) return t(e.code as MessageKey, e.params ?? []);
  return e.message.replace(/^line\s+\d+\s*:?\s*/i, '');
}

/** A whole-file failure in the UI language (the English of errors from elsewhere, e.g. IndexedDB). */
function failureText(f: { error: string; code?: string; params?: ErrorParams; file?: string }): string {
  if (!f.code) return f.error;
  const text = t(f.code as MessageKey, f.params ?? []);
  return f.file ? t('impErrInFile', [f.file, text]) : text;
}

/**
 * Read an import file's bytes, `chunkBytes` at a time into one buffer — what parseImport takes
 * for every format (it decodes text itself: UTF-8, or UTF-16 with a BOM; a Lectern JSON backup
 * is parsed from its bytes without decoding its article bodies). `onProgress` gets the fraction
 * read after each slice; when `wanted()` turns false (Cancel, another file) reading stops and
 * null is returned.
 */
export async function readImportFile(
  file: Blob,
  options: { chunkBytes?: number; onProgress?: (fraction: number) => void; wanted?: () => boolean } = {},
): Promise<Uint8Array | null> {
  const step = Math.max(1, options.chunkBytes ?? CHUNK_BYTES);
  const bytes = new Uint8Array(file.size);
  for (let at = 0; at < file.size; at += step) {
    if (options.wanted && !options.wanted()) return null;
    const part = new Uint8Array(await file.slice(at, at + step).arrayBuffer());
    bytes.set(part, at);
    options.onProgress?.(Math.min(file.size, at + step) / file.size);
  }
  if (options.wanted && !options.wanted()) return null;
  return bytes;
}

/** Resolves once the page has painted (a hidden tab gets no animation frame: at most 50 ms). */
function nextPaint(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(resolve, 0));
    setTimeout(resolve, 50);
  });
}

/** How often the panel asks how many imported articles still wait to be sanitised and indexed. */
export const PENDING_POLL_MS = 1000;

/**
 * After an import: the number of imported articles the background is still sanitising and
 * indexing (libraryStats.pending), asked every PENDING_POLL_MS while `active`; null before the
 * first answer.
 */
function usePending(active: boolean): { pending: number | null; error: string | null } {
  const [pending, setPending] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!active) {
      setPending(null);
      setError(null);
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const poll = async () => {
      const r = await ask('libraryStats', {});
      if (stopped) return;
      if (r.ok) {
        setPending(r.pending);
        // the background retries a failed drain on each ask; until then, say why nothing moves
        setError(r.cleaningError ?? null);
      }
      if (!r.ok || r.pending > 0) timer = setTimeout(() => void poll(), PENDING_POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [active]);
  return { pending, error };
}

function ErrorList({ errors }: { errors: ShownError[] }) {
  if (!errors.length) return null;
  return (
    <>
      <ul class="import-errors" data-testid="import-errors">
        {errors.slice(0, ERRORS_SHOWN).map((e, i) => (
          <li key={i}>
            {
              // English messages may already start with "line N:"; never say it twice
              e.file ? t('libImportFileLineError', [e.file, e.line, rowReason(e)]) : t('libImportLineError', [e.line, rowReason(e)])
            }
          </li>
        ))}
      </ul>
      {errors.length > ERRORS_SHOWN ? <p class="muted">{t('libImportMoreErrors', errors.length - ERRORS_SHOWN)}</p> : null}
    </>
  );
}

/**
 * Import: file picker or drag and drop → the file is read (in slices, with a progress bar when
 * big) and parsed in this page → preview against the page's own Library (nothing written) →
 * Import writes what was parsed (not parsed again) in one transaction, then tells the background
 * (`importWritten`), which sanitises and indexes the imported articles; the panel shows how
 * many are left. Nothing is uploaded to the background.
 */
export function ImportPanel({ onImported }: { onImported(): void }) {
  const [format, setFormat] = useState<ImportFormat>('auto');
  const [state, setState] = useState<State>({ step: 'idle' });
  const [progress, setProgress] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  /** bumped by every new file / format / Cancel / Import: answers for an older one are ignored */
  const run = useRef(0);
  const id = useId();
  const { pending, error: cleaningError } = usePending(state.step === 'done' && state.imported > 0);
  // nothing of a run still going may touch the panel once it is gone
  useEffect(
    () => () => {
      run.current++;
    },
    [],
  );

  /** Read, parse and preview `file` as `fmt`. */
  const take = async (file: File | null | undefined, fmt: ImportFormat = format) => {
    if (!file) return;
    const mine = ++run.current;
    const current = () => run.current === mine;
    const big = file.size > CHUNK_BYTES;
    setProgress(big ? 0 : null);
    setState({ step: 'reading', file: file.name });
    try {
      const t0 = now();
      let data = await readImportFile(file, {
        onProgress: (f) => {
          if (big && current()) setProgress(f);
        },
        wanted: current,
      });
      if (data === null || !current()) return;
      const t1 = now();
      // "Reading <file>…" is shown before the page is busy parsing
      setProgress(null);
      await nextPaint();
      if (!current()) return;
      const t2 = now();
      const parsed = readImport(fmt, data);
      data = null;
      const t3 = now();
      if (!parsed.ok) {
        setState({ step: 'failed', error: parsed.error, code: parsed.code, params: parsed.params, file: parsed.file });
        return;
      }
      const preview = await previewImport(pageLibrary(), parsed);
      if (!current()) return;
      measureImport('read', t0, t1);
      measureImport('parse', t2, t3);
      measureImport('lookup', t3);
      setState({ step: 'preview', file: file.name, source: { file, parsed }, preview });
    } catch (e) {
      if (current()) {
        setProgress(null);
        setState({ step: 'failed', error: errorText(e) });
      }
    }
  };

  const confirm = async () => {
    if (state.step !== 'preview' || !state.source.parsed) return;
    // a new run: nothing still on its way for this file may replace what Import shows
    const mine = ++run.current;
    const { source } = state;
    const parsed = source.parsed as ParsedImport;
    setState({ ...state, step: 'importing' });
    let outcome: State;
    try {
      const t0 = now();
      // the articles of a Lectern JSON backup are stored as ranges of the file itself
      const written = await writeImport(pageLibrary(), parsed, source.file);
      measureImport('write', t0);
      // the background tells the other pages and sanitises + indexes what was written
      if (written.ids.length) await ask('importWritten', { ids: written.ids });
      // the parsed errors (written.errors has the same ones, in English only): with their i18n codes
      outcome = { step: 'done', imported: written.imported, skipped: written.skipped, errors: parsed.errors };
      onImported();
    } catch (e) {
      // writeImport's own refusals are translated; the library's errors stay as they are
      outcome = { step: 'failed', error: errorText(e), ...(e instanceof ImportWriteError ? { code: e.code } : {}) };
    }
    // the parsed file is not needed any more
    source.parsed = null;
    if (run.current === mine) setState(outcome);
  };

  const reset = () => {
    run.current++;
    if (state.step === 'preview') state.source.parsed = null;
    setProgress(null);
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
          // while Import writes, another file waits: its outcome must still be shown
          if (state.step !== 'importing') void take(e.dataTransfer?.files?.[0]);
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
          disabled={state.step === 'importing'}
          accept=".json,.csv,.html,.htm,.zip,application/json,text/csv,text/html,application/zip"
          onChange={(e) => {
            const input = e.currentTarget as HTMLInputElement;
            const file = input.files?.[0];
            // emptied at once: choosing the same file again (after an error, or another try)
            // is a change too, and the panel keeps the File it reads
            input.value = '';
            void take(file);
          }}
        />
        <span class="muted">{t('libImportDrop')}</span>
      </div>
      <label class="field">
        <span>{t('libImportFormat')}</span>
        <select
          data-testid="import-format"
          value={format}
          disabled={state.step === 'reading' || state.step === 'importing'}
          onChange={(e) => {
            const next = (e.currentTarget as HTMLSelectElement).value as ImportFormat;
            setFormat(next);
            if (state.step === 'preview') {
              state.source.parsed = null;
              void take(state.source.file, next);
            }
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
        {state.step === 'reading' && progress === null ? <p>{t('libImportReading', state.file)}</p> : null}
        {progress !== null && state.step === 'reading' ? (
          <div data-testid="import-progress">
            {/* the announced text moves in steps of 10 % (a live region that changed every chunk would chatter) */}
            <p>{t('libImportReadingProgress', [state.file, Math.floor(progress * 10) * 10])}</p>
            <progress max={100} value={Math.floor(progress * 100)} aria-label={t('libImportProgressLabel')} />
          </div>
        ) : null}
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
            {state.step === 'importing' ? <p data-testid="import-working">{t('libImportWorking')}</p> : null}
          </div>
        ) : null}
        {state.step === 'done' ? (
          <div data-testid="import-result">
            <p>{t('libImportDone', [state.imported, state.skipped])}</p>
            {/* announced once, when done (a count that changed every second would chatter) */}
            {pending === 0 ? <p data-testid="import-indexed">{t('libImportIndexed')}</p> : null}
            <ErrorList errors={state.errors} />
          </div>
        ) : null}
        {state.step === 'failed' ? (
          <p class="error" role="alert" data-testid="import-failed">
            {t('libImportFailed', failureText(state))}
          </p>
        ) : null}
      </div>
      {state.step === 'done' && pending ? (
        // outside the live region: the count moves every second
        <p class="muted" data-testid="import-indexing">
          {t('libImportIndexing', pending)}
        </p>
      ) : null}
      {state.step === 'done' && pending && cleaningError ? (
        <p class="error" role="alert" data-testid="import-indexing-failed">
          {t('libImportIndexFailed', cleaningError)}
        </p>
      ) : null}
      {state.step === 'reading' ? (
        // a big file takes a while to read: it can be stopped
        <div class="actions">
          <button type="button" data-testid="import-cancel" onClick={reset}>
            {t('libImportCancel')}
          </button>
        </div>
      ) : null}
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
