// @vitest-environment jsdom
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { BUTTON_TAG, runDetector, shouldAutoOpen, type DetectorDeps } from '../../../utils/runtime/detector';
import { updateSettings } from '../../../utils/settings';
import type { Detection } from '../../../utils/types';

const article: Detection = { isArticle: true, aggregator: 'inkl', reason: 'test' };
const feed: Detection = { isArticle: false, aggregator: 'msn', reason: 'test' };

function deps(detection: Detection, autoOpen: boolean): DetectorDeps & { opened: number } {
  const d = {
    opened: 0,
    detect: () => detection,
    autoOpen: async () => autoOpen,
    openReader: async () => {
      d.opened++;
      return { ok: true };
    },
  };
  return d;
}

describe('detector content script logic', () => {
  beforeEach(() => {
    fakeBrowser.reset();
    document.body.replaceChildren();
    document.querySelectorAll(BUTTON_TAG).forEach((el) => el.remove());
  });

  it('opens the reader by itself on an article when auto-open is on', async () => {
    const d = deps(article, true);
    expect(await runDetector(document, 'https://www.inkl.com/news/x', d)).toBe('opened');
    expect(d.opened).toBe(1);
    expect(document.querySelector(BUTTON_TAG)).toBeNull();
  });

  it('does nothing on a page that is not an article', async () => {
    const d = deps(feed, true);
    expect(await runDetector(document, 'https://www.msn.com/en-us/news/us', d)).toBe('none');
    expect(d.opened).toBe(0);
    expect(document.querySelector(BUTTON_TAG)).toBeNull();
  });

  it('offers an accessible "Read clean" button in its own shadow root when auto-open is off', async () => {
    const d = deps(article, false);
    expect(await runDetector(document, 'https://www.inkl.com/news/x', d)).toBe('button');
    const host = document.querySelector(BUTTON_TAG)!;
    expect(host).not.toBeNull();
    const buttons = host.shadowRoot!.querySelectorAll('button');
    expect(buttons).toHaveLength(2);
    expect(buttons[0].getAttribute('aria-label')).toBeTruthy();
    expect(d.opened).toBe(0);
    buttons[0].click();
    expect(d.opened).toBe(1);
    buttons[1].click(); // hide
    expect(document.querySelector(BUTTON_TAG)).toBeNull();
  });

  it('reads the per-aggregator setting (default on, off when the user said so)', async () => {
    const open = vi.fn(async () => ({ ok: true }));
    const d: DetectorDeps = { detect: () => article, openReader: open, autoOpen: shouldAutoOpen };
    expect(await runDetector(document, 'https://www.inkl.com/news/x', d)).toBe('opened');
    await updateSettings({ autoOpen: { inkl: false } });
    expect(await runDetector(document, 'https://www.inkl.com/news/x', d)).toBe('button');
    expect(await shouldAutoOpen({ ...article, aggregator: 'msn' })).toBe(true);
    expect(open).toHaveBeenCalledTimes(1);
  });
});
