/**
 * File-size health view: verdict and commands first, then the size histogram (SVG drawn from
 * data) with the small-file threshold, partitions and skew, rows per file, deletes, log and
 * VACUUM facts, and a storage cost estimate.
 */
import './style.css';
import { formatBytes, formatCount } from '../../core/format';
import type { HealthReport } from '../../core/health';
import { Copy, DidChange, type Init, Ready, Refresh } from '../../protocol/health';
import { button } from '../shared/controls';
import { type Child, errorBox, h, replace, svg } from '../shared/dom';
import { endpoint } from '../shared/vscode';

const app = document.getElementById('app')!;

function pct(x: number | null | undefined): string {
  return x === null || x === undefined ? '-' : `${(x * 100).toFixed(x < 0.1 && x > 0 ? 1 : 0)}%`;
}

function card(value: string, label: string, title?: string): HTMLElement {
  return h('div', { class: 'card', ...(title ? { title } : {}) }, h('div', { class: 'value' }, value), h('div', { class: 'label' }, label));
}

function histogram(r: HealthReport): Child {
  const b = r.histogram;
  if (b.length === 0) return h('p', { class: 'muted' }, 'No data files.');
  const W = 880;
  const H = 240;
  const pad = { l: 48, r: 12, t: 14, b: 46 };
  const max = Math.max(...b.map((x) => x.files));
  const bw = Math.min(64, (W - pad.l - pad.r) / b.length);
  const y = (n: number) => pad.t + (H - pad.t - pad.b) * (1 - n / max);
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': `Histogram of ${r.files} data file sizes` });
  chart.appendChild(svg('line', { class: 'axis', x1: pad.l, y1: H - pad.b, x2: W - pad.r, y2: H - pad.b }));
  for (const t of [0, 0.5, 1]) {
    const n = Math.round(max * t);
    chart.appendChild(svg('line', { class: 'tick', x1: pad.l - 4, y1: y(n), x2: W - pad.r, y2: y(n), 'stroke-opacity': 0.4 }));
    chart.appendChild(svg('text', { x: pad.l - 8, y: y(n) + 4, 'text-anchor': 'end' }, formatCount(n)));
  }
  b.forEach((x, i) => {
    const bx = pad.l + i * bw;
    const rect = svg('rect', { class: `bar${x.small ? ' small' : ''}`, x: bx + 1, y: y(x.files), width: Math.max(1, bw - 2), height: H - pad.b - y(x.files) });
    rect.appendChild(svg('title', {}, `${formatBytes(x.lo)} – ${formatBytes(x.hi)}: ${formatCount(x.files)} files, ${formatBytes(x.bytes)}`));
    chart.appendChild(rect);
    if (b.length <= 16 || i % Math.ceil(b.length / 16) === 0) {
      chart.appendChild(svg('text', { x: bx + bw / 2, y: H - pad.b + 14, 'text-anchor': 'middle' }, formatBytes(x.lo)));
    }
  });
  // threshold marker: position on the log axis
  const first = b[0]!.lo;
  const pos = Math.log2(Math.max(1, r.threshold.bytes) / first);
  if (pos >= 0 && pos <= b.length) {
    const tx = pad.l + pos * bw;
    chart.appendChild(svg('line', { class: 'threshold', x1: tx, y1: pad.t - 4, x2: tx, y2: H - pad.b }));
    // the label sits on whichever side of the line has room
    const right = tx > W * 0.7;
    chart.appendChild(svg('text', { x: right ? tx - 4 : tx + 4, y: pad.t + 6, 'text-anchor': right ? 'end' : 'start' }, `small < ${formatBytes(r.threshold.bytes)}`));
  }
  chart.appendChild(svg('text', { x: (W + pad.l) / 2, y: H - 8, 'text-anchor': 'middle' }, 'file size (log scale)'));
  return h('div', null, chart, h('div', { class: 'legend' },
    h('span', null, h('span', { class: 'swatch normal' }), 'files'),
    h('span', null, h('span', { class: 'swatch small' }), 'small files'),
    h('span', null, h('span', { class: 'swatch threshold' }), `threshold: ${r.threshold.source}`)));
}

function actions(r: HealthReport): Child {
  if (r.verdict.actions.length === 0) return null;
  return h('section', { class: 'actions' }, h('h2', null, 'Recommended actions'),
    ...r.verdict.actions.map((a) =>
      h('div', { class: 'action' },
        h('h3', null, a.title),
        h('div', { class: 'muted' }, a.why),
        a.command ? h('pre', { class: 'mono' }, a.command) : null,
        a.command ? button('Copy command', () => void endpoint.request(Copy, { text: a.command }), { secondary: true }) : null,
        a.alternative ? h('details', null, h('summary', { class: 'muted' }, 'Other engine'), h('pre', { class: 'mono' }, a.alternative),
          button('Copy', () => void endpoint.request(Copy, { text: a.alternative! }), { secondary: true })) : null,
      ),
    ),
  );
}

function partitions(r: HealthReport): Child {
  const p = r.partitions;
  if (p.count === 0) return null;
  return h('section', null,
    h('h2', null, `Partitions (${formatCount(p.count)})`),
    h('p', { class: p.skew !== null && p.skew >= 10 ? 'notice' : 'muted' },
      p.skew !== null ? `Largest partition ${formatBytes(p.maxBytes)}, median ${formatBytes(p.medianBytes)}: skew ${p.skew.toFixed(1)}×.` : 'One partition.'),
    h('table', { class: 'grid' }, h('thead', null, h('tr', null, h('th', null, 'Partition'), h('th', null, 'Files'), h('th', null, 'Bytes'))),
      h('tbody', null, ...p.top.map((t) => h('tr', null, h('td', { class: 'mono' }, t.key), h('td', null, formatCount(t.files)), h('td', null, formatBytes(t.bytes)))))),
  );
}

function render(init: Init): void {
  const r = init.report;
  const verdictText = { healthy: 'Healthy', attention: 'Needs attention', action: 'Action recommended' }[r.verdict.level];
  const cards: Child[] = [
    card(formatCount(r.files), 'data files'),
    card(formatBytes(r.bytes), 'live data'),
    card(`${formatCount(r.smallFiles)} (${pct(r.smallShare)})`, `small files (< ${formatBytes(r.threshold.bytes)})`, r.threshold.source),
    r.rowsPerFile ? card(formatCount(Math.round(r.rowsPerFile.median)), 'median rows per file', `min ${formatCount(r.rowsPerFile.min)}, max ${formatCount(r.rowsPerFile.max)}, mean ${formatCount(Math.round(r.rowsPerFile.mean))}`) : null,
    r.deletes.filesWithDeletionVectors ? card(formatCount(r.deletes.filesWithDeletionVectors), 'files with deletion vectors') : null,
    r.deletes.deletedShare !== null && r.deletes.deletedRows ? card(pct(r.deletes.deletedShare), `rows deleted (${formatCount(r.deletes.deletedRows)})`) : null,
    r.deletes.deleteFiles ? card(formatCount(r.deletes.deleteFiles), `delete files (${(r.deletes.deleteFilesPerDataFile ?? 0).toFixed(2)} per data file)`) : null,
    r.log ? card(formatCount(r.log.commitsSinceCheckpoint), 'commits since checkpoint', r.log.lastCheckpointVersion !== null ? `last checkpoint at version ${r.log.lastCheckpointVersion}` : 'no checkpoint') : null,
    r.log ? card(formatCount(r.log.versions), 'commits in the log') : null,
    r.iceberg ? card(formatCount(r.iceberg.snapshots), 'snapshots') : null,
    r.iceberg ? card(formatCount(r.iceberg.manifests), 'manifests') : null,
    r.hudi ? card(formatCount(r.hudi.logFiles), 'log files') : null,
    r.hudi ? card(formatCount(r.hudi.pendingCompactions), 'pending compactions') : null,
    r.vacuum ? card(formatBytes(r.vacuum.reclaimableBytes), `VACUUM would reclaim (${formatCount(r.vacuum.reclaimableFiles)} files past ${r.vacuum.retentionHours} h)`, `${formatCount(r.vacuum.tombstones)} tombstones, ${formatBytes(r.vacuum.tombstoneBytes)}${r.vacuum.unknownSizes ? `; ${r.vacuum.unknownSizes} without a recorded size` : ''}`) : null,
    card(r.cost.perMonth < 0.01 ? '< $0.01' : `$${r.cost.perMonth.toFixed(2)}`, `per month at $${r.cost.pricePerGbMonth}/GB`, r.cost.totalGb > r.cost.liveGb ? `$${r.cost.totalPerMonth.toFixed(4)} including removed files not yet vacuumed` : undefined),
  ];
  replace(app,
    h('header', { class: 'view-header' }, h('h1', null, 'File health · ', h('span', { class: 'mono' }, init.table.name)), h('span', { class: 'muted' }, `version ${init.version}`),
      button('Refresh', () => void refresh(), { secondary: true })),
    h('div', { class: `verdict ${r.verdict.level}`, attrs: { role: 'status' } }, h('strong', null, verdictText), h('span', null, r.verdict.summary)),
    actions(r),
    h('section', null, h('div', { class: 'cards' }, ...cards)),
    h('section', null, h('h2', null, 'File sizes'), histogram(r)),
    partitions(r),
  );
}

async function refresh(): Promise<void> {
  try {
    render(await endpoint.request(Refresh, undefined));
  } catch (err) {
    replace(app, errorBox((err as Error).message));
  }
}

endpoint.on(DidChange, (i) => render(i));
void endpoint.request(Ready, undefined).then(render, (err) => replace(app, errorBox((err as Error).message)));
