/**
 * One error type for everything the core refuses. `kind` lets callers react (a missing file vs an
 * unsupported feature); `path` names the file at fault so every message can point at it.
 * Messages are short and prefixed with the format, in the style of hyparquet:
 * `delta: reader feature "foo" not supported (_delta_log/00000000000000000003.json)`.
 *
 * The rule for untrusted tables: reading one, however damaged, returns a result or throws a
 * LakeError — a parser's SyntaxError, a RangeError, a TypeError escaping the readers is a bug.
 * test/fuzz.test.ts enforces it over thousands of damaged corpus tables.
 */
export type ErrorKind =
  | 'not-a-table'
  | 'unsupported'
  | 'corrupt'
  | 'missing'
  | 'unknown-version'
  | 'out-of-root'
  | 'invalid-argument'
  | 'too-large'
  | 'cancelled'
  /** credentials refused, or not allowed to read the object (HTTP 401/403) */
  | 'denied'
  /** a server that does not answer, keeps throttling or fails after retries */
  | 'unavailable';

export class LakeError extends Error {
  override readonly name = 'LakeError';
  /**
   * `instanceof LakeError` holds for a LakeError made by any bundle (readers, the query engine,
   * the remote and catalog bundles each carry their own copy of this class): a store's 'denied'
   * or 'missing' must not be re-wrapped as a reader's 'corrupt' for coming from another bundle.
   */
  static override [Symbol.hasInstance](v: unknown): boolean {
    return isLakeError(v);
  }
  /** The message without the file appended. */
  readonly detail: string;
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly path?: string,
    options?: { cause?: unknown },
  ) {
    super(path ? `${message} (${path})` : message, options);
    this.detail = message;
  }
}

/** Wraps anything thrown while handling `path` into a LakeError of `kind`, keeping LakeErrors as they are. */
export function asLakeError(err: unknown, kind: ErrorKind, prefix: string, path?: string): LakeError {
  if (err instanceof LakeError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  return new LakeError(kind, `${prefix}: ${detail}`, path, { cause: err });
}

/** Throws a `cancelled` LakeError when the signal has fired. */
export function checkAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new LakeError('cancelled', 'cancelled');
}

/** A LakeError from any bundle (the extension loads readers and the engine as separate bundles). */
export function isLakeError(err: unknown): err is LakeError {
  return err instanceof Error && err.name === 'LakeError' && typeof (err as { kind?: unknown }).kind === 'string';
}
