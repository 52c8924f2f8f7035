/** Markdown for benchmark reports: measured cases, and targets with PASS/FAIL. */
import { ms } from '../stats';
import type { Measured } from './proc';

export interface Target {
  target: string;
  /** What was measured, e.g. `1.23 s / 1.50 s` or `42 ms`. */
  measured: string;
  /** The ratio or value compared with the limit. */
  value: number;
  limit: number;
  unit: '×' | 'ms';
  note?: string;
  /** Shown for context, not a target: no PASS/FAIL. */
  context?: boolean;
}

const fmt = (v: number, unit: Target['unit']) => (unit === '×' ? `${v.toFixed(2)}×` : `${ms(v)} ms`);

export function targetsTable(targets: Target[]): string {
  const result = (t: Target) => (t.context ? 'context' : Number.isFinite(t.value) && t.value <= t.limit ? 'PASS' : 'FAIL');
  const rows = targets.map((t) => `| ${t.target} | ${t.measured} | **${Number.isFinite(t.value) ? fmt(t.value, t.unit) : 'n/a'}** | ${t.context ? '' : `≤ ${fmt(t.limit, t.unit)}`} | ${result(t)}${t.note ? ` (${t.note})` : ''} |`);
  return ['| target | measured | value | limit | result |', '|---|---|---|---|---|', ...rows].join('\n');
}

/** Whole-process times in seconds; `failed` for a case without timings. */
export const sec = (x: number) => (!Number.isFinite(x) ? 'failed' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${(x / 1000).toFixed(2)} s`);

export function casesTable(cases: Measured[]): string {
  if (cases.length === 0) return '';
  const rows = cases.map((c) => {
    if (c.error) return `| ${c.name} | failed: ${c.error} | | |`;
    const t = c.runs.map((r) => r.ms);
    return `| ${c.name} | ${sec(c.ms)} | ${sec(Math.min(...t))}–${sec(Math.max(...t))} | ${c.rssMB.toFixed(0)} |`;
  });
  return ['| case (whole process) | median | min–max | peak RSS MB (median) |', '|---|---|---|---|', ...rows].join('\n');
}

export const byName = (cases: Measured[], name: string): Measured => {
  const c = cases.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}`);
  return c;
};
