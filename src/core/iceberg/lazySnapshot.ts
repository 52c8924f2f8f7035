/**
 * Snapshots of the metadata's `snapshots` array that are parsed on first use. Listing, ordering
 * and selecting snapshots needs their id, parent, sequence number and time, which the scan read
 * (metadataScan.ts); the rest (summary, manifest list, schema id, …) is parsed from the element's
 * text the first time one of those fields is read, so a history page of 200 out of 10k snapshots
 * parses 200 summaries. Errors in the rest surface then, as the same `corrupt` errors an eager
 * parse gives, naming the metadata file.
 */
import type { Int64 } from '../model';
import type { ScannedSnapshot } from './metadataScan';
import type { SnapshotMeta } from './tableMetadata';

/** Parses one element's text into a snapshot, as tableMetadata does for an eager parse. */
export type ParseSnapshotText = (text: string) => SnapshotMeta;

/** The metadata text the snapshots are parsed from, shared by all of them. */
interface Source {
  text: string;
  parse: ParseSnapshotText;
}

class LazySnapshot implements SnapshotMeta {
  readonly snapshotId: string;
  readonly parentId: string | null;
  readonly sequenceNumber: Int64;
  readonly timestampMs: number;
  #full: SnapshotMeta | undefined;
  readonly #src: Source;
  readonly #start: number;
  readonly #end: number;

  constructor(s: ScannedSnapshot, src: Source) {
    this.snapshotId = s.id!;
    this.parentId = s.parent ?? null;
    this.sequenceNumber = s.seq ?? 0;
    this.timestampMs = s.ts as number;
    this.#src = src;
    this.#start = s.start;
    this.#end = s.end;
  }

  private get full(): SnapshotMeta {
    return (this.#full ??= this.#src.parse(this.#src.text.slice(this.#start, this.#end)));
  }

  get manifestList(): string | null {
    return this.full.manifestList;
  }
  get manifests(): string[] | null {
    return this.full.manifests;
  }
  get summary(): Record<string, string> {
    return this.full.summary;
  }
  get operation(): string | null {
    return this.full.operation;
  }
  get schemaId(): number | null {
    return this.full.schemaId;
  }
  get firstRowId(): Int64 | null {
    return this.full.firstRowId;
  }
  get addedRows(): Int64 | null {
    return this.full.addedRows;
  }
  get keyId(): string | null {
    return this.full.keyId;
  }

  /** JSON shows every field, as for an eagerly parsed snapshot (getters are not own properties). */
  toJSON(): SnapshotMeta {
    return { ...this.full, snapshotId: this.snapshotId, parentId: this.parentId, sequenceNumber: this.sequenceNumber, timestampMs: this.timestampMs };
  }
}

/**
 * Snapshots from scanned elements of `text`: lazy where the scan read the ordering fields as
 * plain integers (id and time present, time a safe integer), parsed now otherwise.
 */
export function snapshotsFromScan(text: string, scanned: ScannedSnapshot[], parse: ParseSnapshotText): SnapshotMeta[] {
  const src: Source = { text, parse };
  return scanned.map((s) => {
    const plain = !s.eager && s.id !== undefined && typeof s.ts === 'number';
    return plain ? new LazySnapshot(s, src) : parse(text.slice(s.start, s.end));
  });
}
