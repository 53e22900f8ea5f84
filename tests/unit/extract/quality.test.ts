// @vitest-environment node
/**
 * Extraction quality rules (general, not per site): what a reader should not get inside the
 * article body — captions and photo credits, reporting credits, author bios, newsletter / app /
 * follow prompts, "Related:" lines and lists of other stories, copyright lines — while every
 * paragraph of the article stays.
 */
import { describe, expect, it } from 'vitest';
import { JSDOM } from 'jsdom';
import { extractArticle } from '../../../utils/extract/index';

const PROSE = [
  'The county water board approved a plan on Monday to replace 14 miles of cast-iron mains over the next six years, starting with the oldest pipes under the downtown grid.',
  'Engineers told the board that the pipes, most of them laid before 1930, account for nearly half of the main breaks recorded in the county since 2015.',
  'The work will be paid for with a mix of state loans and a rate increase of about four dollars a month for a typical household, phased in over three years.',
  'Board members asked staff to publish a street-by-street schedule before construction begins so that businesses can plan around closures.',
  'A public hearing on the rate increase is set for February, and the board said it would take written comments until the end of January.',
];

function extract(body: string): string {
  const doc = new JSDOM(
    `<!doctype html><html lang="en"><head><title>Water board approves main replacement | County Ledger</title></head><body><main><article><h1>Water board approves main replacement</h1>${body}</article></main></body></html>`,
    { url: 'https://www.countyledger.example/news/2026/01/05/water-mains/' },
  ).window.document;
  const a = extractArticle(doc, doc.URL, { force: true });
  expect(a).not.toBeNull();
  return a!.text;
}

const p = (s: string) => `<p>${s}</p>`;

function expectAllProse(text: string): void {
  for (const s of PROSE) expect(text).toContain(s);
}

describe('captions and photo credits', () => {
  it('drops figure captions, credit lines and gallery counters but keeps the paragraphs', () => {
    const text = extract(
      [
        '<figure><img src="/a.jpg" alt=""><figcaption>Crews replace a main on Elm Street in 2024. (Photo: County Ledger)</figcaption></figure>',
        p(PROSE[0]),
        p('Workers inspect a valve near the treatment plant on Monday. (Image: GETTY)'),
        p(PROSE[1]),
        '<div><img src="/b.jpg" alt=""><div>Image 2 of 5</div><div>The old pipes under Main Street were laid in 1928. Credit: Anna Moneymaker/The Ledger</div></div>',
        p(PROSE[2]),
        p('FILE PHOTO: A water tower stands over the county fairgrounds, November 18, 2025. REUTERS/Jane Doe'),
        p(PROSE[3]),
        p('A crew member at work on the site. Getty'),
        p(PROSE[4]),
      ].join(''),
    );
    expectAllProse(text);
    for (const s of ['Crews replace a main', '(Image: GETTY)', 'Image 2 of 5', 'laid in 1928', 'FILE PHOTO', 'A crew member at work']) expect(text).not.toContain(s);
  });
});

describe('credits, bios, prompts and footers', () => {
  it('drops reporting credits, an author bio, newsletter and follow prompts, copyright lines', () => {
    const text = extract(
      [
        ...PROSE.slice(0, 3).map(p),
        p('Sign up for our free morning newsletter and get the latest county news in your inbox.'),
        ...PROSE.slice(3).map(p),
        p('Reporting by Mara Quinlan; additional reporting by Tom Beck; editing by Ruth Ames'),
        p('Dale Porter contributed to this report.'),
        p('Follow the County Ledger on Twitter and Facebook.'),
        p('Mara Quinlan is a staff writer covering local government and utilities for the County Ledger since 2019.'),
        p('Copyright 2026 County Ledger. All rights reserved.'),
      ].join(''),
    );
    expectAllProse(text);
    for (const s of ['newsletter', 'Reporting by', 'contributed to this report', 'Follow the County Ledger', 'is a staff writer', 'All rights reserved']) expect(text).not.toContain(s);
  });
});

describe('related stories', () => {
  it('drops "Related:" lines, a labelled list of other stories and a trailing link list', () => {
    const text = extract(
      [
        p(PROSE[0]),
        p('Related: <a href="/news/2025/12/01/rates/">County rates rise for the third year</a>'),
        p(PROSE[1]),
        p('<a href="/news/2025/11/02/dam/">RESERVOIR LEVELS FALL TO A TEN-YEAR LOW</a>'),
        ...PROSE.slice(2).map(p),
        '<h3>More Great Ledger Stories</h3>',
        '<ul><li><a href="/x/1">School board weighs later start times</a></li><li><a href="/x/2">New bridge opens to traffic</a></li><li><a href="/x/3">Farmers market moves indoors</a></li></ul>',
        '<ul><li><a href="/y/1">Obituaries</a></li><li><a href="/y/2">Weather forecast for the week ahead</a></li></ul>',
      ].join(''),
    );
    expectAllProse(text);
    for (const s of ['County rates rise', 'RESERVOIR LEVELS', 'More Great Ledger Stories', 'School board weighs', 'Weather forecast']) expect(text).not.toContain(s);
  });

  it('keeps a list that is part of the article and a paragraph that mentions a newsletter in passing', () => {
    const text = extract(
      [
        p(PROSE[0]),
        p(PROSE[1]),
        '<ul><li>Elm Street, from First to Ninth Avenue, in the spring</li><li>Oak Street, the full length, in the summer</li><li>Harbor Road, in the fall</li></ul>',
        p('The utility said in its monthly newsletter that residents would get at least two weeks of notice before any planned shut-off, and that bottled water would be handed out at the library.'),
        ...PROSE.slice(2).map(p),
      ].join(''),
    );
    expectAllProse(text);
    expect(text).toContain('Oak Street, the full length');
    expect(text).toContain('in its monthly newsletter');
  });
});

describe('around the text', () => {
  it('drops navigation lists and breadcrumbs before the first paragraph, date-only lines, tag lists and a "More:" list', () => {
    const text = extract(
      [
        '<ul><li><a href="/">Home</a></li><li><a href="/news/">News</a></li><li><a href="/news/local/">Local</a></li></ul>',
        p('https://www.countyledger.example/news/2026/01/05/water-mains/'),
        p(PROSE[0]),
        p('More:'),
        '<ul><li><a href="/x/1">School board weighs later start times</a></li><li><a href="/x/2">New bridge opens to traffic</a></li></ul>',
        ...PROSE.slice(1).map(p),
        p('Updated at 1:23 p.m.'),
        '<div>Tags <a href="/t/water">water</a>, <a href="/t/utilities">utilities</a>, <a href="/t/county-board">county board</a></div>',
      ].join(''),
    );
    expectAllProse(text);
    for (const s of ['Home', 'https://', 'School board weighs', 'More:', 'Updated at', 'utilities, county board']) expect(text).not.toContain(s);
  });
});

describe('a long author bio as the last paragraph', () => {
  it('is dropped even though it is as long as a paragraph, and the paragraphs before it stay', () => {
    const text = extract(
      [
        ...PROSE.map(p),
        p('Mara Quinlan (mara@countyledger.example) is the senior editor of the County Ledger and a staff writer with the Valley Weekly. She also runs a newsletter about local utilities and public works.'),
      ].join(''),
    );
    expectAllProse(text);
    expect(text).not.toContain('senior editor');
  });
});

describe('data and dates inside the text', () => {
  it('keeps table cells, numbers and a date line between paragraphs', () => {
    const text = extract(
      [
        p(PROSE[0]),
        p(PROSE[1]),
        '<table><tr><th>Street</th><th>Miles</th></tr><tr><td>Elm Street</td><td>5000</td></tr><tr><td>Oak Street</td><td>12.5</td></tr></table>',
        p('November 15, 2025'),
        ...PROSE.slice(2).map(p),
      ].join(''),
    );
    expectAllProse(text);
    for (const s of ['Street', 'Miles', '5000', '12.5', 'November 15, 2025']) expect(text).toContain(s);
  });
});

describe('teasers after the text', () => {
  it('drops a run of link-only blocks after the last paragraph but keeps a single source link', () => {
    const body = [
      ...PROSE.map(p),
      p('<a href="/doc/plan.pdf">Read the full replacement plan</a>'),
      p('<a href="/x/1">School board weighs later start times</a>'),
      p('<a href="/x/2">New bridge opens to traffic on the east side</a>'),
      p('<a href="/x/3">Farmers market moves indoors for the winter</a>'),
    ].join('');
    const text = extract(body);
    expectAllProse(text);
    for (const s of ['School board weighs', 'New bridge opens', 'Farmers market']) expect(text).not.toContain(s);
    const single = extract([...PROSE.map(p), p('<a href="/doc/plan.pdf">Read the full replacement plan</a>')].join(''));
    expect(single).toContain('Read the full replacement plan');
  });
});

describe('unmarked captions', () => {
  it('drops a short text that sits alone with an image, keeps a paragraph that holds an image', () => {
    const text = extract(
      [
        '<div><img src="/lead.jpg" alt=""><p>An engineer checks a pressure gauge at the pumping station on Monday</p></div>',
        p(PROSE[0]),
        `<p><img src="/inline.jpg" alt="">${PROSE[1]}</p>`,
        ...PROSE.slice(2).map(p),
      ].join(''),
    );
    expectAllProse(text);
    expect(text).not.toContain('pressure gauge');
  });
});
