/**
 * Loads the heavy bundles next to dist/extension.js on first use: dist/readers.js (table readers)
 * and dist/query.js (the DuckDB engine). They are separate files so that activating the extension
 * parses neither. Errors cross bundles, so they are recognised by name (isLakeError), not class.
 */
import * as path from 'node:path';
import type * as Query from '../query/engine';
import type * as Readers from './readers';

const cache = new Map<string, unknown>();

function load<T>(file: string): T {
  let m = cache.get(file);
  if (!m) {
    const full = path.join(__dirname, file);
    m = require(full) as T; // a path computed at run time: esbuild leaves this require alone
    cache.set(file, m);
  }
  return m as T;
}

export function readers(): typeof Readers {
  return load<typeof Readers>('readers.js');
}

export function query(): typeof Query {
  return load<typeof Query>('query.js');
}
