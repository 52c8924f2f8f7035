/**
 * Restricted Mode (issue #8): in an untrusted workspace the commands that run DuckDB over the
 * workspace's files — SQL, row preview, export — are hidden from the tree's menus, stay in the
 * palette, and when run (from the palette, a keybinding, another extension) do nothing but say why.
 * Metadata commands keep working. Here against package.json and the command table with a
 * stand-in `vscode` module; test/e2e/untrusted.restricted.e2e.ts runs them in a real untrusted
 * workspace.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { REPO } from './helpers/corpus';

const GATED = ['newSqlQuery', 'previewRows', 'exportVersion'];

interface MenuItem {
  command: string;
  when?: string;
}

const pkg = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as {
  contributes: { menus: Record<string, MenuItem[]>; commands: { command: string }[] };
  capabilities: { untrustedWorkspaces: { supported: string | boolean; description?: string } };
};

test('package.json: untrusted workspaces are supported in limited mode, and the description says what is off', () => {
  const u = pkg.capabilities.untrustedWorkspaces;
  assert.equal(u.supported, 'limited');
  assert.match(u.description ?? '', /SQL/);
  assert.match(u.description ?? '', /export/i);
});

test('package.json: every tree menu entry of SQL, preview and export requires a trusted workspace; the palette keeps them, to explain', () => {
  let entries = 0;
  for (const [menu, items] of Object.entries(pkg.contributes.menus)) {
    if (menu === 'commandPalette') continue;
    for (const item of items) {
      if (!GATED.includes(item.command.replace(/^lakelens\./, ''))) continue;
      entries++;
      assert.match(item.when ?? '', /(^|&&\s*)isWorkspaceTrusted(\s*&&|$)/, `${menu} → ${item.command} lacks isWorkspaceTrusted`);
    }
  }
  assert.ok(entries >= GATED.length * 2, `only ${entries} gated entries found`);
  // in the palette they stay visible in Restricted Mode: run there, they say why they are off
  for (const c of GATED) assert.ok(!pkg.contributes.menus.commandPalette!.some((i) => i.command === `lakelens.${c}` && i.when !== undefined), c);
});

test('commands: SQL, preview and export refuse in Restricted Mode and say why; metadata commands do not ask for trust', async () => {
  const warnings: string[] = [];
  const executed: string[] = [];
  const stub = {
    workspace: { isTrusted: false, asRelativePath: (p: unknown) => String(p) },
    window: {
      showWarningMessage: (msg: string) => {
        warnings.push(msg);
        return Promise.resolve(undefined);
      },
      showInformationMessage: () => Promise.resolve(undefined),
      showErrorMessage: () => Promise.resolve(undefined),
    },
    commands: { executeCommand: (c: string) => void executed.push(c) },
    Uri: class {},
  };
  // `vscode` exists only inside the extension host: hand the command table a stand-in
  const Module = require('node:module') as { _load: (request: string, ...rest: unknown[]) => unknown };
  const load = Module._load;
  Module._load = function (request: string, ...rest: unknown[]) {
    return request === 'vscode' ? stub : load.call(this, request, ...rest);
  };
  try {
    const { COMMANDS } = await import('../src/extension/commands');
    // a context that fails the test if a gated command gets as far as touching it
    const ctx = new Proxy({}, { get: (_t, k) => assert.fail(`the command used ctx.${String(k)} in Restricted Mode`) });
    const node = { kind: 'version', entry: {}, info: { version: 1 } };
    for (const name of GATED) {
      warnings.length = 0;
      await COMMANDS[name]!(ctx as never, node);
      assert.equal(warnings.length, 1, name);
      assert.match(warnings[0]!, /disabled in Restricted Mode/);
      assert.match(warnings[0]!, /DuckDB/);
      assert.match(warnings[0]!, /Trust the workspace/);
    }
    // metadata views do not ask: they go straight on to open their view
    for (const name of ['showHistory', 'compareSchemas', 'showHealth']) {
      warnings.length = 0;
      await assert.rejects(async () => COMMANDS[name]!(ctx as never, { entry: {} }), /used ctx\./, name);
      assert.deepEqual(warnings, [], name);
    }
    // a trusted workspace passes the gate (and then needs the context)
    stub.workspace.isTrusted = true;
    warnings.length = 0;
    await assert.rejects(async () => COMMANDS.newSqlQuery!(ctx as never, node), /used ctx\./);
    assert.deepEqual(warnings, []);
  } finally {
    Module._load = load;
  }
});
