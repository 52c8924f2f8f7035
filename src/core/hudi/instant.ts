/**
 * Instant files of the timeline (Hudi tech spec, "Timeline"). One instant is an action started at a
 * requested time and moving through states, each state a file:
 * - 0.x layout, flat in `.hoodie/`: `<ts>.<action>.requested`, `<ts>.<action>.inflight`, `<ts>.<action>`
 *   (completed). A commit's inflight file is plain `<ts>.inflight`.
 * - 1.x layout, in `.hoodie/timeline/`: the same pending names, and completed ones named
 *   `<requested>_<completed>.<action>`, carrying the completion time.
 * Some actions complete under another name: a compaction as `commit`, a log compaction as
 * `deltacommit`, a clustering (1.x) as `replacecommit`.
 */

export type InstantState = 'requested' | 'inflight' | 'completed';

export interface InstantFile {
  /** Requested instant time: the instant's identity and the `version` in the model. */
  time: string;
  /** Completion time, from 1.x completed file names. */
  completionTime: string | null;
  action: string;
  state: InstantState;
  name: string;
  path: string;
}

/** Actions that write data files. */
export const WRITE_ACTIONS = new Set(['commit', 'deltacommit', 'replacecommit']);

/** Actions a reader may meet on a timeline; files with other suffixes are ignored. */
const ACTIONS = new Set([
  'commit', 'deltacommit', 'replacecommit', 'clean', 'rollback', 'savepoint', 'restore',
  'compaction', 'logcompaction', 'clustering', 'indexing', 'schemacommit',
]);

/** What a planned action completes as. */
export const COMPLETES_AS: Record<string, string> = { compaction: 'commit', logcompaction: 'deltacommit', clustering: 'replacecommit' };

const NAME = /^(\d{8,17})(?:_(\d{8,17}))?\.([a-z]+)(?:\.(requested|inflight))?$/;

/** Parses an instant file name; undefined for anything else in the folder. */
export function parseInstantFileName(name: string, dir: string): InstantFile | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  let action = m[3]!;
  let state: InstantState = m[4] === 'requested' ? 'requested' : m[4] === 'inflight' ? 'inflight' : 'completed';
  if (action === 'inflight' && !m[4]) {
    action = 'commit';
    state = 'inflight';
  }
  if (!ACTIONS.has(action)) return undefined;
  // a completion time only makes sense on a completed file
  if (m[2] !== undefined && state !== 'completed') return undefined;
  return { time: m[1]!, completionTime: m[2] ?? null, action, state, name, path: dir === '' ? name : `${dir}/${name}` };
}
