/**
 * Newline-delimited JSON (Delta commits, v2 JSON checkpoints, log compaction files): one JSON
 * document per line, 64-bit integers kept exact. A line that does not parse is an error naming the
 * file and line: a commit is atomic, so a torn line means a damaged file, not a shorter commit.
 */
import { LakeError } from './errors';
import { LONG_DIGITS, checkJsonDepth, parseJson } from './json';

const decoder = new TextDecoder();

/** Calls `onLine` with each parsed non-empty line of `bytes`. */
export function forEachJsonLine(bytes: Uint8Array, file: string, prefix: string, onLine: (value: unknown, line: number) => void): void {
  const text = decoder.decode(bytes);
  // one scan of the whole text decides whether any line can hold an int64 beyond 2^53
  const exact = LONG_DIGITS.test(text);
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
      value = exact ? parseJson(line) : checkJsonDepth(JSON.parse(line));
    } catch (err) {
      throw new LakeError('corrupt', `${prefix}: invalid JSON on line ${lineNo}: ${(err as Error).message}`, file, { cause: err });
    }
    onLine(value, lineNo);
  }
}
