/**
 * Display formatting shared by the CLI, the tree and the webviews' hosts.
 */

/** 1536 → "1.5 KiB". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '-';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = 0;
  while (Math.abs(v) >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v.toFixed(Math.abs(v) < 10 ? 1 : 0)} ${units[u]}`;
}

/** 12345 → "12,345". */
export function formatCount(n: number | bigint | null | undefined): string {
  if (n === null || n === undefined) return '-';
  return n.toLocaleString('en-US');
}

/** 1 → "1 row", 12345 → "12,345 rows" (regular plurals only). */
export function countOf(n: number | bigint, noun: string): string {
  return `${formatCount(n)} ${noun}${n === 1 || n === 1n ? '' : 's'}`;
}

/** Largest |ms| a Date can hold (±100,000,000 days around 1970). */
const MAX_DATE_MS = 8.64e15;

/** ms → "2024-05-01T12:00:00Z"; a time no calendar holds (from a damaged log) is shown as its number. */
export function isoTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '-';
  if (!Number.isFinite(ms) || Math.abs(ms) > MAX_DATE_MS) return `invalid time (${String(ms)} ms)`;
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** ms → "3 hours ago" relative to `now`. */
export function relativeTime(ms: number | null | undefined, now = Date.now()): string {
  if (ms === null || ms === undefined) return 'unknown time';
  const s = Math.round((now - ms) / 1000);
  const abs = Math.abs(s);
  const [n, unit] =
    abs < 45 ? [abs, 'second'] : abs < 2700 ? [Math.round(abs / 60), 'minute'] : abs < 79200 ? [Math.round(abs / 3600), 'hour']
      : abs < 26 * 86400 ? [Math.round(abs / 86400), 'day'] : abs < 320 * 86400 ? [Math.round(abs / (30 * 86400)), 'month'] : [Math.round(abs / (365 * 86400)), 'year'];
  if (abs < 10) return 'just now';
  const text = `${n} ${unit}${n === 1 ? '' : 's'}`;
  return s >= 0 ? `${text} ago` : `in ${text}`;
}

/**
 * Controls that change how the text around them displays — bidi embeddings, overrides and
 * isolates (`abc<RLO>gnp.exe` shows as `abcexe.png`) — or that display as nothing (C0 and C1
 * controls other than tab and newline, DEL).
 */
const DISPLAY_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Untrusted text for display in the UI (tree, webviews): such controls become visible escapes
 * (`\u202e`, `\x1b`) so a name cannot pass for another. Everything else, right-to-left scripts
 * included, is left as it is.
 */
export function inertText(s: string): string {
  return s.replace(DISPLAY_CONTROLS, (c) => {
    const n = c.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}

