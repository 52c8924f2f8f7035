/**
 * The reader side of protocol versions and table features (PROTOCOL.md "Protocol Evolution",
 * "Table Features"). A table that needs something we do not implement is refused with the name of
 * the feature, never read half-right.
 */
import { LakeError } from '../errors';
import type { ProtocolAction } from './actions';

/**
 * Reader features whose metadata we read correctly. Some affect rows only (deletion vectors,
 * column mapping, type widening): the query engine handles those, the core exposes what it needs.
 */
export const SUPPORTED_READER_FEATURES = new Set([
  'columnMapping',
  'deletionVectors',
  'timestampNtz',
  'v2Checkpoint',
  'vacuumProtocolCheck',
  'typeWidening',
  'typeWidening-preview',
  'variantType',
  'variantType-preview',
  'variantShredding-preview',
  'catalogManaged',
  'catalogOwned-preview',
]);

export const MAX_READER_VERSION = 3;

/** Throws when the protocol needs a reader we are not. */
export function checkReaderProtocol(p: ProtocolAction, file: string): void {
  if (p.minReaderVersion > MAX_READER_VERSION) {
    throw new LakeError('unsupported', `delta: table requires reader version ${p.minReaderVersion}; Lakelens supports up to ${MAX_READER_VERSION}`, file);
  }
  if (p.minReaderVersion === 3) {
    const unknown = (p.readerFeatures ?? []).filter((f) => !SUPPORTED_READER_FEATURES.has(f));
    if (unknown.length > 0) {
      const list = unknown.map((f) => `"${f}"`).join(', ');
      throw new LakeError('unsupported', `delta: table requires reader feature${unknown.length > 1 ? 's' : ''} ${list}, which Lakelens does not support`, file);
    }
  }
}

/** True when the table uses a reader feature (reader v3 lists; v2 implies column mapping). */
export function hasReaderFeature(p: ProtocolAction, feature: string): boolean {
  if (p.minReaderVersion === 3) return (p.readerFeatures ?? []).includes(feature);
  return p.minReaderVersion === 2 && feature === 'columnMapping';
}
