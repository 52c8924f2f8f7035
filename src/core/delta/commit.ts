/**
 * Reading one commit file (`NNN.json`) or any other NDJSON log file into typed actions.
 */
import type { Storage } from '../storage';
import { forEachJsonLine } from '../ndjson';
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

/** Lines of an NDJSON log file as parsed, unvalidated: replay normalises only what survives. */
export function parseRawActions(bytes: Uint8Array, path: string): unknown[] {
  const out: unknown[] = [];
  forEachJsonLine(bytes, path, 'delta', (value) => out.push(value));
  return out;
}
