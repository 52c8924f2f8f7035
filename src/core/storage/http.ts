/**
 * The HTTP client every object-store backend sends through: a bounded pool of requests in flight,
 * a timeout per attempt, retries with exponential backoff and full jitter on throttling (429, 503
 * SlowDown), server errors, connection resets and truncated bodies, and errors that name the call
 * and the object — never a URL's query (SAS tokens live there), a header or a signature.
 *
 * Only GET and HEAD exist here: Lakelens never writes to a bucket, and this is where that holds.
 * Connections are reused by Node's fetch (undici keeps them alive per origin).
 */
import { LakeError, checkAborted } from '../errors';

export interface HttpRequest {
  method: 'GET' | 'HEAD' | 'POST';
  url: URL;
  headers: Record<string, string>;
  /** POST body (catalog clients only: token requests, Glue's and Unity Catalog's read calls). */
  body?: string;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export interface HttpOptions {
  /** Requests in flight at once per client (default 16). */
  concurrency?: number;
  /** Per attempt, ms (default 30 s; LAKELENS_HTTP_TIMEOUT_MS overrides). */
  timeoutMs?: number;
  /** Retries after the first attempt (default 5; LAKELENS_HTTP_RETRIES overrides). */
  retries?: number;
  /** First backoff, ms (default 100; doubles per retry, capped at 5 s, full jitter). */
  backoffMs?: number;
  /**
   * Allow POST: catalog clients, whose read calls and token requests are POSTs. Storage backends
   * never set it, so no request to a bucket can be anything but GET or HEAD.
   */
  allowPost?: boolean;
}

export interface SendOptions {
  signal?: AbortSignal | undefined;
  /** What the call is about, for errors: "s3 GetObject s3://bucket/key". */
  what: string;
  /** Signs (or adds a token to) the request just before each attempt. */
  authorize?: (req: HttpRequest) => Promise<void>;
  /** Statuses that are answers, not errors (404 for a HEAD of an absent object). */
  accept?: number[];
  /** Maps an error status and body to a short reason (the store's error code). */
  reason?: (status: number, body: string) => string | undefined;
  /** Where credentials came from, named when access is denied. */
  credentialSource?: string;
}

const RETRY_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const NET_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ENOTFOUND']);

export class HttpClient {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly concurrency: number;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly allowPost: boolean;
  /** Requests sent and bytes received, for benchmarks and tests. */
  readonly stats = { requests: 0, retries: 0, bytes: 0 };

  constructor(opts: HttpOptions = {}) {
    const env = typeof process !== 'undefined' ? process.env : {};
    this.concurrency = opts.concurrency ?? 16;
    this.timeoutMs = opts.timeoutMs ?? (Number(env['LAKELENS_HTTP_TIMEOUT_MS']) || 30_000);
    this.retries = opts.retries ?? (env['LAKELENS_HTTP_RETRIES'] !== undefined ? Number(env['LAKELENS_HTTP_RETRIES']) : 5);
    this.backoffMs = opts.backoffMs ?? 100;
    this.allowPost = opts.allowPost ?? false;
  }

  async send(req: HttpRequest, opts: SendOptions): Promise<HttpResponse> {
    if (req.method !== 'GET' && req.method !== 'HEAD' && !(req.method === 'POST' && this.allowPost)) throw new LakeError('invalid-argument', `refusing ${String(req.method)}: Lakelens only reads`);
    await this.slot(opts.signal);
    try {
      return await this.attempts(req, opts);
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }

  private async slot(signal?: AbortSignal): Promise<void> {
    while (this.active >= this.concurrency) {
      checkAborted(signal);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    checkAborted(signal);
    this.active++;
  }

  private async attempts(req: HttpRequest, opts: SendOptions): Promise<HttpResponse> {
    let last: RetryableError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      checkAborted(opts.signal);
      if (attempt > 0) {
        this.stats.retries++;
        await sleep(last?.retryAfterMs ?? Math.random() * Math.min(5_000, this.backoffMs * 2 ** (attempt - 1)), opts.signal);
      }
      const out = await this.once(req, opts);
      if (!(out instanceof RetryableError)) return out;
      last = out;
    }
    throw new LakeError('unavailable', `${opts.what}: ${last?.message ?? 'failed'} (gave up after ${this.retries + 1} attempts)`);
  }

  /** One attempt: the response, or a RetryableError saying why it may be tried again. */
  private async once(req: HttpRequest, opts: SendOptions): Promise<HttpResponse | RetryableError> {
    const headers = { ...req.headers };
    const attemptReq: HttpRequest = { method: req.method, url: new URL(req.url.href), headers, ...(req.body !== undefined ? { body: req.body } : {}) };
    await opts.authorize?.(attemptReq);
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const signal = opts.signal ? AbortSignal.any([opts.signal, timeout]) : timeout;
    this.stats.requests++;
    let res: Response;
    let body: Uint8Array;
    try {
      res = await fetch(attemptReq.url, { method: attemptReq.method, headers: attemptReq.headers, signal, redirect: 'manual', ...(attemptReq.body !== undefined ? { body: attemptReq.body } : {}) });
      body = req.method === 'HEAD' ? new Uint8Array(0) : new Uint8Array(await res.arrayBuffer());
    } catch (err) {
      if (opts.signal?.aborted) throw new LakeError('cancelled', 'cancelled');
      if (timeout.aborted) return new RetryableError(`no answer within ${this.timeoutMs < 1000 ? `${this.timeoutMs} ms` : `${Math.round(this.timeoutMs / 1000)} s`}`);
      const code = errCode(err);
      if (code && NET_CODES.has(code)) return new RetryableError(code === 'ECONNREFUSED' ? 'connection refused (is the server running?)' : `connection failed (${code})`);
      // fetch wraps socket errors in "TypeError: fetch failed"; a body cut off mid-read lands here too
      return new RetryableError(`request failed (${code ?? (err instanceof Error ? err.message : String(err))})`);
    }
    this.stats.bytes += body.length;
    const status = res.status;
    if ((status >= 200 && status < 300) || opts.accept?.includes(status)) {
      const declared = res.headers.get('content-length');
      if (req.method !== 'HEAD' && status !== 304 && declared !== null && res.headers.get('content-encoding') === null && Number(declared) !== body.length) {
        return new RetryableError(`body truncated: got ${body.length} of ${declared} bytes`);
      }
      return { status, headers: res.headers, body };
    }
    const text = new TextDecoder().decode(body.subarray(0, 4096));
    const why = opts.reason?.(status, text) ?? '';
    const detail = `HTTP ${status}${why ? ` ${why}` : ''}`;
    if (RETRY_STATUS.has(status)) return new RetryableError(status === 429 || /slowdown|throttl|busy/i.test(why) ? `throttled (${detail})` : detail, retryAfter(res.headers));
    if (status === 401 || status === 403) {
      const src = opts.credentialSource ? ` with credentials from ${opts.credentialSource}` : '';
      throw new LakeError('denied', `${opts.what}: access denied${src} (${detail}): check the credentials and that they may read this object`);
    }
    if (status === 404) throw new LakeError('missing', `${opts.what}: not found (${detail})`);
    if (status >= 300 && status < 400) throw new LakeError('unavailable', `${opts.what}: redirected (${detail}): the endpoint or region is probably wrong`);
    throw new LakeError('unavailable', `${opts.what}: ${detail}`);
  }
}

class RetryableError {
  constructor(
    readonly message: string,
    readonly retryAfterMs?: number,
  ) {}
}

function retryAfter(h: Headers): number | undefined {
  const v = h.get('retry-after');
  if (!v) return undefined;
  const s = Number(v);
  return Number.isFinite(s) ? Math.min(s * 1000, 10_000) : undefined;
}

function errCode(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 4; e = (e as { cause?: unknown }).cause, i++) {
    const c = (e as { code?: unknown }).code;
    if (typeof c === 'string') return c;
  }
  return undefined;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(new LakeError('cancelled', 'cancelled'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** First `<Code>…</Code>` of an XML error body (S3, Azure), or a JSON error's reason/message (GCS). */
export function errorCodeOf(_status: number, body: string): string | undefined {
  const xml = /<Code>([^<]{1,100})<\/Code>/.exec(body);
  if (xml) return xml[1];
  try {
    const j = JSON.parse(body) as { error?: { errors?: { reason?: string }[]; status?: string } | string };
    if (typeof j.error === 'string') return j.error.slice(0, 100);
    return j.error?.errors?.[0]?.reason ?? j.error?.status;
  } catch {
    return undefined;
  }
}
