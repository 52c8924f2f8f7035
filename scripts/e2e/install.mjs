#!/usr/bin/env node
// Installs what the e2e tests and `npm start` need outside the repo, reusing it when present:
// code-server + Node 24 into the cache (${LAKELENS_E2E_CACHE:-~/.cache/lakelens-e2e}), and
// Debian's chromium (apt-get, as root). Used by .ci/run and, lazily, by the e2e runner.
//   node scripts/e2e/install.mjs [--no-chromium]
import { CACHE, INSTALL_DIR, ensureChromium, ensureCodeServer, log, timed } from './lib.mjs';

try {
  if (!process.argv.includes('--no-chromium')) await timed('chromium', async () => log(`chromium: ${ensureChromium()}`));
  await timed('code-server cache', () => ensureCodeServer());
  log(`cache: ${CACHE}`);
  log(`code-server: ${INSTALL_DIR}`);
} catch (err) {
  log(`install FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
