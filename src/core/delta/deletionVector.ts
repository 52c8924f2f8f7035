/**
 * Deletion vector descriptors (PROTOCOL.md "Deletion Vector Descriptor Schema"): where the bitmap
 * lives. 'u' = file in the table named by a z85-encoded UUID with an optional random prefix
 * (`<prefix>/deletion_vector_<uuid>.bin`), 'p' = absolute path, 'i' = inline z85 bytes.
 * Reading the bitmaps themselves is the query engine's job.
 */
import { LakeError } from '../errors';
import type { DeletionVector } from '../model';
import { type DvDescriptor, dvUniqueId } from './actions';
import { canonicalDeltaPath } from './paths';

const Z85 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#';
const Z85_INDEX = new Map([...Z85].map((c, i) => [c, i]));

/** Z85 (ZeroMQ RFC 32) decoding; input length must be a multiple of 5. */
export function z85Decode(s: string): Uint8Array {
  if (s.length % 5 !== 0) throw new Error(`z85 string length ${s.length} is not a multiple of 5`);
  const out = new Uint8Array((s.length / 5) * 4);
  for (let i = 0, o = 0; i < s.length; i += 5, o += 4) {
    let v = 0;
    for (let j = 0; j < 5; j++) {
      const d = Z85_INDEX.get(s[i + j]!);
      if (d === undefined) throw new Error(`invalid z85 character ${JSON.stringify(s[i + j])}`);
      v = v * 85 + d;
    }
    if (v > 0xffffffff) throw new Error('z85 group out of range');
    out[o] = v >>> 24;
    out[o + 1] = (v >>> 16) & 0xff;
    out[o + 2] = (v >>> 8) & 0xff;
    out[o + 3] = v & 0xff;
  }
  return out;
}

function uuidString(b: Uint8Array): string {
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The DV file path (canonical, relative when inside the table), or undefined for inline DVs. */
export function dvFilePath(d: DvDescriptor, rootAbs: string, file: string): string | undefined {
  switch (d.storageType) {
    case 'i':
      return undefined;
    case 'u': {
      const s = d.pathOrInlineDv;
      if (s.length < 20) throw new LakeError('corrupt', `delta: deletion vector id ${JSON.stringify(s)} is too short`, file);
      const prefix = s.slice(0, s.length - 20);
      let uuid: string;
      try {
        uuid = uuidString(z85Decode(s.slice(-20)));
      } catch (err) {
        throw new LakeError('corrupt', `delta: deletion vector id ${JSON.stringify(s)}: ${(err as Error).message}`, file);
      }
      const name = `deletion_vector_${uuid}.bin`;
      return canonicalDeltaPath(prefix ? `${prefix}/${name}` : name, rootAbs);
    }
    case 'p':
      return canonicalDeltaPath(d.pathOrInlineDv, rootAbs);
    default:
      throw new LakeError('unsupported', `delta: deletion vector storage type ${JSON.stringify(d.storageType)} is not supported`, file);
  }
}

/** Model form of a descriptor. */
export function toModelDv(d: DvDescriptor, rootAbs: string, file: string): DeletionVector {
  const out: DeletionVector = {
    storageType: d.storageType,
    pathOrInlineDv: d.pathOrInlineDv,
    sizeInBytes: d.sizeInBytes,
    cardinality: d.cardinality,
    uniqueId: dvUniqueId(d),
  };
  if (d.offset !== undefined) out.offset = d.offset;
  const path = dvFilePath(d, rootAbs, file);
  if (path !== undefined) out.path = path;
  return out;
}
