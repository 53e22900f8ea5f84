// @vitest-environment node
/** Sanitising: the hostile fixture page and the UI helper. */
import { describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { extractArticle, setSanitizedContent, sanitizeHtml } from '../../../utils/extract/index';
import { load, ownPage } from './fixtures';

function parse(html: string): Document {
  const d = new JSDOM('<!doctype html><body></body>', { url: 'https://reader.example/' }).window.document;
  const host = d.createElement('div');
  setSanitizedContent(host, html); // the only sanctioned way to turn markup into nodes
  d.body.appendChild(host);
  return d;
}

function assertClean(root: ParentNode) {
  expect(root.querySelectorAll('script, style, iframe, frame, form, input, button, object, embed, foreignObject, noscript, template, link, meta').length).toBe(0);
  for (const el of Array.from(root.querySelectorAll('*'))) {
    for (const attr of Array.from(el.attributes)) {
      expect(attr.name.startsWith('on'), `${el.tagName} ${attr.name}`).toBe(false);
      expect(attr.name).not.toBe('style');
      if (['href', 'src', 'xlink:href', 'action', 'formaction'].includes(attr.name)) {
        expect(attr.value, `${el.tagName} ${attr.name}`).not.toMatch(/^\s*(javascript|vbscript|data:text)/i);
      }
    }
  }
  for (const img of Array.from(root.querySelectorAll('img[src]'))) {
    expect(img.getAttribute('src')).toMatch(/^(https?:|data:image\/(png|jpe?g|gif|webp|avif|bmp);)/);
  }
  for (const a of Array.from(root.querySelectorAll('a[href]'))) {
    const href = a.getAttribute('href')!;
    if (href.startsWith('#')) continue;
    expect(href).toMatch(/^(https?:|mailto:|tel:)/);
    expect(a.getAttribute('target')).toBe('_blank');
    expect(a.getAttribute('rel')).toBe('noopener noreferrer');
  }
}

describe('hostile page', () => {
  const page = ownPage('publisher--hostile');
  const article = extractArticle(load(page.html, page.url), page.url)!;

  it('keeps the article text', () => {
    expect(article.text).toContain('Repairs to the Lakeside pier finished two weeks early');
    expect(article.text).toContain('Harbour master Ingrid Solheim said the new deck');
    expect(article.text).toContain('once the electricians finish testing the new cables.');
  });

  it('removes scripts, handlers, dangerous URLs, frames, forms, styles and svg tricks', () => {
    expect(article.html).not.toMatch(/<script|<style|<iframe|<form|<input|<button|<object|<embed|foreignObject/i);
    expect(article.html).not.toMatch(/\son\w+=/i);
    expect(article.html).not.toMatch(/javascript:|vbscript:|data:text\/html|data:image\/svg/i);
    expect(article.html).not.toMatch(/style=/i);
    expect(article.text).not.toContain('alert(');
    assertClean(parse(article.html));
  });

  it('makes links and images absolute and opens links in a new tab', () => {
    expect(article.html).toContain('href="https://www.lakesidebulletin.example/harbour/board/"');
    expect(article.html).toContain('src="https://www.lakesidebulletin.example/news/2026/05/30/pier-repairs/pier-deck.png"');
    const d = parse(article.html);
    const link = d.querySelector('a[href="https://www.lakesidebulletin.example/harbour/board/"]');
    expect(link?.getAttribute('target')).toBe('_blank');
    expect(link?.getAttribute('rel')).toBe('noopener noreferrer');
  });
});

describe('setSanitizedContent / sanitizeHtml', () => {
  const nasty = [
    '<p>ok <b>bold</b></p>',
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">js</a>',
    '<a href="https://a.example/x">fine</a>',
    '<svg><foreignObject><iframe src="javascript:alert(1)"></iframe></foreignObject><script>alert(1)</script></svg>',
    '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
    '<form action="https://evil.example"><input value=1></form>',
    '<style>*{}</style><p style="color:red">styled</p>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="tiny">',
    '<img src="data:text/html;base64,PHNjcmlwdD4=" alt="bad">',
  ].join('');

  it('re-sanitises whatever it is given before it reaches the DOM', () => {
    const d = parse(nasty);
    assertClean(d.body);
    expect(d.body.textContent).toContain('ok bold');
    expect(d.body.textContent).toContain('styled');
    expect(d.querySelector('img[alt="tiny"]')?.getAttribute('src')).toMatch(/^data:image\/png;/);
    expect(d.querySelector('img[alt="bad"]')?.hasAttribute('src')).toBe(false);
  });

  it('replaces previous content instead of appending', () => {
    const d = new JSDOM('<body><div id="x"><p>old</p></div></body>', { url: 'https://r.example/' }).window.document;
    const el = d.getElementById('x')!;
    setSanitizedContent(el, '<p>new</p>');
    expect(el.textContent).toBe('new');
  });

  it('sanitizeHtml returns a clean string', () => {
    const w = new JSDOM('', { url: 'https://r.example/' }).window as unknown as Window;
    const out = sanitizeHtml(nasty, 'https://r.example/', w);
    expect(out).not.toMatch(/<script|onerror|javascript:|<iframe|<form|style=/i);
    expect(out).toContain('<b>bold</b>');
  });
});
