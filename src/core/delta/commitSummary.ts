/**
 * What a history entry says of one commit: how many files it added and removed and their bytes,
 * its commitInfo, whether it changed the metadata or protocol. Tallied from the raw actions while
 * a snapshot replays the commit, so a history page after a load reads nothing again (a 300k-file
 * log's commits are 15 MB each), or from a commit's parsed actions.
 */
import type { VersionInfo } from '../model';
import { type Action, isObj } from './actions';

const EXTRA_KEYS = ['isolationLevel', 'isBlindAppend', 'userName', 'userId', 'readVersion', 'txnId', 'clusterId', 'inCommitTimestamp'];

export class CommitTally {
  addedFiles = 0;
  addedBytes = 0;
  removedFiles = 0;
  removedBytes = 0;
  commitInfo?: Record<string, unknown>;
  metadataChanged = false;
  protocolChanged = false;
  /** False once a raw value is not what the protocol allows: the commit is then summarised from parsed actions, which report it. */
  exact = true;

  /** One action as parsed from the commit's JSON, unvalidated. */
  raw(a: unknown): void {
    if (!isObj(a)) {
      this.exact = false;
    } else if (isObj(a.add)) {
      const n = a.add.size;
      if (typeof n === 'number' && Number.isSafeInteger(n)) this.added(n);
      else this.exact = false;
    } else if (isObj(a.remove)) {
      const n = a.remove.size;
      if (n === undefined || n === null || (typeof n === 'number' && Number.isSafeInteger(n))) this.removed(n ?? 0);
      else this.exact = false;
    } else this.other(a.metaData, a.protocol, a.commitInfo);
  }

  /** One validated action. */
  parsed(a: Action): void {
    if (a.add) this.added(a.add.size);
    else if (a.remove) this.removed(a.remove.size ?? 0);
    else this.other(a.metaData, a.protocol, a.commitInfo);
  }

  private added(size: number): void {
    this.addedFiles++;
    this.addedBytes += size;
  }

  private removed(size: number): void {
    this.removedFiles++;
    this.removedBytes += size;
  }

  private other(metaData: unknown, protocol: unknown, commitInfo: unknown): void {
    if (isObj(metaData)) this.metadataChanged = true;
    else if (isObj(protocol)) this.protocolChanged = true;
    else if (isObj(commitInfo)) this.commitInfo ??= commitInfo;
  }

  /** The history entry (the timestamp is the caller's: it may need the file's time). */
  info(version: number, timestamp: number | null): VersionInfo {
    const ci = this.commitInfo ?? {};
    const info: VersionInfo = {
      version,
      timestamp,
      operation: typeof ci.operation === 'string' ? ci.operation : null,
      operationParameters: objectOf(ci.operationParameters),
      operationMetrics: objectOf(ci.operationMetrics),
      engineInfo: typeof ci.engineInfo === 'string' ? ci.engineInfo : typeof ci.clientVersion === 'string' ? ci.clientVersion : null,
      addedFiles: this.addedFiles,
      removedFiles: this.removedFiles,
      addedBytes: this.addedBytes,
      removedBytes: this.removedBytes,
    };
    const extra: Record<string, unknown> = {};
    for (const k of EXTRA_KEYS) if (ci[k] !== undefined && ci[k] !== null) extra[k] = ci[k];
    if (this.metadataChanged) extra.metadataChanged = true;
    if (this.protocolChanged) extra.protocolChanged = true;
    if (Object.keys(extra).length > 0) info.extra = extra;
    return info;
  }
}

function objectOf(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
