/**
 * Cooperative yielding for long loops. In the extension host a 100k-action commit parsed in one
 * go would freeze VS Code; with a Yielder the loop gives the event loop a turn every few
 * milliseconds. The CLI has no UI to keep alive and uses NEVER (no timer round trips).
 */

import type { TableOptions } from './options';

export class Yielder {
  private last = Date.now();

  constructor(private readonly budgetMs: number) {}

  /** True when the loop has worked for its budget since the last pause. */
  due(): boolean {
    return Date.now() - this.last >= this.budgetMs;
  }

  /** Lets timers and I/O callbacks run, then restarts the budget. */
  async pause(): Promise<void> {
    await new Promise<void>((resolve) => turn(resolve));
    this.last = Date.now();
  }
}

/** The shortest way to let pending I/O and timers run: setImmediate in Node, a 0 ms timer elsewhere. */
const turn: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (fn) => (globalThis as unknown as { setImmediate: (f: () => void) => void }).setImmediate(fn)
    : (fn) => setTimeout(fn, 0);

/** A Yielder that never pauses. */
export const NEVER = new Yielder(Infinity);

export function yielderFor(opts?: TableOptions): Yielder {
  return opts?.yieldEveryMs !== undefined && Number.isFinite(opts.yieldEveryMs) ? new Yielder(Math.max(1, opts.yieldEveryMs)) : NEVER;
}

/** Calls `fn` on each item, pausing between items when the yielder says the event loop is due a turn. */
export async function eachYielding<T>(items: readonly T[], y: Yielder, fn: (item: T) => void): Promise<void> {
  for (let i = 0; i < items.length; i++) {
    if ((i & 1023) === 0 && y.due()) await y.pause();
    fn(items[i]!);
  }
}
