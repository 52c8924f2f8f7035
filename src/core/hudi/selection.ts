/**
 * Choosing the instant a snapshot is read at. Versions are completed write instants (commit,
 * deltacommit, replacecommit), identified by their requested instant time:
 * - `version`: that instant (1.x completion times are accepted too). A completed clean, rollback,
 *   savepoint or restore resolves to the latest write that took effect before it, with a note;
 *   a pending instant, or one not on the active timeline, is an `unknown-version` error.
 * - `timestamp` (ms): the latest write whose time (completion when known) is at or before it.
 * - nothing: the latest completed write, or none for a table never written.
 */
import { LakeError } from '../errors';
import { isoTime } from '../format';
import type { VersionSelector } from '../model';
import { type InstantTimeZone, compareInstants } from './instantTime';
import type { HudiInstant, Timeline } from './timeline';
import { instantMs } from './versions';

export interface Selected {
  at: HudiInstant | null;
  notes: string[];
}

const effect = (i: HudiInstant) => i.completionTime ?? i.time;

function recent(t: Timeline): string {
  if (t.writes.length === 0) return '; the timeline has no completed writes';
  const last = t.writes.slice(-5).map((w) => w.time);
  return `; latest writes: ${last.reverse().join(', ')}${t.writes.length > 5 ? ', …' : ''}`;
}

export function selectInstant(t: Timeline, sel: VersionSelector, tz: InstantTimeZone): Selected {
  if (sel.snapshotId !== undefined || sel.ref !== undefined) {
    throw new LakeError('invalid-argument', 'hudi: tables have instants, not snapshot ids or refs; use --version <instant time> or --timestamp');
  }
  if (sel.version !== undefined && sel.timestamp !== undefined) throw new LakeError('invalid-argument', 'hudi: choose one of version or timestamp');

  if (sel.version !== undefined) {
    // 17-digit instant times exceed 2^53: as numbers they arrive rounded
    if (typeof sel.version === 'number' && !Number.isSafeInteger(sel.version)) throw new LakeError('invalid-argument', `hudi: instant time ${sel.version} is not exact as a number; pass it as a string`);
    const v = String(sel.version).trim();
    if (!/^\d{8,17}$/.test(v)) throw new LakeError('invalid-argument', `hudi: a version is an instant time such as 20240402123035233, got ${JSON.stringify(String(sel.version))}`);
    const found = t.instants.find((i) => i.time === v) ?? t.writes.find((w) => w.completionTime === v);
    if (!found) {
      const first = t.instants[0]?.time;
      if (first !== undefined && compareInstants(v, first) < 0 && t.archivedFiles > 0) {
        throw new LakeError('unknown-version', `hudi: instant ${v} is older than the active timeline (it starts at ${first}); archived instants are not read`, t.archiveDir);
      }
      throw new LakeError('unknown-version', `hudi: no instant ${v} on the timeline${recent(t)}`, t.dir);
    }
    if (found.state !== 'completed') {
      throw new LakeError('unknown-version', `hudi: instant ${v} (${found.action}) is ${found.state}, not completed: there is no table state to read at it`, found.path);
    }
    if (t.writes.includes(found)) return { at: found, notes: [] };
    const before = [...t.writes].reverse().find((w) => compareInstants(effect(w), effect(found)) <= 0) ?? null;
    return {
      at: before,
      notes: [`instant ${v} is a ${found.action}, not a write: showing the table as of the latest write before it${before ? ` (${before.time})` : ' (none)'}`],
    };
  }

  if (sel.timestamp !== undefined) {
    const ts = sel.timestamp;
    let at: HudiInstant | null = null;
    for (const w of t.writes) {
      const ms = instantMs(w, tz);
      if (ms !== null && ms <= ts) at = w;
    }
    if (!at) {
      const first = t.writes[0];
      const when = first ? ` (the earliest is ${first.time}, ${isoTime(instantMs(first, tz))})` : '';
      throw new LakeError('unknown-version', `hudi: no completed write at or before ${isoTime(ts)}${when}`, t.dir);
    }
    return { at, notes: [] };
  }

  return { at: t.writes.at(-1) ?? null, notes: [] };
}
