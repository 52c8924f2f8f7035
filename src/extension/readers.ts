/**
 * Entry of dist/readers.js: the table readers (Delta, Iceberg, Hudi, hyparquet, Avro) are a bundle
 * of their own, loaded when the first table is read, so activation does not parse them.
 */
export { openTable } from '../core/table';
export { describeParquet } from '../core/parquetInspect';
