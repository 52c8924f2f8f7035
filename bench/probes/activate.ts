/**
 * Probe (fresh process): time to load dist/extension.js and run activate() with the vscode stub,
 * on a workspace folder given as argv[2]. Prints JSON { loadMs, activateMs, scanMs }.
 */
import * as path from 'node:path';
import { installVscodeStub } from '../lib/vscodeStub';

const folder = process.argv[2] ?? process.cwd();
installVscodeStub([folder]);
const t0 = performance.now();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ext = require(path.join(process.cwd(), 'dist', 'extension.js')) as { activate(ctx: unknown): void };
const t1 = performance.now();
const context = { subscriptions: [] as unknown[], extensionUri: { fsPath: process.cwd(), scheme: 'file' }, workspaceState: { get: (_k: string, d: unknown) => d, update: async () => {} } };
ext.activate(context);
const t2 = performance.now();
console.log(JSON.stringify({ loadMs: t1 - t0, activateMs: t2 - t1 }));
