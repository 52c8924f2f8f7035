/** Runs the built `lakelens` CLI (dist/cli.js, or $LAKELENS_CLI) as a user would, in a child process. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { parseJson } from '../../src/core/json';
import { REPO } from './corpus';

export const CLI = process.env.LAKELENS_CLI ?? path.join(REPO, 'dist', 'cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const run = (...args: string[]): CliResult => runCli(args);

/** `--json` output, parsed exactly (ids beyond 2^53 arrive as strings); a non-zero exit fails. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function json(...args: string[]): any {
  const r = run(...args, '--json');
  assert.equal(r.code, 0, r.stderr);
  return parseJson(r.stdout);
}
