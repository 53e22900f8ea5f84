/**
 * Reader settings: one typed object in `local:settings`, versioned so that later shapes can
 * migrate. Everything the reader and the detector need to know about the user's choices.
 */
import { storage } from 'wxt/utils/storage';
import type { AggregatorId } from './types';

export type Theme = 'light' | 'sepia' | 'dark' | 'auto';
export type FontFamily = 'serif' | 'sans';

export interface Settings {
  theme: Theme;
  font: FontFamily;
  /** body font size in CSS px */
  fontSize: number;
  /** maximum line length in em */
  lineWidth: number;
  /** unitless line height */
  lineHeight: number;
  /** per-aggregator "open the reader automatically"; a missing entry means on */
  autoOpen: Partial<Record<AggregatorId, boolean>>;
}

export const THEMES: readonly Theme[] = ['light', 'sepia', 'dark', 'auto'];
export const FONTS: readonly FontFamily[] = ['serif', 'sans'];
export const FONT_SIZE = { min: 14, max: 28, step: 1 } as const;
export const LINE_WIDTH = { min: 28, max: 52, step: 2 } as const;
export const LINE_HEIGHT = { min: 1.3, max: 2.1, step: 0.1 } as const;

export const DEFAULT_SETTINGS: Settings = Object.freeze({
  theme: 'auto',
  font: 'serif',
  fontSize: 19,
  lineWidth: 38,
  lineHeight: 1.6,
  autoOpen: {},
}) as Settings;

export const SETTINGS_VERSION = 1;

export const settingsItem = storage.defineItem<Settings>('local:settings', {
  fallback: DEFAULT_SETTINGS,
  version: SETTINGS_VERSION,
  // Records { v: 1 } with the first write; a later shape adds `2: (v1) => v2` here.
  migrations: {},
});

function clamp(value: unknown, range: { min: number; max: number }, fallback: number): number {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return fallback;
  return Math.min(range.max, Math.max(range.min, Math.round(n * 10) / 10));
}

/** Any stored value (old, partial, hand-edited) → a complete, valid Settings object. */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const autoOpen: Partial<Record<AggregatorId, boolean>> = {};
  if (r.autoOpen && typeof r.autoOpen === 'object') {
    for (const [id, on] of Object.entries(r.autoOpen as Record<string, unknown>)) {
      if (typeof on === 'boolean') autoOpen[id as AggregatorId] = on;
    }
  }
  return {
    theme: THEMES.includes(r.theme as Theme) ? (r.theme as Theme) : DEFAULT_SETTINGS.theme,
    font: FONTS.includes(r.font as FontFamily) ? (r.font as FontFamily) : DEFAULT_SETTINGS.font,
    fontSize: clamp(r.fontSize, FONT_SIZE, DEFAULT_SETTINGS.fontSize),
    lineWidth: clamp(r.lineWidth, LINE_WIDTH, DEFAULT_SETTINGS.lineWidth),
    lineHeight: clamp(r.lineHeight, LINE_HEIGHT, DEFAULT_SETTINGS.lineHeight),
    autoOpen,
  };
}

export async function getSettings(): Promise<Settings> {
  return normalizeSettings(await settingsItem.getValue());
}

/** Merge a change into the stored settings and return the result. */
/**
 * Writes in this context run one after another (each reads the last one's result), and while
 * any is in flight the watchers below ignore storage echoes: the UI already shows the newest
 * local value, and an echo of an earlier write would step it back (a held slider key lost steps).
 */
let writeChain: Promise<unknown> = Promise.resolve();
let writesInFlight = 0;

export function updateSettings(patch: Partial<Settings>): Promise<Settings> {
  writesInFlight++;
  const run = writeChain.then(async () => {
    const current = await getSettings();
    const next = normalizeSettings({
      ...current,
      ...patch,
      autoOpen: { ...current.autoOpen, ...(patch.autoOpen ?? {}) },
    });
    await settingsItem.setValue(next);
    return next;
  });
  writeChain = run.catch(() => undefined);
  return run.finally(() => {
    writesInFlight--;
  });
}

/** Changes made elsewhere (another tab, the popup); echoes of this context's own writes in flight are skipped. */
export function watchSettings(callback: (settings: Settings) => void): () => void {
  return settingsItem.watch((value) => {
    if (writesInFlight > 0) return;
    callback(normalizeSettings(value));
  });
}

export function isAutoOpen(settings: Settings, aggregator: AggregatorId | null): boolean {
  if (!aggregator) return false;
  return settings.autoOpen[aggregator] ?? true;
}
