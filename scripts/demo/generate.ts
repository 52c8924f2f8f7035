/**
 * The demo lakehouse `npm start` opens: small real tables written by script (never committed).
 *
 *   <dir>/
 *     bronze/events/         Delta, partitioned by event_date: 10 versions, 60 files in 6 partitions,
 *                            a column (country) added at version 5
 *     silver/customers/      Delta: create, 2 appends, a DELETE and an UPDATE (versions 0-4)
 *     gold/orders/           Iceberg v2, partitioned by month(order_date): append, append,
 *                            overwrite, position deletes, schema change + append (5 snapshots)
 *     landing/               not a table: a CSV drop and a README
 *     README.md
 *
 * Data files are Parquet written by DuckDB; logs, metadata and Avro manifests are written here.
 * Deterministic contents (seeded ids); commit times are fixed dates in the past.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeltaWriter, metaDataAction, protocolAction, type DeltaField } from './delta';
import { Duck } from './duck';
import { IcebergWriter, type IcebergField } from './iceberg';

export interface DemoSummary {
  dir: string;
  tables: Array<{ path: string; format: 'delta' | 'iceberg'; versions: number; liveFiles: number }>;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2025, 0, 6, 9, 0, 0); // Monday 6 Jan 2025, 09:00 UTC

/** Deterministic ids: the n-th uuid / snapshot id of a seed. */
function idSource(seed: string): { uuid: () => string; snapshotId: () => bigint } {
  let n = 0;
  const hash = () => createHash('sha256').update(`${seed}:${n++}`).digest();
  return {
    uuid: () => {
      const h = hash().toString('hex');
      return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
    },
    // 63-bit positive ids above 2^53, like real writers' (readers must not round them)
    snapshotId: () => (hash().readBigUInt64BE(0) & 0x7fffffffffffffffn) | 0x4000000000000000n,
  };
}

// ------------------------------------------------------------------ silver/customers (Delta)

const CUSTOMER_FIELDS: DeltaField[] = [
  { name: 'id', type: 'long', nullable: false },
  { name: 'name', type: 'string' },
  { name: 'country', type: 'string' },
  { name: 'signup_date', type: 'date' },
  { name: 'lifetime_value', type: 'double' },
];

function customersSelect(from: number, to: number): string {
  return `SELECT i::BIGINT AS id,
      (['Ada','Grace','Alan','Edsger','Barbara','Donald','Frances','John','Margaret','Ken'])[1 + i % 10] || ' ' || chr((65 + (i * 7) % 26)::INTEGER) || '.' AS name,
      (['DE','FR','US','BR','IN','JP'])[1 + (i * 3) % 6] AS country,
      DATE '2024-01-01' + (i * 3)::INT AS signup_date,
      CASE WHEN i % 13 = 0 THEN NULL ELSE round(((i * 7919) % 100000) / 100.0, 2) END AS lifetime_value
    FROM range(${from}, ${to + 1}) t(i)`;
}

async function customers(dir: string, duck: Duck): Promise<DemoSummary['tables'][number]> {
  const ids = idSource('customers');
  const w = new DeltaWriter(dir, duck, ids.uuid);
  let t = T0;
  const f1 = await w.dataFile(customersSelect(1, 50), CUSTOMER_FIELDS, {}, t);
  const f2 = await w.dataFile(customersSelect(51, 100), CUSTOMER_FIELDS, {}, t);
  w.commit({
    time: t, operation: 'CREATE TABLE AS SELECT',
    operationParameters: { isManaged: 'false', description: null, partitionBy: '[]', properties: '{}' },
    actions: [protocolAction(), metaDataAction(ids.uuid(), CUSTOMER_FIELDS, [], t, 'customers')],
    adds: [f1, f2],
  });
  t += DAY;
  const f3 = await w.dataFile(customersSelect(101, 130), CUSTOMER_FIELDS, {}, t);
  w.commit({ time: t, operation: 'WRITE', operationParameters: { mode: 'Append', partitionBy: '[]' }, adds: [f3] });
  t += DAY;
  const f4 = await w.dataFile(customersSelect(131, 160), CUSTOMER_FIELDS, {}, t);
  w.commit({ time: t, operation: 'WRITE', operationParameters: { mode: 'Append', partitionBy: '[]' }, adds: [f4] });
  // DELETE WHERE id <= 20: rewrites the first file without those rows
  t += DAY;
  const f1b = await w.dataFile(`SELECT * FROM read_parquet('${path.join(dir, f1.path)}') WHERE id > 20 ORDER BY id`, CUSTOMER_FIELDS, {}, t);
  w.commit({
    time: t, operation: 'DELETE', operationParameters: { predicate: '["(id#1 <= 20)"]' },
    operationMetrics: {
      numRemovedFiles: '1', numAddedFiles: '1', numDeletedRows: String(f1.rows - f1b.rows), numCopiedRows: String(f1b.rows),
      numAddedChangeFiles: '0', numRemovedBytes: String(f1.size), numAddedBytes: String(f1b.size), executionTimeMs: '412', scanTimeMs: '210', rewriteTimeMs: '190',
    },
    removes: [f1], adds: [f1b],
  });
  // UPDATE SET lifetime_value = lifetime_value * 1.1 WHERE id BETWEEN 101 AND 130 (all of f3)
  t += DAY;
  const f3b = await w.dataFile(
    `SELECT id, name, country, signup_date, round(lifetime_value * 1.1, 2) AS lifetime_value FROM read_parquet('${path.join(dir, f3.path)}') ORDER BY id`,
    CUSTOMER_FIELDS, {}, t);
  w.commit({
    time: t, operation: 'UPDATE', operationParameters: { predicate: '["((id#1 >= 101) AND (id#1 <= 130))"]' },
    operationMetrics: {
      numRemovedFiles: '1', numAddedFiles: '1', numUpdatedRows: String(f3b.rows), numCopiedRows: '0', numAddedChangeFiles: '0',
      numRemovedBytes: String(f3.size), numAddedBytes: String(f3b.size), executionTimeMs: '388', scanTimeMs: '150', rewriteTimeMs: '230',
    },
    removes: [f3], adds: [f3b],
  });
  return { path: 'silver/customers', format: 'delta', versions: w.version + 1, liveFiles: w.files().length };
}

// ------------------------------------------------------------------ bronze/events (Delta, partitioned)

const EVENT_FIELDS: DeltaField[] = [
  { name: 'event_id', type: 'long', nullable: false },
  { name: 'event_type', type: 'string' },
  { name: 'user_id', type: 'long' },
  { name: 'amount', type: 'double' },
  { name: 'event_time', type: 'timestamp' },
  { name: 'event_date', type: 'date' },
];
const EVENT_FIELDS_V2: DeltaField[] = [...EVENT_FIELDS, { name: 'country', type: 'string' }];

async function events(dir: string, duck: Duck): Promise<DemoSummary['tables'][number]> {
  const ids = idSource('events');
  const w = new DeltaWriter(dir, duck, ids.uuid);
  const tableId = ids.uuid();
  const days = Array.from({ length: 6 }, (_, i) => new Date(Date.UTC(2025, 0, 1 + i)).toISOString().slice(0, 10));
  const ROWS = 25;
  let eventId = 0;
  for (let batch = 0; batch < 10; batch++) {
    const time = T0 + batch * 3_600_000; // hourly ingest
    const withCountry = batch >= 5;
    const adds = [];
    for (const day of days) {
      const from = eventId;
      eventId += ROWS;
      const select = `SELECT i::BIGINT AS event_id,
          (['page_view','click','add_to_cart','purchase','search'])[1 + (i * 7) % 5] AS event_type,
          CASE WHEN i % 17 = 0 THEN NULL ELSE (1000 + (i * 31) % 500)::BIGINT END AS user_id,
          CASE WHEN (i * 7) % 5 = 3 THEN round(((i * 104729) % 20000) / 100.0, 2) ELSE NULL END AS amount,
          TIMESTAMPTZ '${day} 00:00:00+00' + to_seconds(((i * 7907) % 86400)::BIGINT) AS event_time
          ${withCountry ? `, (['DE','FR','US','BR','IN','JP'])[1 + i % 6] AS country` : ''}
        FROM range(${from}, ${from + ROWS}) t(i) ORDER BY event_time`;
      adds.push(await w.dataFile(select, withCountry ? EVENT_FIELDS_V2 : EVENT_FIELDS, { event_date: day }, time));
    }
    if (batch === 0) {
      w.commit({
        time, operation: 'CREATE TABLE AS SELECT',
        operationParameters: { isManaged: 'false', description: null, partitionBy: '["event_date"]', properties: '{}' },
        actions: [protocolAction(), metaDataAction(tableId, EVENT_FIELDS, ['event_date'], time, 'events')],
        adds,
      });
    } else if (batch === 5) {
      // schema evolution: append with mergeSchema adds the country column
      w.commit({
        time, operation: 'WRITE', operationParameters: { mode: 'Append', partitionBy: '["event_date"]', mergeSchema: 'true' },
        actions: [metaDataAction(tableId, EVENT_FIELDS_V2, ['event_date'], T0, 'events')],
        adds,
      });
    } else {
      w.commit({ time, operation: 'WRITE', operationParameters: { mode: 'Append', partitionBy: '["event_date"]' }, adds });
    }
  }
  return { path: 'bronze/events', format: 'delta', versions: w.version + 1, liveFiles: w.files().length };
}

// ------------------------------------------------------------------ gold/orders (Iceberg v2)

const ORDER_FIELDS: IcebergField[] = [
  { id: 1, name: 'order_id', type: 'long', required: true },
  { id: 2, name: 'customer_id', type: 'long', required: false },
  { id: 3, name: 'order_date', type: 'date', required: false },
  { id: 4, name: 'status', type: 'string', required: false },
  { id: 5, name: 'amount', type: 'double', required: false },
];

/** months since 1970-01 (Iceberg's month transform) */
const monthOf = (y: number, m: number) => (y - 1970) * 12 + (m - 1);

function ordersSelect(from: number, to: number, year: number, month: number, withChannel = false): string {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  return `SELECT i::BIGINT AS order_id,
      (1 + (i * 37) % 160)::BIGINT AS customer_id,
      DATE '${first}' + (i % 28)::INT AS order_date,
      (['pending','shipped','delivered','returned'])[1 + (i * 5) % 4] AS status,
      round(((i * 7919) % 50000) / 100.0 + 5, 2) AS amount
      ${withChannel ? `, (['web','store','app'])[1 + i % 3] AS channel` : ''}
    FROM range(${from}, ${to + 1}) t(i) ORDER BY order_id`;
}

async function orders(dir: string, duck: Duck): Promise<DemoSummary['tables'][number]> {
  const ids = idSource('orders');
  const w = new IcebergWriter(dir, duck, ids.uuid, ids.snapshotId, [{ name: 'order_date_month', transform: 'month', sourceId: 3, fieldId: 1000 }], { schemaId: 0, fields: ORDER_FIELDS });
  let t = T0 + 12 * 3_600_000;
  w.writeMetadata(t); // v1: the table created, no snapshot yet
  t += 60_000;
  const jan = await w.dataFile(ordersSelect(1, 40, 2025, 1), { order_date_month: monthOf(2025, 1) });
  const feb = await w.dataFile(ordersSelect(41, 80, 2025, 2), { order_date_month: monthOf(2025, 2) });
  w.commit({ time: t, operation: 'append', add: [jan, feb] });
  t += DAY;
  const mar = await w.dataFile(ordersSelect(81, 120, 2025, 3), { order_date_month: monthOf(2025, 3) });
  w.commit({ time: t, operation: 'append', add: [mar] });
  // overwrite: January's pending orders are shipped (copy-on-write rewrite of its file)
  t += DAY;
  const jan2 = await w.dataFile(
    `SELECT order_id, customer_id, order_date, CASE WHEN status = 'pending' THEN 'shipped' ELSE status END AS status, amount FROM read_parquet('${jan.filePath}') ORDER BY order_id`,
    { order_date_month: monthOf(2025, 1) });
  w.commit({ time: t, operation: 'overwrite', add: [jan2], remove: [jan] });
  // merge-on-read delete: 5 cancelled March orders as position deletes
  t += DAY;
  const del = await w.positionDeleteFile(mar, [0, 3, 7, 11, 19]);
  w.commit({ time: t, operation: 'delete', addDeletes: [del] });
  // schema change: a channel column, then April arrives with it
  t += DAY;
  w.evolveSchema([...ORDER_FIELDS, { id: 6, name: 'channel', type: 'string', required: false }]);
  const apr = await w.dataFile(ordersSelect(121, 160, 2025, 4, true), { order_date_month: monthOf(2025, 4) });
  w.commit({ time: t, operation: 'append', add: [apr] });
  return { path: 'gold/orders', format: 'iceberg', versions: w.snapshots.length, liveFiles: w.liveFiles(0).length };
}

// ------------------------------------------------------------------ the lakehouse

/** Writes the demo lakehouse into `dir` (which must not exist or be empty). */
export async function generateDemoLakehouse(dir: string): Promise<DemoSummary> {
  dir = path.resolve(dir);
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) throw new Error(`${dir} is not empty`);
  fs.mkdirSync(dir, { recursive: true });
  const duck = await Duck.open();
  try {
    const tables = [
      await events(path.join(dir, 'bronze', 'events'), duck),
      await customers(path.join(dir, 'silver', 'customers'), duck),
      await orders(path.join(dir, 'gold', 'orders'), duck),
    ];
    fs.mkdirSync(path.join(dir, 'landing'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'landing', 'customers_2025-01-10.csv'), 'id,name,country\n161,Radia P.,US\n162,Tim B.,GB\n');
    fs.writeFileSync(path.join(dir, 'landing', 'README.md'), '# landing\n\nRaw drops before ingestion. Not a table.\n');
    fs.writeFileSync(path.join(dir, 'README.md'), [
      '# Demo lakehouse',
      '',
      'Generated by Lakelens (`scripts/demo`) for `npm start`. Delete this folder to regenerate it.',
      '',
      ...tables.map((t) => `- \`${t.path}\` — ${t.format}, ${t.versions} ${t.format === 'delta' ? 'versions' : 'snapshots'}, ${t.liveFiles} live data files`),
      '- `landing/` — not a table',
      '',
    ].join('\n'));
    return { dir, tables };
  } finally {
    duck.close();
  }
}
