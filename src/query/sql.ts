/**
 * SQL text helpers. Every name and value the engine puts into SQL goes through these, so a column
 * called `a"b` or a path with a quote cannot break out of its literal.
 */

/** A double-quoted identifier. */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted string literal. */
export function str(value: string): string {
  if (value.includes('\0')) throw new Error('NUL byte in SQL string literal');
  return `'${value.replace(/'/g, "''")}'`;
}

/** A list literal of strings: `['a', 'b']`. */
export function strList(values: readonly string[]): string {
  return `[${values.map(str).join(', ')}]`;
}
