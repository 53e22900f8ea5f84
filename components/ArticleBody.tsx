import { useLayoutEffect, useRef } from 'preact/hooks';
import { setSanitizedHtml } from '../utils/extract/sanitize';

export interface ArticleBodyProps {
  html: string;
  lang: string | null;
  dir: 'ltr' | 'rtl' | null;
}

/**
 * The cleaned article (data-testid reader-body) and nothing else. Its markup goes in only
 * through the sanitiser's helper; links then open in a new tab without opener or referrer.
 */
export function ArticleBody({ html, lang, dir }: ArticleBodyProps) {
  const ref = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    setSanitizedHtml(el, html);
    for (const link of Array.from(el.querySelectorAll<HTMLAnchorElement>('a[href]'))) {
      if (link.getAttribute('href')?.startsWith('#')) continue;
      link.setAttribute('target', '_blank');
      link.setAttribute('rel', 'noopener noreferrer');
    }
  }, [html]);
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
