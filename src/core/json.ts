/**
 * JSON parsing that keeps 64-bit integers exact. `JSON.parse` rounds anything above 2^53
 * (Iceberg snapshot ids, Delta stats of long columns), so text holding a run of 16+ digits takes a
 * slower parser that turns unsafe integer literals into BigInt. Everything else uses JSON.parse.
 */

/** A run of 16+ digits: the only way JSON text can hold an integer beyond 2^53. */
export const LONG_DIGITS = /\d{16}/;
/**
 * Deepest nesting accepted. JSON.parse takes any depth, but everything downstream that walks a
 * value (JSON.stringify, structured clone to a webview, String() of an array) recurses, so a
 * crafted 100,000-level document would surface later as a stack overflow far from its file.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * True when the text holds a run of 16+ digits. Any such run covers a position ≡ 15 (mod 16), so
 * only every 16th character is looked at until a digit turns up: ~15× faster than /\d{16}/ on a
 * 45 MB log, where the test runs on every byte.
 */
export function hasLongDigitRun(s: Uint8Array | string): boolean {
  const n = s.length;
  const at = typeof s === 'string' ? (i: number) => s.charCodeAt(i) : (i: number) => s[i]!;
  for (let i = 15; i < n; i += 16) {
    const c = at(i);
    if (c < 48 || c > 57) continue;
    let a = i;
    while (a > 0 && isDigit(at(a - 1))) a--;
    let b = i;
    while (b + 1 < n && isDigit(at(b + 1))) b++;
    if (b - a + 1 >= 16) return true;
    i = b;
  }
  return false;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Parses JSON; integers beyond ±(2^53−1) become BigInt. Throws SyntaxError on bad input. */
export function parseJson(text: string): unknown {
  if (!hasLongDigitRun(text)) return checkJsonDepth(JSON.parse(text));
  return new ExactParser(text).parseDocument();
}

/**
 * Returns `value` after checking it nests at most MAX_JSON_DEPTH levels; throws SyntaxError
 * otherwise. Walks parsed values, not text, so it costs a visit per container and nothing per
 * character (a log line with a long stats string is one visit).
 */
export function checkJsonDepth<T>(value: T): T {
  if (typeof value === 'object' && value !== null && tooDeep(value, 0)) throw new SyntaxError(`JSON nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
  return value;
}

function tooDeep(v: object, depth: number): boolean {
  if (depth >= MAX_JSON_DEPTH) return true;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' && x !== null && tooDeep(x, depth + 1)) return true;
    }
  } else {
    for (const k in v) {
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === 'object' && x !== null && tooDeep(x, depth + 1)) return true;
    }
  }
  return false;
}

/** Number or BigInt → BigInt-free number when safe, else BigInt. */
export function toInt64(v: unknown): number | bigint | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) {
    const b = BigInt(v);
    return b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(b) : b;
  }
  return null;
}

/** JSON.stringify that writes BigInt as a string (our documented int64 encoding). */
export function stringifyJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v), indent);
}

class ExactParser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseDocument(): unknown {
    const v = this.value(0);
    this.ws();
    if (this.i < this.s.length) this.fail('unexpected text after JSON value');
    return v;
  }

  private fail(msg: string): never {
    throw new SyntaxError(`${msg} at position ${this.i}`);
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length) {
      const c = s.charCodeAt(this.i);
      if (c === 32 || c === 10 || c === 13 || c === 9) this.i++;
      else break;
    }
  }

  private value(depth: number): unknown {
    this.ws();
    const c = this.s[this.i];
    if (depth >= MAX_JSON_DEPTH && (c === '{' || c === '[')) this.fail(`JSON nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
    if (c === '{') return this.object(depth);
    if (c === '[') return this.array(depth);
    if (c === '"') return this.string();
    if (c === 't') return this.literal('true', true);
    if (c === 'f') return this.literal('false', false);
    if (c === 'n') return this.literal('null', null);
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    return this.fail(c === undefined ? 'unexpected end of JSON input' : `unexpected character ${JSON.stringify(c)}`);
  }

  private literal<T>(word: string, v: T): T {
    if (this.s.startsWith(word, this.i)) {
      this.i += word.length;
      return v;
    }
    return this.fail('invalid literal');
  }

  private number(): number | bigint {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i, this.i + 400));
    if (!m) return this.fail('invalid number');
    this.i += m[0].length;
    const n = Number(m[0]);
    if (m[2] === undefined && m[3] === undefined && !Number.isSafeInteger(n)) return BigInt(m[0]);
    return n;
  }

  private string(): string {
    // find the closing quote, then let JSON.parse decode escapes exactly as it would
    const s = this.s;
    let j = this.i + 1;
    while (j < s.length) {
      const c = s.charCodeAt(j);
      if (c === 34) break;
      if (c === 92) j += 2;
      else j++;
    }
    if (j >= s.length) this.fail('unterminated string');
    const raw = s.slice(this.i, j + 1);
    this.i = j + 1;
    return JSON.parse(raw) as string;
  }

  private array(depth: number): unknown[] {
    this.i++;
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === ']') {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value(depth + 1));
      this.ws();
      const c = this.s[this.i++];
      if (c === ']') return out;
      if (c !== ',') this.fail('expected , or ]');
    }
  }

  private object(depth: number): Record<string, unknown> {
    this.i++;
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.i] === '}') {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail('expected a property name');
      const key = this.string();
      this.ws();
      if (this.s[this.i++] !== ':') this.fail('expected :');
      const v = this.value(depth + 1);
      if (key === '__proto__') Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      else out[key] = v;
      this.ws();
      const c = this.s[this.i++];
      if (c === '}') return out;
      if (c !== ',') this.fail('expected , or }');
    }
  }
}
