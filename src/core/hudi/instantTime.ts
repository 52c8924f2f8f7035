/**
 * Instant times: `yyyyMMddHHmmssSSS` (older tables: `yyyyMMddHHmmss`), written in the writer's
 * time zone. `hoodie.table.timeline.timezone` is `UTC` or `LOCAL` (Hudi's default when absent), and
 * LOCAL means "whatever zone the JVM ran in", which the table does not record as such.
 *
 * What we do (documented in the snapshot's `instantTimeZone` and a note):
 * - `UTC`: instant times are UTC.
 * - `LOCAL` or absent: the zone offset is read off hoodie.properties itself. Java's
 *   `Properties.store` writes a `#Tue Apr 02 12:30:39 CDT 2024` comment in the JVM's zone, and Hudi
 *   adds `#Updated at 2024-04-02T17:30:39.983Z` (or `#Properties saved on …Z`) in UTC at the same
 *   moment; their difference, rounded to a quarter hour, is the writer's offset then.
 * - neither comment present: UTC, with a note saying so.
 * One fixed offset is used for all instants (a daylight-saving change between writes is not seen).
 */

export interface InstantTimeZone {
  /** Minutes to add to UTC to get the writer's wall time (−300 for CDT). */
  offsetMinutes: number;
  /** `+00:00`, `-05:00`, … */
  label: string;
  /** How the offset was found, for notes. */
  source: string;
  /** False when the zone is a guess (LOCAL without a readable properties header). */
  known: boolean;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function label(min: number): string {
  const a = Math.abs(min);
  return `${min < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The zone instant times are written in, from the timezone property and the header comments. */
export function timeZoneOf(prop: string | undefined, comments: string[]): InstantTimeZone {
  const p = prop?.trim().toUpperCase();
  if (p === 'UTC') return { offsetMinutes: 0, label: '+00:00', source: 'hoodie.table.timeline.timezone=UTC', known: true };
  const what = p === 'LOCAL' ? 'hoodie.table.timeline.timezone=LOCAL' : 'no hoodie.table.timeline.timezone (Hudi defaults to LOCAL)';
  let utc: number | undefined;
  let local: { ms: number; zone: string } | undefined;
  for (const c of comments) {
    const u = /(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z)/.exec(c);
    if (u && utc === undefined) utc = Date.parse(u[1]!);
    const l = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) (\d{1,2}) (\d{2}):(\d{2}):(\d{2}) (\S+) (\d{4})$/.exec(c);
    if (l && local === undefined) {
      const m = MONTHS.indexOf(l[1]!);
      if (m >= 0) local = { ms: Date.UTC(Number(l[7]), m, Number(l[2]), Number(l[3]), Number(l[4]), Number(l[5])), zone: l[6]! };
    }
  }
  if (utc !== undefined && !Number.isNaN(utc) && local) {
    const offset = Math.round((local.ms - Math.floor(utc / 1000) * 1000) / 60000 / 15) * 15;
    if (Math.abs(offset) <= 14 * 60) {
      return { offsetMinutes: offset, label: label(offset), source: `${what}; writer's offset ${label(offset)} (${local.zone}) read from the hoodie.properties header`, known: true };
    }
  }
  return { offsetMinutes: 0, label: '+00:00', source: `${what}; the writer's zone is not recorded, instant times read as UTC`, known: false };
}

/** Instant time → ms since epoch, or null for a malformed or special instant (`00000000000000…`). */
export function instantToMs(t: string, tz: InstantTimeZone): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{3})?$/.exec(t);
  if (!m) return null;
  const [y, mo, d, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i]));
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59 || y! < 1970) return null;
  const wall = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!, m[7] ? Number(m[7]) : 0);
  return wall - tz.offsetMinutes * 60000;
}

/**
 * A key that orders instant times of either granularity: second-granularity times get `999`
 * appended, as Hudi does when comparing them with millisecond ones.
 */
export function instantKey(t: string): string {
  return t.length === 14 ? t + '999' : t;
}

export function compareInstants(a: string, b: string): number {
  const ka = instantKey(a);
  const kb = instantKey(b);
  return ka.length !== kb.length ? ka.length - kb.length : ka < kb ? -1 : ka > kb ? 1 : 0;
}
