/**
 * Sandboxed DuckDB instances. Each instance may read one table folder (and write one export file)
 * and nothing else, cannot install or load extensions, and has its configuration locked, so user
 * SQL cannot widen any of it.
 *
 * Why an instance per table rather than a connection per table: in DuckDB 1.5
 * `allowed_directories` / `allowed_paths` are global settings ("cannot be set locally"), they
 * cannot be changed once `enable_external_access` is false, and the C API cannot set them at
 * creation ("Failed to set config"). So the only scope DuckDB offers is the instance: it is
 * created open, given its allow-lists, then closed off and locked before any user SQL runs.
 *
 * Inside the allowed folder DuckDB could still write (COPY … TO 'table/x.csv'), attach an
 * in-memory database or create objects, so user SQL also passes `prepareReadOnly`: exactly one
 * statement, of type SELECT, checked before binding and again after.
 */
import type { DuckDBConnection, DuckDBInstance, DuckDBPreparedStatement } from '@duckdb/node-api';
import { LakeError } from '../core/errors';
import type { DuckModule } from './duckdb';
import { str } from './sql';

export interface SandboxOptions {
  /** Folders DuckDB may read (absolute). */
  readDirs: string[];
  /** Single files DuckDB may write (absolute), e.g. the export destination. */
  writePaths?: string[];
  /** Folder for DuckDB's spill files; the engine owns it (never inside a table). */
  tempDir: string;
  memoryLimit: string;
  threads: number;
}

const STATEMENT_SELECT = 1;
const READ_ONLY = 'SQL: only read-only queries (SELECT, WITH, FROM, VALUES, DESCRIBE, SUMMARIZE) are allowed; statements that write, attach, load extensions or change settings are refused';
const ONE_STATEMENT = 'SQL: only one statement at a time (a single SELECT over the view t)';

/** Creates an instance, restricts it to `opts`, locks its configuration and verifies the result. */
export async function createSandboxedInstance(duck: DuckModule, opts: SandboxOptions): Promise<DuckDBInstance> {
  const instance = await duck.DuckDBInstance.create(':memory:', {
    // settings the C API accepts at creation
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
    allow_community_extensions: 'false',
    allow_unsigned_extensions: 'false',
    temp_directory: opts.tempDir,
    memory_limit: opts.memoryLimit,
    threads: String(opts.threads),
  });
  const conn = await instance.connect();
  try {
    const dirs = opts.readDirs.map((d) => str(d.endsWith('/') ? d : `${d}/`));
    const paths = (opts.writePaths ?? []).map(str);
    // order matters: the allow-lists cannot change after external access is off
    for (const stmt of [
      `SET GLOBAL TimeZone = 'UTC'`,
      `SET GLOBAL allowed_directories = [${dirs.join(', ')}]`,
      `SET GLOBAL allowed_paths = [${paths.join(', ')}]`,
      `SET GLOBAL allow_persistent_secrets = false`,
      `SET GLOBAL enable_external_access = false`,
      `SET GLOBAL lock_configuration = true`,
    ]) {
      await conn.run(stmt);
    }
    const check = (await conn.runAndReadAll(
      `SELECT current_setting('enable_external_access')::VARCHAR, current_setting('lock_configuration')::VARCHAR, current_setting('autoload_known_extensions')::VARCHAR, current_setting('TimeZone')`,
    )).getRowsJS()[0]!;
    if (check[0] !== 'false' || check[1] !== 'true' || check[2] !== 'false' || check[3] !== 'UTC') {
      throw new Error(`DuckDB sandbox not in force (settings ${JSON.stringify(check)})`);
    }
  } catch (err) {
    conn.closeSync();
    instance.closeSync();
    throw err;
  }
  conn.closeSync();
  return instance;
}

/**
 * Prepares user SQL after checking it is a single read-only statement. Preparing binds but does
 * not run, so a refused statement has no effect.
 */
export async function prepareReadOnly(conn: DuckDBConnection, text: string): Promise<DuckDBPreparedStatement> {
  // Gate 1, parse only: binding is not side-effect free (preparing EXPORT DATABASE creates its
  // folder), so the text must first parse as SELECT statements, which json_serialize_sql checks
  // without binding anything.
  if (text.includes('\0')) throw new LakeError('invalid-argument', 'SQL: NUL byte in query');
  const parsed = (await conn.runAndReadAll(`SELECT json_serialize_sql(${str(text)})`)).getRowsJS()[0]![0];
  const tree = JSON.parse(String(parsed)) as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (tree.error) {
    const why = tree.error_message ?? 'not a SELECT';
    if (/Only SELECT/.test(why)) throw new LakeError('invalid-argument', READ_ONLY);
    throw new LakeError('invalid-argument', `SQL: ${await parseErrorText(conn, text, why)}`);
  }
  if ((tree.statements?.length ?? 0) !== 1) throw new LakeError('invalid-argument', ONE_STATEMENT);
  // Gate 2, after binding: the statement DuckDB will run is one SELECT
  let extracted;
  try {
    extracted = await conn.extractStatements(text);
  } catch (err) {
    throw new LakeError('invalid-argument', `SQL: ${sqlErrorText(err)}`);
  }
  if (extracted.count === 0) throw new LakeError('invalid-argument', 'SQL: no statement given');
  if (extracted.count > 1) throw new LakeError('invalid-argument', ONE_STATEMENT);
  let prepared: DuckDBPreparedStatement;
  try {
    prepared = await extracted.prepare(0);
  } catch (err) {
    throw new LakeError('invalid-argument', `SQL: ${sqlErrorText(err)}`);
  }
  if (prepared.statementType !== STATEMENT_SELECT) {
    prepared.destroySync();
    throw new LakeError('invalid-argument', READ_ONLY);
  }
  return prepared;
}

/**
 * DuckDB's own message for a text that does not parse: json_serialize_sql gives only the reason,
 * the parser also gives the `LINE n:` context and the caret under the position. Parsing has no
 * side effects (binding is what may have some), so asking the parser is safe.
 */
async function parseErrorText(conn: DuckDBConnection, text: string, why: string): Promise<string> {
  try {
    await conn.extractStatements(text);
  } catch (err) {
    return sqlErrorText(err);
  }
  return why;
}

/** Longest error text kept for user SQL (DuckDB lists candidates; a message need not be a page). */
const MAX_SQL_ERROR = 2000;

/**
 * The whole of DuckDB's message for an error in the user's SQL: after the first line come the
 * `LINE n: …` context and a caret under the position, which a console shows in a monospaced
 * block. Tabs become spaces with the caret kept under its character; other control characters
 * go; the length is bounded. Messages about anything but the user's SQL keep one line
 * (`firstLine`).
 */
export function sqlErrorText(err: unknown): string {
  const raw = (err instanceof Error ? err.message : String(err)).replace(/^Failed to extract statements: /, '');
  let s = alignCarets(raw.replace(/\r\n?/g, '\n').split('\n'))
    .join('\n')
    .replace(/\t/g, ' ')
    // C0/C1 controls but the newline, line separators, and bidi overrides that reorder the text
    .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028-\u202e\u2066-\u2069]/g, '')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/\s+$/, '');
  if (s.length > MAX_SQL_ERROR) s = `${s.slice(0, MAX_SQL_ERROR - 1)}…`;
  return s;
}

/**
 * DuckDB places the caret counting a tab in the `LINE n:` context as zero columns; with the tabs
 * shown as spaces the caret moves right by the tabs before its character.
 */
function alignCarets(lines: string[]): string[] {
  for (let i = 0; i + 1 < lines.length; i++) {
    const context = lines[i]!;
    const caret = lines[i + 1]!;
    if (!context.includes('\t') || !/^LINE \d+: /.test(context) || !/^ *\^$/.test(caret)) continue;
    const target = caret.length - 1;
    let col = 0;
    let j = 0;
    while (j < context.length && (col < target || context[j] === '\t')) {
      if (context[j] !== '\t') col++;
      j++;
    }
    lines[i] = context.replace(/\t/g, ' ');
    lines[i + 1] = `${' '.repeat(j)}^`;
  }
  return lines;
}

export function firstLine(err: unknown): string {
  const s = err instanceof Error ? err.message : String(err);
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
