/**
 * EPUB 3 export: one XHTML chapter per article, each opening with its title, the attribution
 * line ("<publisher> · via <aggregator> · <original URL>") and byline/date, then the article.
 *
 * The stored (already sanitised) article HTML is parsed with the injected `parseHtml` and
 * re-written element by element as well-formed XHTML that satisfies EPUB 3 content models
 * (validated with epubcheck in tests/unit/formats): a fixed set of elements and attributes is
 * kept, sectioning elements become <div>, misplaced list/table/figure parts are repaired or
 * flattened, ids/classes/styles are dropped. Images: only inline `data:` PNG/JPEG/GIF images
 * are kept (written into the book as files); every other image is left out — nothing is ever
 * fetched. Links are kept only when absolute http(s)/mailto.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import type { SavedItem } from '../types';
import { attributionParts } from './markdown';
import { runSteps, ZipChunks } from './steps';
import { base64ToBytes, escapeXml, stripXmlInvalid, ymd } from './util';

type ParseHtml = (html: string) => Document;

// ---------------------------------------------------------------- images

interface BookImage {
  id: string;
  href: string; // relative to the package document
  mediaType: string;
  bytes: Uint8Array;
}

const IMAGE_TYPES: Record<string, { ext: string; magic: (b: Uint8Array) => boolean }> = {
  'image/png': { ext: 'png', magic: (b) => b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 },
  'image/jpeg': { ext: 'jpg', magic: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  'image/gif': { ext: 'gif', magic: (b) => b[0] === 0x47 && b[1] === 0x49 && b[2] === 0x46 && b[3] === 0x38 },
};

class ImageSink {
  readonly images: BookImage[] = [];
  private readonly byData = new Map<string, BookImage | null>();
  /** A data: URL → the book-relative image href, or null when it cannot be kept. */
  add(src: string): BookImage | null {
    if (this.byData.has(src)) return this.byData.get(src)!;
    let img: BookImage | null = null;
    const m = /^data:(image\/(?:png|jpeg|jpg|gif))(?:;[^,;]*)*;base64,([A-Za-z0-9+/=\s]+)$/i.exec(src.trim());
    if (m) {
      const type = m[1].toLowerCase() === 'image/jpg' ? 'image/jpeg' : m[1].toLowerCase();
      try {
        const bytes = base64ToBytes(m[2]);
        const t = IMAGE_TYPES[type];
        if (t && bytes.length > 8 && t.magic(bytes)) {
          const n = this.images.length + 1;
          img = { id: `img${n}`, href: `images/img${n}.${t.ext}`, mediaType: type, bytes };
          this.images.push(img);
        }
      } catch {
        img = null;
      }
    }
    this.byData.set(src, img);
    return img;
  }
}

// ---------------------------------------------------------------- HTML → EPUB XHTML

/** Dropped together with everything inside them. */
const DROP = new Set([
  'script', 'style', 'noscript', 'template', 'iframe', 'object', 'embed', 'video', 'audio', 'canvas', 'svg',
  'math', 'form', 'button', 'input', 'select', 'textarea', 'head', 'title', 'meta', 'link', 'source', 'track',
  'map', 'area', 'colgroup', 'col', 'meter', 'progress', 'output', 'dialog', 'rp', 'wbr', 'base', 'param',
]);
/** Phrasing elements kept as they are (their content is phrasing too). */
const PHRASING = new Set([
  'span', 'em', 'strong', 'b', 'i', 'u', 's', 'small', 'mark', 'cite', 'q', 'abbr', 'dfn', 'code', 'kbd',
  'samp', 'var', 'sub', 'sup', 'bdi', 'del', 'ins',
]);
/** Block elements whose content must be phrasing. */
const BLOCK_PHRASING = new Set(['p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'pre']);
/** Flow containers kept as they are. */
const FLOW = new Set(['div', 'blockquote']);
/** Flow containers written as <div>. */
const AS_DIV = new Set([
  'section', 'article', 'aside', 'header', 'footer', 'nav', 'main', 'address', 'center', 'details', 'summary',
  'hgroup', 'figcaption', 'li', 'dd', 'dt', 'dl', 'caption', 'td', 'th', 'tr', 'thead', 'tbody', 'tfoot', 'fieldset',
  'legend', 'menu',
]);

interface Ctx {
  phrasing: boolean;
  inA: boolean;
  images: ImageSink;
}

function attr(name: string, value: string): string {
  return ` ${name}="${escapeXml(value)}"`;
}

function dirAttr(el: Element): string {
  const d = (el.getAttribute('dir') ?? '').toLowerCase();
  return d === 'ltr' || d === 'rtl' || d === 'auto' ? attr('dir', d) : '';
}

function isBlank(n: Node): boolean {
  return n.nodeType === 3 && !(n.nodeValue ?? '').trim();
}

function kids(el: Node, ctx: Ctx): string {
  let s = '';
  for (let c = el.firstChild; c; c = c.nextSibling) s += node(c, ctx);
  return s;
}

function wrap(name: string, inner: string, attrs = ''): string {
  return `<${name}${attrs}>${inner}</${name}>`;
}

function safeHref(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw.trim());
    if (u.protocol === 'http:' || u.protocol === 'https:' || u.protocol === 'mailto:') return u.href;
  } catch {
    /* relative or junk */
  }
  return null;
}

function listItems(el: Element, ctx: Ctx): string {
  const flow: Ctx = { ...ctx, phrasing: false };
  let s = '';
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (isBlank(c)) continue;
    if (c.nodeType === 1 && (c as Element).localName === 'li') s += wrap('li', kids(c, flow), dirAttr(c as Element));
    else {
      const inner = node(c, flow);
      if (inner.trim()) s += wrap('li', inner);
    }
  }
  return s;
}

function cells(row: Element, ctx: Ctx): string {
  let s = '';
  for (let c = row.firstChild; c; c = c.nextSibling) {
    if (isBlank(c)) continue;
    const name = c.nodeType === 1 ? (c as Element).localName : '';
    if (name === 'td' || name === 'th') {
      const e = c as Element;
      let a = '';
      for (const k of ['colspan', 'rowspan']) {
        const v = e.getAttribute(k);
        if (v && /^[1-9]\d{0,2}$/.test(v.trim())) a += attr(k, v.trim());
      }
      // th may not hold headings/sectioning: keep its content phrasing
      s += wrap(name, kids(e, { ...ctx, phrasing: name === 'th' }), a + dirAttr(e));
    } else {
      const inner = node(c, { ...ctx, phrasing: false });
      if (inner.trim()) s += wrap('td', inner);
    }
  }
  return s;
}

function rows(section: Element, ctx: Ctx): string {
  let s = '';
  let loose: Node[] = [];
  const flushLoose = () => {
    if (!loose.length) return;
    const fake = section.ownerDocument.createElement('tr');
    for (const n of loose) fake.appendChild(n.cloneNode(true));
    s += wrap('tr', cells(fake, ctx));
    loose = [];
  };
  for (let c = section.firstChild; c; c = c.nextSibling) {
    if (isBlank(c)) continue;
    if (c.nodeType === 1 && (c as Element).localName === 'tr') {
      flushLoose();
      s += wrap('tr', cells(c as Element, ctx));
    } else if (c.nodeType === 1 && ['td', 'th'].includes((c as Element).localName)) loose.push(c);
  }
  flushLoose();
  return s;
}

function table(el: Element, ctx: Ctx): string {
  let caption = '';
  let thead = '';
  let tfoot = '';
  let bodies = '';
  let directRows: Element[] = [];
  const flushRows = () => {
    if (!directRows.length) return;
    const fake = el.ownerDocument.createElement('tbody');
    for (const r of directRows) fake.appendChild(r.cloneNode(true));
    bodies += wrap('tbody', rows(fake, ctx));
    directRows = [];
  };
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const e = c as Element;
    const name = e.localName;
    if (name === 'caption' && !caption) caption = wrap('caption', kids(e, { ...ctx, phrasing: true }));
    else if (name === 'thead' && !thead) thead = wrap('thead', rows(e, ctx));
    else if (name === 'tfoot' && !tfoot) tfoot = wrap('tfoot', rows(e, ctx));
    else if (name === 'thead' || name === 'tfoot' || name === 'tbody') {
      flushRows();
      bodies += wrap('tbody', rows(e, ctx));
    } else if (name === 'tr') directRows.push(e);
  }
  flushRows();
  return wrap('table', caption + thead + bodies + tfoot);
}

function figure(el: Element, ctx: Ctx): string {
  const elems = Array.from(el.children);
  const flow: Ctx = { ...ctx, phrasing: false };
  let s = '';
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 1 && (c as Element).localName === 'figcaption') {
      const first = elems[0] === c;
      const last = elems[elems.length - 1] === c;
      s += wrap(first || last ? 'figcaption' : 'div', kids(c, flow));
    } else s += node(c, flow);
  }
  return wrap('figure', s);
}

function element(el: Element, ctx: Ctx): string {
  const name = el.localName;
  if (DROP.has(name)) return '';
  if (name === 'br') return '<br/>';
  if (name === 'hr') return ctx.phrasing ? ' ' : '<hr/>';
  if (name === 'img') {
    const img = ctx.images.add(el.getAttribute('src') ?? '');
    if (!img) return '';
    let a = attr('src', `../${img.href}`) + attr('alt', el.getAttribute('alt') ?? '');
    for (const k of ['width', 'height']) {
      const v = el.getAttribute(k);
      if (v && /^[1-9]\d{0,4}$/.test(v.trim())) a += attr(k, v.trim());
    }
    return `<img${a}/>`;
  }
  if (name === 'a') {
    const href = safeHref(el.getAttribute('href'));
    const inner = kids(el, { ...ctx, inA: true });
    if (ctx.inA || !href) return inner;
    return wrap('a', inner, attr('href', href));
  }
  if (name === 'rt') return `(${kids(el, { ...ctx, phrasing: true })})`;
  if (PHRASING.has(name)) {
    const a = name === 'abbr' && el.getAttribute('title') ? attr('title', el.getAttribute('title')!) : '';
    return wrap(name, kids(el, { ...ctx, phrasing: true }), a + dirAttr(el));
  }
  if (ctx.phrasing) {
    // a block inside phrasing content: keep its content, inline
    const inner = kids(el, ctx);
    return BLOCK_PHRASING.has(name) || FLOW.has(name) || AS_DIV.has(name) || name === 'ul' || name === 'ol' || name === 'table' || name === 'figure'
      ? ` ${inner} `
      : inner;
  }
  if (BLOCK_PHRASING.has(name)) return wrap(name, kids(el, { ...ctx, phrasing: true }), dirAttr(el));
  if (FLOW.has(name)) return wrap(name, kids(el, ctx), dirAttr(el));
  if (name === 'ul' || name === 'ol') {
    let a = dirAttr(el);
    const start = el.getAttribute('start');
    if (name === 'ol' && start && /^-?\d{1,6}$/.test(start.trim())) a += attr('start', start.trim());
    return wrap(name, listItems(el, ctx), a);
  }
  if (name === 'table') return table(el, ctx);
  if (name === 'figure') return figure(el, ctx);
  if (AS_DIV.has(name)) return wrap('div', kids(el, ctx), dirAttr(el));
  // anything else (font, label, picture, time, data, bdo, custom elements…): keep the content
  return kids(el, ctx);
}

function node(n: Node, ctx: Ctx): string {
  if (n.nodeType === 3) return escapeXml(n.nodeValue ?? '');
  if (n.nodeType === 1) return element(n as Element, ctx);
  return '';
}

/** Sanitised article HTML → EPUB-valid XHTML body content. */
export function htmlToXhtml(html: string, parseHtml: ParseHtml, images: ImageSink): string {
  const doc = parseHtml(html);
  return kids(doc.body, { phrasing: false, inA: false, images });
}

// ---------------------------------------------------------------- book

function validLang(v: string | null | undefined): string | null {
  return v && /^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{1,8})*$/.test(v) ? v : null;
}

function xhtmlDoc(title: string, lang: string, dir: string | null, body: string, css: string | null): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n' +
    `<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" xml:lang="${lang}" lang="${lang}"${dir ? ` dir="${dir}"` : ''}>\n` +
    `<head>\n<meta charset="utf-8"/>\n<title>${escapeXml(title)}</title>\n` +
    (css ? `<link rel="stylesheet" type="text/css" href="${css}"/>\n` : '') +
    `</head>\n<body>\n${body}\n</body>\n</html>\n`
  );
}

const CSS = `body { font-family: serif; line-height: 1.5; margin: 0 5%; }
h1.title { font-size: 1.6em; line-height: 1.2; margin: 1em 0 0.3em; }
p.attribution, p.byline { font-family: sans-serif; font-size: 0.85em; color: #555; margin: 0.2em 0; }
div.article { margin-top: 1.5em; }
img { max-width: 100%; height: auto; }
blockquote { margin: 1em 1.5em; font-style: italic; }
pre { white-space: pre-wrap; font-size: 0.85em; }
table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: 0.2em 0.4em; }
`;

function chapterBody(item: SavedItem, parseHtml: ParseHtml, images: ImageSink): string {
  const title = item.title || item.url;
  const a = attributionParts(item);
  const parts: string[] = [];
  if (a.publisher) parts.push(escapeXml(a.publisher));
  if (a.via) parts.push(`via ${escapeXml(a.via)}`);
  const orig = safeHref(a.original);
  if (orig) parts.push(wrap('a', escapeXml(orig), attr('href', orig)));
  let s = `<h1 class="title">${escapeXml(title)}</h1>\n`;
  if (parts.length) s += `<p class="attribution">${parts.join(' · ')}</p>\n`;
  const meta: string[] = [];
  if (item.byline) meta.push(`By ${escapeXml(item.byline)}`);
  if (item.published) meta.push(escapeXml(item.published.slice(0, 10)));
  if (meta.length) s += `<p class="byline">${meta.join(' · ')}</p>\n`;
  const readAt = safeHref(item.url);
  if (item.hasContent && item.html) {
    s += `<div class="article">\n${htmlToXhtml(item.html, parseHtml, images)}\n</div>`;
  } else if (readAt) {
    s += `<p>${wrap('a', escapeXml(readAt), attr('href', readAt))}</p>`;
  }
  return s;
}

function defaultParser(): ParseHtml {
  const DP = (globalThis as { DOMParser?: typeof DOMParser }).DOMParser;
  if (!DP) throw new Error('EPUB export needs an HTML parser: pass options.parseHtml (no DOMParser in this context)');
  const p = new DP();
  return (h) => p.parseFromString(h, 'text/html');
}

function mostCommonLang(items: readonly Pick<SavedItem, 'lang'>[]): string {
  const n = new Map<string, number>();
  for (const it of items) {
    const l = validLang(it.lang);
    if (l) n.set(l, (n.get(l) ?? 0) + 1);
  }
  let best = 'en';
  let max = 0;
  for (const [l, c] of n) if (c > max) [best, max] = [l, c];
  return best;
}

/** Random UUID v4 (crypto.randomUUID is missing outside secure contexts). */
function uuid4(): string {
  const c = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const b = c.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export interface EpubOptions {
  now: Date;
  parseHtml?: ParseHtml;
  title?: string;
  /** book identifier; default a random urn:uuid */
  identifier?: string;
}

export function exportEpub(items: SavedItem[], opts: EpubOptions): Uint8Array {
  return runSteps(epubSteps(items, opts));
}

// The book's parts, shared by epubSteps (one zipSync at the end) and EpubWriter (streamed).

const CONTAINER_XML =
  '<?xml version="1.0" encoding="UTF-8"?>\n<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n' +
  '<rootfiles><rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/></rootfiles>\n</container>\n';

interface Chapter {
  id: string;
  href: string;
  title: string;
}

interface Book {
  parseHtml: ParseHtml;
  lang: string;
  bookTitle: string;
  identifier: string;
  modified: string;
}

function bookOf(opts: EpubOptions, lang: string): Book {
  return {
    parseHtml: opts.parseHtml ?? defaultParser(),
    lang,
    bookTitle: stripXmlInvalid(opts.title ?? `Lectern — ${ymd(opts.now)}`),
    identifier: opts.identifier ?? `urn:uuid:${uuid4()}`,
    modified: opts.now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };
}

/** The `index`th (0-based) article's chapter: its entry and its XHTML (images go to `images`). */
function chapterFile(item: SavedItem, index: number, book: Book, images: ImageSink): { chapter: Chapter; xhtml: string } {
  const id = `a${String(index + 1).padStart(4, '0')}`;
  const href = `text/${id}.xhtml`;
  const title = stripXmlInvalid(item.title || item.url);
  const itemLang = validLang(item.lang) ?? book.lang;
  const dir = item.dir === 'rtl' || item.dir === 'ltr' ? item.dir : null;
  return { chapter: { id, href, title }, xhtml: xhtmlDoc(title, itemLang, dir, chapterBody(item, book.parseHtml, images), '../style.css') };
}

/** The one chapter of a book without articles. */
function emptyChapterFile(book: Book): { chapter: Chapter; xhtml: string } {
  const href = 'text/empty.xhtml';
  const xhtml = xhtmlDoc(book.bookTitle, book.lang, null, `<h1 class="title">${escapeXml(book.bookTitle)}</h1>\n<p>No articles.</p>`, '../style.css');
  return { chapter: { id: 'empty', href, title: book.bookTitle }, xhtml };
}

function navXhtml(book: Book, chapters: readonly Chapter[]): string {
  const nav =
    `<nav epub:type="toc" id="toc">\n<h1>${escapeXml(book.bookTitle)}</h1>\n<ol>\n` +
    chapters.map((c) => `<li><a href="${c.href}">${escapeXml(c.title)}</a></li>`).join('\n') +
    '\n</ol>\n</nav>';
  return xhtmlDoc(book.bookTitle, book.lang, null, nav, 'style.css');
}

function packageOpf(book: Book, chapters: readonly Chapter[], images: readonly Omit<BookImage, 'bytes'>[]): string {
  const manifest = [
    '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
    '<item id="css" href="style.css" media-type="text/css"/>',
    ...chapters.map((c) => `<item id="${c.id}" href="${c.href}" media-type="application/xhtml+xml"/>`),
    ...images.map((i) => `<item id="${i.id}" href="${i.href}" media-type="${i.mediaType}"/>`),
  ];
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid" xml:lang="${book.lang}">\n` +
    '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n' +
    `<dc:identifier id="uid">${escapeXml(book.identifier)}</dc:identifier>\n` +
    `<dc:title>${escapeXml(book.bookTitle)}</dc:title>\n` +
    `<dc:language>${book.lang}</dc:language>\n` +
    '<dc:creator>Lectern</dc:creator>\n' +
    `<meta property="dcterms:modified">${book.modified}</meta>\n` +
    '</metadata>\n<manifest>\n' +
    manifest.join('\n') +
    '\n</manifest>\n<spine>\n<itemref idref="nav"/>\n' +
    chapters.map((c) => `<itemref idref="${c.id}"/>`).join('\n') +
    '\n</spine>\n</package>\n'
  );
}

/** Builds the book, yielding after each chapter (see runSteps in ./steps). */
export function* epubSteps(items: SavedItem[], opts: EpubOptions): Generator<number, Uint8Array> {
  const book = bookOf(opts, mostCommonLang(items));
  const images = new ImageSink();

  const files: Zippable = {
    mimetype: [strToU8('application/epub+zip'), { level: 0 }],
    'META-INF/container.xml': strToU8(CONTAINER_XML),
    'EPUB/style.css': strToU8(CSS),
  };

  const chapters: Chapter[] = [];
  if (items.length) {
    for (let i = 0; i < items.length; i++) {
      const { chapter, xhtml } = chapterFile(items[i], i, book, images);
      files[`EPUB/${chapter.href}`] = strToU8(xhtml);
      chapters.push(chapter);
      yield i + 1;
    }
  } else {
    const { chapter, xhtml } = emptyChapterFile(book);
    files[`EPUB/${chapter.href}`] = strToU8(xhtml);
    chapters.push(chapter);
  }

  files['EPUB/nav.xhtml'] = strToU8(navXhtml(book, chapters));
  for (const img of images.images) files[`EPUB/${img.href}`] = [img.bytes, { level: 0 }];
  files['EPUB/package.opf'] = strToU8(packageOpf(book, chapters, images.images));
  return zipSync(files, { level: 6 });
}

/**
 * The book's language (dc:language, and that of chapters whose article has none): the most
 * common valid `lang` among the items, else "en". Needs only the items' metadata — what a
 * streamed book (EpubWriter) must be told before its first chapter.
 */
export function bookLanguage(items: readonly Pick<SavedItem, 'lang'>[]): string {
  return mostCommonLang(items);
}

export interface EpubWriterOptions extends EpubOptions {
  /** the book's language: bookLanguage(all the items that will be added); default "en" */
  lang?: string;
}

/**
 * The same book as exportEpub, written batch by batch (downloads of a whole library): each
 * chapter (and each data: image it holds) is converted and compressed when its item is added;
 * the writer keeps only the compressed files and, for the package document and the table of
 * contents written by `finish()`, each chapter's id/href/title and each image's id/href/type —
 * never an item, its html or an image's bytes. `mimetype` is the first entry, stored.
 *
 * Given the same `identifier`, `now` and `lang: bookLanguage(items)`, the files in the book equal
 * exportEpub's for the same items (only the order of entries after `mimetype` differs: images
 * follow the chapter that first shows them, the nav and package document come last).
 */
export class EpubWriter {
  private readonly book: Book;
  private readonly zip = new ZipChunks();
  private readonly images = new ImageSink();
  private readonly chapters: Chapter[] = [];
  private written = 0; // images written so far

  constructor(opts: EpubWriterOptions) {
    this.book = bookOf(opts, validLang(opts.lang) ?? 'en');
    this.zip.add('mimetype', strToU8('application/epub+zip'), { level: 0 });
    this.zip.add('META-INF/container.xml', strToU8(CONTAINER_XML));
    this.zip.add('EPUB/style.css', strToU8(CSS));
  }

  /** Adds items as chapters, yielding the number added so far after each (runSteps/runStepsAsync). */
  *addSteps(items: readonly SavedItem[]): Generator<number, void> {
    for (const item of items) {
      const { chapter, xhtml } = chapterFile(item, this.chapters.length, this.book, this.images);
      this.zip.add(`EPUB/${chapter.href}`, strToU8(xhtml));
      this.chapters.push(chapter);
      const all = this.images.images;
      for (; this.written < all.length; this.written++) {
        const img = all[this.written];
        this.zip.add(`EPUB/${img.href}`, img.bytes, { level: 0 });
        img.bytes = EMPTY; // written: only its entry in the manifest is kept
      }
      yield this.chapters.length;
    }
  }

  add(items: readonly SavedItem[]): void {
    runSteps(this.addSteps(items));
  }

  /** Chapters added so far. */
  get count(): number {
    return this.chapters.length;
  }

  /** Writes the table of contents and package document; the book as chunks. */
  finish(): Uint8Array[] {
    if (!this.chapters.length) {
      const { chapter, xhtml } = emptyChapterFile(this.book);
      this.zip.add(`EPUB/${chapter.href}`, strToU8(xhtml));
      this.chapters.push(chapter);
    }
    this.zip.add('EPUB/nav.xhtml', strToU8(navXhtml(this.book, this.chapters)));
    this.zip.add('EPUB/package.opf', strToU8(packageOpf(this.book, this.chapters, this.images.images)));
    return this.zip.finish();
  }
}

const EMPTY = new Uint8Array(0);

export function epubWriter(opts: EpubWriterOptions): EpubWriter {
  return new EpubWriter(opts);
}
