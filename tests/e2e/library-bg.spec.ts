/**
 * The background's library service in the real build (LIB-BG): attribution of every aggregator
 * fixture when saved, one entry for one article read via two aggregators, many concurrent
 * saves from several tabs, a failed (quota) write losing nothing, JSON round trip field by
 * field, every export format (Markdown/EPUB go through Chrome's offscreen document), downloads,
 * import preview, and the overlay's Save + Undo.
 */
import { unzipSync, strFromU8 } from 'fflate';
import type { Page } from '@playwright/test';
import { test, expect, gotoFixture, type Lectern, type HookResult } from './fixtures';
import { byTestId, collapse, normByline, aggregatorFixtures, downloadedFile, extensionPage, send, type Expected, type ContractItem, readFixture as fixture, listSaved as list } from './helpers';

type Item = ContractItem;

const CONTRACT_KEYS = ['aggregator', 'archived', 'byline', 'favourite', 'hasContent', 'id', 'published', 'savedAt', 'source', 'tags', 'title', 'url', 'words'];



test.describe('library service (background)', () => {
  test.beforeEach(async ({ lectern }) => {
    expect(await lectern.call('clearLibrary')).toEqual({ ok: true });
  });
  test.afterEach(async ({ lectern }) => {
    await lectern.call('clearLibrary');
  });

  test('every aggregator fixture is saved with its original publisher, aggregator and content state', async ({ page, server, lectern }) => {
    test.setTimeout(180_000);
    const fixtures = aggregatorFixtures();
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
    const ids = new Map<string, string>();
    for (const f of fixtures) {
      await gotoFixture(page, server, f.url, f.html, f.assetDir);
      const res = await lectern.callTab('saveArticle');
      expect(res, `${f.name}: ${JSON.stringify(res)}`).toMatchObject({ ok: true, updated: false });
      expect(Object.keys(res).sort(), `${f.name}: exactly the contract's fields`).toEqual(['id', 'ok', 'updated']);
      ids.set(f.name, res.id as string);
    }
    const items = await list(lectern);
    expect(items).toHaveLength(fixtures.length);
    // newest first: the reverse of the order saved
    expect(items.map((i) => i.id)).toEqual([...fixtures].reverse().map((f) => ids.get(f.name)));
    for (const f of fixtures) {
      const exp = f.expected as Expected;
      const item = items.find((i) => i.id === ids.get(f.name))!;
      expect(Object.keys(item).sort(), f.name).toEqual(CONTRACT_KEYS);
      expect.soft(item.url, f.name).toBe(exp.url);
      if (exp.kind === 'not-article') {
        expect.soft(item.hasContent, `${f.name}: a non-article is saved as a link`).toBe(false);
        expect.soft(item.words, f.name).toBe(0);
        continue;
      }
      expect.soft(item.hasContent, f.name).toBe(true);
      expect.soft(item.source, `${f.name}: original publisher`).toEqual(exp.source);
      expect.soft(item.aggregator, f.name).toBe(exp.aggregator);
      expect.soft(collapse(item.title), f.name).toBe(exp.title);
      expect.soft(normByline(item.byline), f.name).toBe(normByline(exp.byline));
      if (exp.published) expect.soft(Date.parse(item.published ?? ''), f.name).toBe(Date.parse(exp.published));
      const got = await lectern.call('getSaved', item.id);
      expect(got, f.name).toMatchObject({ ok: true });
      const html = (got.item as Item).html ?? '';
      expect.soft(html.length, f.name).toBeGreaterThan(500);
      for (const s of exp.mustNotContain.slice(0, 3)) expect.soft(html.includes(s), `${f.name} saved copy has "${s}"`).toBe(false);
    }
  });

  test('the same article read via two aggregators is one entry', async ({ page, server, lectern }) => {
    const a = fixture('inkl-modal-scroll-lock');
    const b = fixture('yahoo-wire-story-continues');
    const original = a.exp.source!.url!;
    // the Yahoo page carries the same wire story: every mention of its original URL becomes inkl's
    const yahooSame = b.html.toString('utf8').split(b.exp.source!.url!).join(original);
    expect(yahooSame).toContain(original);

    await gotoFixture(page, server, a.exp.url, a.html, a.dir);
    const first = await lectern.callTab('saveArticle');
    expect(first).toMatchObject({ ok: true, updated: false });
    await gotoFixture(page, server, b.exp.url, yahooSame, b.dir);
    const second = await lectern.callTab('saveArticle');
    expect(second).toEqual({ ok: true, id: first.id, updated: true });
    const items = await list(lectern);
    expect(items).toHaveLength(1);
    // the one entry: where it was read last, credited to the same original
    expect(items[0]).toMatchObject({ id: first.id, url: b.exp.url, aggregator: 'yahoo', hasContent: true });
    expect(items[0].source?.url).toBe(original);

    // a different article stays a separate entry
    const other = fixture('newsbreak-sticky-bars');
    const newsbreakOther = other.html.toString('utf8');
    await gotoFixture(page, server, other.exp.url, newsbreakOther, other.dir);
    expect(await lectern.callTab('saveArticle')).toMatchObject({ ok: true, updated: false });
    expect(await list(lectern)).toHaveLength(2);
  });

  test('205 saves fired at once from 10 tabs give 205 entries', async ({ page, server, lectern, extensionId }) => {
    test.setTimeout(120_000);
    // five article tabs (saved through the hook, the Save button's path)…
    const names = ['aol-split-body-hidden', 'flipboard-blur-signup', 'newsbreak-sticky-bars', 'smartnews-script-wall', 'inkl-max-height-fade'];
    const tabs: Array<{ page: Page; id: number }> = [];
    for (const name of names) {
      const f = fixture(name);
      const p = tabs.length === 0 ? page : await page.context().newPage();
      await gotoFixture(p, server, f.exp.url, f.html, f.dir, 0);
      await p.bringToFront();
      tabs.push({ page: p, id: (await lectern.activeTab()).id });
    }
    await page.waitForTimeout(2200);
    // …and five extension pages each sending 40 saves of distinct pages (links), all at once
    const exts = await Promise.all(Array.from({ length: 5 }, () => extensionPage(page, extensionId)));
    const linkSaves = exts.map((ext, t) =>
      ext.evaluate(async (tab) => {
        const c = (globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<{ ok: boolean; id?: string }> } } }).chrome;
        return Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            c.runtime.sendMessage({ lectern: 1, type: 'saveLink', data: { url: `https://news.example/tab${tab}/story-${i}?utm_source=x`, title: `Story ${tab}-${i}` } }),
          ),
        );
      }, t),
    );
    const articleSaves = tabs.map((t) => lectern.call('saveArticle', t.id));
    const [links, articles] = await Promise.all([Promise.all(linkSaves), Promise.all(articleSaves)]);
    const flat = links.flat();
    expect(flat.filter((r) => !r.ok), JSON.stringify(flat.find((r) => !r.ok))).toEqual([]);
    for (const r of articles) expect(r).toMatchObject({ ok: true, updated: false });
    expect(new Set([...flat.map((r) => r.id), ...articles.map((r) => r.id)]).size).toBe(205);
    const items = await list(lectern);
    expect(items).toHaveLength(205);
    expect(items.filter((i) => i.hasContent).map((i) => i.url).sort()).toEqual(names.map((n) => fixture(n).exp.url).sort());
    for (const ext of exts) await ext.close();
    for (const t of tabs.slice(1)) await t.page.close();
  });

  test('a write refused for quota loses nothing and says so', async ({ page, server, lectern }) => {
    const a = fixture('inkl-modal-scroll-lock');
    await gotoFixture(page, server, a.exp.url, a.html, a.dir);
    const saved = await lectern.callTab('saveArticle');
    expect(saved).toMatchObject({ ok: true });
    const before = await list(lectern);
    const beforeItem = await lectern.call('getSaved', saved.id);

    const worker = await lectern.worker();
    await worker.evaluate(() => {
      const proto = IDBObjectStore.prototype as unknown as { put: unknown; __lecternPut?: unknown };
      proto.__lecternPut = proto.put;
      proto.put = function () {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      };
    });
    try {
      // a new article, the same article again (an update) and an import: all refused, all clean
      const b = fixture('smartnews-script-wall');
      await gotoFixture(page, server, b.exp.url, b.html, b.dir);
      const failed = await lectern.callTab('saveArticle');
      expect(failed.ok).toBe(false);
      expect(failed.error).toMatch(/quota|full/i);
      expect(failed.error).toMatch(/nothing was changed/i);
      await gotoFixture(page, server, a.exp.url, a.html, a.dir, 0);
      expect((await lectern.callTab('saveArticle')).ok).toBe(false);
      const json = JSON.stringify({ format: 'lectern', version: 1, exportedAt: new Date().toISOString(), items: [{ url: 'https://news.example/x', title: 'X' }] });
      const imported = await lectern.call('importLibrary', 'json', json);
      expect(imported.ok).toBe(false);
      expect(imported.error).toMatch(/quota|full/i);
    } finally {
      await worker.evaluate(() => {
        const proto = IDBObjectStore.prototype as unknown as { put: unknown; __lecternPut?: unknown };
        proto.put = proto.__lecternPut;
        delete proto.__lecternPut;
      });
    }
    expect(await list(lectern)).toEqual(before);
    expect(await lectern.call('getSaved', saved.id)).toEqual(beforeItem);
    // and the library works again once there is room
    expect(await lectern.callTab('saveArticle')).toMatchObject({ ok: true, id: saved.id, updated: true });
  });

  test('export JSON → clear → import: the same items, field by field, html too', async ({ page, server, lectern, extensionId }) => {
    const ids: string[] = [];
    for (const name of ['newsbreak-sticky-bars', 'msn-continue-reading', 'msn-news-feed']) {
      const f = fixture(name);
      await gotoFixture(page, server, f.exp.url, f.html, f.dir);
      const r = await lectern.callTab('saveArticle');
      expect(r).toMatchObject({ ok: true });
      ids.push(r.id as string);
    }
    // user state, changed the way the library page does
    const ext = await extensionPage(page, extensionId);
    expect(await send(ext, 'updateSaved', { ids: [ids[0]], patch: { tags: ['Transit', 'local news'], favourite: true } })).toMatchObject({ ok: true });
    expect(await send(ext, 'updateSaved', { ids: [ids[1]], patch: { archived: true } })).toMatchObject({ ok: true });
    await ext.close();

    const before = await list(lectern);
    const bodies = await Promise.all(before.map((i) => lectern.call('getSaved', i.id)));
    const exported = await lectern.call('exportLibrary', 'json');
    expect(exported).toMatchObject({ ok: true, mimeType: 'application/json' });
    expect(Object.keys(exported).sort()).toEqual(['filename', 'mimeType', 'ok', 'text']);

    expect(await lectern.call('clearLibrary')).toEqual({ ok: true });
    expect(await list(lectern)).toEqual([]);
    const imported = await lectern.call('importLibrary', 'json', exported.text);
    expect(imported).toEqual({ ok: true, imported: 3, skipped: 0, errors: [] });
    expect(await list(lectern)).toEqual(before);
    const after = await Promise.all(before.map((i) => lectern.call('getSaved', i.id)));
    expect(after).toEqual(bodies);
    expect(before.find((i) => i.id === ids[0])).toMatchObject({ tags: ['Transit', 'local news'], favourite: true });
    expect(before.find((i) => i.id === ids[1])).toMatchObject({ archived: true });
  });

  test('every export format gives a non-empty file with the right name and type; ids limit it', async ({ page, server, lectern }) => {
    test.setTimeout(90_000);
    const ids: string[] = [];
    for (const name of ['inkl-modal-scroll-lock', 'publisher-newsletter-modal']) {
      const f = fixture(name);
      await gotoFixture(page, server, f.exp.url, f.html, f.dir);
      const r = await lectern.callTab('saveArticle');
      expect(r).toMatchObject({ ok: true });
      ids.push(r.id as string);
    }
    const want: Record<string, { ext: RegExp; mime: string; binary: boolean }> = {
      json: { ext: /^lectern-\d{4}-\d{2}-\d{2}\.json$/, mime: 'application/json', binary: false },
      csv: { ext: /^lectern-\d{4}-\d{2}-\d{2}\.csv$/, mime: 'text/csv', binary: false },
      bookmarks: { ext: /^lectern-\d{4}-\d{2}-\d{2}\.html$/, mime: 'text/html', binary: false },
      markdown: { ext: /^lectern-\d{4}-\d{2}-\d{2}-markdown\.zip$/, mime: 'application/zip', binary: true },
      epub: { ext: /^lectern-\d{4}-\d{2}-\d{2}\.epub$/, mime: 'application/epub+zip', binary: true },
    };
    for (const [format, w] of Object.entries(want)) {
      const r = await lectern.call('exportLibrary', format);
      expect(r, `${format}: ${JSON.stringify(r).slice(0, 300)}`).toMatchObject({ ok: true, mimeType: w.mime });
      expect(r.filename as string, format).toMatch(w.ext);
      expect(Object.keys(r).sort(), format).toEqual(w.binary ? ['base64', 'filename', 'mimeType', 'ok'] : ['filename', 'mimeType', 'ok', 'text']);
      if (!w.binary) {
        expect((r.text as string).length, format).toBeGreaterThan(100);
        continue;
      }
      const files = unzipSync(Buffer.from(r.base64 as string, 'base64'));
      const names = Object.keys(files);
      if (format === 'markdown') {
        const md = names.filter((n) => n.endsWith('.md'));
        expect(md).toHaveLength(2);
        const text = md.map((n) => strFromU8(files[n])).join('\n');
        expect(text).toMatch(/^---\n/);
        expect(text).toContain('publisher: The Cascade Observer');
        expect(text).toContain('Tree-ring');
      } else {
        expect(strFromU8(files.mimetype)).toBe('application/epub+zip');
        const chapters = names.filter((n) => /\.xhtml$/.test(n) && !/nav/.test(n));
        expect(chapters.length).toBeGreaterThanOrEqual(2);
      }
    }
    const csv = await lectern.call('exportLibrary', 'csv');
    expect((csv.text as string).split(/\r?\n/)[0]).toMatch(/^title,url,time_added,tags,status/);
    // { ids }: only those (unknown ids ignored)
    const one = await lectern.call('exportLibrary', 'json', { ids: [ids[1], 'no-such-id'] });
    const doc = JSON.parse(one.text as string) as { items: Item[] };
    expect(doc.items.map((i) => i.id)).toEqual([ids[1]]);
    const oneMd = await lectern.call('exportLibrary', 'markdown', { ids: [ids[0]] });
    expect(Object.keys(unzipSync(Buffer.from(oneMd.base64 as string, 'base64'))).filter((n) => n.endsWith('.md'))).toHaveLength(1);
    expect(await lectern.call('exportLibrary', 'pdf')).toMatchObject({ ok: false });
  });

  test('exportLibrary with download: the background downloads the file itself', async ({ page, server, lectern, extensionId }) => {
    const f = fixture('aol-split-body-hidden');
    await gotoFixture(page, server, f.exp.url, f.html, f.dir);
    expect(await lectern.callTab('saveArticle')).toMatchObject({ ok: true });
    const ext = await extensionPage(page, extensionId);
    for (const format of ['json', 'csv', 'bookmarks', 'markdown', 'epub']) {
      const r = await send(ext, 'exportLibrary', { format, download: true });
      expect(r, JSON.stringify(r).slice(0, 300)).toMatchObject({ ok: true });
      const file = await downloadedFile(lectern, r.downloadId as number);
      expect(file.mime).toBe(r.mimeType);
      expect(file.bytes.length).toBeGreaterThan(0);
      // the file on disk is the export (the hook's text export, apart from the export time)
      if (format === 'json') {
        const doc = JSON.parse(file.bytes.toString('utf8')) as { format: string; items: Item[] };
        const viaHook = JSON.parse((await lectern.call('exportLibrary', 'json')).text as string) as { items: Item[] };
        expect(doc.format).toBe('lectern');
        expect(doc.items).toEqual(viaHook.items);
      } else if (format === 'csv' || format === 'bookmarks') {
        // (a bookmarks folder is dated with the export's time: the two exports may be a second apart)
        const undated = (t: string) => t.replace(/(<H3 ADD_DATE=")\d+(" LAST_MODIFIED=")\d+"/g, '$1…$2…"');
        expect(undated(file.bytes.toString('utf8'))).toBe(undated((await lectern.call('exportLibrary', format)).text as string));
      } else if (format === 'markdown') {
        // the streamed zip holds the same files as the hook's export
        const got = unzipSync(new Uint8Array(file.bytes));
        const want = unzipSync(Buffer.from((await lectern.call('exportLibrary', 'markdown')).base64 as string, 'base64'));
        expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
        for (const name of Object.keys(want)) expect(strFromU8(got[name]!), name).toBe(strFromU8(want[name]!));
        expect(Object.keys(got).some((n) => n.endsWith('.md'))).toBe(true);
      } else {
        expect(strFromU8(unzipSync(new Uint8Array(file.bytes)).mimetype)).toBe('application/epub+zip');
      }
    }
    await ext.close();
  });

  test("a JSON export over 64 MiB (Chrome's message limit) downloads whole", async ({ page, lectern, extensionId }) => {
    test.setTimeout(300_000);
    // 700 articles of ~100 KB: the file is ~70 MB, more than one extension message may carry
    const N = 700;
    const para = (i: number, k: number) => `<p>Paragraph ${k} of generated article ${i}: “quotes”, accents é ü, and ${'steady words about harbours and ferries '.repeat(85)}</p>`;
    for (let s = 0; s < N; s += 100) {
      const items = Array.from({ length: 100 }, (_, k) => {
        const i = s + k;
        return { url: `https://big.example/story-${i}`, title: `Big story ${i}`, html: Array.from({ length: 30 }, (_, p) => para(i, p)).join('') };
      });
      const r = await lectern.call('importLibrary', 'json', JSON.stringify({ format: 'lectern', version: 1, exportedAt: new Date().toISOString(), items }));
      expect(r, JSON.stringify(r).slice(0, 300)).toMatchObject({ ok: true, imported: 100 });
    }
    const ext = await extensionPage(page, extensionId);
    const r = await send(ext, 'exportLibrary', { format: 'json', download: true });
    expect(r, JSON.stringify(r).slice(0, 300)).toMatchObject({ ok: true, filename: expect.stringMatching(/^lectern-\d{4}-\d{2}-\d{2}\.json$/) });
    const file = await downloadedFile(lectern, r.downloadId as number, 120_000);
    expect(file.bytes.length).toBeGreaterThan(64 * 1024 * 1024);
    const doc = JSON.parse(file.bytes.toString('utf8')) as { items: Item[] & Array<{ html: string }> };
    expect(doc.items).toHaveLength(N);
    expect(new Set(doc.items.map((i) => i.url)).size).toBe(N);
    const one = doc.items.find((i) => i.url === 'https://big.example/story-123')!;
    expect(one.title).toBe('Big story 123');
    expect(one.html).toContain('Paragraph 29 of generated article 123: “quotes”, accents é ü');
    await ext.close();
  });

  test('import preview counts new and existing, imports merge, a bad file writes nothing', async ({ page, server, lectern, extensionId }) => {
    const f = fixture('newsbreak-sticky-bars');
    await gotoFixture(page, server, f.exp.url, f.html, f.dir);
    expect(await lectern.callTab('saveArticle')).toMatchObject({ ok: true });
    const pocket = [
      'title,url,time_added,cursor,tags,status',
      `Library hours,${f.exp.source!.url},1700000000,,,unread`,
      'Another story,https://news.example/another?utm_source=feed,1700000100,,local|transit,archive',
      'Bad row,not a url,x,,,unread',
    ].join('\n');
    // the preview is the library page's (it reads the file and looks its entries up in the
    // shared library itself): the saved page counts as already there
    const lib = await page.context().newPage();
    await lib.goto(`chrome-extension://${extensionId}/library.html`);
    await lib.getByTestId('lib-import-toggle').click();
    await lib.getByTestId('import-file').setInputFiles({ name: 'pocket.csv', mimeType: 'text/csv', buffer: Buffer.from(pocket) });
    await expect(lib.getByTestId('import-preview')).toContainText('pocket.csv (Pocket CSV): 1 new, 1 already in the library, 1 with errors.');
    await expect(lib.getByTestId('import-errors')).toContainText('Line 4:');
    await lib.getByTestId('import-cancel').click();
    await lib.close();
    expect(await list(lectern)).toHaveLength(1); // a preview writes nothing
    const res = await lectern.call('importLibrary', 'pocket-csv', pocket);
    expect(res).toMatchObject({ ok: true, imported: 1, skipped: 1 });
    expect((res.errors as Array<{ line: number }>).map((e) => e.line)).toEqual([4]);
    const items = await list(lectern);
    expect(items).toHaveLength(2);
    const another = items.find((i) => i.title === 'Another story')!;
    expect(another).toMatchObject({ archived: true, tags: ['local', 'transit'], hasContent: false, savedAt: new Date(1700000100_000).toISOString() });
    expect(await lectern.call('importLibrary', 'omnivore-zip', 'bm90IGEgemlw')).toMatchObject({ ok: false });
    expect(await lectern.call('importLibrary', 'json', '[1,2')).toMatchObject({ ok: false });
    expect(await list(lectern)).toEqual(items);
  });

  test('overlay Save confirms with Undo: a new entry is removed, an update is put back as it was', async ({ page, server, lectern, extensionId }) => {
    const f = fixture('inkl-modal-scroll-lock');
    await gotoFixture(page, server, f.exp.url, f.html, f.dir);
    expect(await lectern.openReader()).toMatchObject({ ok: true });
    const save = byTestId(page, 'reader-save');
    const status = byTestId(page, 'reader-save-status');
    await save.click();
    await expect(status).toContainText('Saved to your Lectern library');
    await expect(save).toHaveText('Saved');
    expect(await list(lectern)).toHaveLength(1);
    await byTestId(page, 'reader-save-undo').click();
    await expect(status).toContainText('Save undone');
    await expect.poll(async () => (await list(lectern)).length).toBe(0);

    // saved, tagged, saved again (an update), undone: back to the tagged entry exactly
    await save.click();
    await expect(status).toContainText('Saved to your Lectern library');
    const [item] = await list(lectern);
    const ext = await extensionPage(page, extensionId);
    expect(await send(ext, 'updateSaved', { ids: [item.id], patch: { tags: ['keep'] } })).toMatchObject({ ok: true });
    const tagged = await send(ext, 'getSaved', { id: item.id });
    await ext.close();
    await page.bringToFront();
    await save.click();
    await expect(status).toContainText('its entry was updated');
    await expect(save).toHaveText('Saved (updated)');
    await byTestId(page, 'reader-save-undo').click();
    await expect(status).toContainText('Save undone');
    const ext2 = await extensionPage(page, extensionId);
    expect(await send(ext2, 'getSaved', { id: item.id })).toEqual(tagged);
    await ext2.close();
  });

  test('300 articles: import (sanitised in the offscreen document) and every export, timed', async ({ page, server, lectern }, testInfo) => {
    test.setTimeout(180_000);
    void page;
    void server;
    const para = '<p>The council voted after a marathon session on the east-end corridor, weighing costs, ridership and the views of residents.</p>';
    const items = Array.from({ length: 300 }, (_, i) => ({
      url: `https://news.example/a/${i}`,
      title: `Article ${i}`,
      byline: 'Staff',
      source: { name: 'Example Daily', url: `https://daily.example/story/${i}` },
      aggregator: 'inkl',
      published: '2026-03-01T08:00:00Z',
      savedAt: new Date(Date.UTC(2026, 2, 1) + i * 60_000).toISOString(),
      tags: i % 3 ? [] : ['transit'],
      html: `<h2>Part ${i}</h2>${para.repeat(40)}<script>alert(1)</script>`,
    }));
    const json = JSON.stringify({ format: 'lectern', version: 1, exportedAt: new Date().toISOString(), items });
    const times: Record<string, number> = {};
    let t0 = Date.now();
    const imp = await lectern.call('importLibrary', 'json', json);
    times.import = Date.now() - t0;
    expect(imp).toEqual({ ok: true, imported: 300, skipped: 0, errors: [] });
    const listed = await list(lectern);
    expect(listed).toHaveLength(300);
    const one = await lectern.call('getSaved', listed[0].id);
    expect((one.item as Item).html).not.toContain('<script');
    for (const format of ['json', 'csv', 'bookmarks', 'markdown', 'epub']) {
      t0 = Date.now();
      const r = await lectern.call('exportLibrary', format);
      times[format] = Date.now() - t0;
      expect(r, format).toMatchObject({ ok: true });
      // JSON carries all 300 bodies as text; the zips compress them; CSV and bookmarks have none
      expect(((r.text ?? r.base64) as string).length, format).toBeGreaterThan(format === 'json' ? 300 * 4_000 : 20_000);
      if (r.base64) expect(Object.keys(unzipSync(Buffer.from(r.base64 as string, 'base64'))).filter((n) => /\.(md|xhtml)$/.test(n) && !/nav/.test(n)), format).toHaveLength(300);
    }
    const line = Object.entries(times).map(([k, v]) => `${k} ${v} ms`).join(', ');
    testInfo.annotations.push({ type: 'timing (300 articles of ~5 KB)', description: line });
    console.log(`[library-bg] 300 articles: ${line}`);
  });
});
