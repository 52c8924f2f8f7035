/**
 * Partition values from a partition path. Hudi stores the path, not typed values: hive-style paths
 * are `field=value/…`, others are the values alone, one segment per partition field (or one path
 * for a single field whose values hold slashes, e.g. `yyyy/MM/dd` dates). Values stay strings;
 * `__HIVE_DEFAULT_PARTITION__` (a null value) becomes null.
 */
import type { PartitionValue } from '../model';
import type { HudiTableConfig } from './properties';

const NULL_PARTITION = '__HIVE_DEFAULT_PARTITION__';

function decode(v: string, urlEncoded: boolean): PartitionValue {
  if (v === NULL_PARTITION) return null;
  if (!urlEncoded) return v;
  try {
    return decodeURIComponent(v.replace(/\+/g, ' '));
  } catch {
    return v;
  }
}

export function partitionValuesOf(partitionPath: string, config: Pick<HudiTableConfig, 'partitionFields' | 'hiveStylePartitioning' | 'urlEncodePartitioning'>): Record<string, PartitionValue> {
  const fields = config.partitionFields;
  const out: Record<string, PartitionValue> = {};
  if (partitionPath === '' || fields.length === 0) return out;
  const segs = partitionPath.split('/');
  const set = (k: string, v: string) => {
    if (k !== '__proto__') out[k] = decode(v, config.urlEncodePartitioning);
  };
  if (segs.every((s) => s.includes('='))) {
    for (const s of segs) {
      const i = s.indexOf('=');
      set(s.slice(0, i), s.slice(i + 1));
    }
    return out;
  }
  if (segs.length === fields.length) segs.forEach((s, i) => set(fields[i]!, s));
  else if (fields.length === 1) set(fields[0]!, partitionPath);
  return out;
}
