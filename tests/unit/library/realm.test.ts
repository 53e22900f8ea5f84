// @vitest-environment jsdom
/**
 * Under jsdom (the environment of the page-side tests), fake-indexeddb hands back typed arrays
 * made by Node's constructors, not the window's: the store must recognise stored segments by
 * what they are, not by `instanceof` one realm's class — else a body's words are silently
 * never found.
 */
import { describe, expect, it } from 'vitest';
import { articleInput, freshLibrary, tickingClock } from './helpers';

describe('the body-word index across realms', () => {
  it('finds a saved body word in a jsdom window', async () => {
    const { lib } = freshLibrary({ now: tickingClock() });
    const r = await lib.save(articleInput(1, { html: '<p>The quokkanomics report</p>' }));
    expect((await lib.search('quokkanomics')).items.map((i) => i.id)).toEqual([r.id]);
  });
});
