import { describe, expect, it } from 'vitest';
import { SegmentSet, buildSegment, mergeSegments } from '../../../utils/library/search';
import { Library } from '../../../utils/library/store';
import { articleInput, freshLibrary } from './helpers';

describe('body index segments', () => {
  it('round-trips postings, including large gaps, and finds exact words and prefixes', () => {
    const docs = Array.from({ length: 300 }, (_, i) => ({ id: `d${i}`, seq: 1, terms: i % 150 === 0 ? ['rare', 'common'] : ['common', `w${i}`] }));
    const seg = buildSegment(docs);
    expect(seg.terms.split('\n')).toEqual([...seg.terms.split('\n')].sort());
    const set = new SegmentSet();
    set.add(1, seg);
    expect([...set.lookup('rare', false)]).toEqual(['d0', 'd150']);
    expect(set.lookup('common', false).size).toBe(300);
    expect([...set.lookup('w29', true)].sort()).toEqual(['d29', 'd290', 'd291', 'd292', 'd293', 'd294', 'd295', 'd296', 'd297', 'd298', 'd299']);
    expect(set.lookup('w29', false)).toEqual(new Set(['d29']));
    expect(set.lookup('absent', true).size).toBe(0);
    // a prefix lookup stops after reading `cap` postings
    expect(set.lookup('w', true, 10).size).toBeLessThan(20);
  });

  it('a newer version of a doc hides the older one; merging keeps only live, newest versions', () => {
    const s1 = buildSegment([{ id: 'a', seq: 1, terms: ['old', 'both'] }, { id: 'b', seq: 1, terms: ['both'] }]);
    const s2 = buildSegment([{ id: 'a', seq: 5, terms: ['new', 'both'] }, { id: 'c', seq: 5, terms: ['both'] }]);
    const set = new SegmentSet();
    set.add(1, s1);
    set.add(2, s2);
    expect(set.lookup('old', false).size).toBe(0);
    expect([...set.lookup('new', false)]).toEqual(['a']);
    expect([...set.lookup('both', false)].sort()).toEqual(['a', 'b', 'c']);
    const merged = mergeSegments([s1, s2], (id) => id !== 'c'); // c was deleted
    expect([...merged.docs].sort()).toEqual(['a', 'b']);
    expect(merged.terms.split('\n')).toEqual(['both', 'new']);
    const m = new SegmentSet();
    m.add(3, merged);
    expect([...m.lookup('both', false)].sort()).toEqual(['a', 'b']);
    expect([...m.lookup('new', false)]).toEqual(['a']);
  });
});

describe('Library: background merging of the body index', () => {
  it('search results are the same before and after merging, and deleted items leave the index', async () => {
    const { lib, factory } = freshLibrary();
    const manual = new Library({ indexedDB: factory, autoCompact: false });
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await manual.save(articleInput(i, { html: `<p>common words and marker${i % 4} here</p>` }))).id);
    const query = async (l: Library, q: string) => (await l.search(q)).items.map((r) => r.id).sort();
    const before = await query(manual, 'marker2');
    expect(before).toHaveLength(10);
    await manual.delete(ids.slice(0, 8));
    const afterDelete = await query(manual, 'marker2');
    expect(afterDelete).toHaveLength(8);
    const merged = await manual.compact();
    expect(merged).toBeGreaterThanOrEqual(8);
    expect(await query(manual, 'marker2')).toEqual(afterDelete);
    // a second context that had loaded the old segments catches up too
    expect(await query(lib, 'marker2')).toEqual(afterDelete);
    await manual.compact({ all: true });
    expect(await query(lib, 'common')).toHaveLength(32);
    expect(await query(manual, 'marker2')).toEqual(afterDelete);
  });

  it('merges by itself after saves, without losing concurrent saves', async () => {
    const { lib } = freshLibrary();
    await Promise.all(Array.from({ length: 100 }, (_, i) => lib.save(articleInput(i, { html: `<p>tok${i} shared</p>` }))));
    await lib.idle();
    expect(lib.lastCompactionError).toBeNull();
    expect((await lib.search('shared')).total).toBe(100);
    expect((await lib.search('tok57')).total).toBe(1);
    for (let i = 100; i < 130; i++) await lib.save(articleInput(i, { html: `<p>tok${i} shared</p>` }));
    await lib.idle();
    expect((await lib.search('shared')).total).toBe(130);
  });
});
