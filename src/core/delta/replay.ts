/**
 * Action reconciliation (PROTOCOL.md "Action Reconciliation"), newest to oldest as delta-kernel-rs
 * does: the first action seen for a logical file `(path, dvId)` decides whether it is live (add) or
 * a tombstone (remove); protocol and metaData take the newest; txn per appId and domain metadata per
 * domain take the newest. Batches must be fed newest first, the checkpoint last.
 */
import { LakeError } from '../errors';
import type { AddAction, DomainMetadataAction, MetadataAction, ProtocolAction, RemoveAction, TxnAction } from './actions';
import { NORMALIZED, dv, dvUniqueId, isObj, strMap, toAdd, toDomainMetadata, toMetadata, toProtocol, toRemove, toTxn } from './actions';
import { canonicalDeltaPath } from './paths';

export interface LiveRemove {
  remove: RemoveAction;
  path: string;
  source: string;
}

const EMPTY: Record<string, string | null> = Object.freeze({}) as Record<string, string | null>;

/** A trie over (column, value) pairs in the order a map lists them; `map` is the shared result. */
interface PartitionNode {
  next: Map<string, Map<string | null, PartitionNode>>;
  map?: Record<string, string | null>;
}

/** Key of a logical file: its canonical path, with the deletion vector's unique id when it has one. */
export function logicalFileKey(path: string, dvUniqueId: string | undefined): string {
  return dvUniqueId ? `${path}\0${dvUniqueId}` : path;
}

export class Replay {
  private readonly seen = new Set<string>();
  private readonly partitionRoot: PartitionNode = { next: new Map() };
  /** Live adds as three parallel lists (a million files: no wrapper object per file). */
  readonly addActions: AddAction[] = [];
  readonly addPaths: string[] = [];
  readonly addSources: string[] = [];
  readonly removes: LiveRemove[] = [];
  protocol?: { action: ProtocolAction; source: string };
  metadata?: { action: MetadataAction; source: string };
  readonly txns = new Map<string, TxnAction>();
  readonly domains = new Map<string, DomainMetadataAction>();

  constructor(private readonly rootAbs: string) {}

  /**
   * Applies one batch (one commit, or a whole checkpoint) of raw actions as parsed from JSON or
   * read from Parquet. Only actions that decide the state are validated and normalised: a file
   * re-added a thousand times costs one normalisation, not a thousand.
   */
  apply(actions: unknown[], source: string): void {
    for (const raw of actions) this.applyOne(raw, source);
  }

  /**
   * From here on the batches are the checkpoint's. Its actions are reconciled already and nothing
   * older follows, so its file keys are checked against the commits' but not remembered (as
   * delta-kernel-rs does): a million-file checkpoint costs no million-entry set.
   */
  startCheckpoint(): void {
    this.inCheckpoint = true;
  }

  private inCheckpoint = false;

  /** Whether a newer action decided this logical file already; remembers it for older batches. */
  private seenBefore(key: string): boolean {
    if (this.inCheckpoint) return this.seen.has(key);
    const n = this.seen.size;
    this.seen.add(key); // one hash lookup, not has() then add()
    return this.seen.size === n;
  }

  /** Applies one raw action (see `apply`). */
  applyOne(raw: unknown, source: string): void {
    if (!isObj(raw)) throw new LakeError('corrupt', 'delta: log line is not a JSON object', source);
    const add = raw.add;
    if (isObj(add)) {
      const path = this.keyPath(add.path, 'add', source);
      if (this.seenBefore(this.key(path, add.deletionVector, source))) return;
      const a = (raw as Record<symbol, unknown>)[NORMALIZED] === true ? (add as unknown as AddAction) : toAdd(add, source, this.share(add.partitionValues, 'add', source));
      this.addActions.push(a);
      this.addPaths.push(path);
      this.addSources.push(source);
      return;
    }
    const remove = raw.remove;
    if (isObj(remove)) {
      const path = this.keyPath(remove.path, 'remove', source);
      if (this.seenBefore(this.key(path, remove.deletionVector, source))) return;
      const r = toRemove(remove, source);
      if (r.partitionValues) r.partitionValues = this.share(r.partitionValues, 'remove', source);
      this.removes.push({ remove: r, path, source });
    } else if (isObj(raw.metaData)) {
      if (!this.metadata) this.metadata = { action: toMetadata(raw.metaData, source), source };
    } else if (isObj(raw.protocol)) {
      if (!this.protocol) this.protocol = { action: toProtocol(raw.protocol, source), source };
    } else if (isObj(raw.txn)) {
      const t = toTxn(raw.txn, source);
      if (!this.txns.has(t.appId)) this.txns.set(t.appId, t);
    } else if (isObj(raw.domainMetadata)) {
      const d = toDomainMetadata(raw.domainMetadata, source);
      if (!this.domains.has(d.domain)) this.domains.set(d.domain, d);
    }
  }

  /** Logical-file key: the path alone without a DV (no string built), else path + DV id. */
  private key(path: string, rawDv: unknown, source: string): string {
    if (rawDv === undefined || rawDv === null) return path;
    return logicalFileKey(path, dvUniqueId(dv(rawDv, source)));
  }

  /** Whether the commits applied so far decided the logical file with this key (see `logicalFileKey`). */
  decided(key: string): boolean {
    return this.seen.has(key);
  }

  /**
   * One shared, normalised map per distinct partition: a million adds in a thousand partitions
   * keep 1,000 maps. Looked up through nested maps (column, then value), so no key string is
   * built per add.
   */
  private share(raw: unknown, kind: string, source: string): Record<string, string | null> {
    if (raw === undefined || raw === null) return EMPTY;
    if (!isObj(raw) || Object.getPrototypeOf(raw) !== Object.prototype) return strMap(raw, `${kind}.partitionValues`, source);
    let node = this.partitionRoot;
    for (const k in raw) {
      const v = raw[k];
      if (v !== null && typeof v !== 'string') return strMap(raw, `${kind}.partitionValues`, source);
      let byValue = node.next.get(k);
      if (!byValue) node.next.set(k, (byValue = new Map()));
      let child = byValue.get(v);
      if (!child) byValue.set(v, (child = { next: new Map() }));
      node = child;
    }
    node.map ??= raw as Record<string, string | null>;
    return node.map;
  }

  private keyPath(p: unknown, kind: string, source: string): string {
    if (typeof p !== 'string') throw new LakeError('corrupt', `delta: ${kind}.path is missing or not a string`, source);
    return canonicalDeltaPath(p, this.rootAbs);
  }
}
