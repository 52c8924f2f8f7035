/**
 * The Avro schemas of Iceberg v2 manifests (`manifest_entry` with its `data_file`) and manifest
 * lists (`manifest_file`), as Java writes them: names, docs and field ids
 * (https://iceberg.apache.org/spec/#manifests). Shared by the bench's and the demo's generators.
 */
import type { AvroSchema } from './avroWriter';

/** A field of the `partition` record: the spec field's name and id, the transform result's Avro type. */
export interface PartitionAvroField {
  name: string;
  fieldId: number;
  /** e.g. `'int'` for bucket and month, `{ type: 'int', logicalType: 'date' }` for day */
  type: AvroSchema;
}

/** Iceberg's int-keyed maps: arrays of key/value records (Avro maps only take string keys). */
const intMap = (keyId: number, valueId: number, value: AvroSchema): AvroSchema => ({
  type: 'array',
  logicalType: 'map',
  items: { type: 'record', name: `k${keyId}_v${valueId}`, fields: [{ name: 'key', type: 'int', 'field-id': keyId }, { name: 'value', type: value, 'field-id': valueId }] },
});

/** The v2 `data_file` record for a partition spec. */
export function dataFileSchema(partition: PartitionAvroField[]): AvroSchema {
  return {
    type: 'record',
    name: 'r2',
    fields: [
      { name: 'content', type: 'int', doc: 'Contents of the file: 0=data, 1=position deletes, 2=equality deletes', 'field-id': 134 },
      { name: 'file_path', type: 'string', doc: 'Location URI with FS scheme', 'field-id': 100 },
      { name: 'file_format', type: 'string', doc: 'File format name: avro, orc, or parquet', 'field-id': 101 },
      {
        name: 'partition',
        type: { type: 'record', name: 'r102', fields: partition.map((p) => ({ name: p.name, type: ['null', p.type], default: null, 'field-id': p.fieldId })) },
        doc: 'Partition data tuple, schema based on the partition spec',
        'field-id': 102,
      },
      { name: 'record_count', type: 'long', doc: 'Number of records in the file', 'field-id': 103 },
      { name: 'file_size_in_bytes', type: 'long', doc: 'Total file size in bytes', 'field-id': 104 },
      { name: 'column_sizes', type: ['null', intMap(117, 118, 'long')], default: null, 'field-id': 108 },
      { name: 'value_counts', type: ['null', intMap(119, 120, 'long')], default: null, 'field-id': 109 },
      { name: 'null_value_counts', type: ['null', intMap(121, 122, 'long')], default: null, 'field-id': 110 },
      { name: 'nan_value_counts', type: ['null', intMap(138, 139, 'long')], default: null, 'field-id': 137 },
      { name: 'lower_bounds', type: ['null', intMap(126, 127, 'bytes')], default: null, 'field-id': 125 },
      { name: 'upper_bounds', type: ['null', intMap(129, 130, 'bytes')], default: null, 'field-id': 128 },
      { name: 'key_metadata', type: ['null', 'bytes'], default: null, 'field-id': 131 },
      { name: 'split_offsets', type: ['null', { type: 'array', items: 'long', 'element-id': 133 }], default: null, 'field-id': 132 },
      { name: 'equality_ids', type: ['null', { type: 'array', items: 'int', 'element-id': 136 }], default: null, 'field-id': 135 },
      { name: 'sort_order_id', type: ['null', 'int'], default: null, 'field-id': 140 },
    ],
  };
}

/** The v2 `manifest_entry` record: a manifest's records. */
export function manifestEntrySchema(partition: PartitionAvroField[]): AvroSchema {
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      { name: 'snapshot_id', type: ['null', 'long'], default: null, 'field-id': 1 },
      { name: 'sequence_number', type: ['null', 'long'], default: null, 'field-id': 3 },
      { name: 'file_sequence_number', type: ['null', 'long'], default: null, 'field-id': 4 },
      { name: 'data_file', type: dataFileSchema(partition), 'field-id': 2 },
    ],
  };
}

/** The v2 `manifest_file` record: a manifest list's records. */
export const MANIFEST_FILE_SCHEMA: AvroSchema = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', doc: 'Location URI with FS scheme', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', doc: 'Total file size in bytes', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', doc: 'Spec ID used to write', 'field-id': 502 },
    { name: 'content', type: 'int', doc: 'Contents of the manifest: 0=data, 1=deletes', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', doc: 'Sequence number when the manifest was added', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', doc: 'Lowest sequence number in the manifest', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', doc: 'Snapshot ID that added the manifest', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', doc: 'Added entry count', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', doc: 'Existing entry count', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', doc: 'Deleted entry count', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', doc: 'Added rows count', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', doc: 'Existing rows count', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', doc: 'Deleted rows count', 'field-id': 514 },
    {
      name: 'partitions',
      type: [
        'null',
        {
          type: 'array',
          items: {
            type: 'record',
            name: 'r508',
            fields: [
              { name: 'contains_null', type: 'boolean', doc: 'True if any file has a null partition value', 'field-id': 509 },
              { name: 'contains_nan', type: ['null', 'boolean'], doc: 'True if any file has a nan partition value', default: null, 'field-id': 518 },
              { name: 'lower_bound', type: ['null', 'bytes'], doc: 'Partition lower bound for all files', default: null, 'field-id': 510 },
              { name: 'upper_bound', type: ['null', 'bytes'], doc: 'Partition upper bound for all files', default: null, 'field-id': 511 },
            ],
          },
          'element-id': 508,
        },
      ],
      doc: 'Summary for each partition',
      default: null,
      'field-id': 507,
    },
    { name: 'key_metadata', type: ['null', 'bytes'], doc: 'Encryption key metadata blob', default: null, 'field-id': 519 },
  ],
};
