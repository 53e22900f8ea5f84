import fs from 'node:fs';
import { EXT_DIR } from './paths';

/**
 * Fails the whole run (never skips it) when the e2e build is missing or is not the e2e build.
 * `npm run test:e2e` builds it first; a bare `npx playwright test` needs `npm run build:e2e`.
 */
export default function globalSetup(): void {
  const manifestPath = `${EXT_DIR}/manifest.json`;
  if (!fs.existsSync(manifestPath)) {
    throw new Error(
      `Lectern e2e build not found: ${manifestPath} does not exist.\n` +
        `Run \`npm run build:e2e\` (or set LECTERN_EXT_DIR to the unpacked e2e build). The suite refuses to skip.`,
    );
  }
  const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { host_permissions?: string[] };
  if (!manifest.host_permissions?.includes('<all_urls>')) {
    throw new Error(
      `${manifestPath} is not the e2e build (no '<all_urls>' host permission). ` +
        `Build it with \`npm run build:e2e\` (wxt build --mode e2e).`,
    );
  }
}
