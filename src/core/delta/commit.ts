/**
 * Reading one commit file (`NNN.json`) or any other NDJSON log file into typed actions.
 */
import { LakeError } from '../errors';
import { parseJson } from '../json';
import type { Storage } from '../storage/storage';
import { forEachJsonLine, forEachJsonLineYielding } from '../ndjson';
import type { Yielder } from '../yielder';
import { type Action, toAction } from './actions';

/** All actions of an NDJSON log file, in file order. */
export async function readJsonActions(storage: Storage, path: string): Promise<Action[]> {
  const bytes = await storage.read(path);
  return parseJsonActions(bytes, path);
}

export function parseJsonActions(bytes: Uint8Array, path: string): Action[] {
  const out: Action[] = [];
  forEachJsonLine(bytes, path, 'delta', (value) => {
    const a = toAction(value, path);
    if (a) out.push(a);
  });
  return out;
}

/** The same, pausing for the event loop: a 100k-file commit is ~15 MB of JSON. */
export async function parseJsonActionsYielding(bytes: Uint8Array, path: string, y: Yielder): Promise<Action[]> {
  const out: Action[] = [];
  await forEachJsonLineYielding(bytes, path, 'delta', y, (value) => {
    const a = toAction(value, path);
    if (a) out.push(a);
  });
  return out;
}

/** Lines of an NDJSON log file as parsed, unvalidated: replay normalises only what survives. */
export function parseRawActions(bytes: Uint8Array, path: string): unknown[] {
  const out: unknown[] = [];
  forEachJsonLine(bytes, path, 'delta', (value) => out.push(value));
  return out;
}

const decoder = new TextDecoder();
const KEY = '"commitInfo"';

/**
 * A commit's commitInfo, parsing only the line that holds it. Writers usually put it first, but
 * not all do (the 300k-file log's commits end with it, after 100k adds): parsing the whole commit
 * for one timestamp would block the extension host for hundreds of ms. A line that merely mentions
 * the key (in a string) is parsed and passed over.
 */
export function findCommitInfo(bytes: Uint8Array, path: string): Record<string, unknown> | undefined {
  const text = decoder.decode(bytes);
  for (let i = text.indexOf(KEY); i >= 0; i = text.indexOf(KEY, i)) {
    const start = text.lastIndexOf('\n', i) + 1;
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    let value: unknown;
    try {
      value = parseJson(text.slice(start, end));
    } catch (err) {
      const line = countLines(text, start) + 1;
      throw new LakeError('corrupt', `delta: invalid JSON on line ${line}: ${(err as Error).message}`, path, { cause: err });
    }
    const ci = (value as { commitInfo?: unknown } | null)?.commitInfo;
    if (typeof ci === 'object' && ci !== null && !Array.isArray(ci)) return ci as Record<string, unknown>;
    i = end;
  }
  return undefined;
}

function countLines(text: string, upTo: number): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < upTo; i = text.indexOf('\n', i + 1)) n++;
  return n;
}
