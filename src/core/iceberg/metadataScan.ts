/**
 * Reading table metadata JSON without building what nobody asked for. A table with 10k snapshots
 * has several MB of metadata, most of it snapshot summaries; parsing all of it costs more than
 * listing the snapshots needs (and allocates tens of MB in a fresh process). This scanner walks
 * the text once: top-level members are parsed exactly as usual, except the `snapshots` array,
 * whose elements are only delimited, with the four fields that order and link snapshots read in
 * passing (snapshot-id, parent-snapshot-id, sequence-number, timestamp-ms). The rest of an element
 * is parsed on first use (see lazySnapshot.ts). `snapshot-log` is delimited too and parsed on
 * first use.
 *
 * The scan checks what it skips only structurally (strings end, brackets balance); the text of a
 * skipped element is parsed, and fully validated, when it is read. Anything unusual in the four
 * fields (a float, a string, a key written with escapes that spells one of them) makes the scanner
 * mark the element for an eager full parse, so values and errors are those of `parseSnapshot`.
 */

/** A JSON value that is not parsed yet: its text span in the metadata. */
export interface Span {
  start: number;
  end: number;
}

export interface ScannedSnapshot extends Span {
  /** snapshot-id and parent-snapshot-id as canonical decimal text (what `String()` of the parsed value gives). */
  id?: string;
  parent?: string | null;
  /** sequence-number and timestamp-ms as `parseJson` gives them: a number while exact, else a bigint. */
  seq?: number | bigint;
  ts?: number | bigint;
  /** The element needs a full parse up front (not an object, or a field the scan does not take at face value). */
  eager: boolean;
}

export interface ScannedMetadata {
  /** Top-level members other than `snapshots` and `snapshot-log`, as raw value spans. */
  members: Map<string, Span>;
  /** Elements of `snapshots` when it is an array; undefined when absent (or not an array: then in `members`). */
  snapshots?: ScannedSnapshot[];
  /** `snapshot-log`, unparsed. */
  snapshotLog?: Span;
}

export class ScanError extends SyntaxError {}

/** Splits a metadata document (a JSON object) into members, delimiting the snapshots. */
export function scanMetadata(s: string): ScannedMetadata {
  const sc = new Scanner(s);
  let i = sc.ws(0);
  if (s.charCodeAt(i) !== 123) return sc.fail('metadata is not a JSON object', i);
  const out: ScannedMetadata = { members: new Map() };
  i = sc.ws(i + 1);
  if (s.charCodeAt(i) === 125) {
    sc.end(i + 1);
    return out;
  }
  for (;;) {
    const key = sc.key(i);
    i = sc.ws(sc.pos);
    const start = i;
    if (key === 'snapshots' && s.charCodeAt(i) === 91) {
      const [elements, end] = sc.snapshots(i);
      out.snapshots = elements;
      out.members.delete(key);
      i = end;
    } else {
      i = sc.skipValue(i);
      if (key === 'snapshot-log') out.snapshotLog = { start, end: i };
      else out.members.set(key, { start, end: i });
      if (key === 'snapshots') out.snapshots = undefined;
    }
    i = sc.ws(i);
    const c = s.charCodeAt(i);
    if (c === 125) {
      sc.end(i + 1);
      return out;
    }
    if (c !== 44) return sc.fail('expected , or }', i);
    i = sc.ws(i + 1);
  }
}

class Scanner {
  /** Where `key` stopped (after the colon): a field rather than a returned pair, to allocate nothing per key. */
  pos = 0;
  /** Closing brackets expected by skipContainer, reused across calls. */
  private readonly stack: number[] = [];

  constructor(private readonly s: string) {}

  fail(msg: string, at: number): never {
    throw new ScanError(`${msg} at position ${at}`);
  }

  ws(i: number): number {
    const s = this.s;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return i;
    }
  }

  /** Nothing but whitespace may follow the document. */
  end(i: number): void {
    i = this.ws(i);
    if (i < this.s.length) this.fail('unexpected text after JSON value', i);
  }

  /** Index of the quote closing the string that opens at `q`. */
  stringEnd(q: number): number {
    const s = this.s;
    let c = q;
    for (;;) {
      c = s.indexOf('"', c + 1);
      if (c < 0) return this.fail('unterminated string', q);
      if (s.charCodeAt(c - 1) !== 92) return c;
      let b = c - 1;
      while (s.charCodeAt(b) === 92) b--;
      if ((c - 1 - b) % 2 === 0) return c;
    }
  }

  /** A member name (escapes decoded); `pos` is set to after its colon. */
  key(i: number): string {
    const s = this.s;
    if (s.charCodeAt(i) !== 34) this.fail('expected a property name', i);
    const e = this.stringEnd(i);
    let name = s.slice(i + 1, e);
    if (name.includes('\\')) name = JSON.parse(s.slice(i, e + 1)) as string;
    this.colon(e + 1);
    return name;
  }

  private colon(j: number): void {
    j = this.ws(j);
    if (this.s.charCodeAt(j) !== 58) this.fail('expected :', j);
    this.pos = this.ws(j + 1);
  }

  /** Position after the value starting at `i` (strings and containers skipped, scalars delimited). */
  skipValue(i: number): number {
    const s = this.s;
    const c = s.charCodeAt(i);
    if (c === 34) return this.stringEnd(i) + 1;
    if (c === 123 || c === 91) return this.skipContainer(i);
    let j = i;
    for (;;) {
      const d = s.charCodeAt(j);
      // scalars (numbers, true, false, null) end at a separator, a closing bracket or whitespace
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9 || d !== d) break;
      if (d === 34 || d === 123 || d === 91 || d === 58) this.fail('unexpected character', j);
      j++;
    }
    if (j === i) this.fail(c !== c ? 'unexpected end of JSON input' : 'unexpected character', i);
    return j;
  }

  /** Skips an object or array, checking that brackets pair up and strings end. */
  skipContainer(i: number): number {
    const s = this.s;
    const stack = this.stack;
    const base = stack.length;
    for (;;) {
      const c = s.charCodeAt(i);
      if (c === 34) i = this.stringEnd(i) + 1;
      else if (c === 123 || c === 91) {
        stack.push(c + 2); // the matching closer: } is { + 2, ] is [ + 2
        i++;
      } else if (c === 125 || c === 93) {
        if (stack.length === base || stack.pop() !== c) this.fail('mismatched bracket', i);
        i++;
        if (stack.length === base) return i;
      } else if (c !== c) {
        stack.length = base;
        return this.fail('unexpected end of JSON input', i);
      } else i++;
    }
  }

  /** The snapshots array: element spans and their ordering fields. */
  snapshots(i: number): [ScannedSnapshot[], number] {
    const s = this.s;
    const out: ScannedSnapshot[] = [];
    i = this.ws(i + 1);
    if (s.charCodeAt(i) === 93) return [out, i + 1];
    for (;;) {
      const snap = s.charCodeAt(i) === 123 ? this.snapshot(i) : { start: i, end: this.skipValue(i), eager: true };
      out.push(snap);
      i = this.ws(snap.end);
      const c = s.charCodeAt(i);
      if (c === 93) return [out, i + 1];
      if (c !== 44) this.fail('expected , or ]', i);
      i = this.ws(i + 1);
    }
  }

  /**
   * One element of `snapshots`. Member names are compared in place (by length, then text), so
   * the ~20 members of a snapshot cost no allocation; a name with an escape makes the element
   * eager, since it might spell one of the four fields.
   */
  private snapshot(start: number): ScannedSnapshot {
    const s = this.s;
    const snap: ScannedSnapshot = { start, end: start, eager: false };
    let i = this.ws(start + 1);
    if (s.charCodeAt(i) === 125) {
      snap.end = i + 1;
      return snap;
    }
    for (;;) {
      if (s.charCodeAt(i) !== 34) this.fail('expected a property name', i);
      const e = this.stringEnd(i);
      const len = e - i - 1;
      let field = 0;
      if (len === 11 && s.startsWith('snapshot-id', i + 1)) field = 1;
      else if (len === 18 && s.startsWith('parent-snapshot-id', i + 1)) field = 2;
      else if (len === 15 && s.startsWith('sequence-number', i + 1)) field = 3;
      else if (len === 12 && s.startsWith('timestamp-ms', i + 1)) field = 4;
      else if (len < 40) {
        for (let k = i + 1; k < e; k++) if (s.charCodeAt(k) === 92) snap.eager = true;
      } else snap.eager ||= s.slice(i + 1, e).includes('\\');
      this.colon(e + 1);
      const v = this.pos;
      i = this.skipValue(v);
      if (field !== 0) this.field(snap, field, v, i);
      i = this.ws(i);
      const c = s.charCodeAt(i);
      if (c === 125) {
        snap.end = i + 1;
        return snap;
      }
      if (c !== 44) this.fail('expected , or }', i);
      i = this.ws(i + 1);
    }
  }

  /** Takes an ordering field when it is a plain integer literal (or null for the parent). */
  private field(snap: ScannedSnapshot, field: number, v: number, end: number): void {
    const s = this.s;
    const neg = s.charCodeAt(v) === 45 ? 1 : 0;
    const n = end - v - neg;
    const first = s.charCodeAt(v + neg);
    let plain = n > 0 && n < 400 && first >= 48 && first <= 57 && (first !== 48 || n === 1);
    // the value, exact while it has at most 15 digits (times and sequence numbers do)
    let value = first - 48;
    for (let k = v + neg + 1; plain && k < end; k++) {
      const d = s.charCodeAt(k);
      plain = d >= 48 && d <= 57;
      value = value * 10 + d - 48;
    }
    if (!plain) {
      if (field === 2 && n === 4 && s.startsWith('null', v)) snap.parent = null;
      else snap.eager = true;
      return;
    }
    if (field === 1 || field === 2) {
      const text = s.slice(v, end);
      const id = text === '-0' ? '0' : text;
      if (field === 1) snap.id = id;
      else snap.parent = id;
      return;
    }
    const num = n <= 15 ? (neg ? -value : value) : integer(s.slice(v, end));
    if (field === 3) snap.seq = num;
    else snap.ts = num;
  }
}

/** An integer literal as parseJson reads it: a number while exact, else a bigint. */
function integer(text: string): number | bigint {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : BigInt(text);
}
