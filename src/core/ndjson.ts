/**
 * Newline-delimited JSON (Delta commits, v2 JSON checkpoints, log compaction files): one JSON
 * document per line, 64-bit integers kept exact. A line that does not parse is an error naming the
 * file and line: a commit is atomic, so a torn line means a damaged file, not a shorter commit.
 */
import { LakeError } from './errors';
import { MAX_JSON_DEPTH, checkJsonDepth, hasLongDigitRun, parseJson } from './json';
import type { Yielder } from './yielder';

const decoder = new TextDecoder();

/** Lines of an NDJSON file, parsed one at a time. */
class JsonLines {
  private readonly exact: boolean;
  private readonly text: string;
  private start = 0;
  lineNo = 0;

  constructor(bytes: Uint8Array, private readonly file: string, private readonly prefix: string) {
    // one scan of the whole file decides whether any line can hold an int64 beyond 2^53
    this.exact = hasLongDigitRun(bytes);
    this.text = decoder.decode(bytes);
  }

  /** The next non-empty line's value, or `undefined` at the end. */
  next(): { value: unknown } | undefined {
    const text = this.text;
    while (this.start <= text.length) {
      let end = text.indexOf('\n', this.start);
      if (end < 0) end = text.length;
      this.lineNo++;
      const line = text.slice(this.start, end).trim();
      this.start = end + 1;
      if (line === '') continue;
      try {
        // nesting deeper than the limit takes 2 characters a level: short lines need no check
        return { value: this.exact ? parseJson(line) : line.length <= 2 * MAX_JSON_DEPTH ? JSON.parse(line) : checkJsonDepth(JSON.parse(line)) };
      } catch (err) {
        throw new LakeError('corrupt', `${this.prefix}: invalid JSON on line ${this.lineNo}: ${(err as Error).message}`, this.file, { cause: err });
      }
    }
    return undefined;
  }
}

/** Calls `onLine` with each parsed non-empty line of `bytes`. */
export function forEachJsonLine(bytes: Uint8Array, file: string, prefix: string, onLine: (value: unknown, line: number) => void): void {
  const lines = new JsonLines(bytes, file, prefix);
  for (let l = lines.next(); l; l = lines.next()) onLine(l.value, lines.lineNo);
}

/** The same, pausing when the yielder says the event loop is due a turn. */
export async function forEachJsonLineYielding(bytes: Uint8Array, file: string, prefix: string, y: Yielder, onLine: (value: unknown, line: number) => void): Promise<void> {
  const lines = new JsonLines(bytes, file, prefix);
  for (let l = lines.next(); l; l = lines.next()) {
    onLine(l.value, lines.lineNo);
    if ((lines.lineNo & 255) === 0 && y.due()) await y.pause();
  }
}
