/**
 * Time-travel preview: pick a version (number, timestamp, snapshot id or ref) with the history
 * beside it; rows stream into a virtualized grid page by page; "Diff with previous version"
 * counts rows added and removed first and shows them on demand; export and copy.
 */
import './style.css';
import { formatCount, isoTime, relativeTime } from '../../core/format';
import type { VersionItem } from '../../protocol/ipc';
import { Cancel, Copy, DidChange, Diff, type DiffCounts, DiffRows, Export, type Init, MoreVersions, Open, type Opened, Page, Ready, type Selection } from '../../protocol/timeTravel';
import { button, select } from '../shared/controls';
import { errorBox, h, replace } from '../shared/dom';
import { Grid } from '../shared/grid';
import { endpoint } from '../shared/vscode';

const app = document.getElementById('app')!;
let init: Init;
let opened: Opened | undefined;
let loading = false;
let error: string | undefined;
let diff: DiffCounts | 'loading' | string | undefined;
const copy = (text: string) => void endpoint.request(Copy, { text });
const grid = new Grid(200, copy, (m) => showError(m));
const diffGrid = new Grid(200, copy, (m) => showError(m));
let diffKind: 'added' | 'removed' | undefined;

function showError(m: string): void {
  error = m;
  render();
}

function versionText(v: VersionItem): string {
  return `${v.label}${v.operation ? ` ${v.operation}` : ''}`;
}

function pickers(): HTMLElement {
  const current = opened?.version.version ?? init.selection.version ?? init.versions[0]?.version ?? '';
  const opts = init.versions.map((v) => ({ value: v.version, label: versionText(v), description: v.timestamp ? isoTime(v.timestamp) : '' }));
  if (current && !opts.some((o) => o.value === current)) opts.unshift({ value: current, label: opened ? versionText(opened.version) : current, description: '' });
  const ts = h('input', { attrs: { type: 'datetime-local', step: 1, 'aria-label': 'As of time (UTC)' } });
  const sid = h('input', { attrs: { type: 'text', placeholder: 'snapshot id', 'aria-label': 'Snapshot id', size: 20 } });
  return h(
    'div',
    { class: 'pickers' },
    h('label', { class: 'inline' }, 'Version', select(opts, current, (v) => void open({ version: v }), 'Version')),
    h('label', { class: 'inline' }, 'As of (UTC)', ts, button('Go', () => {
      if (ts.value) void open({ timestamp: Date.parse(`${ts.value}Z`) });
    }, { secondary: true, title: 'The latest version committed at or before this time' })),
    init.table.format === 'iceberg' ? h('label', { class: 'inline' }, 'Snapshot', sid, button('Go', () => {
      if (sid.value.trim()) void open({ snapshotId: sid.value.trim() });
    }, { secondary: true })) : null,
    init.refs.length ? h('label', { class: 'inline' }, 'Ref', select([{ value: '', label: '—' }, ...init.refs.map((r) => ({ value: r, label: r }))], '', (r) => {
      if (r) void open({ ref: r });
    }, 'Branch or tag')) : null,
  );
}

function toolbar(): HTMLElement {
  const ok = !!opened && !loading;
  return h(
    'div',
    { class: 'pickers' },
    button('Diff with previous version', () => void runDiff(), { secondary: true, disabled: !ok }),
    h('span', { class: 'muted' }, 'Export:'),
    ...(['parquet', 'csv', 'jsonl'] as const).map((f) => button(f, () => void endpoint.request(Export, { token: opened!.token, format: f }).catch((e) => showError((e as Error).message)), { secondary: true, disabled: !ok, title: `Export this version as ${f}` })),
    button('Copy cell', () => grid.copyCell(), { secondary: true, disabled: !ok, title: 'Ctrl/Cmd+C in the grid' }),
    button('Copy row', () => grid.copyRow(), { secondary: true, disabled: !ok, title: 'Ctrl/Cmd+Shift+C in the grid' }),
    loading ? button('Cancel', () => void endpoint.request(Cancel, undefined), { secondary: true }) : null,
  );
}

function historyList(): HTMLElement {
  const current = opened?.version.version;
  return h(
    'aside',
    { class: 'history', attrs: { 'aria-label': 'History' } },
    h('h2', null, 'History'),
    ...init.versions.map((v) =>
      h('button', { class: v.version === current ? 'current' : '', attrs: { 'aria-current': v.version === current ? 'true' : undefined }, on: { click: () => void open({ version: v.version }) }, title: v.snapshotId ? `snapshot ${v.snapshotId}` : '' },
        versionText(v), h('span', { class: 'when' }, v.timestamp ? relativeTime(v.timestamp) : '')),
    ),
    init.more ? h('button', { class: 'more', on: { click: () => void more() } }, 'Older versions…') : null,
  );
}

function status(): HTMLElement {
  if (!opened) return h('div', { class: 'status' }, loading ? 'Loading…' : '');
  const v = opened.version;
  return h('div', { class: 'status', attrs: { role: 'status' } },
    h('span', null, 'Version ', h('strong', null, v.label), v.timestamp ? ` · ${isoTime(v.timestamp)}` : ''),
    v.snapshotId ? h('span', null, 'snapshot ', h('strong', { class: 'mono' }, v.snapshotId)) : null,
    h('span', null, h('strong', { class: 'row-count' }, formatCount(opened.totalRows)), ' rows'),
    h('span', null, `${opened.columns.length} columns`),
    loading ? h('span', null, 'Loading…') : null);
}

function diffBox(): HTMLElement | null {
  if (diff === undefined) return null;
  if (diff === 'loading') return h('div', { class: 'diffbox' }, 'Comparing with the previous version…');
  if (typeof diff === 'string') return h('div', { class: 'diffbox' }, errorBox(diff));
  const d = diff;
  return h('div', { class: 'diffbox', attrs: { 'aria-label': 'Diff with previous version' } },
    h('div', { class: 'counts' },
      d.against ? h('span', null, `Compared with ${d.against.label}:`) : h('span', null, 'First version: every row is new.'),
      h('span', { class: 'added-count' }, `+${formatCount(d.added)} added`),
      h('span', { class: 'removed-count' }, `−${formatCount(d.removed)} removed`),
      h('span', { class: 'muted' }, d.method),
      d.added ? button('Show added rows', () => void showDiffRows('added'), { secondary: true }) : null,
      d.removed ? button('Show removed rows', () => void showDiffRows('removed'), { secondary: true }) : null,
      button('Close', () => { diff = undefined; diffKind = undefined; render(); }, { secondary: true })),
    diffKind ? diffGrid.el : null);
}

function render(): void {
  replace(app,
    h('header', { class: 'view-header' }, h('h1', null, 'Rows · ', h('span', { class: 'mono' }, init.table.name)), pickers()),
    toolbar(),
    status(),
    ...(opened?.notes ?? []).map((n) => h('p', { class: 'notice' }, n)),
    error ? errorBox(error) : null,
    diffBox(),
    h('div', { class: 'layout' }, historyList(), h('div', { class: 'main' }, grid.el)));
}

async function open(sel: Selection): Promise<void> {
  loading = true;
  error = undefined;
  diff = undefined;
  diffKind = undefined;
  render();
  try {
    const o = await endpoint.request(Open, sel);
    opened = o;
    const first = await endpoint.request(Page, { token: o.token, offset: 0, limit: 200 });
    grid.setSource({ columns: o.columns, total: o.totalRows, fetch: (offset, limit) => endpoint.request(Page, { token: o.token, offset, limit }).then((p) => p.rows) }, first);
  } catch (err) {
    error = (err as Error).message;
  } finally {
    loading = false;
    render();
  }
}

async function runDiff(): Promise<void> {
  if (!opened) return;
  diff = 'loading';
  diffKind = undefined;
  render();
  try {
    diff = await endpoint.request(Diff, { token: opened.token });
  } catch (err) {
    diff = (err as Error).message;
  }
  render();
}

async function showDiffRows(kind: 'added' | 'removed'): Promise<void> {
  if (!opened || typeof diff !== 'object' || diff === null) return;
  const token = opened.token;
  diffKind = kind;
  const first = await endpoint.request(DiffRows, { token, kind, offset: 0, limit: 200 });
  diffGrid.setSource({ columns: first.columns, total: first.total, fetch: (offset, limit) => endpoint.request(DiffRows, { token, kind, offset, limit }).then((p) => p.rows) }, { offset: 0, rows: first.rows });
  render();
}

async function more(): Promise<void> {
  const r = await endpoint.request(MoreVersions, undefined);
  init = { ...init, versions: r.versions, more: r.more };
  render();
}

endpoint.on(DidChange, (i) => {
  init = i;
  render();
});

void endpoint.request(Ready, undefined).then(
  (i) => {
    init = i;
    render();
    void open(i.selection);
  },
  (err) => replace(app, errorBox((err as Error).message)),
);
