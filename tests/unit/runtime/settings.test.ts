import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import {
  DEFAULT_SETTINGS,
  FONT_SIZE,
  getSettings,
  isAutoOpen,
  normalizeSettings,
  settingsItem,
  updateSettings,
  watchSettings,
  type Settings,
} from '../../../utils/settings';

describe('settings', () => {
  beforeEach(() => fakeBrowser.reset());

  it('defaults: auto theme, serif, readable size, auto-open on for every aggregator', async () => {
    const settings = await getSettings();
    expect(settings).toEqual(DEFAULT_SETTINGS);
    expect(settings.theme).toBe('auto');
    expect(settings.font).toBe('serif');
    expect(isAutoOpen(settings, 'inkl')).toBe(true);
    expect(isAutoOpen(settings, 'msn')).toBe(true);
    expect(isAutoOpen(settings, null)).toBe(false);
  });

  it('persists one typed object under local:settings with a version', async () => {
    // a fresh module = a fresh storage item, as on first install
    vi.resetModules();
    const fresh = await import('../../../utils/settings');
    await fresh.updateSettings({ theme: 'sepia', fontSize: 22 });
    const raw = await fakeBrowser.storage.local.get(['settings', 'settings$']);
    expect((raw.settings as Settings).theme).toBe('sepia');
    expect((raw.settings as Settings).fontSize).toBe(22);
    expect((raw.settings as Settings).font).toBe('serif');
    expect(raw.settings$).toEqual({ v: 1 });
    expect((await getSettings()).theme).toBe('sepia');
  });

  it('merges per-aggregator auto-open without losing the others', async () => {
    await updateSettings({ autoOpen: { inkl: false } });
    await updateSettings({ autoOpen: { msn: false } });
    await updateSettings({ autoOpen: { msn: true } });
    const settings = await getSettings();
    expect(settings.autoOpen).toEqual({ inkl: false, msn: true });
    expect(isAutoOpen(settings, 'inkl')).toBe(false);
    expect(isAutoOpen(settings, 'yahoo')).toBe(true);
  });

  it('repairs stored values of an older or hand-edited shape', async () => {
    await fakeBrowser.storage.local.set({
      settings: { theme: 'neon', fontSize: 99, lineHeight: 'x', autoOpen: { inkl: 'no', aol: false } },
    });
    const settings = await getSettings();
    expect(settings.theme).toBe(DEFAULT_SETTINGS.theme);
    expect(settings.fontSize).toBe(FONT_SIZE.max);
    expect(settings.lineHeight).toBe(DEFAULT_SETTINGS.lineHeight);
    expect(settings.lineWidth).toBe(DEFAULT_SETTINGS.lineWidth);
    expect(settings.autoOpen).toEqual({ aol: false });
    expect(normalizeSettings(null)).toEqual(DEFAULT_SETTINGS);
    expect(normalizeSettings({ font: 'sans', fontSize: 3 })).toMatchObject({ font: 'sans', fontSize: FONT_SIZE.min });
  });

  it('notifies watchers with normalised settings', async () => {
    const seen: Settings[] = [];
    const stop = watchSettings((s) => seen.push(s));
    await settingsItem.setValue({ ...DEFAULT_SETTINGS, theme: 'dark' });
    await new Promise((r) => setTimeout(r, 0));
    stop();
    expect(seen.at(-1)?.theme).toBe('dark');
  });

  it('rapid local changes are never undone by the echo of an earlier write (slider key repeat)', async () => {
    const seen: number[] = [];
    const unwatch = watchSettings((s) => seen.push(s.fontSize));
    // four arrow-key steps fired before any write has finished, as a held key does
    await Promise.all([18, 19, 20, 21].map((fontSize) => updateSettings({ fontSize })));
    await new Promise((resolve) => setTimeout(resolve, 20));
    unwatch();
    expect((await getSettings()).fontSize).toBe(21);
    // the UI already shows 21: a watcher told "18" (an earlier write's echo) would step it back
    expect(seen.filter((v) => v !== 21)).toEqual([]);
  });
});
