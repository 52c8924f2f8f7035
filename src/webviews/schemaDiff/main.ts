/**
 * Schema diff view: pick two versions, see added / removed / renamed / retyped fields as a unified
 * tree or side by side, partitioning and property changes, and any column's lineage.
 */
import './style.css';
import { formatCount, inertText, isoTime, relativeTime } from '../../core/format';
import type { DiffNode, LineageEvent, SchemaDiff } from '../../core/schemaDiff';
import type { VersionItem } from '../../protocol/ipc';
import { DidChange, Diff, type Init, Lineage, MoreVersions, Ready } from '../../protocol/schemaDiff';
import { button, checkbox, select } from '../shared/controls';
import { errorBox, h, replace } from '../shared/dom';
import { endpoint, getState, setState } from '../shared/vscode';

interface ViewState {
  mode: 'unified' | 'side';
  onlyChanges: boolean;
}

const app = document.getElementById('app')!;
let init: Init;
let from = '';
let to = '';
let diff: SchemaDiff | undefined;
let lineage: { path: string[]; events: LineageEvent[] | string } | undefined;
const vs = getState<ViewState>();
let mode: ViewState['mode'] = vs.mode ?? 'unified';
let onlyChanges = vs.onlyChanges ?? false;

function versionOptions(vers: VersionItem[]) {
  return vers.map((v) => ({ value: v.version, label: `${v.label}  ${v.operation ?? ''}`, description: v.timestamp ? `${isoTime(v.timestamp)} (${relativeTime(v.timestamp)})` : '' }));
}

function header(): HTMLElement {
  const opts = versionOptions(init.versions);
  return h(
    'header',
    { class: 'view-header' },
    h('h1', null, 'Schema diff · ', h('span', { class: 'mono' }, init.table.name)),
    h('label', { class: 'inline' }, 'From', select(opts, from, (v) => void load(v, to), 'Older version')),
    h('label', { class: 'inline' }, 'To', select(opts, to, (v) => void load(from, v), 'Newer version')),
    button('Swap', () => void load(to, from), { secondary: true, title: 'Swap the two versions' }),
    init.more ? button('Older versions…', () => void more(), { secondary: true }) : null,
    button(mode === 'unified' ? 'Side by side' : 'Unified', () => {
      mode = mode === 'unified' ? 'side' : 'unified';
      setState<ViewState>({ mode });
      render();
    }, { secondary: true }),
    checkbox('Only changes', onlyChanges, (v) => {
      onlyChanges = v;
      setState<ViewState>({ onlyChanges });
      render();
    }),
  );
}

function summary(d: SchemaDiff): HTMLElement {
  const count = (k: string) => d.changes.filter((c) => c.kind === k).length;
  const chip = (n: number, label: string, cls: string) => (n ? h('span', { class: `chip ${cls}` }, `${formatCount(n)} ${label}`) : null);
  const total = d.changes.length + d.properties.length + (d.partitioning ? 1 : 0);
  return h(
    'section',
    { attrs: { 'aria-label': 'Summary' } },
    total === 0
      ? h('p', { class: 'notice' }, 'No differences: both versions have the same schema, partitioning and properties.')
      : h(
          'div',
          { class: 'chips' },
          chip(count('added'), 'added', 'added'),
          chip(count('removed'), 'removed', 'removed'),
          chip(count('renamed'), 'renamed', 'changed'),
          chip(count('type-changed'), 'type changed', 'changed'),
          chip(count('nullability-changed'), 'nullability changed', 'changed'),
          chip(count('doc-changed') + count('metadata-changed') + count('default-changed'), 'comment/metadata changed', 'changed'),
          d.partitioning ? h('span', { class: 'chip changed' }, 'partitioning changed') : null,
          chip(d.properties.length, 'properties changed', 'changed'),
        ),
  );
}

function changeText(n: DiffNode): Node {
  if (n.status === 'added') return document.createTextNode('added');
  if (n.status === 'removed') return document.createTextNode('removed');
  const parts: Node[] = [];
  for (const k of n.changes) {
    if (k === 'type-changed') {
      const c = diff!.changes.find((x) => x.kind === 'type-changed' && x.after === n.newType && x.before === n.oldType);
      parts.push(h('span', { class: c?.widening === 'safe' ? 'safe' : 'unsafe' }, c?.widening === 'safe' ? 'type widened (safe)' : 'type changed'));
    } else if (k === 'renamed') parts.push(document.createTextNode(inertText(`renamed from ${n.oldName ?? ''}`)));
    else parts.push(document.createTextNode(k.replace('-', ' ')));
  }
  return h('span', null, ...parts.flatMap((p, i) => (i ? [', ', p] : [p])));
}

function hasChange(n: DiffNode): boolean {
  return n.status !== 'same' || n.children.some(hasChange);
}

function nullText(v: boolean | undefined): string {
  return v === undefined ? '' : v ? '' : ' not null';
}

function unifiedRows(nodes: DiffNode[], depth: number, path: string[], out: HTMLElement[]): void {
  for (const n of nodes) {
    if (onlyChanges && !hasChange(n)) continue;
    const p = [...path, n.name];
    out.push(
      h(
        'tr',
        { class: n.status },
        h('td', { class: 'name' }, h('span', { class: 'indent', style: { width: `${depth * 16}px` } }), n.name, n.id !== undefined ? h('span', { class: 'muted' }, `  #${n.id}`) : null),
        h('td', { class: 'before mono' }, n.oldType !== undefined ? n.oldType + nullText(n.oldNullable) : ''),
        h('td', { class: 'after mono' }, n.newType !== undefined ? n.newType + nullText(n.newNullable) : ''),
        h('td', { class: 'change' }, n.status === 'same' ? '' : changeText(n)),
        h('td', null, n.status !== 'removed' ? h('button', { class: 'link', title: `When was ${p.join('.')} added or changed?`, on: { click: () => void showLineage(p) } }, 'history') : null),
      ),
    );
    unifiedRows(n.children, depth + 1, p, out);
  }
}

function sideRows(nodes: DiffNode[], depth: number, side: 'old' | 'new', out: HTMLElement[]): void {
  for (const n of nodes) {
    if (onlyChanges && !hasChange(n)) continue;
    const present = side === 'old' ? n.status !== 'added' : n.status !== 'removed';
    const name = side === 'old' ? n.oldName ?? n.name : n.name;
    const type = side === 'old' ? n.oldType : n.newType;
    out.push(
      present
        ? h('tr', { class: n.status }, h('td', { class: 'name' }, h('span', { class: 'indent', style: { width: `${depth * 16}px` } }), name), h('td', { class: side === 'old' ? 'before mono' : 'after mono' }, type ?? ''))
        : h('tr', { class: n.status }, h('td', { class: 'empty', attrs: { colspan: 2 } }, ' ')),
    );
    sideRows(n.children, depth + 1, side, out);
  }
}

function label(version: string): string {
  return init.versions.find((v) => v.version === version)?.label ?? version;
}

function body(d: SchemaDiff): HTMLElement {
  const sections: HTMLElement[] = [summary(d)];
  if (mode === 'unified') {
    const rows: HTMLElement[] = [];
    unifiedRows(d.tree, 0, [], rows);
    sections.push(
      h('section', { attrs: { 'aria-label': 'Fields' } },
        h('table', { class: 'grid diff' }, h('thead', null, h('tr', null, h('th', null, 'Column'), h('th', null, label(from)), h('th', null, label(to)), h('th', null, 'Change'), h('th', null, ''))), h('tbody', null, ...rows)),
      ),
    );
  } else {
    const left: HTMLElement[] = [];
    const right: HTMLElement[] = [];
    sideRows(d.tree, 0, 'old', left);
    sideRows(d.tree, 0, 'new', right);
    const side = (title: string, rows: HTMLElement[]) => h('div', { class: 'side' }, h('h3', null, title), h('table', { class: 'grid diff' }, h('tbody', null, ...rows)));
    sections.push(h('section', { class: 'sbs', attrs: { 'aria-label': 'Fields side by side' } }, side(label(from), left), side(label(to), right)));
  }
  if (d.partitioning) {
    sections.push(h('section', null, h('h2', null, 'Partitioning'), h('p', { class: 'mono' }, `${d.partitioning.before.join(', ') || '(none)'}  →  ${d.partitioning.after.join(', ') || '(none)'}`)));
  }
  if (d.properties.length) {
    sections.push(
      h('section', { class: 'props' }, h('h2', null, 'Table properties'),
        h('table', { class: 'grid' }, h('thead', null, h('tr', null, h('th', null, 'Property'), h('th', null, label(from)), h('th', null, label(to)))),
          h('tbody', null, ...d.properties.map((p) => h('tr', { class: p.before === undefined ? 'added' : p.after === undefined ? 'removed' : 'changed' }, h('td', { class: 'key name' }, p.key), h('td', { class: 'before mono' }, p.before ?? ''), h('td', { class: 'after mono' }, p.after ?? ''))))),
      ),
    );
  }
  if (lineage) sections.push(lineageBox());
  return h('div', null, ...sections);
}

function lineageBox(): HTMLElement {
  const l = lineage!;
  const content =
    typeof l.events === 'string'
      ? errorBox(l.events)
      : l.events.length === 0
        ? h('p', { class: 'muted' }, 'No history found for this column.')
        : h('table', { class: 'grid' }, h('thead', null, h('tr', null, h('th', null, 'Version'), h('th', null, 'When'), h('th', null, 'What'), h('th', null, 'Details'))),
            h('tbody', null, ...l.events.map((e) => h('tr', { class: e.kind === 'added' ? 'added' : e.kind === 'removed' ? 'removed' : 'changed' }, h('td', null, label(String(e.version))), h('td', null, e.timestamp ? isoTime(e.timestamp) : '-'), h('td', { class: 'name' }, e.kind.replace('-', ' ')), h('td', { class: 'mono' }, e.detail ?? '')))));
  return h('section', { class: 'lineage', attrs: { 'aria-label': 'Column lineage' } },
    h('h2', null, 'Lineage of ', h('span', { class: 'mono' }, l.path.join('.'))),
    content,
    button('Close', () => { lineage = undefined; render(); }, { secondary: true }));
}

function render(error?: string): void {
  replace(app, header(), error ? errorBox(error) : diff ? body(diff) : h('p', { class: 'loading' }, 'Comparing…'));
}

async function load(a: string, b: string): Promise<void> {
  from = a;
  to = b;
  diff = undefined;
  render();
  try {
    const r = await endpoint.request(Diff, { from, to });
    if (r.from !== from || r.to !== to) return; // a newer request superseded this one
    diff = r.diff;
    render();
  } catch (err) {
    render((err as Error).message);
  }
}

async function more(): Promise<void> {
  const r = await endpoint.request(MoreVersions, undefined);
  init = { ...init, versions: r.versions, more: r.more };
  render();
}

async function showLineage(path: string[]): Promise<void> {
  lineage = { path, events: [] };
  try {
    lineage = { path, events: await endpoint.request(Lineage, { path }) };
  } catch (err) {
    lineage = { path, events: (err as Error).message };
  }
  render();
}

endpoint.on(DidChange, (i) => {
  init = i;
  void load(init.versions.some((v) => v.version === from) ? from : i.from, i.to);
});

void endpoint.request(Ready, undefined).then(
  (i) => {
    init = i;
    if (i.versions.length < 2) {
      replace(app, header(), h('p', { class: 'notice' }, 'This table has a single version: there is nothing to compare yet.'));
      return;
    }
    void load(i.from, i.to);
  },
  (err) => replace(app, errorBox((err as Error).message)),
);
