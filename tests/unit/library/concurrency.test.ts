import { describe, expect, it } from 'vitest';
import { Library } from '../../../utils/library/store';
import { articleInput, freshLibrary } from './helpers';

describe('Library: concurrent writes never lose one another', () => {
  it('200 concurrent saves of different articles → 200 entries', async () => {
    const { lib } = freshLibrary();
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => lib.save(articleInput(i))));
    expect(new Set(results.map((r) => r.id)).size).toBe(200);
    expect(results.every((r) => !r.updated)).toBe(true);
    const list = await lib.list();
    expect(list.total).toBe(200);
    expect(list.items).toHaveLength(200);
  });

  it('concurrent saves of the same article (three aggregators) → 1 entry, the rest report updated', async () => {
    const { lib } = freshLibrary();
    const original = 'https://www.harborbusinessdaily.example/maritime/2026/09/14/port-first-battery-electric-tugboat';
    const variants = [
      { url: 'https://web.smartnews.com/articles/3Kq8ZtR7wXp', aggregator: 'smartnews' as const },
      { url: 'https://www.inkl.com/news/port-first-tugboat?utm_source=share', aggregator: 'inkl' as const },
      { url: 'https://www.yahoo.com/news/port-first-tugboat-1.html', aggregator: 'yahoo' as const },
    ];
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        lib.save({
          ...variants[i % 3],
          title: "Port's first battery-electric tugboat enters service",
          source: { name: 'Harbor Business Daily', url: i % 2 ? `${original}?utm_campaign=${i}` : original },
          html: `<p>copy ${i}</p>`,
        }),
      ),
    );
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.updated)).toHaveLength(1);
    expect((await lib.list()).total).toBe(1);
  });

  it('two Library instances (two contexts) writing at once see each other’s entries', async () => {
    const { lib: a, factory } = freshLibrary();
    const b = new Library({ indexedDB: factory });
    await a.list({ filter: { unread: true } }); // warm a's cache before b writes
    await Promise.all([
      ...Array.from({ length: 40 }, (_, i) => a.save(articleInput(i))),
      ...Array.from({ length: 40 }, (_, i) => b.save(articleInput(i + 20))), // 20 overlap with a
    ]);
    expect((await a.list()).total).toBe(60);
    expect((await b.list({ filter: { unread: true } })).total).toBe(60);
    // a's warm cache caught up through the change log: search sees b's writes
    expect((await a.search('Story number 59')).items[0].title).toBe('Story number 59 about the harbour');
    await b.delete([(await b.list()).items[0].id]);
    expect((await a.list()).total).toBe(59);
  });

  it('two contexts saving the same article at once still make one entry', async () => {
    const { lib: a, factory } = freshLibrary();
    const b = new Library({ indexedDB: factory });
    const input = articleInput(7);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).save({ ...input, html: `<p>v${i}</p>` })));
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.filter((r) => !r.updated)).toHaveLength(1);
    expect((await b.list({ filter: { archived: false } })).total).toBe(1);
  });
});
