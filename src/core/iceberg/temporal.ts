/**
 * Calendar arithmetic for Iceberg's temporal types (spec "Primitive Types"): dates are days from
 * 1970-01-01, times microseconds from midnight, timestamps micro- or nanoseconds from the epoch.
 * Text forms follow Appendix D's JSON single-value serialization (`2017-11-16`,
 * `22:31:08.123456`, `2017-11-16T22:31:08.123456[+00:00]`) with a zero fraction left out, and the
 * human forms of the year/month/day/hour partition transforms (`2024`, `2024-01`, `2024-01-05`,
 * `2024-01-05-13`). Integer-only, so values outside JavaScript's Date range still print.
 */

export type Int64 = number | bigint;

function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/** Year, month (1-12), day of a day count from 1970-01-01 (H. Hinnant's civil_from_days). */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = floorDiv(z, 146097);
  const doe = z - era * 146097;
  const yoe = floorDiv(doe - floorDiv(doe, 1460) + floorDiv(doe, 36524) - floorDiv(doe, 146096), 365);
  const doy = doe - (365 * yoe + floorDiv(yoe, 4) - floorDiv(yoe, 100));
  const mp = floorDiv(5 * doy + 2, 153);
  const d = doy - floorDiv(153 * mp + 2, 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Day count from 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = floorDiv(yy, 400);
  const yoe = yy - era * 400;
  const doy = floorDiv(153 * (m > 2 ? m - 3 : m + 9) + 2, 5) + d - 1;
  const doe = yoe * 365 + floorDiv(yoe, 4) - floorDiv(yoe, 100) + doy;
  return era * 146097 + doe - 719468;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** ISO year: four digits within 0000-9999, else signed (ISO 8601 expanded form). */
export function formatYear(y: number): string {
  if (y >= 0 && y <= 9999) return String(y).padStart(4, '0');
  return (y < 0 ? '-' : '+') + String(Math.abs(y)).padStart(4, '0');
}

export function formatDate(days: number): string {
  const [y, m, d] = civilFromDays(days);
  return `${formatYear(y)}-${p2(m)}-${p2(d)}`;
}

/** Splits an epoch value in `perSecond` units into whole days and the remainder within the day. */
function splitDays(v: Int64, perDay: bigint): { days: number; rest: bigint | number } {
  if (typeof v === 'number' && Number.isSafeInteger(v)) {
    // exact in doubles: the common case, without BigInt allocations
    const pd = Number(perDay);
    const days = Math.floor(v / pd);
    return { days, rest: v - days * pd };
  }
  const b = BigInt(v);
  let days = b / perDay;
  let rest = b % perDay;
  if (rest < 0n) {
    rest += perDay;
    days -= 1n;
  }
  return { days: Number(days), rest };
}

/** `HH:MM:SS[.fff…]` of a non-negative count of `perSecond` units within a day. */
function clock(rest: bigint | number, perSecond: bigint, digits: number): string {
  const ps = Number(perSecond);
  const r = Number(rest); // below 86400e9: exact
  const s = Math.floor(r / ps);
  const frac = r - s * ps;
  const hms = `${p2(Math.floor(s / 3600))}:${p2(Math.floor(s / 60) % 60)}:${p2(s % 60)}`;
  return frac === 0 ? hms : `${hms}.${String(frac).padStart(digits, '0')}`;
}

/** `HH:MM:SS[.ffffff]` of microseconds from midnight. */
export function formatTime(micros: Int64): string {
  return clock(BigInt(micros), 1_000_000n, 6);
}

/** ISO timestamp of micro- (`us`) or nanoseconds (`ns`) from the epoch; `+00:00` when zoned. */
export function formatTimestamp(v: Int64, unit: 'us' | 'ns', zoned: boolean): string {
  const perSecond = unit === 'us' ? 1_000_000n : 1_000_000_000n;
  const { days, rest } = splitDays(v, perSecond * 86400n);
  return `${formatDate(days)}T${clock(rest, perSecond, unit === 'us' ? 6 : 9)}${zoned ? '+00:00' : ''}`;
}

/** Human form of the `year` transform (years from 1970). */
export function humanYear(y: number): string {
  return formatYear(1970 + y);
}

/** Human form of the `month` transform (months from 1970-01). */
export function humanMonth(m: number): string {
  return `${formatYear(1970 + floorDiv(m, 12))}-${p2(m - floorDiv(m, 12) * 12 + 1)}`;
}

/** Human form of the `day` transform (days from 1970-01-01). */
export function humanDay(d: number): string {
  return formatDate(d);
}

/** Human form of the `hour` transform (hours from 1970-01-01 00:00). */
export function humanHour(h: number): string {
  return `${formatDate(floorDiv(h, 24))}-${p2(h - floorDiv(h, 24) * 24)}`;
}
