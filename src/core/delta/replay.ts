/**
 * Action reconciliation (PROTOCOL.md "Action Reconciliation"), newest to oldest as delta-kernel-rs
 * does: the first action seen for a logical file `(path, dvId)` decides whether it is live (add) or
 * a tombstone (remove); protocol and metaData take the newest; txn per appId and domain metadata per
 * domain take the newest. Batches must be fed newest first, the checkpoint last.
 */
import { LakeError } from '../errors';
import type { AddAction, DomainMetadataAction, MetadataAction, ProtocolAction, RemoveAction, TxnAction } from './actions';
import { dv, dvUniqueId, isObj, toAdd, toDomainMetadata, toMetadata, toProtocol, toRemove, toTxn } from './actions';
import { canonicalDeltaPath } from './paths';

export interface LiveAdd {
  add: AddAction;
  /** Canonical path (relative when inside the table). */
  path: string;
  /** File that carried the action, for error messages. */
  source: string;
}

export interface LiveRemove {
  remove: RemoveAction;
  path: string;
  source: string;
}

export class Replay {
  private readonly seen = new Set<string>();
  readonly adds: LiveAdd[] = [];
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
    for (const raw of actions) {
      if (!isObj(raw)) throw new LakeError('corrupt', 'delta: log line is not a JSON object', source);
      const add = raw.add;
      if (isObj(add)) {
        const path = this.keyPath(add.path, 'add', source);
        const key = `${path}\0${dvUniqueId(dv(add.deletionVector, source))}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.adds.push({ add: toAdd(add, source), path, source });
        continue;
      }
      const remove = raw.remove;
      if (isObj(remove)) {
        const path = this.keyPath(remove.path, 'remove', source);
        const key = `${path}\0${dvUniqueId(dv(remove.deletionVector, source))}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.removes.push({ remove: toRemove(remove, source), path, source });
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
  }

  private keyPath(p: unknown, kind: string, source: string): string {
    if (typeof p !== 'string') throw new LakeError('corrupt', `delta: ${kind}.path is missing or not a string`, source);
    return canonicalDeltaPath(p, this.rootAbs);
  }

  /** Live domain metadata (tombstoned domains dropped). */
  liveDomains(): DomainMetadataAction[] {
    return [...this.domains.values()].filter((d) => !d.removed);
  }
}
