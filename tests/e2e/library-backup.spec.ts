/**
 * The whole-library JSON backup a user DOWNLOADS (`exportLibrary { format: 'json', download: true }`
 * from an extension page: the library page's Export menu) must always be the library as it is at
 * that moment — never a stale copy of an earlier backup. Each test takes several backups with the
 * library changed in between, the way a user changes it (tag, read, archive, favourite, rename,
 * progress, delete, Undo, save, re-save with new content, import, re-import, clear), and reads the
 * file Chrome actually wrote to disk:
 *
 * - it has the contract's layout (`{ format: 'lectern', version, exportedAt, items }`, every
 *   getSaved field on every item, each id once, dated when it was asked for);
 * - its items equal the test hook's `exportLibrary('json')` items compared as a set (sorted by id:
 *   the file's item order is not promised);
 * - what the user changed is in it, and what the user deleted or replaced is nowhere in it.
 *
 * Libraries of hundreds of items span several of the backup's parts (50 items each): changes
 * are made in different parts, on part boundaries, and by inserts/deletes that move items from
 * one part to another; rounds follow each other so a part rebuilt once and then reused is covered.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Page } from '@playwright/test';
import { test, expect, gotoFixture, type Lectern, type HookResult } from './fixtures';
import { downloadedFile, extensionPage, readFixture as fixture, listSaved as list, send, type ContractItem } from './helpers';

/** An item of a Lectern JSON backup (every getSaved field, and the rest of the record). */
type Item = ContractItem & {
  html: string;
  read: boolean;
  progress: number;
  updatedAt: string;
  excerpt: string;
  [key: string]: unknown;
};
interface BackupDoc {
  format: string;
  version: number;
  exportedAt: string;
  items: Item[];
}
interface Backup {
  /** where the background's time went; `kept`/`built`: stored parts used / written anew */
  timings?: { kept?: number; built?: number; slices?: number };
  doc: BackupDoc;
  /** the file's text, for "this sentence is nowhere in the file" */
  text: string;
  label: string;
}

/** The fields of getSaved (the contract's listSaved fields + html): every backup item has them all. */
const GETSAVED_KEYS = ['aggregator', 'archived', 'byline', 'favourite', 'hasContent', 'html', 'id', 'published', 'savedAt', 'source', 'tags', 'title', 'url', 'words'];


/** send(), asserting the answer is ok (with the message and the answer in the failure). */
async function sendOk(ext: Page, type: string, data: unknown): Promise<HookResult> {
  const r = await send(ext, type, data);
  expect(r, `${type}(${JSON.stringify(data).slice(0, 200)}) answered ${JSON.stringify(r).slice(0, 300)}`).toMatchObject({ ok: true });
  return r;
}


/** Parse a downloaded backup and check the contract's layout; a clear message when it is not one. */
function parseBackup(bytes: Buffer, label: string, askedAt: number): BackupDoc {
  const text = bytes.toString('utf8');
  let doc: BackupDoc;
  try {
    doc = JSON.parse(text) as BackupDoc;
  } catch (e) {
    throw new Error(`${label}: the downloaded backup is not JSON (${String(e)}); ${bytes.length} bytes, starting ${JSON.stringify(text.slice(0, 200))} … ending ${JSON.stringify(text.slice(-200))}`);
  }
  expect(Object.keys(doc).sort(), `${label}: top-level keys of the backup`).toEqual(['exportedAt', 'format', 'items', 'version']);
  expect(doc.format, `${label}: format`).toBe('lectern');
  expect(Number.isInteger(doc.version) && doc.version >= 1, `${label}: version is a positive integer (got ${JSON.stringify(doc.version)})`).toBe(true);
  expect(doc.exportedAt, `${label}: exportedAt is ISO 8601`).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  // a file dated before it was asked for is an old file handed out again
  expect(Date.parse(doc.exportedAt), `${label}: exportedAt ${doc.exportedAt} is before the backup was asked for (${new Date(askedAt).toISOString()}): a stale file?`).toBeGreaterThanOrEqual(askedAt - 1000);
  expect(Array.isArray(doc.items), `${label}: items is an array`).toBe(true);
  const missingKeys = doc.items.flatMap((it, i) => GETSAVED_KEYS.filter((k) => !(k in it)).map((k) => `item ${i} (${String(it.id)}) has no "${k}"`));
  expect(missingKeys, `${label}: every item carries every getSaved field`).toEqual([]);
  const seen = new Set<string>();
  const twice = doc.items.filter((it) => (seen.has(it.id) ? true : (seen.add(it.id), false))).map((it) => `${it.id} "${it.title}"`);
  expect(twice, `${label}: items that appear more than once in the backup`).toEqual([]);
  return doc;
}

/** Download a whole-library JSON backup the way the library page's Export menu does, and read the file. */
async function backup(lectern: Lectern, ext: Page, label: string, scope: { ids?: string[]; filter?: object } = {}): Promise<Backup> {
  const askedAt = Date.now();
  const r = await send(ext, 'exportLibrary', { format: 'json', ...scope, download: true });
  expect(r, `${label}: exportLibrary {json, download} answered ${JSON.stringify(r).slice(0, 300)}`).toMatchObject({
    ok: true,
    mimeType: 'application/json',
    filename: expect.stringMatching(/^lectern-\d{4}-\d{2}-\d{2}\.json$/),
    downloadId: expect.any(Number),
  });
  const file = await downloadedFile(lectern, r.downloadId as number, 30_000);
  expect(file.mime, `${label}: the download's MIME type`).toBe('application/json');
  return { doc: parseBackup(file.bytes, label, askedAt), text: file.bytes.toString('utf8'), label, timings: r.timings as Backup['timings'] };
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

function show(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 140 ? `${s.slice(0, 140)}… (${s.length} chars)` : s;
}

/** Where two strings first differ, for an html mismatch. */
function firstDifference(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return `first difference at char ${i}: backup ${show(a.slice(Math.max(0, i - 30), i + 60))} vs library ${show(b.slice(Math.max(0, i - 30), i + 60))}`;
}

/** A readable list of how the backup's items differ from the library's (by id). */
function describeDiff(got: Item[], want: Item[]): string[] {
  const g = new Map(got.map((i) => [i.id, i]));
  const w = new Map(want.map((i) => [i.id, i]));
  const out: string[] = [];
  for (const [id, it] of w) if (!g.has(id)) out.push(`MISSING from the backup: ${id} "${it.title}"`);
  for (const [id, it] of g) if (!w.has(id)) out.push(`in the backup but NOT in the library (deleted? stale?): ${id} "${it.title}"`);
  for (const [id, want1] of w) {
    const got1 = g.get(id);
    if (!got1) continue;
    for (const k of new Set([...Object.keys(want1), ...Object.keys(got1)])) {
      if (isDeepStrictEqual(got1[k], want1[k])) continue;
      const detail = typeof got1[k] === 'string' && typeof want1[k] === 'string' && k === 'html' ? firstDifference(got1[k] as string, want1[k] as string) : `backup ${show(got1[k])}, library ${show(want1[k])}`;
      out.push(`${id} "${want1.title}": ${k} differs — ${detail}`);
    }
  }
  return out.length > 25 ? [...out.slice(0, 25), `… and ${out.length - 25} more differences`] : out;
}

/** The library as the test hook exports it (items sorted by id), or only `ids`. */
async function libraryItems(lectern: Lectern, ids?: string[]): Promise<Item[]> {
  const r = ids ? await lectern.call('exportLibrary', 'json', { ids }) : await lectern.call('exportLibrary', 'json');
  expect(r, `hook exportLibrary('json') answered ${JSON.stringify(r).slice(0, 300)}`).toMatchObject({ ok: true });
  return (JSON.parse(r.text as string) as BackupDoc).items.sort(byId);
}

/** The backup holds exactly the library's items (as a set; order not compared). Returns them by id. */
async function expectBackupIsLibrary(lectern: Lectern, b: Backup, ids?: string[]): Promise<Map<string, Item>> {
  const want = await libraryItems(lectern, ids);
  const got = [...b.doc.items].sort(byId);
  const diff = describeDiff(got, want);
  expect(diff.length, `${b.label}: the downloaded backup (${got.length} items) is not the library (${want.length} items):\n  ${diff.join('\n  ')}\n(number of differences)`).toBe(0);
  expect(got).toEqual(want);
  return new Map(got.map((i) => [i.id, i]));
}

/** Phrases that must be nowhere in the backup file (a deleted or replaced item's unique text). */
function expectNowhere(b: Backup, phrases: string[], why: string): void {
  const found = phrases.filter((p) => b.text.includes(p));
  expect(found, `${b.label}: ${why} — still in the downloaded file`).toEqual([]);
}

function itemIn(items: Map<string, Item>, id: string, label: string): Item {
  const it = items.get(id);
  if (!it) throw new Error(`${label}: item ${id} is not in the backup`);
  return it;
}

// ------------------------------------------------------------------ generated items

const BASE_TIME = Date.UTC(2026, 0, 5, 8, 0, 0);
const PLACES = ['Harbour Point', 'Eastbridge', 'Millbrook', 'Ridgeline', 'Cascade Falls', 'Port Alder', 'Stonehaven'];

/** The unique text of a generated item: zero-padded so that no marker is a substring of another. */
const marker = (set: string, i: number) => `mk-${set}-${String(i).padStart(4, '0')}-q`;

interface GenItem {
  url: string;
  title: string;
  byline: string | null;
  source: { name: string; url: string };
  aggregator: string | null;
  published: string;
  savedAt: string;
  tags: string[];
  html?: string;
}

/**
 * A generated article: its marker in the url, title and body (a deleted item's marker must be
 * nowhere in a later backup). `savedAt` orders the library (newest first): i minutes after BASE_TIME.
 */
function gen(set: string, i: number, opts: { savedAt?: number; html?: string | null; body?: string } = {}): GenItem {
  const m = marker(set, i);
  const item: GenItem = {
    url: `https://backup.example/${set}/story-${i}?utm_source=feed`,
    title: `Story ${m}`,
    byline: i % 2 ? 'Staff writer' : null,
    source: { name: `Paper ${i % 7}`, url: `https://paper${i % 7}.example/${set}/${i}` },
    aggregator: i % 3 === 0 ? 'inkl' : null,
    published: new Date(BASE_TIME - 86_400_000 + i * 1000).toISOString(),
    savedAt: new Date(opts.savedAt ?? BASE_TIME + i * 60_000).toISOString(),
    tags: i % 5 === 0 ? ['five'] : [],
  };
  if (opts.html !== null) {
    item.html =
      opts.html ??
      `<h2>Heading ${m}</h2><p>Unique sentence ${m}: ${opts.body ?? `the ferry to ${PLACES[i % PLACES.length]} left at ${i % 24}:05`} with “quotes”, accents é ü and an ampersand &amp; a &lt;tag&gt;.</p>` +
        `<p>Second paragraph of ${m}: the council weighed costs, ridership and the views of residents on the east-end corridor.</p>`;
  }
  return item;
}

const lecternJson = (items: unknown[]) => JSON.stringify({ format: 'lectern', version: 1, exportedAt: new Date().toISOString(), items });

/** Import items through the hook (the import menu's path), in chunks; asserts every item was new. */
async function importItems(lectern: Lectern, items: GenItem[], chunk = 200): Promise<void> {
  for (let s = 0; s < items.length; s += chunk) {
    const part = items.slice(s, s + chunk);
    const r = await lectern.call('importLibrary', 'json', lecternJson(part));
    expect(r, `importLibrary of ${part.length} items answered ${JSON.stringify(r).slice(0, 300)}`).toEqual({ ok: true, imported: part.length, skipped: 0, errors: [] });
  }
}

/** id of the listed item whose title carries `m` (generated items). */
function idOf(items: ContractItem[], m: string): string {
  const it = items.find((i) => i.title.includes(m));
  if (!it) throw new Error(`no item titled with ${m} in the library`);
  return it.id;
}

// ------------------------------------------------------------------ the tests

test.describe('library backup download (whole-library JSON) is never stale', () => {
  test.beforeEach(async ({ lectern }) => {
    expect(await lectern.call('clearLibrary')).toEqual({ ok: true });
  });
  test.afterEach(async ({ lectern }) => {
    await lectern.call('clearLibrary');
  });

  test('backup → every kind of change → backup, round after round: each file is the library as it is now', async ({ page, server, lectern, extensionId }) => {
    test.setTimeout(60_000);
    // 12 imported articles (and one link without content) …
    const base = Array.from({ length: 12 }, (_, i) => gen('base', i, { html: i === 9 ? null : undefined }));
    await importItems(lectern, base);
    // … and one article saved from its page with the Save button's path
    const nb = fixture('newsbreak-sticky-bars');
    const oldPhrase = 'a mobile library van that will visit rural schools and senior centers starting in the fall';
    const newPhrase = 'a bookmobile named Quillback that will call at rural schools from September';
    const v1 = nb.html.toString('utf8');
    expect(v1.split(oldPhrase).length - 1, 'the fixture has the phrase to replace exactly once').toBe(1);
    const v2 = v1.replace(oldPhrase, newPhrase);
    await gotoFixture(page, server, nb.exp.url, v1, nb.dir);
    const tabId = (await lectern.activeTab()).id;
    const savedNb = await lectern.call('saveArticle', tabId);
    expect(savedNb, JSON.stringify(savedNb)).toMatchObject({ ok: true, updated: false });
    const N = savedNb.id as string;

    const listed = await list(lectern);
    expect(listed).toHaveLength(13);
    const [A, B, C, D, E, F, G, J, K, L] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => idOf(listed, marker('base', i)));
    const ext = await extensionPage(page, extensionId);

    // ---- round 0
    const b0 = await backup(lectern, ext, 'backup 0 (before any change)');
    const items0 = await expectBackupIsLibrary(lectern, b0);
    expect(b0.doc.items).toHaveLength(13);
    // the texts the later files must not have are in this one (so those checks can fail)
    expect(b0.text).toContain(marker('base', 6));
    expect(itemIn(items0, N, b0.label).html).toContain(oldPhrase);
    expect(itemIn(items0, L, b0.label)).toMatchObject({ hasContent: false, html: '' });

    // ---- round 1: every kind of change a user makes
    await sendOk(ext, 'updateSaved', { ids: [A], patch: { tags: ['backup-check', 'Round One'] } });
    await sendOk(ext, 'updateSaved', { ids: [B], patch: { read: true } });
    await sendOk(ext, 'updateSaved', { ids: [C], patch: { archived: true } });
    await sendOk(ext, 'updateSaved', { ids: [D], patch: { favourite: true } });
    await sendOk(ext, 'updateSaved', { ids: [E], patch: { title: 'Renamed by the reader' } });
    await sendOk(ext, 'updateSaved', { ids: [F], patch: { progress: 0.5 } });
    const delG = await sendOk(ext, 'deleteSaved', { ids: [G] });
    expect((delG.deleted as Item[]).map((i) => i.id)).toEqual([G]);
    // delete + Undo (the library page's notice): put back exactly as it was
    const delJ = await sendOk(ext, 'deleteSaved', { ids: [J] });
    await sendOk(ext, 'restoreSaved', { items: delJ.deleted });
    // a new article imported with a savedAt in the middle of the library (it lands between others)
    const H = gen('new', 1, { savedAt: BASE_TIME + 5 * 60_000 + 30_000 });
    expect(await lectern.call('importLibrary', 'json', lecternJson([H]))).toEqual({ ok: true, imported: 1, skipped: 0, errors: [] });
    // a new link saved from the link context menu
    const linkI = await sendOk(ext, 'saveLink', { url: 'https://links.example/saved-from-menu?utm_medium=x', title: 'Saved from the link menu' });
    expect(linkI).toMatchObject({ updated: false });
    // the link menu on an article already saved: its entry is updated (only updatedAt changes)
    expect(await sendOk(ext, 'saveLink', { url: base[8].url, title: 'ignored' })).toMatchObject({ id: K, updated: true });
    // the same article saved again after its page changed: the new content replaces the old
    await gotoFixture(page, server, nb.exp.url, v2, nb.dir);
    expect(await lectern.call('saveArticle', tabId)).toMatchObject({ ok: true, id: N, updated: true });

    const b1 = await backup(lectern, ext, 'backup 1 (after tag/read/archive/favourite/rename/progress/delete/undo/import/link/re-save)');
    const items1 = await expectBackupIsLibrary(lectern, b1);
    expect(b1.doc.items).toHaveLength(14);
    expect(itemIn(items1, A, b1.label).tags).toEqual(['backup-check', 'Round One']);
    expect(itemIn(items1, B, b1.label).read).toBe(true);
    expect(itemIn(items1, C, b1.label).archived).toBe(true);
    expect(itemIn(items1, D, b1.label).favourite).toBe(true);
    expect(itemIn(items1, E, b1.label).title).toBe('Renamed by the reader');
    expect(itemIn(items1, F, b1.label).progress).toBe(0.5);
    expect(items1.has(G), `${b1.label}: the deleted item is still in the backup`).toBe(false);
    expectNowhere(b1, [marker('base', 6)], 'the deleted article');
    expect(itemIn(items1, J, b1.label), `${b1.label}: the item deleted and put back by Undo is as it was`).toEqual(itemIn(items0, J, b0.label));
    expect([...items1.values()].find((i) => i.url === H.url)?.html ?? '', `${b1.label}: the imported article`).toContain(marker('new', 1));
    expect(itemIn(items1, linkI.id as string, b1.label)).toMatchObject({ url: 'https://links.example/saved-from-menu?utm_medium=x', hasContent: false });
    expect(Date.parse(itemIn(items1, K, b1.label).updatedAt), `${b1.label}: the re-saved link's updatedAt`).toBeGreaterThan(Date.parse(itemIn(items0, K, b0.label).updatedAt));
    expect(itemIn(items1, N, b1.label).html).toContain(newPhrase);
    expectNowhere(b1, [oldPhrase], 'the replaced text of the re-saved article');

    // ---- round 2: some of round 1's items change again (their rebuilt part must not be reused as it was)
    await sendOk(ext, 'updateSaved', { ids: [A], patch: { tags: [] } });
    await sendOk(ext, 'updateSaved', { ids: [C], patch: { archived: false } });
    await sendOk(ext, 'updateSaved', { ids: [B], patch: { archived: true } });
    await sendOk(ext, 'updateSaved', { ids: [L], patch: { tags: ['link'], favourite: true } });
    const hId = [...items1.values()].find((i) => i.url === H.url)!.id;
    await sendOk(ext, 'deleteSaved', { ids: [hId] });
    // re-importing an article already saved, with other content: imports merge by skipping (kept as it is)
    const reimport = gen('base', 10, { body: 'REIMPORTED different content that must not replace the saved one' });
    expect(await lectern.call('importLibrary', 'json', lecternJson([reimport]))).toEqual({ ok: true, imported: 0, skipped: 1, errors: [] });
    // the overlay's Save on the page back at its first version, then its Undo: back to the second version
    await gotoFixture(page, server, nb.exp.url, v1, nb.dir);
    const again = await sendOk(ext, 'saveTab', { tabId, withUndo: true });
    expect(again).toMatchObject({ id: N, updated: true });
    expect((again.previous as Item).html).toContain(newPhrase);
    await sendOk(ext, 'restoreSaved', { items: [again.previous] });

    const b2 = await backup(lectern, ext, 'backup 2 (round 1 items changed again, delete of the import, save + Undo)');
    const items2 = await expectBackupIsLibrary(lectern, b2);
    expect(b2.doc.items).toHaveLength(13);
    expect(itemIn(items2, A, b2.label).tags).toEqual([]);
    expect(itemIn(items2, C, b2.label).archived).toBe(false);
    expect(itemIn(items2, B, b2.label)).toMatchObject({ read: true, archived: true });
    expect(itemIn(items2, L, b2.label)).toMatchObject({ tags: ['link'], favourite: true });
    expect(items2.has(hId)).toBe(false);
    expectNowhere(b2, [marker('new', 1), marker('base', 6), 'REIMPORTED different content'], 'deleted articles and a skipped re-import');
    expect(itemIn(items2, N, b2.label).html).toContain(newPhrase);
    expectNowhere(b2, [oldPhrase], 'the text an Undo took back out');

    // ---- round 3: nothing changed: the same items, a new file
    const b3 = await backup(lectern, ext, 'backup 3 (no change since backup 2)');
    await expectBackupIsLibrary(lectern, b3);
    expect([...b3.doc.items].sort(byId)).toEqual([...b2.doc.items].sort(byId));
    expect(Date.parse(b3.doc.exportedAt)).toBeGreaterThanOrEqual(Date.parse(b2.doc.exportedAt));

    // scoped downloads in between (the export menu's filter and selection) hold only their items…
    const archived = await backup(lectern, ext, 'archived-only download', { filter: { archived: true } });
    expect(archived.doc.items.map((i) => i.id)).toEqual([B]);
    await expectBackupIsLibrary(lectern, archived, [B]);
    const selection = await backup(lectern, ext, 'selection download', { ids: [A, N, 'no-such-id'] });
    expect(selection.doc.items.map((i) => i.id).sort()).toEqual([A, N].sort());
    await expectBackupIsLibrary(lectern, selection, [A, N]);

    // ---- round 4: … and leave the next whole backup whole. Meanwhile the offscreen document that
    // writes backups closes, as it does by itself when idle (no memory of the last backup survives)
    const closed = await (await lectern.worker()).evaluate(async () => {
      const c = (globalThis as unknown as { chrome: { offscreen: { closeDocument(): Promise<void> } } }).chrome;
      try {
        await c.offscreen.closeDocument();
        return 'closed';
      } catch (e) {
        return String(e);
      }
    });
    expect(closed, 'closing the offscreen document').toBe('closed');
    await sendOk(ext, 'updateSaved', { ids: [idOf(listed, marker('base', 11))], patch: { favourite: true, read: true } });
    const b4 = await backup(lectern, ext, 'backup 4 (after scoped downloads and one more change)');
    await expectBackupIsLibrary(lectern, b4);
    expect(b4.doc.items).toHaveLength(13);
    await ext.close();
  });

  test('600 items over several parts: changes in every part, on part boundaries, and items moving between parts', async ({ page, lectern, extensionId }) => {
    test.setTimeout(60_000);
    const COUNT = 600;
    await importItems(lectern, Array.from({ length: COUNT }, (_, i) => gen('big', i)));
    const ext = await extensionPage(page, extensionId);
    const at = async () => (await list(lectern)).map((i) => i.id); // newest first
    let order = await at();
    expect(order).toHaveLength(COUNT);

    const b0 = await backup(lectern, ext, 'backup 0 (600 items)');
    await expectBackupIsLibrary(lectern, b0);
    expect(b0.doc.items).toHaveLength(COUNT);

    // ---- round 1: changes at positions across the library (newest first), parts of 250 → 0-249, 250-499, 500-599
    const items0 = new Map(b0.doc.items.map((i) => [i.id, i]));
    const titleMarker = (id: string) => /mk-[a-z]+-\d{4}-q/.exec(itemIn(items0, id, 'backup 0').title)![0];
    const p = (n: number) => order[n]!;
    await sendOk(ext, 'updateSaved', { ids: [p(0)], patch: { tags: ['first-part'] } });
    await sendOk(ext, 'updateSaved', { ids: [p(120)], patch: { read: true } });
    await sendOk(ext, 'updateSaved', { ids: [p(249)], patch: { archived: true } });
    await sendOk(ext, 'updateSaved', { ids: [p(250)], patch: { favourite: true } });
    await sendOk(ext, 'updateSaved', { ids: [p(380)], patch: { title: 'Renamed in the second part' } });
    await sendOk(ext, 'updateSaved', { ids: [p(500), p(599)], patch: { tags: ['last-part'], progress: 1 } });
    // deletes in the first and second parts move every later item one part boundary up…
    const gone1 = [p(10), p(251), p(499)];
    const goneMarkers1 = gone1.map(titleMarker);
    await sendOk(ext, 'deleteSaved', { ids: gone1 });
    // …and new items, newest, in the middle and oldest, move them back down
    const added = [
      gen('add', 1, { savedAt: BASE_TIME + COUNT * 60_000 + 60_000 }),
      gen('add', 2, { savedAt: BASE_TIME + 300 * 60_000 + 30_000 }),
      gen('add', 3, { savedAt: BASE_TIME - 60_000 }),
    ];
    // (with one item already in the library: skipped, unchanged)
    expect(await lectern.call('importLibrary', 'json', lecternJson([...added, gen('big', 42, { body: 'SKIPPED re-import text' })]))).toEqual({ ok: true, imported: 3, skipped: 1, errors: [] });

    const b1 = await backup(lectern, ext, 'backup 1 (changes in all three parts, 3 deleted, 3 added)');
    const items1 = await expectBackupIsLibrary(lectern, b1);
    expect(b1.doc.items).toHaveLength(COUNT);
    expect(itemIn(items1, p(0), b1.label).tags).toEqual(['first-part']);
    expect(itemIn(items1, p(120), b1.label).read).toBe(true);
    expect(itemIn(items1, p(249), b1.label).archived).toBe(true);
    expect(itemIn(items1, p(250), b1.label).favourite).toBe(true);
    expect(itemIn(items1, p(380), b1.label).title).toBe('Renamed in the second part');
    expect(itemIn(items1, p(599), b1.label)).toMatchObject({ tags: ['last-part'], progress: 1 });
    expectNowhere(b1, goneMarkers1, 'deleted articles');
    expectNowhere(b1, ['SKIPPED re-import text'], 'the skipped re-import');
    for (const a of [1, 2, 3]) expect(b1.text, `${b1.label}: imported item ${a}`).toContain(`Unique sentence ${marker('add', a)}`);

    // ---- round 2: one change in the last part only, and a delete + Undo in the middle one
    order = await at();
    await sendOk(ext, 'updateSaved', { ids: [order[598]!], patch: { tags: ['only-change'] } });
    const del = await sendOk(ext, 'deleteSaved', { ids: [order[300]!] });
    await sendOk(ext, 'restoreSaved', { items: del.deleted });
    const b2 = await backup(lectern, ext, 'backup 2 (one change in the last part, delete + Undo in the middle)');
    const items2 = await expectBackupIsLibrary(lectern, b2);
    expect(itemIn(items2, order[598]!, b2.label).tags).toEqual(['only-change']);
    expect(itemIn(items2, order[300]!, b2.label)).toEqual(itemIn(items1, order[300]!, b1.label));

    // ---- round 3: an article deleted and imported again with new content; the link menu on another
    order = await at();
    const victim = order[260]!;
    const victimItem = itemIn(items2, victim, b2.label);
    const vm = /mk-big-(\d{4})-q/.exec(victimItem.title)!;
    const deleted = await sendOk(ext, 'deleteSaved', { ids: [victim] });
    expect((deleted.deleted as Item[])[0]!.html).toContain('the ferry to');
    const replacement = gen('big', Number(vm[1]), { body: 'the REPLACEMENT body after a correction' });
    expect(await lectern.call('importLibrary', 'json', lecternJson([replacement]))).toEqual({ ok: true, imported: 1, skipped: 0, errors: [] });
    const touched = order[450]!;
    const touchedUrl = itemIn(items2, touched, b2.label).url;
    expect(await sendOk(ext, 'saveLink', { url: touchedUrl })).toMatchObject({ id: touched, updated: true });
    const b3 = await backup(lectern, ext, 'backup 3 (an article replaced by a re-import, a link re-saved)');
    const items3 = await expectBackupIsLibrary(lectern, b3);
    const replaced = [...items3.values()].find((i) => i.url === victimItem.url);
    expect(replaced?.html ?? '', `${b3.label}: the re-imported article has its new body`).toContain('the REPLACEMENT body after a correction');
    expect(replaced!.html).not.toContain('the ferry to');
    expect(Date.parse(itemIn(items3, touched, b3.label).updatedAt)).toBeGreaterThan(Date.parse(itemIn(items2, touched, b2.label).updatedAt));
    expect(b3.doc.items).toHaveLength(COUNT);

    // ---- round 4: changes made WHILE a backup is being written (in three parts) are in the next one
    order = await at();
    const changing = [order[5]!, order[255]!, order[595]!];
    const dropped = order[300]!;
    const droppedMarker = /mk-[a-z]+-\d{4}-q/.exec(itemIn(items3, dropped, b3.label).title)![0];
    const tagsBefore = new Map(changing.map((id) => [id, itemIn(items3, id, b3.label).tags]));
    const askedAt = Date.now();
    const [concurrent] = await Promise.all([
      send(ext, 'exportLibrary', { format: 'json', download: true }),
      sendOk(ext, 'updateSaved', { ids: changing, patch: { tags: ['during-backup'] } }),
      sendOk(ext, 'deleteSaved', { ids: [dropped] }),
      lectern.call('importLibrary', 'json', lecternJson([gen('during', 1)])),
    ]);
    expect(concurrent, JSON.stringify(concurrent).slice(0, 300)).toMatchObject({ ok: true, downloadId: expect.any(Number) });
    const duringDoc = parseBackup((await downloadedFile(lectern, concurrent.downloadId as number, 30_000)).bytes, 'backup taken during changes', askedAt);
    // that file may hold each item before or after its change (not a mix of two items)
    for (const id of changing) {
      const it = duringDoc.items.find((i) => i.id === id);
      expect([JSON.stringify(tagsBefore.get(id)), JSON.stringify(['during-backup'])], `backup taken during changes: ${id}'s tags`).toContain(JSON.stringify(it?.tags));
    }
    const b4 = await backup(lectern, ext, 'backup 4 (after a backup raced with changes in three parts)');
    const items4 = await expectBackupIsLibrary(lectern, b4);
    for (const id of changing) expect(itemIn(items4, id, b4.label).tags).toEqual(['during-backup']);
    expectNowhere(b4, [droppedMarker], 'the article deleted while the previous backup was written');
    expect(b4.text).toContain(`Unique sentence ${marker('during', 1)}`);

    // ---- round 5: one bulk change of every item (the library page's select-all) → every part changes
    order = await at();
    await sendOk(ext, 'updateSaved', { ids: order, patch: { read: true, tags: ['everything'] } });
    const b5 = await backup(lectern, ext, 'backup 5 (every item changed at once)');
    await expectBackupIsLibrary(lectern, b5);
    const notChanged = b5.doc.items.filter((i) => !i.read || JSON.stringify(i.tags) !== '["everything"]').map((i) => i.id);
    expect(notChanged.slice(0, 10), `${b5.label}: items not read+tagged in the backup (${notChanged.length})`).toEqual([]);
    await ext.close();
  });

  test('a backup taken while an import is still being sanitised holds only sanitised html', async ({ page, lectern, extensionId }, testInfo) => {
    test.setTimeout(60_000);
    await importItems(lectern, Array.from({ length: 20 }, (_, i) => gen('clean', i)));
    const ext = await extensionPage(page, extensionId);
    const b0 = await backup(lectern, ext, 'backup 0 (before the import)');
    await expectBackupIsLibrary(lectern, b0);

    // a large import whose every article carries a script and an event handler
    const M = 1500;
    const payload = '<img src=x onerror=alert(1)><script>bad()</script>';
    const hostile = Array.from({ length: M }, (_, i) =>
      gen('hostile', i, {
        html: `<p>Unique sentence ${marker('hostile', i)} before the payload.</p>${payload}<p>Closing words of ${marker('hostile', i)} about the harbour ferries and their timetables.</p>`,
      }),
    );
    const worker = await lectern.worker();
    // the import menu's path, not awaited (it resolves once cleaning is done)
    await worker.evaluate((data) => {
      const g = globalThis as unknown as { lecternTest: { importLibrary(f: string, d: string): Promise<unknown> }; __backupSpecImport?: Promise<unknown> };
      g.__backupSpecImport = g.lecternTest.importLibrary('json', data);
    }, lecternJson(hostile));
    // as soon as the import is written (the library page's counts show it), download a backup
    const race = await ext.evaluate(async (total) => {
      const c = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<Record<string, unknown>> } } }).chrome;
      const ask = (type: string, data: unknown) => c.runtime.sendMessage({ lectern: 1, type, data });
      const t0 = performance.now();
      let stats = await ask('libraryStats', {});
      while (!(stats.ok && (stats.total as number) >= total)) {
        if (performance.now() - t0 > 30_000) return { error: `the import was not written within 30 s: ${JSON.stringify(stats).slice(0, 200)}` };
        await new Promise((r) => setTimeout(r, 10));
        stats = await ask('libraryStats', {});
      }
      const askedAt = Date.now();
      const exported = await ask('exportLibrary', { format: 'json', download: true });
      const after = await ask('libraryStats', {});
      return { pendingBefore: stats.pending as number, exported, pendingAfter: after.pending as number, askedAt };
    }, 20 + M);
    expect(race, JSON.stringify(race).slice(0, 400)).not.toHaveProperty('error');
    const r = race as { pendingBefore: number; pendingAfter: number; exported: HookResult; askedAt: number };
    // precondition: the backup was written while imported bodies were still waiting to be cleaned
    // (the drain cleans in import order; every imported article carries the payload)
    expect(
      r.pendingAfter,
      `precondition: ${r.pendingBefore} imported bodies were pending when the backup was asked for and ${r.pendingAfter} when it was ready; ` +
        'if cleaning finished before the backup was written, this test proves nothing (import more items)',
    ).toBeGreaterThan(0);
    testInfo.annotations.push({ type: 'pending imported bodies', description: `${r.pendingBefore} when the backup was asked for, ${r.pendingAfter} when it was ready` });
    console.log(`[library-backup] pending imported bodies: ${r.pendingBefore} when the backup was asked for, ${r.pendingAfter} when it was ready`);
    expect(r.exported, JSON.stringify(r.exported).slice(0, 300)).toMatchObject({ ok: true, downloadId: expect.any(Number) });
    const file = await downloadedFile(lectern, r.exported.downloadId as number, 30_000);
    const during: Backup = { doc: parseBackup(file.bytes, 'backup taken during cleaning', r.askedAt), text: file.bytes.toString('utf8'), label: 'backup taken during cleaning' };
    expect(during.doc.items).toHaveLength(20 + M);
    expectNowhere(during, ['<script', 'bad()', 'onerror', 'alert(1)'], 'unsanitised imported html');
    const missing = hostile.map((_, i) => `Unique sentence ${marker('hostile', i)}`).filter((s) => !during.text.includes(s));
    expect(missing.slice(0, 5), `${during.label}: imported articles whose text is missing (${missing.length})`).toEqual([]);

    // once cleaning is done the library is what that backup already held (counts, excerpts, html)
    const imported = await worker.evaluate(async () => {
      const g = globalThis as unknown as { __backupSpecImport?: Promise<unknown> };
      const res = await g.__backupSpecImport;
      delete g.__backupSpecImport;
      return res;
    });
    expect(imported).toEqual({ ok: true, imported: M, skipped: 0, errors: [] });
    await expectBackupIsLibrary(lectern, during);
    const after = await backup(lectern, ext, 'backup after cleaning');
    await expectBackupIsLibrary(lectern, after);
    expectNowhere(after, ['<script', 'bad()', 'onerror', 'alert(1)'], 'unsanitised imported html');
    await ext.close();
  });

  test('clearLibrary then backup: no items; two imported (same addresses as before, new text): exactly those two', async ({ page, lectern, extensionId }) => {
    test.setTimeout(30_000);
    const old = Array.from({ length: 300 }, (_, i) => gen('old', i));
    await importItems(lectern, old);
    const ext = await extensionPage(page, extensionId);
    const b0 = await backup(lectern, ext, 'backup 0 (300 items)');
    await expectBackupIsLibrary(lectern, b0);
    expect(b0.doc.items).toHaveLength(300);

    expect(await lectern.call('clearLibrary')).toEqual({ ok: true });
    const empty = await backup(lectern, ext, 'backup after clearLibrary');
    expect(empty.doc.items, `${empty.label}: a cleared library backs up to no items`).toEqual([]);
    expectNowhere(empty, [marker('old', 0), marker('old', 299)], 'articles of the cleared library');
    await expectBackupIsLibrary(lectern, empty);

    // two articles at the addresses of two cleared ones (so they get the same ids), with other text
    const two = [gen('old', 0, { body: 'FRESH text of the first after the clear' }), gen('old', 250, { body: 'FRESH text of the second after the clear' })];
    for (const it of two) it.title = `Fresh ${it.title}`;
    await importItems(lectern, two);
    const b2 = await backup(lectern, ext, 'backup after importing two');
    const items = await expectBackupIsLibrary(lectern, b2);
    expect(b2.doc.items.map((i) => i.url).sort()).toEqual(two.map((i) => i.url).sort());
    for (const it of items.values()) expect(it.html).toContain('FRESH text of the');
    for (const it of items.values()) expect(it.title).toMatch(/^Fresh Story /);
    expectNowhere(b2, ['the ferry to', marker('old', 1), marker('old', 299)], 'the cleared articles (their old bodies)');
    await ext.close();
  });
  test('the background makes the parts ready, after an import and after edits: the first backup 8 s after the import and one 20 s after edits write none and are the library', async ({ page, lectern, extensionId }) => {
    test.setTimeout(120_000);
    await importItems(lectern, Array.from({ length: 160 }, (_, i) => gen('bg', i)));
    const ext = await extensionPage(page, extensionId);
    // no backup was ever made: the background writes the parts once the import is cleaned (1 s after)
    await page.waitForTimeout(8_000);
    const first = await backup(lectern, ext, 'first backup, 8 s after the import');
    expect(first.timings, 'the first backup found every part ready').toMatchObject({ kept: 4, built: 0 });
    await expectBackupIsLibrary(lectern, first);
    const ids = (await list(lectern)).map((i) => i.id);
    await sendOk(ext, 'updateSaved', { ids: [ids[5]!, ids[120]!], patch: { tags: ['refreshed later'] } });
    await sendOk(ext, 'updateSaved', { ids: [ids[70]!], patch: { read: true, progress: 0.4 } });
    await sendOk(ext, 'deleteSaved', { ids: [ids[60]!] });
    // the background rewrites the stale parts 15 s after the last edit
    await page.waitForTimeout(20_000);
    const later = await backup(lectern, ext, 'backup 20 s after the edits');
    expect(later.timings, 'every part was ready').toMatchObject({ built: 0 });
    const items = await expectBackupIsLibrary(lectern, later);
    expect(itemIn(items, ids[120]!, later.label).tags).toEqual(['refreshed later']);
    expect(items.has(ids[60]!)).toBe(false);
    await ext.close();
  });
  test('a selection or a filter after a backup uses the stored parts all of whose items it names, and is exactly those items as they are now', async ({ page, lectern, extensionId }) => {
    await importItems(lectern, Array.from({ length: 300 }, (_, i) => gen('sel', i)));
    const ext = await extensionPage(page, extensionId);
    await backup(lectern, ext, 'whole backup (stores 6 parts of 50)');
    await page.waitForTimeout(3000); // its parts are stored once the download is over
    const ids = (await list(lectern)).map((i) => i.id); // newest first: the parts' order
    await sendOk(ext, 'updateSaved', { ids: [ids[10]!], patch: { tags: ['edited after the backup'], read: true } });
    await sendOk(ext, 'deleteSaved', { ids: [ids[120]!] });
    const chosen = [...ids.slice(0, 150), ids[260]!];
    const sel = await backup(lectern, ext, 'selection of 151 (one deleted since)', { ids: chosen });
    expect(sel.timings?.kept, `${sel.label}: the untouched part of items 51–100 is used as stored`).toBeGreaterThanOrEqual(1);
    const items = await expectBackupIsLibrary(lectern, sel, chosen.filter((id) => id !== ids[120]));
    expect(itemIn(items, ids[10]!, sel.label).tags).toEqual(['edited after the backup']);
    expectNowhere(sel, [marker('sel', 0)], 'an item not chosen'); // gen index 0 is the oldest: ids[299]
    // all but every tenth item: 45 in each part, in 5 runs: slices of the stored parts
    const alternate = ids.filter((id, i) => i % 10 !== 1 && id !== ids[120]);
    const alt = await backup(lectern, ext, 'selection of all but every tenth item', { ids: alternate });
    expect(alt.timings?.slices, `${alt.label}: runs of items taken as slices of stored parts`).toBeGreaterThanOrEqual(1);
    const altItems = await expectBackupIsLibrary(lectern, alt, alternate);
    expect(itemIn(altItems, ids[10]!, alt.label).tags).toEqual(['edited after the backup']);
    expectNowhere(alt, [marker('sel', 298)], 'an item not chosen'); // ids[1]
    const five = await backup(lectern, ext, 'filter tag:five', { filter: { tag: 'five' } });
    await expectBackupIsLibrary(lectern, five, (await list(lectern)).filter((i) => i.tags.includes('five')).map((i) => i.id));
    expect(five.doc.items).toHaveLength(60);
    await ext.close();
  });
});
