/** Messages of the file-size health view. */
import type { HealthReport } from '../core/health';
import { type TableRef, call } from './ipc';

const scope = 'health';

export interface Init {
  table: TableRef;
  version: string;
  report: HealthReport;
}

export const Ready = call<void, Init>(scope, 'ready');
export const Copy = call<{ text: string }, void>(scope, 'copy');
export const Refresh = call<void, Init>(scope, 'refresh');
export const DidChange = call<Init>(scope, 'didChange');
