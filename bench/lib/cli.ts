/** What every bench script shares: its command-line flags, the repository root, and (for the
 * browser benches) Chromium's path and the extension's service worker. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Worker } from 'playwright-core';

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
