/**
 * Action reconciliation (PROTOCOL.md "Action Reconciliation"), newest to oldest as delta-kernel-rs
 * does: the first action seen for a logical file `(path, dvId)` decides whether it is live (add) or
 * a tombstone (remove); protocol and metaData take the newest; txn per appId and domain metadata per
 * domain take the newest. Batches must be fed newest first, the checkpoint last.
 */
import type { Action, AddAction, DomainMetadataAction, MetadataAction, ProtocolAction, RemoveAction, TxnAction } from './actions';
import { dvUniqueId } from './actions';
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

  /** Applies one batch (one commit, or a whole checkpoint). */
  apply(actions: Action[], source: string): void {
    for (const a of actions) {
      if (a.add) {
        const path = canonicalDeltaPath(a.add.path, this.rootAbs);
        const key = `${path}\0${dvUniqueId(a.add.deletionVector)}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.adds.push({ add: a.add, path, source });
      } else if (a.remove) {
        const path = canonicalDeltaPath(a.remove.path, this.rootAbs);
        const key = `${path}\0${dvUniqueId(a.remove.deletionVector)}`;
        if (this.seen.has(key)) continue;
        this.seen.add(key);
        this.removes.push({ remove: a.remove, path, source });
      } else if (a.metaData) {
        if (!this.metadata) this.metadata = { action: a.metaData, source };
      } else if (a.protocol) {
        if (!this.protocol) this.protocol = { action: a.protocol, source };
      } else if (a.txn) {
        if (!this.txns.has(a.txn.appId)) this.txns.set(a.txn.appId, a.txn);
      } else if (a.domainMetadata) {
        if (!this.domains.has(a.domainMetadata.domain)) this.domains.set(a.domainMetadata.domain, a.domainMetadata);
      }
    }
  }

  /** Live domain metadata (tombstoned domains dropped). */
  liveDomains(): DomainMetadataAction[] {
    return [...this.domains.values()].filter((d) => !d.removed);
  }
}
