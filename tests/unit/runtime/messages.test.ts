import { beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createListener, envelope, onMessages, sendMessage, type BackgroundProtocol } from '../../../utils/messages';

describe('message helpers', () => {
  beforeEach(() => fakeBrowser.reset());

  it('routes a typed message to its handler and returns the answer', async () => {
    onMessages<BackgroundProtocol>({
      pageInfo: ({ tabId }) => ({
        ok: true,
        isArticle: true,
        aggregator: 'inkl',
        title: `tab ${tabId}`,
        byline: null,
        source: null,
        published: null,
        readingMinutes: 3,
      }),
    });
    const info = await sendMessage('pageInfo', { tabId: 7 });
    expect(info).toMatchObject({ ok: true, title: 'tab 7', aggregator: 'inkl' });
  });

  it('answers async handlers, and turns a thrown error into { ok: false, error }', async () => {
    onMessages<BackgroundProtocol>({
      openReader: async () => {
        await new Promise((r) => setTimeout(r, 5));
        return { ok: true };
      },
      closeReader: () => {
        throw new Error('boom');
      },
    });
    expect(await sendMessage('openReader', {})).toEqual({ ok: true });
    expect(await sendMessage('closeReader', {})).toEqual({ ok: false, error: 'boom' });
  });

  it('never answers for types it does not own, so another listener can', async () => {
    const calls: string[] = [];
    onMessages<BackgroundProtocol>({ closeReader: () => (calls.push('a'), { ok: true }) });
    onMessages<BackgroundProtocol>({ openReader: () => (calls.push('b'), { ok: false, error: 'from-b' }) });
    expect(await sendMessage('openReader', {})).toEqual({ ok: false, error: 'from-b' });
    expect(calls).toEqual(['b']);
  });

  it('ignores foreign messages and inherited property names', () => {
    const listener = createListener<BackgroundProtocol>({ openReader: () => ({ ok: true }) });
    const respond = () => undefined;
    expect(listener({ type: 'openReader' }, {}, respond)).toBeUndefined();
    expect(listener('openReader', {}, respond)).toBeUndefined();
    expect(listener(envelope('toString', {}), {}, respond)).toBeUndefined();
    expect(listener(envelope('openReader', {}), {}, respond)).toBe(true);
  });

  it('removes its listener when asked', async () => {
    const stop = onMessages<BackgroundProtocol>({ openReader: () => ({ ok: true }) });
    stop();
    await expect(sendMessage('openReader', {})).rejects.toThrow();
  });
});
