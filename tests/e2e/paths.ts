import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root (tests/e2e/../..). */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The unpacked e2e build that the suite loads into Chromium. */
export const EXT_DIR = path.resolve(ROOT, process.env.LECTERN_EXT_DIR ?? '.output/chrome-mv3-e2e');
export const CHROMIUM = process.env.LECTERN_CHROMIUM ?? '/usr/bin/chromium';
export const AGGREGATOR_FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'aggregators');
export const PIPELINE_PAGES = path.join(ROOT, 'tests', 'fixtures', 'pages');
export const E2E_PAGES = path.join(ROOT, 'tests', 'e2e', 'pages');
export const SCREENSHOTS = path.join(ROOT, 'docs', 'screenshots');

/** Chromium flags for a run with the extension loaded (../shared/test-contract.md); also used by bench/library.ts. */
export const LAUNCH_FLAGS = (ext: string): string[] => [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--ignore-certificate-errors',
  `--disable-extensions-except=${ext}`,
  `--load-extension=${ext}`,
];
