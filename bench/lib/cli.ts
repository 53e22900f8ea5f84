/** What every bench script shares: its command-line flags, the repository root, and (for the
 * browser benches) Chromium's path and the extension's service worker. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Worker } from 'playwright-core';
import { LAUNCH_FLAGS } from '../../tests/e2e/paths';

/** Repository root (bench/lib/../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Debian's Chromium, or $LECTERN_CHROMIUM (never a downloaded browser). */
export const CHROMIUM = process.env.LECTERN_CHROMIUM ?? '/usr/bin/chromium';

/** The value after `--name` on the command line, or `def`. */
export function arg(name: string, def: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : def;
}

/** The extension's service worker in `ctx` (waits up to 30 s for it to start). */
export async function findWorker(ctx: BrowserContext): Promise<Worker> {
  const sw = ctx.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  if (sw) return sw;
  return ctx.waitForEvent('serviceworker', { predicate: (w) => w.url().startsWith('chrome-extension://'), timeout: 30_000 });
}

type LaunchOptions = NonNullable<Parameters<typeof chromium.launchPersistentContext>[1]>;

/**
 * Debian's Chromium with the unpacked extension `ext` loaded, on the profile folder `profile`
 * (the e2e suite's flags, headless, a 1280×800 en-US/UTC page); `options` add to or override
 * the launch options. Pages get tsx's `__name` helper, which evaluated functions may call.
 */
export async function launchWithExtension(profile: string, ext: string, options: LaunchOptions = {}): Promise<BrowserContext> {
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false, // '--headless=new' is passed explicitly
    ignoreDefaultArgs: ['--disable-extensions'],
    args: LAUNCH_FLAGS(ext),
    viewport: { width: 1280, height: 800 },
    locale: 'en-US',
    timezoneId: 'UTC',
    ...options,
  });
  await ctx.addInitScript('globalThis.__name = globalThis.__name || ((f) => f);');
  return ctx;
}
