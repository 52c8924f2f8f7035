/**
 * Newline-delimited JSON (Delta commits, v2 JSON checkpoints, log compaction files): one JSON
 * document per line, 64-bit integers kept exact. A line that does not parse is an error naming the
 * file and line: a commit is atomic, so a torn line means a damaged file, not a shorter commit.
 */
import { LakeError } from './errors';
import { MAX_JSON_DEPTH, checkJsonDepth, hasLongDigitRun, parseJson } from './json';

const decoder = new TextDecoder();

/** Calls `onLine` with each parsed non-empty line of `bytes`. */
export function forEachJsonLine(bytes: Uint8Array, file: string, prefix: string, onLine: (value: unknown, line: number) => void): void {
  // one scan of the whole file decides whether any line can hold an int64 beyond 2^53
  const exact = hasLongDigitRun(bytes);
  const text = decoder.decode(bytes);
  let start = 0;
  let lineNo = 0;
  while (start <= text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    lineNo++;
    const line = text.slice(start, end).trim();
    start = end + 1;
    if (line === '') continue;
    let value: unknown;
    try {
      // nesting deeper than the limit takes 2 characters a level: short lines need no check
      value = exact ? parseJson(line) : line.length <= 2 * MAX_JSON_DEPTH ? JSON.parse(line) : checkJsonDepth(JSON.parse(line));
    } catch (err) {
      throw new LakeError('corrupt', `${prefix}: invalid JSON on line ${lineNo}: ${(err as Error).message}`, file, { cause: err });
    }
    onLine(value, lineNo);
  }
}
