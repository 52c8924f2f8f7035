/**
 * Delta deletion vectors (PROTOCOL.md "Deletion Vector Format" and "Deletion Vector File Storage
 * Format") read into the sorted row positions they delete.
 *
 * In a `.bin` file the descriptor's `offset` points at a big-endian int32 `dataSize`, followed by
 * the bitmap and a big-endian CRC-32 of it; inline DVs are the bitmap alone, z85-encoded. The
 * bitmap is a little-endian magic number (1681511377) then a portable Roaring64 bitmap. Every
 * check that fails is an error naming the file: silently dropping a delete would show a deleted
 * row.
 */
import { z85Decode } from '../core/delta/deletionVector';
import { LakeError } from '../core/errors';
import type { DataFile, DeletionVector } from '../core/model';
import type { Storage } from '../core/storage/storage';
import { crc32 } from './crc32';
import { RoaringError, decodeRoaring64 } from './roaring';

const PORTABLE_MAGIC = 1681511377;
const NATIVE_MAGIC = 1681511376;

/** Deleted positions of one DV bitmap (magic + Roaring64), checked against the cardinality. */
export function decodeDeltaBitmap(bytes: Uint8Array, cardinality: number, where: string): number[] {
  if (bytes.length < 4) throw new LakeError('corrupt', 'delta: deletion vector shorter than its magic number', where);
  const magic = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (magic === NATIVE_MAGIC) {
    throw new LakeError('unsupported', 'delta: deletion vector uses the non-portable (native) RoaringBitmapArray layout, which the protocol does not allow', where);
  }
  if (magic !== PORTABLE_MAGIC) throw new LakeError('corrupt', `delta: deletion vector has magic number ${magic}, expected ${PORTABLE_MAGIC}`, where);
  let positions: number[];
  try {
    positions = decodeRoaring64(bytes.subarray(4));
  } catch (err) {
    if (err instanceof RoaringError) throw new LakeError('corrupt', `delta: deletion vector: ${err.message}`, where);
    throw err;
  }
  if (positions.length !== cardinality) {
    throw new LakeError('corrupt', `delta: deletion vector holds ${positions.length} positions, the log says ${cardinality}`, where);
  }
  return positions;
}

/** Reads the positions a data file's deletion vector deletes (ascending). */
export async function readDeletionVector(storage: Storage, file: DataFile, dv: DeletionVector): Promise<number[]> {
  const what = `deletion vector of ${file.path}`;
  if (dv.storageType === 'i') {
    const text = dv.pathOrInlineDv ?? '';
    let bytes: Uint8Array;
    try {
      bytes = z85Decode(text);
    } catch (err) {
      throw new LakeError('corrupt', `delta: inline ${what} is not valid z85: ${(err as Error).message}`);
    }
    // z85 works in 4-byte groups; sizeInBytes says how much of the last group is real
    if (dv.sizeInBytes > bytes.length) throw new LakeError('corrupt', `delta: inline ${what} is ${bytes.length} bytes, the log says ${dv.sizeInBytes}`);
    return decodeDeltaBitmap(bytes.subarray(0, dv.sizeInBytes), dv.cardinality, `inline ${what}`);
  }
  if (dv.path === undefined) throw new LakeError('unsupported', `delta: ${what} has storage type ${JSON.stringify(dv.storageType)}`);
  if (dv.path.startsWith('/') || /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(dv.path)) {
    throw new LakeError('out-of-root', `delta: ${what} is outside the table; only files inside the table folder are read`, dv.path);
  }
  const offset = dv.offset ?? 1;
  // dataSize (4) + bitmap + checksum (4)
  const bytes = await storage.readRange(dv.path, offset, offset + 4 + dv.sizeInBytes + 4);
  if (bytes.length < 8 + dv.sizeInBytes) {
    throw new LakeError('corrupt', `delta: ${what} ends early: ${bytes.length} bytes at offset ${offset}, expected ${8 + dv.sizeInBytes}`, dv.path);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dataSize = view.getInt32(0, false);
  if (dataSize !== dv.sizeInBytes) {
    throw new LakeError('corrupt', `delta: ${what} at offset ${offset} has size ${dataSize}, the log says ${dv.sizeInBytes}`, dv.path);
  }
  const data = bytes.subarray(4, 4 + dataSize);
  const expected = view.getUint32(4 + dataSize, false);
  const actual = crc32(data);
  if (expected !== actual) {
    throw new LakeError('corrupt', `delta: ${what} at offset ${offset} fails its CRC-32 check (stored ${expected.toString(16)}, computed ${actual.toString(16)})`, dv.path);
  }
  return decodeDeltaBitmap(data, dv.cardinality, `${dv.path} @${offset}`);
}
