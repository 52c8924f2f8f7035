/**
 * Exact JSON parsing at JSON.parse speed for large metadata. `parseJson` (../json) keeps integers
 * beyond 2^53 exact by handing any text with a 16-digit run to a character-by-character parser:
 * right, but ~6× slower than JSON.parse, and a 10k-snapshot metadata file (several MB, two 19-digit
 * ids per snapshot) always takes that path. Here the text is scanned for integer literals of 16+
 * digits outside strings (skipping strings with indexOf, so the scan touches little more than
 * the quotes), those literals are rewritten as marked strings, JSON.parse does the real work, and
 * one walk over the result turns marked strings back into numbers (bigint when unsafe) while
 * checking the nesting depth as `parseJson` does. Same results as `parseJson`, including errors
 * being SyntaxErrors (tested against it).
 */
import { MAX_JSON_DEPTH, checkJsonDepth, parseJson } from '../json';

/**
 * A rewritten integer becomes the string NUL + digits, written as the escape `\u0000` (JSON text
 * cannot hold a raw NUL); texts that already contain that escape take the exact parser.
 */
const MARK = '\\u0000';

/** Parses JSON; integers beyond ±(2^53−1) become BigInt. Throws SyntaxError on bad input. */
export function parseJsonFast(text: string): unknown {
  // `\u0000` in a string would read back like a mark: rare, so such texts take the exact parser
  const longs = text.includes('\\u0000') ? null : longIntegers(text);
  if (longs === null) return parseJson(text); // unterminated string or an escaped NUL: let the exact parser decide
  if (longs.length === 0) return checkJsonDepth(JSON.parse(text));
  let out = '';
  let at = 0;
  for (let k = 0; k < longs.length; k += 2) {
    out += text.slice(at, longs[k]) + '"' + MARK + text.slice(longs[k], longs[k + 1]) + '"';
    at = longs[k + 1]!;
  }
  out += text.slice(at);
  const v: unknown = JSON.parse(out);
  return restore(v, 0);
}

const isDigit = (c: number) => c >= 48 && c <= 57;

/**
 * Start and end offsets (pairs, in order) of integer literals with 16+ digits outside strings;
 * null when a string never closes.
 */
function longIntegers(s: string): number[] | null {
  const out: number[] = [];
  const n = s.length;
  let i = 0;
  while (i < n) {
    const q = s.indexOf('"', i);
    const end = q < 0 ? n : q;
    // outside a string: [i, end)
    for (let j = i; j < end; j++) {
      if (!isDigit(s.charCodeAt(j))) continue;
      let k = j + 1;
      while (k < end && isDigit(s.charCodeAt(k))) k++;
      if (k - j >= 16) {
        const before = s.charCodeAt(j - 1);
        const after = k < n ? s.charCodeAt(k) : 0;
        // fraction or exponent digits, or a number with one: JSON.parse's double is what parseJson gives too
        const inFloat = before === 46 || before === 101 || before === 69 || before === 43 || (before === 45 && (s.charCodeAt(j - 2) === 101 || s.charCodeAt(j - 2) === 69)) || after === 46 || after === 101 || after === 69;
        // a leading zero is invalid JSON: left in place for JSON.parse to refuse
        if (!inFloat && s.charCodeAt(j) !== 48) out.push(before === 45 ? j - 1 : j, k);
      }
      j = k;
    }
    if (q < 0) break;
    // skip the string: its closing quote is the next one not escaped by an odd run of backslashes
    let c = q;
    for (;;) {
      c = s.indexOf('"', c + 1);
      if (c < 0) return null;
      let b = c - 1;
      while (s.charCodeAt(b) === 92) b--;
      if ((c - 1 - b) % 2 === 0) break;
    }
    i = c + 1;
  }
  return out;
}

/** Marked strings back to numbers (bigint beyond 2^53), and the depth limit of parseJson. */
function restore(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return v.charCodeAt(0) === 0 ? toNumber(v.slice(1)) : v;
  if (typeof v !== 'object' || v === null) return v;
  if (depth >= MAX_JSON_DEPTH) throw new SyntaxError(`JSON nested too deeply (more than ${MAX_JSON_DEPTH} levels)`);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const x: unknown = v[i];
      if (typeof x === 'object' ? x !== null : typeof x === 'string' && x.charCodeAt(0) === 0) v[i] = restore(x, depth + 1);
    }
  } else {
    const o = v as Record<string, unknown>;
    for (const k in o) {
      const x = o[k];
      if (typeof x === 'object' ? x !== null : typeof x === 'string' && x.charCodeAt(0) === 0) o[k] = restore(x, depth + 1);
    }
  }
  return v;
}

function toNumber(digits: string): number | bigint {
  const n = Number(digits);
  return Number.isSafeInteger(n) ? n : BigInt(digits);
}
