import { useLayoutEffect, useRef } from 'preact/hooks';
import { setSanitizedContent } from '../utils/extract/sanitize';

export interface ArticleBodyProps {
  html: string;
  /** the page the article was read on: base for any relative link left in the markup */
  baseUrl: string;
  lang: string | null;
  dir: 'ltr' | 'rtl' | null;
}

/**
 * The cleaned article (data-testid reader-body) and nothing else. Its markup goes in only
 * through the sanitiser's helper, which also makes links open in a new tab with
 * rel="noopener noreferrer".
 */
export function ArticleBody({ html, baseUrl, lang, dir }: ArticleBodyProps) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (ref.current) setSanitizedContent(ref.current, html, baseUrl);
  }, [html, baseUrl]);
  return (
    <div
      ref={ref}
      class="body"
      data-testid="reader-body"
      lang={lang ?? undefined}
      dir={dir ?? undefined}
    />
  );
}
