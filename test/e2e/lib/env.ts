/**
 * What the runner (scripts/e2e/run.mjs) hands each e2e test file through the environment: the
 * shared code-server session, the run's temp folder, the profile (for logs and settings) and where
 * screenshots go.
 */
import * as path from 'node:path';

export interface E2EEnv {
  /** http://127.0.0.1:PORT of the code-server shared by all e2e files of the run */
  baseUrl: string;
  /** temp folder of this run (workspaces, browser profiles); removed after a green run */
  runDir: string;
  /** code-server --user-data-dir: User/settings.json, logs/ */
  userDataDir: string;
  /** where screenshots go (test/e2e/screenshots by default) */
  screenshotDir: string;
  /** the repo's root */
  repo: string;
  /** ../shared beside the repo (or LAKELENS_SHARED) and its corpus */
  shared: string;
  corpus: string;
  /** Chromium binary */
  chromium: string;
  /** XDG/TMPDIR home for Chromium, inside the run dir */
  browserHome: string;
}

let cached: E2EEnv | undefined;

export function e2eEnv(): E2EEnv {
  if (cached) return cached;
  const need = (k: string): string => {
    const v = process.env[k];
    if (!v) throw new Error(`${k} is not set: run e2e tests through \`npm run test:e2e\` (scripts/e2e/run.mjs), which starts code-server`);
    return v;
  };
  const repo = process.env.LAKELENS_REPO ?? path.resolve(__dirname, '..', '..');
  const shared = process.env.LAKELENS_SHARED ?? path.resolve(repo, '..', 'shared');
  const runDir = need('LAKELENS_E2E_RUN_DIR');
  cached = {
    baseUrl: need('LAKELENS_E2E_BASE_URL'),
    runDir,
    userDataDir: need('LAKELENS_E2E_USER_DATA'),
    screenshotDir: process.env.LAKELENS_E2E_SCREENSHOTS ?? path.join(repo, 'test', 'e2e', 'screenshots'),
    repo,
    shared,
    corpus: path.join(shared, 'corpus'),
    chromium: process.env.LAKELENS_CHROMIUM ?? '/usr/bin/chromium',
    browserHome: path.join(runDir, 'b'),
  };
  return cached;
}
