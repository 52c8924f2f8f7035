/**
 * Typed messages between the extension host and a webview (the pattern of GitLens and hexeditor):
 * a `Call<P, R>` names a method with its params and result types; an `Endpoint` on each side sends
 * requests and notifications and dispatches what arrives. Payloads are plain JSON: bigints travel
 * as strings, URIs as strings. The webview always speaks first (`ready`); the host sends nothing
 * before it. No vscode and no DOM imports here: both sides share this file.
 */

export interface Envelope {
  id: number;
  method: string;
  kind: 'request' | 'notify' | 'reply';
  params?: unknown;
  replyTo?: number;
  error?: string;
}

export interface Call<P, R = void> {
  readonly method: string;
  /** Type carrier only. */
  readonly __types?: [P, R];
}

export const call = <P, R = void>(scope: string, name: string): Call<P, R> => ({ method: `${scope}/${name}` });

type Handler = (params: unknown) => unknown;

export class Endpoint {
  private seq = 0;
  private readonly pending = new Map<number, { ok: (v: unknown) => void; fail: (e: Error) => void }>();
  private readonly handlers = new Map<string, Handler>();

  constructor(private readonly post: (e: Envelope) => void) {}

  on<P, R>(c: Call<P, R>, h: (p: P) => R | Promise<R>): void {
    this.handlers.set(c.method, h as Handler);
  }

  notify<P>(c: Call<P, void>, params: P): void {
    this.post({ id: ++this.seq, kind: 'notify', method: c.method, params });
  }

  request<P, R>(c: Call<P, R>, params: P): Promise<R> {
    const id = ++this.seq;
    const done = new Promise<R>((ok, fail) => this.pending.set(id, { ok: ok as (v: unknown) => void, fail }));
    this.post({ id, kind: 'request', method: c.method, params }); // after registering: replies can be synchronous
    return done;
  }

  /** Rejects every outstanding request (the other side went away). */
  close(reason: string): void {
    for (const p of this.pending.values()) p.fail(new Error(reason));
    this.pending.clear();
  }

  async receive(raw: unknown): Promise<void> {
    if (!isEnvelope(raw)) return;
    const e = raw;
    if (e.kind === 'reply') {
      const p = this.pending.get(e.replyTo ?? -1);
      this.pending.delete(e.replyTo ?? -1);
      if (e.error !== undefined) p?.fail(new Error(e.error));
      else p?.ok(e.params);
      return;
    }
    const reply = { id: ++this.seq, kind: 'reply' as const, method: e.method, replyTo: e.id };
    try {
      const h = this.handlers.get(e.method);
      if (!h) throw new Error(`unhandled message ${e.method}`);
      const result = await h(e.params);
      if (e.kind === 'request') this.post({ ...reply, params: result });
    } catch (err) {
      if (e.kind === 'request') this.post({ ...reply, error: err instanceof Error ? err.message : String(err) });
    }
  }
}

function isEnvelope(v: unknown): v is Envelope {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Envelope;
  return typeof e.id === 'number' && typeof e.method === 'string' && (e.kind === 'request' || e.kind === 'notify' || e.kind === 'reply');
}

/** Common table identity sent to every view. */
export interface TableRef {
  id: string;
  name: string;
  format: 'delta' | 'iceberg' | 'hudi';
  path: string;
}

/** A version as the views list it. */
export interface VersionItem {
  /** Version id as a string (Delta numbers too), to keep one type across formats. */
  version: string;
  label: string;
  timestamp: number | null;
  operation: string | null;
  snapshotId?: string;
}
