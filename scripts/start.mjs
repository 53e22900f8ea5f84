#!/usr/bin/env node
/**
 * `npm start`: see Lectern work on a real aggregator URL, offline.
 *
 * 1. `npm run build` → .output/chrome-mv3 (the production build: no test hook, no <all_urls>);
 * 2. starts the local demo server (scripts/demo/server.mjs) with the fixture pages at their real URLs;
 * 3. opens Debian Chromium with Lectern loaded at https://www.inkl.com/news/… (an inkl article with a
 *    sign-up modal and a scroll lock), the host mapped to the demo server with
 *    --host-resolver-rules. inkl is one of Lectern's host permissions, so the reader opens by itself.
 *
 * Headed when a display exists (DISPLAY or WAYLAND_DISPLAY); with --headless, or without a display,
 * it writes a screenshot to .tmp/start-screenshot.png, reports whether the reader opened, and exits
 * (exit code 1 when it did not).
 *
 * Options: --headless  --no-build  --port=N  --http (plain HTTP instead of the self-signed HTTPS)
 *          --fixture=<name> (default inkl-modal-scroll-lock)
 * Env: LECTERN_CHROMIUM (default /usr/bin/chromium)
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from './demo/server.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const EXT = path.join(ROOT, '.output', 'chrome-mv3');
const TMP = path.join(ROOT, '.tmp');
const CHROMIUM = process.env.LECTERN_CHROMIUM ?? '/usr/bin/chromium';

const argv = process.argv.slice(2);
const flag = (name) => argv.includes(`--${name}`);
const opt = (name) => argv.find((a) => a.startsWith(`--${name}=`))?.split('=').slice(1).join('=');
const hasDisplay = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
const headless = flag('headless') || !hasDisplay;
const fixtureName = opt('fixture') ?? 'inkl-modal-scroll-lock';

const log = (line) => console.log(`[lectern] ${line}`);
const die = (msg) => {
  console.error(`[lectern] ${msg}`);
  process.exit(1);
};

if (!fs.existsSync(CHROMIUM)) die(`Chromium not found at ${CHROMIUM}. On Debian/Ubuntu: sudo apt-get install chromium`);

if (!flag('no-build')) {
  log('building the extension (npm run build) …');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) die('npm run build failed');
}
if (!fs.existsSync(path.join(EXT, 'manifest.json'))) die(`${EXT}/manifest.json missing: the build did not produce the extension`);

const port = opt('port') ? Number(opt('port')) : 0;
const demo = await startDemoServer({ port, https: !flag('http'), log: (l) => log(`demo server: ${l}`) });
const target = demo.fixtures.find((f) => f.name === fixtureName);
if (!target) die(`unknown fixture ${fixtureName}; one of: ${demo.fixtures.map((f) => f.name).join(', ')}`);

log(`demo server on 127.0.0.1:${demo.port} (${demo.secure ? 'HTTPS, self-signed certificate' : 'plain HTTP'})`);
log(`serving these real URLs locally (nothing goes to the internet):`);
for (const f of demo.fixtures) log(`  ${f.kind.padEnd(18)} ${f.demoUrl}`);

const profile = path.join(TMP, 'start-profile');
fs.rmSync(profile, { recursive: true, force: true });
fs.mkdirSync(profile, { recursive: true });

const flags = [
  `--user-data-dir=${profile}`,
  '--no-first-run',
  '--no-default-browser-check',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--ignore-certificate-errors',
  `--host-resolver-rules=${demo.resolverRules}`,
  `--disable-extensions-except=${EXT}`,
  `--load-extension=${EXT}`,
  ...(typeof process.getuid === 'function' && process.getuid() === 0 ? ['--no-sandbox'] : []),
];

if (!headless) {
  log(`opening Chromium at ${target.demoUrl}`);
  log('close the browser window (or press Ctrl+C) to stop.');
  const child = spawn(CHROMIUM, [...flags, '--window-size=1280,900', target.demoUrl], { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', () => {}); // Chromium is chatty on stderr
  const stop = async () => {
    child.kill('SIGTERM');
    await demo.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', async (code) => {
    await demo.close();
    process.exit(code ?? 0);
  });
} else {
  // Headless: drive the same Chromium with playwright-core (a devDependency) to take the screenshot.
  const { chromium } = await import('playwright-core');
  fs.mkdirSync(TMP, { recursive: true });
  const shot = path.join(TMP, 'start-screenshot.png');
  log(`no display${flag('headless') ? ' (--headless)' : ''}: loading ${target.demoUrl} headless`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: false,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: ['--headless=new', '--disable-gpu', ...flags.filter((f) => !f.startsWith('--user-data-dir'))],
    viewport: { width: 1280, height: 800 },
    ignoreHTTPSErrors: true,
  });
  let opened = false;
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(target.demoUrl, { waitUntil: 'load' });
    // the fixture's scripts and Lectern's detector: give both time
    opened = await page
      .waitForFunction(() => !!document.querySelector('lectern-reader')?.shadowRoot?.querySelector('[data-testid="reader-body"]'), null, { timeout: 8000 })
      .then(() => true, () => false);
    await page.waitForTimeout(800);
    await page.screenshot({ path: shot });
  } finally {
    await context.close();
    await demo.close();
  }
  log(`screenshot: ${path.relative(ROOT, shot)}`);
  if (opened) log(`the reader opened by itself on ${target.name}.`);
  else die(`the reader did NOT open on ${target.demoUrl}; see ${path.relative(ROOT, shot)}`);
}
