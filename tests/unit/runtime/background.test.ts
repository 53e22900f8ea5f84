import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { closeReader, openReader, pageInfo, READER_SCRIPT } from '../../../utils/runtime/background/reader';
import { installTestHook } from '../../../utils/runtime/background/test-hook';

type Envelope = { lectern: 1; type: string; data: unknown };

/** A fake tab: the reader script "exists" once injected, and answers like the real one. */
function fakeTab(answers: Record<string, unknown>, opts: { injectFails?: string } = {}) {
  let injected = false;
  const injections: unknown[] = [];
  const sent: string[] = [];
  vi.spyOn(fakeBrowser.tabs, 'sendMessage').mockImplementation((async (_tabId: number, message: Envelope) => {
    sent.push(message.type);
    if (!injected) throw new Error('Could not establish connection. Receiving end does not exist.');
    if (message.type === 'reader:ping') return { ok: true, open: false };
    return answers[message.type];
  }) as never);
  vi.spyOn(fakeBrowser.scripting, 'executeScript').mockImplementation((async (details: unknown) => {
    injections.push(details);
    if (opts.injectFails) throw new Error(opts.injectFails);
    injected = true;
    return [];
  }) as never);
  return { injections, sent, setInjected: (v: boolean) => (injected = v) };
}

describe('background reader functions', () => {
  beforeEach(() => fakeBrowser.reset());
  afterEach(() => vi.restoreAllMocks());

  it('openReader pings, injects /reader.js on no answer, then asks the tab to open', async () => {
    const tab = fakeTab({ 'reader:open': { ok: true } });
    expect(await openReader(12)).toEqual({ ok: true });
    expect(tab.injections).toEqual([{ target: { tabId: 12 }, files: [READER_SCRIPT] }]);
    expect(tab.sent).toEqual(['reader:ping', 'reader:ping', 'reader:open']);
  });

  it('does not inject twice when the reader already answers', async () => {
    const tab = fakeTab({ 'reader:open': { ok: true } });
    tab.setInjected(true);
    expect(await openReader(3)).toEqual({ ok: true });
    expect(tab.injections).toHaveLength(0);
  });

  it('concurrent calls for one tab share one injection', async () => {
    const tab = fakeTab({ 'reader:open': { ok: true }, 'reader:pageInfo': { ok: true, title: 'x' } });
    const [a, b] = await Promise.all([openReader(4), pageInfo(4)]);
    expect(a).toEqual({ ok: true });
    expect(b).toMatchObject({ ok: true, title: 'x' });
    expect(tab.injections).toHaveLength(1);
  });

  it('passes the tab\'s own failures through (not-article)', async () => {
    fakeTab({ 'reader:open': { ok: false, error: 'not-article' } });
    expect(await openReader(5)).toEqual({ ok: false, error: 'not-article' });
  });

  it('never throws: a page that cannot be scripted resolves { ok: false, error }', async () => {
    fakeTab({}, { injectFails: 'Cannot access a chrome:// URL' });
    expect(await openReader(6)).toEqual({ ok: false, error: 'Cannot access a chrome:// URL' });
    expect(await pageInfo(6)).toEqual({ ok: false, error: 'Cannot access a chrome:// URL' });
    expect(await openReader(-1 as number)).toEqual({ ok: false, error: 'invalid-tab' });
    expect(await openReader('x' as unknown as number)).toEqual({ ok: false, error: 'invalid-tab' });
  });

  it('closeReader does not inject into a tab where the reader never ran', async () => {
    const tab = fakeTab({ 'reader:close': { ok: true } });
    expect(await closeReader(8)).toEqual({ ok: true });
    expect(tab.injections).toHaveLength(0);
    expect(tab.sent).toEqual(['reader:ping']);
    tab.setInjected(true);
    expect(await closeReader(8)).toEqual({ ok: true });
    expect(tab.sent).toEqual(['reader:ping', 'reader:ping', 'reader:close']);
  });

  it('the e2e hook calls the same functions', async () => {
    const tab = fakeTab({ 'reader:open': { ok: true }, 'reader:close': { ok: true } });
    const hook = installTestHook();
    expect((globalThis as unknown as { lecternTest: unknown }).lecternTest).toBe(hook);
    expect(await hook.openReader(9)).toEqual({ ok: true });
    expect(await hook.closeReader(9)).toEqual({ ok: true });
    expect(tab.sent.filter((t) => t !== 'reader:ping')).toEqual(['reader:open', 'reader:close']);
  });
});
