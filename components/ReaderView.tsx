import type { ComponentChildren } from 'preact';
import { t, uiDirection, uiLanguage } from '../utils/i18n';
import type { Settings } from '../utils/settings';
import type { AggregatorId, Article } from '../utils/types';
import { aggregatorName } from '../utils/runtime/aggregators';
import { formatPublished, isWebUrl, minutesLabel } from '../utils/runtime/format';
import { ArticleBody } from './ArticleBody';
import { ReaderSettings } from './ReaderSettings';

export type ReaderMessageKind = 'not-article' | 'not-readable' | 'error';

export type ReaderContent =
  | { kind: 'article'; article: Article }
  | { kind: 'message'; reason: ReaderMessageKind; aggregator: AggregatorId | null; error?: string };

export type SaveState =
  | { state: 'idle' }
  | { state: 'saving' }
  | { state: 'saved'; updated: boolean; canUndo?: boolean }
  | { state: 'undone' }
  | { state: 'undo-failed'; error: string }
  | { state: 'failed'; error: string };

export interface ReaderViewProps {
  content: ReaderContent;
  settings: Settings;
  /** id given to the headline so the dialog can be labelled by it */
  titleId: string;
  onSettingsChange(patch: Partial<Settings>): void;
  onClose(): void;
  /** "Read it anyway" on the not-article message */
  onForce?(): void;
  /** absent until the library is wired: the Save button is then disabled */
  onSave?(): void;
  save?: SaveState;
  /** undo the save just made (delete a new entry, or restore the previous one) */
  onUndo?(): void;
  onPrint?(): void;
  /** whether the page itself has this image (the lead image is never fetched from metadata) */
  imageShowable?(src: string): boolean;
}

function saveLabel(save: SaveState | undefined): string {
  if (save?.state === 'saved') return save.updated ? t('readerSaveUpdated') : t('readerSaved');
  return t('readerSave');
}

function ArticleHeader({ article, titleId }: { article: Article; titleId: string }) {
  const via = aggregatorName(article.aggregator);
  const date = formatPublished(article.published, uiLanguage());
  const minutes = minutesLabel(article.readingMinutes);
  const source = article.source?.name ? article.source : null;
  const meta: ComponentChildren[] = [];
  if (source) {
    meta.push(
      <span class="meta-item source" key="source" dir="auto">
        <span class="label">{t('readerSourceLabel')} </span>
        {isWebUrl(source.url) ? (
          <a
            data-testid="reader-source"
            href={source.url}
            target="_blank"
            rel="noopener noreferrer"
            title={t('readerOriginalLinkHint', source.name)}
          >
            {source.name}
          </a>
        ) : (
          <span data-testid="reader-source">{source.name}</span>
        )}
      </span>,
    );
  }
  if (via) {
    meta.push(
      <span class="meta-item via" data-testid="reader-via" key="via" dir="auto">
        {t('readerVia', via)}
      </span>,
    );
  }
  if (date && article.published) {
    meta.push(
      <time class="meta-item" dateTime={article.published} key="date" title={t('readerPublished')} dir="auto">
        {date}
      </time>,
    );
  }
  if (minutes) {
    meta.push(
      <span class="meta-item" key="minutes" dir="auto">
        {t('readerMinutes', minutes)}
      </span>,
    );
  }
  return (
    <header class="article-header">
      <h1 id={titleId} class="title" data-testid="reader-title">
        {article.title}
      </h1>
      {article.byline ? (
        <p class="byline" data-testid="reader-byline">
          {article.byline}
        </p>
      ) : null}
      {meta.length ? (
        <p class="meta">
          {meta.flatMap((item, i) =>
            i === 0
              ? [item]
              : [
                  <span class="sep" aria-hidden="true" key={`sep${i}`}>
                    ·
                  </span>,
                  item,
                ],
          )}
        </p>
      ) : null}
    </header>
  );
}

function LeadFigure({ article, showable }: { article: Article; showable?: (src: string) => boolean }) {
  const image = article.leadImage;
  if (!image || !/^(https?:|data:image\/)/i.test(image.src)) return null;
  // only what the page itself delivered: never fetch an image that exists only in metadata
  if (showable && !showable(image.src)) return null;
  // the pipeline may keep the lead image inside the body; never show it twice
  const file = image.src.startsWith('data:') ? '' : (image.src.split(/[?#]/)[0]?.split('/').pop() ?? '');
  if (file && article.html.includes(file)) return null;
  return (
    <figure class="lead">
      <img src={image.src} alt={image.alt} decoding="async" referrerpolicy="no-referrer" />
      {image.caption ? <figcaption>{image.caption}</figcaption> : null}
    </figure>
  );
}

function Message({
  reason,
  error,
  titleId,
  onForce,
}: {
  reason: ReaderMessageKind;
  error?: string;
  titleId: string;
  onForce?(): void;
}) {
  const heading =
    reason === 'not-article' ? t('readerNotArticleTitle') : reason === 'not-readable' ? t('readerNotReadableTitle') : t('readerDialogLabel');
  const text =
    reason === 'not-article'
      ? t('readerNotArticleText')
      : reason === 'not-readable'
        ? t('readerNotReadableText')
        : t('readerError', error ?? '');
  return (
    <section class="message" data-testid="reader-message" data-reason={reason} role="status">
      <h1 id={titleId} class="message-title">
        {heading}
      </h1>
      <p>{text}</p>
      {reason === 'not-article' && onForce ? (
        <button type="button" class="primary" onClick={() => onForce()}>
          {t('readerForce')}
        </button>
      ) : null}
    </section>
  );
}

/** What became of the last save, with Undo (a live region, so screen readers announce it). */
function SaveStatus({ save, onUndo }: { save?: SaveState; onUndo?(): void }) {
  if (save?.state === 'failed' || save?.state === 'undo-failed') {
    return (
      <p class="save-error" role="alert" data-testid="reader-save-status">
        {save.state === 'failed' ? t('readerSaveFailed', save.error) : t('readerUndoFailed', save.error)}
      </p>
    );
  }
  if (save?.state === 'saved' || save?.state === 'undone') {
    return (
      <p class="save-status" role="status" data-testid="reader-save-status">
        <span>
          {save.state === 'undone' ? t('readerSaveUndone') : save.updated ? t('readerUpdatedStatus') : t('readerSavedStatus')}
        </span>
        {save.state === 'saved' && save.canUndo && onUndo ? (
          <button type="button" class="tool undo" data-testid="reader-save-undo" onClick={() => onUndo()}>
            {t('readerUndo')}
          </button>
        ) : null}
      </p>
    );
  }
  return null;
}

/** The reader overlay's content: toolbar, header, lead image, body (or a message). */
export function ReaderView(props: ReaderViewProps) {
  const { content, settings, titleId } = props;
  const aggregator = content.kind === 'article' ? content.article.aggregator : content.aggregator;
  const style = {
    '--reader-font-size': `${settings.fontSize}px`,
    '--reader-line-width': `${settings.lineWidth}em`,
    '--reader-line-height': String(settings.lineHeight),
  } as Record<string, string>;
  const saving = props.save?.state === 'saving';
  return (
    <div
      class="reader"
      data-theme={settings.theme}
      data-font={settings.font}
      style={style}
      dir={uiDirection()}
      lang={uiLanguage()}
    >
      <div class="toolbar">
        <span class="brand" aria-hidden="true">
          {t('extName')}
        </span>
        <div class="tools">
          <ReaderSettings settings={settings} aggregator={aggregator} onChange={props.onSettingsChange} />
          {props.onPrint && content.kind === 'article' ? (
            <button type="button" class="tool" onClick={() => props.onPrint?.()}>
              {t('readerPrint')}
            </button>
          ) : null}
          <button
            type="button"
            class="tool"
            data-testid="reader-save"
            disabled={!props.onSave || content.kind !== 'article' || saving}
            aria-pressed={props.save?.state === 'saved' ? true : undefined}
            onClick={() => props.onSave?.()}
          >
            {saveLabel(props.save)}
          </button>
          <button
            type="button"
            class="tool close"
            data-testid="reader-close"
            title={t('readerCloseHint')}
            onClick={() => props.onClose()}
          >
            {t('readerClose')}
          </button>
        </div>
      </div>
      <SaveStatus save={props.save} onUndo={props.onUndo} />
      <div class="page">
        {content.kind === 'article' ? (
          <article
            class="article"
            lang={content.article.lang ?? undefined}
            dir={content.article.dir ?? undefined}
          >
            <ArticleHeader article={content.article} titleId={titleId} />
            <LeadFigure article={content.article} showable={props.imageShowable} />
            <ArticleBody
              html={content.article.html}
              baseUrl={content.article.url}
              lang={content.article.lang}
              dir={content.article.dir}
            />
          </article>
        ) : (
          <Message reason={content.reason} error={content.error} titleId={titleId} onForce={props.onForce} />
        )}
      </div>
    </div>
  );
}
