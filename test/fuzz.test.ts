/**
 * The mutation fuzzer (test/helpers/fuzz.ts) as a test: N seeded cases over damaged corpus tables,
 * run in worker threads so that a case stuck in a loop can be stopped (per-case time limit) and one
 * that allocates without bound hits the worker's heap limit instead of the machine's. Zero
 * failures allowed: every case must read or throw a LakeError.
 *
 *   npm test                      10,000 cases, fixed seed (CI: about 20-40 s on 2 cores)
 *   npm run fuzz                  100,000 cases, a fresh seed each run
 *   LAKELENS_FUZZ_CASES=… LAKELENS_FUZZ_SEED=…|random LAKELENS_FUZZ_WORKERS=… LAKELENS_FUZZ_ONLY=<case>
 *
 * A failure prints its seed and case index; LAKELENS_FUZZ_SEED=<seed> LAKELENS_FUZZ_ONLY=<index>
 * replays exactly that case in the main thread, with the full stack.
 */
import assert from 'node:assert/strict';
import * as os from 'node:os';
import { test } from 'node:test';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { makeCase, runCase } from './helpers/fuzz';

const CASES = Number(process.env.LAKELENS_FUZZ_CASES ?? 10_000);
const SEED = process.env.LAKELENS_FUZZ_SEED === 'random' ? Date.now() % 1_000_000_007 : Number(process.env.LAKELENS_FUZZ_SEED ?? 8);
const WORKERS = Number(process.env.LAKELENS_FUZZ_WORKERS ?? Math.min(2, os.cpus().length || 1));
/** A case taking longer than this is a hang (generous: CI machines are slow and shared). */
const CASE_LIMIT_MS = Number(process.env.LAKELENS_FUZZ_CASE_MS ?? 10_000);
const HEAP_MB = 768;

interface Failure {
  index: number;
  table: string;
  steps: string[];
  error: string;
}

type FromWorker = { type: 'start'; index: number } | { type: 'done'; index: number; outcomes: string[]; failure?: Failure } | { type: 'finished' };

function describeError(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message.slice(0, 500)}\n${err.stack?.split('\n').slice(1, 6).join('\n') ?? ''}` : String(err);
}

if (!isMainThread) {
  // worker: run cases [from, to) and report each
  const { seed, from, to } = workerData as { seed: number; from: number; to: number };
  // a promise the readers started and nobody awaited failing is a failure of the case that started it
  const stray: unknown[] = [];
  process.on('unhandledRejection', (e) => void stray.push(e));
  void (async () => {
    for (let i = from; i < to; i++) {
      parentPort!.postMessage({ type: 'start', index: i } satisfies FromWorker);
      const c = makeCase(seed, i);
      let { failure, outcomes } = await runCase(c);
      await new Promise((r) => setImmediate(r)); // let unhandled rejections of this case surface now
      if (failure === undefined && stray.length > 0) failure = new Error(`unhandled rejection: ${describeError(stray.splice(0)[0])}`);
      const msg: FromWorker = { type: 'done', index: i, outcomes };
      if (failure !== undefined) msg.failure = { index: i, table: c.table, steps: c.steps, error: describeError(failure) };
      parentPort!.postMessage(msg);
    }
    parentPort!.postMessage({ type: 'finished' } satisfies FromWorker);
  })();
} else if (process.env.LAKELENS_FUZZ_ONLY !== undefined) {
  test(`fuzz: replay case ${process.env.LAKELENS_FUZZ_ONLY} of seed ${SEED}`, async () => {
    const stray: unknown[] = [];
    const onStray = (e: unknown) => void stray.push(e);
    process.on('unhandledRejection', onStray);
    const c = makeCase(SEED, Number(process.env.LAKELENS_FUZZ_ONLY));
    console.log(c.table, c.steps);
    const { failure, outcomes } = await runCase(c);
    await new Promise((r) => setImmediate(r));
    process.removeListener('unhandledRejection', onStray);
    console.log(outcomes);
    if (failure !== undefined) throw failure;
    if (stray.length > 0) throw stray[0];
  });
} else {
  test(`fuzz: ${CASES} damaged tables (seed ${SEED}) read or fail with a LakeError, each within ${CASE_LIMIT_MS} ms`, { timeout: Math.max(120_000, CASES * 50) }, async (t) => {
    const t0 = Date.now();
    const failures: Failure[] = [];
    const outcomes = new Map<string, number>();
    let done = 0;
    // each worker takes a contiguous range; a stuck or crashed worker is replaced from the next case
    const runRange = (from: number, to: number): Promise<void> =>
      new Promise((resolve) => {
        if (from >= to) return resolve();
        const w = new Worker(__filename, { workerData: { seed: SEED, from, to }, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
        let current = from;
        let started = Date.now();
        let settled = false;
        const finish = (next?: number) => {
          if (settled) return;
          settled = true;
          clearInterval(watchdog);
          void w.terminate();
          resolve(next !== undefined ? runRange(next, to) : undefined);
        };
        const watchdog = setInterval(() => {
          if (Date.now() - started > CASE_LIMIT_MS) {
            const c = makeCase(SEED, current);
            failures.push({ index: current, table: c.table, steps: c.steps, error: `hang: no result after ${CASE_LIMIT_MS} ms` });
            done++;
            finish(current + 1);
          }
        }, 250);
        w.on('message', (m: FromWorker) => {
          if (settled) return;
          if (m.type === 'start') {
            current = m.index;
            started = Date.now();
          } else if (m.type === 'done') {
            done++;
            for (const o of m.outcomes) outcomes.set(o, (outcomes.get(o) ?? 0) + 1);
            if (m.failure) failures.push(m.failure);
          } else finish();
        });
        w.on('error', (err) => {
          if (settled) return;
          // out of memory, or an exception outside any case's promise
          const c = makeCase(SEED, current);
          failures.push({ index: current, table: c.table, steps: c.steps, error: `worker died: ${describeError(err)}` });
          done++;
          finish(current + 1);
        });
        w.on('exit', () => finish());
      });
    const per = Math.ceil(CASES / WORKERS);
    await Promise.all(Array.from({ length: WORKERS }, (_, k) => runRange(k * per, Math.min(CASES, (k + 1) * per))));
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    t.diagnostic(`fuzz: ${done} cases in ${secs} s on ${WORKERS} worker(s), seed ${SEED}, ${failures.length} failure(s)`);
    t.diagnostic(`outcomes: ${[...outcomes].sort().map(([k, n]) => `${k} ${n}`).join(', ')}`);
    // the fuzzer must reach past opening: most damage is local, so most entry points still succeed
    assert.ok((outcomes.get('snapshot:ok') ?? 0) > CASES / 4, 'too few cases got as far as a snapshot');
    const report = failures
      .slice(0, 15)
      .map((f) => `case ${f.index} (${f.table}; ${f.steps.join('; ')}):\n  ${f.error.replace(/\n/g, '\n  ')}\n  replay: LAKELENS_FUZZ_SEED=${SEED} LAKELENS_FUZZ_ONLY=${f.index} node --test out/test/fuzz.test.js`)
      .join('\n');
    assert.equal(done, CASES, 'every case ran');
    assert.equal(failures.length, 0, `${failures.length} case(s) failed:\n${report}`);
  });
}
