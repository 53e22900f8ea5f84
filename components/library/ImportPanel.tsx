import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { t, type MessageKey } from '../../utils/i18n';
import { isUnknownUpload, type Failure, type ImportFormat, type ImportPreviewResult, type ImportSource } from '../../utils/messages';
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

/**
 * Files up to this size go to the background in the import messages themselves; bigger ones
 * as a staged upload in chunks (Chrome refuses any extension message over 64 MiB).
 */
export const INLINE_MAX_BYTES = 4 * 1024 * 1024;
/**
 * Bytes of the file read per upload chunk: ≤ 6 Mi UTF-16 code units of text (UTF-8 never
 * decodes to more code units than bytes) or exactly 8 Mi of base64 for a zip — within the
 * background's MAX_UPLOAD_CHUNK (8 Mi), itself well under Chrome's limit.
 */
export const CHUNK_BYTES = 6 * 1024 * 1024;

type Preview = Extract<ImportPreviewResult, { ok: true }>;

/** The file being imported: its string inline (small files) or the id of its staged upload. */
interface Source {
  file: File;
  data: string | null;
  upload: string | null;
}

type State =
  | { step: 'idle' }
  | { step: 'reading'; file: string }
  | { step: 'preview'; file: string; source: Source; preview: Preview }
  | { step: 'importing'; file: string; source: Source; preview: Preview }
  | { step: 'done'; imported: number; skipped: number; errors: Array<{ line: number; message: string; file?: string }> }
  | { step: 'failed'; error: string };

/** A File → the string the import messages take: text, or base64 for a zip. */
export async function readImportFile(file: Blob & { name?: string }): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (isZip(bytes) || /\.zip$/i.test(file.name ?? '')) return bytesToBase64(bytes);
  return new TextDecoder(textEncoding(bytes)).decode(bytes);
}

/** UTF-16 with a byte order mark, else UTF-8 (a UTF-8 BOM is dropped by the decoder). */
function textEncoding(head: Uint8Array): 'utf-8' | 'utf-16le' | 'utf-16be' {
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  return 'utf-8';
}

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

/**
 * The same string as readImportFile, as consecutive chunks read `chunkBytes` at a time (the
 * whole file is never in memory at once). A chunk never ends inside a character: UTF-8/UTF-16
 * is decoded as a stream (a character cut by a read waits for its next bytes) and a trailing
 * high surrogate is carried to the next chunk; zips are read in multiples of 3 bytes so that
 * the chunks' base64 strings join into the file's base64. `read` is the bytes read so far.
 */
export async function* importFileChunks(
  file: Blob & { name?: string },
  chunkBytes = CHUNK_BYTES,
): AsyncGenerator<{ text: string; read: number }> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const zip = isZip(head) || /\.zip$/i.test(file.name ?? '');
  const step = zip ? Math.max(3, chunkBytes - (chunkBytes % 3)) : Math.max(4, chunkBytes);
  const decoder = zip ? null : new TextDecoder(textEncoding(head));
  let carry = '';
  for (let at = 0; at < file.size; at += step) {
    const bytes = new Uint8Array(await file.slice(at, at + step).arrayBuffer());
    const read = Math.min(file.size, at + step);
    let text = carry + (decoder ? decoder.decode(bytes, { stream: read < file.size }) : bytesToBase64(bytes));
    carry = '';
    if (text.length && read < file.size && isHighSurrogate(text.charCodeAt(text.length - 1))) {
      carry = text.slice(-1);
      text = text.slice(0, -1);
    }
    if (text) yield { text, read };
  }
  if (carry) yield { text: carry, read: file.size };
}

/**
 * Stage `file` in the background in chunks (importUploadStart → importUploadChunk… →
 * importUploadEnd); resolves the upload id. `onProgress` gets the fraction read. A failed
 * upload is cancelled (the background drops what it got).
 */
export async function uploadImportFile(
  file: Blob & { name?: string },
  onProgress: (fraction: number) => void = () => undefined,
  chunkBytes = CHUNK_BYTES,
): Promise<{ ok: true; upload: string } | Failure> {
  const start = await ask('importUploadStart', {});
  if (!start.ok) return start;
  const upload = start.upload;
  const failed = (error: string): Failure => {
    void ask('importUploadCancel', { upload });
    return { ok: false, error };
  };
  let index = 0;
  let length = 0;
  const chunks = importFileChunks(file, Math.min(chunkBytes, start.maxChunk ?? chunkBytes));
  try {
    let pending = chunks.next();
    for (;;) {
      const step = await pending;
      if (step.done) break;
      // read the next chunk from the file while this one is on its way
      pending = chunks.next();
      pending.catch(() => undefined);
      const { text, read } = step.value;
      const r = await ask('importUploadChunk', { upload, index, chunk: text });
      if (!r.ok) {
        void chunks.return(undefined);
        return failed(r.error);
      }
      index++;
      length += text.length;
      onProgress(file.size ? read / file.size : 1);
    }
  } catch (e) {
    return failed(e instanceof Error ? e.message : String(e));
  }
  const end = await ask('importUploadEnd', { upload, chunks: index, length });
  if (!end.ok) return failed(end.error);
  onProgress(1);
  return { ok: true, upload };
}

/** How often the panel asks how many imported articles still wait to be sanitised and indexed. */
export const PENDING_POLL_MS = 1000;

/**
 * After an import: the number of imported articles the background is still sanitising and
 * indexing (libraryStats.pending), asked every PENDING_POLL_MS while `active`; null before the
 * first answer.
 */
function usePending(active: boolean): number | null {
  const [pending, setPending] = useState<number | null>(null);
  useEffect(() => {
    if (!active) {
      setPending(null);
      return;
    }
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const poll = async () => {
      const r = await ask('libraryStats', {});
      if (stopped) return;
      if (r.ok) setPending(r.pending);
      if (!r.ok || r.pending > 0) timer = setTimeout(() => void poll(), PENDING_POLL_MS);
    };
    void poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [active]);
  return pending;
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
 * would be imported → Import writes it with importLibrary. A big file is staged in the
 * background in chunks first (with a progress bar); when the background has forgotten it
 * (Chrome stopped its service worker meanwhile) it is staged again and the step retried once.
 */
export function ImportPanel({ onImported }: { onImported(): void }) {
  const [format, setFormat] = useState<ImportFormat>('auto');
  const [state, setState] = useState<State>({ step: 'idle' });
  const [progress, setProgress] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  /** the staged upload the background holds for this panel, to drop it on Cancel / a new file */
  const staged = useRef<string | null>(null);
  /** bumped by every new file / Cancel: answers for an older one are ignored */
  const run = useRef(0);
  const id = useId();
  const pending = usePending(state.step === 'done' && state.imported > 0);

  const dropStaged = () => {
    const upload = staged.current;
    staged.current = null;
    if (upload) void ask('importUploadCancel', { upload });
  };
  useEffect(() => dropStaged, []);

  /** Stage the source's file in the background (again); false when it failed (state set). */
  const stage = async (source: Source, mine: number): Promise<boolean> => {
    setProgress(0);
    const r = await uploadImportFile(source.file, (f) => {
      if (run.current === mine) setProgress(f);
    });
    if (run.current !== mine) {
      if (r.ok) void ask('importUploadCancel', { upload: r.upload });
      return false;
    }
    setProgress(null);
    if (!r.ok) {
      setState({ step: 'failed', error: r.error });
      return false;
    }
    source.upload = r.upload;
    staged.current = r.upload;
    return true;
  };

  /**
   * Send importPreview / importLibrary for `source`: inline data, or its staged upload — staged
   * again and sent once more when the background no longer holds it.
   */
  const send = async <K extends 'importPreview' | 'importLibrary'>(type: K, fmt: ImportFormat, source: Source, mine: number) => {
    const message = (): ImportSource =>
      source.data !== null ? { format: fmt, data: source.data } : { format: fmt, upload: source.upload as string };
    if (source.data === null && !source.upload && !(await stage(source, mine))) return null;
    let answer = await ask(type, message());
    if (source.data === null && isUnknownUpload(answer) && run.current === mine) {
      if (!(await stage(source, mine))) return null;
      answer = await ask(type, message());
    }
    return run.current === mine ? answer : null;
  };

  const preview = async (file: string, source: Source, fmt: ImportFormat, mine = run.current) => {
    const answer = await send('importPreview', fmt, source, mine);
    if (!answer) return;
    if (answer.ok) {
      setState({ step: 'preview', file, source, preview: answer });
      return;
    }
    // nothing more will be read from this upload
    dropStaged();
    setState({ step: 'failed', error: answer.error });
  };

  const take = async (file: File | null | undefined) => {
    if (!file) return;
    const mine = ++run.current;
    dropStaged();
    setProgress(null);
    setState({ step: 'reading', file: file.name });
    const source: Source = { file, data: null, upload: null };
    if (file.size <= INLINE_MAX_BYTES) {
      try {
        source.data = await readImportFile(file);
      } catch (e) {
        if (run.current === mine) setState({ step: 'failed', error: e instanceof Error ? e.message : String(e) });
        return;
      }
    }
    if (run.current !== mine) return;
    await preview(file.name, source, format, mine);
  };

  const confirm = async () => {
    if (state.step !== 'preview') return;
    // a new run: a preview still on its way (the format was changed just before) is ignored
    const mine = ++run.current;
    const { source } = state;
    setState({ ...state, step: 'importing' });
    const answer = await send('importLibrary', state.preview.format, source, mine);
    if (!answer) return;
    // the background dropped its copy with the import; drop the page's too
    staged.current = null;
    source.upload = null;
    source.data = null;
    if (!answer.ok) {
      setState({ step: 'failed', error: answer.error });
      return;
    }
    setState({ step: 'done', imported: answer.imported, skipped: answer.skipped, errors: answer.errors });
    onImported();
  };

  const reset = () => {
    run.current++;
    dropStaged();
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
          disabled={state.step === 'reading' || state.step === 'importing'}
          onChange={(e) => {
            const next = (e.currentTarget as HTMLSelectElement).value as ImportFormat;
            setFormat(next);
            if (state.step === 'preview') void preview(state.file, state.source, next);
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
        {progress !== null && (state.step === 'reading' || state.step === 'preview' || state.step === 'importing') ? (
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
            {state.step === 'importing' && progress === null ? <p data-testid="import-working">{t('libImportWorking')}</p> : null}
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
            {t('libImportFailed', state.error)}
          </p>
        ) : null}
      </div>
      {state.step === 'done' && pending ? (
        // outside the live region: the count moves every second
        <p class="muted" data-testid="import-indexing">
          {t('libImportIndexing', pending)}
        </p>
      ) : null}
      {state.step === 'reading' ? (
        // a big file takes a while to hand over: it can be stopped (the upload is dropped)
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
