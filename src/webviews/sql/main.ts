/**
 * SQL console over one table version, visible as the view `t`: an editor with column completion,
 * Run (Ctrl/Cmd+Enter) and Cancel, results in the virtualized grid with types, row count and
 * elapsed time, errors inline (DuckDB marks the position), per-table query history, export.
 */
import './style.css';
import { countOf, formatCount } from '../../core/format';
import { Cancel, Columns, Copy, DidChange, ExportResult, type Init, Ready, Rows, Run, type RunResult } from '../../protocol/sql';
import { button, select } from '../shared/controls';
import { errorBox, h, replace } from '../shared/dom';
import { Grid } from '../shared/grid';
import { endpoint, getState, setState } from '../shared/vscode';

interface ViewState {
  query: string;
  version: string;
}

const app = document.getElementById('app')!;
let init: Init;
let version = '';
let running = false;
let result: RunResult | undefined;
let error: string | undefined;
let columns: string[] = [];
const grid = new Grid(200, (text) => void endpoint.request(Copy, { text }), (m) => {
  error = m;
  renderStatus();
});

const editor = h('textarea', { class: 'editor', attrs: { spellcheck: 'false', 'aria-label': 'SQL query (the table version is t)', autocomplete: 'off' } });
const suggest = h('div', { class: 'suggest', attrs: { hidden: true, role: 'listbox' } });
const statusEl = h('div', { class: 'status-area' });
let active = 0;
let matches: string[] = [];

const KEYWORDS = ['SELECT', 'FROM', 'WHERE', 'GROUP BY', 'ORDER BY', 'LIMIT', 'COUNT(*)', 'DISTINCT', 'HAVING', 'JOIN', 'AS', 'AND', 'OR', 'NOT', 'NULL', 'IS', 'IN', 'LIKE', 'DESC', 'ASC', 'SUMMARIZE', 'DESCRIBE'];

/** The identifier being typed at the caret. */
function wordAtCaret(): { word: string; start: number } {
  const pos = editor.selectionStart;
  const before = editor.value.slice(0, pos);
  const m = /[A-Za-z_][A-Za-z0-9_]*$/.exec(before);
  return m ? { word: m[0], start: pos - m[0].length } : { word: '', start: pos };
}

function updateSuggest(force = false): void {
  const { word } = wordAtCaret();
  if (!force && word.length < 1) return hideSuggest();
  const w = word.toLowerCase();
  matches = [...columns, 't', ...KEYWORDS].filter((c) => c.toLowerCase().startsWith(w) && c !== word).slice(0, 50);
  if (matches.length === 0) return hideSuggest();
  active = 0;
  suggest.hidden = false;
  replace(suggest, ...matches.map((m, i) => {
    const el = h('div', { class: i === 0 ? 'active' : '', attrs: { role: 'option' } }, m);
    el.addEventListener('mousedown', (e) => (e.preventDefault(), accept(m)));
    return el;
  }));
  const lines = editor.value.slice(0, editor.selectionStart).split('\n');
  suggest.style.top = `${Math.min(editor.clientHeight, 8 + lines.length * 18) + 4}px`;
  suggest.style.left = `${Math.min(editor.clientWidth - 170, 8 + (lines.at(-1)?.length ?? 0) * 7.2)}px`;
}

function hideSuggest(): void {
  suggest.hidden = true;
  matches = [];
}

function accept(m: string): void {
  const { start } = wordAtCaret();
  const pos = editor.selectionStart;
  const ident = /^[A-Za-z_][A-Za-z0-9_]*$/.test(m) || KEYWORDS.includes(m) ? m : `"${m.replace(/"/g, '""')}"`;
  editor.setRangeText(ident, start, pos, 'end');
  hideSuggest();
  setState<ViewState>({ query: editor.value });
}

editor.addEventListener('input', () => {
  setState<ViewState>({ query: editor.value });
  updateSuggest();
});
editor.addEventListener('blur', () => hideSuggest());
editor.addEventListener('keydown', (e) => {
  if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
    e.preventDefault();
    hideSuggest();
    void run();
    return;
  }
  if (e.ctrlKey && e.key === ' ') {
    e.preventDefault();
    updateSuggest(true);
    return;
  }
  if (suggest.hidden) return;
  if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
    e.preventDefault();
    active = (active + (e.key === 'ArrowDown' ? 1 : matches.length - 1)) % matches.length;
    [...suggest.children].forEach((c, i) => c.classList.toggle('active', i === active));
    (suggest.children[active] as HTMLElement | undefined)?.scrollIntoView({ block: 'nearest' });
  } else if (e.key === 'Tab' || e.key === 'Enter') {
    e.preventDefault();
    accept(matches[active]!);
  } else if (e.key === 'Escape') hideSuggest();
});

function renderStatus(): void {
  const parts: (Node | null)[] = [];
  if (running) parts.push(h('p', { class: 'result-info', attrs: { role: 'status' } }, 'Running…'));
  else if (result) {
    parts.push(h('p', { class: 'result-info', attrs: { role: 'status' } },
      `${countOf(result.rowCount, 'row')}${result.truncated ? ` (first ${formatCount(init.maxRows)} shown; export writes all)` : ''} · ${countOf(result.columns.length, 'column')} · ${result.elapsedMs < 1000 ? `${result.elapsedMs} ms` : `${(result.elapsedMs / 1000).toFixed(2)} s`}`));
  }
  for (const n of result && !running ? result.notes : []) parts.push(h('p', { class: 'notice', attrs: { role: 'note' } }, n));
  if (error) parts.push(h('div', { class: 'error', attrs: { role: 'alert' } }, h('pre', { class: 'sql-error mono' }, error)));
  replace(statusEl, ...parts);
}

function historyList(): HTMLElement {
  return h('aside', { class: 'history', attrs: { 'aria-label': 'Query history' } },
    h('h2', null, 'History'),
    ...(init.history.length ? init.history.map((q) => h('button', { title: q, on: { click: () => { editor.value = q; setState<ViewState>({ query: q }); editor.focus(); } } }, q.replace(/\s+/g, ' '))) : [h('p', { class: 'muted', style: { padding: '0 8px' } }, 'Queries you run appear here.')]));
}

function render(): void {
  const opts = init.versions.map((v) => ({ value: v.version, label: `${v.label}${v.operation ? ` ${v.operation}` : ''}` }));
  if (!opts.some((o) => o.value === version)) opts.unshift({ value: version, label: version });
  replace(app,
    h('header', { class: 'view-header' },
      h('h1', null, 'SQL · ', h('span', { class: 'mono' }, init.table.name)),
      h('label', { class: 'inline' }, 'Version', select(opts, version, (v) => {
        version = v;
        setState<ViewState>({ version: v });
        void endpoint.request(Columns, { version: v }).then((c) => (columns = c), () => undefined);
      }, 'Table version queried as t')),
      h('span', { class: 'muted' }, 'query the version as ', h('code', null, 't'))),
    h('div', { class: 'editor-wrap' }, editor, suggest),
    h('div', { class: 'bar' },
      button('Run', () => void run(), { title: 'Run (Ctrl/Cmd+Enter)', disabled: running }),
      button('Cancel', () => void endpoint.request(Cancel, undefined), { secondary: true, disabled: !running }),
      h('span', { class: 'muted' }, h('span', { class: 'kbd' }, 'Ctrl'), '+', h('span', { class: 'kbd' }, 'Enter'), ' runs · ', h('span', { class: 'kbd' }, 'Ctrl'), '+', h('span', { class: 'kbd' }, 'Space'), ' completes'),
      h('span', { class: 'muted' }, 'Export result:'),
      ...(['csv', 'jsonl', 'parquet'] as const).map((f) => button(f, () => void endpoint.request(ExportResult, { query: editor.value, version, format: f }).catch((e) => {
        error = (e as Error).message;
        renderStatus();
      }), { secondary: true, disabled: running || !result })),
    ),
    statusEl,
    h('div', { class: 'layout' }, h('div', { class: 'results' }, grid.el), historyList()));
  renderStatus();
}

async function run(): Promise<void> {
  if (running || !editor.value.trim()) return;
  running = true;
  error = undefined;
  render();
  try {
    result = await endpoint.request(Run, { query: editor.value, version });
    const r = result;
    grid.setSource({ columns: r.columns, total: r.rowCount, fetch: (offset, limit) => endpoint.request(Rows, { runId: r.runId, offset, limit }).then((p) => p.rows) }, { offset: 0, rows: r.rows });
    if (!init.history.includes(editor.value.trim())) init.history = [editor.value.trim(), ...init.history].slice(0, 50);
  } catch (err) {
    result = undefined;
    error = (err as Error).message;
    grid.setSource({ columns: [], total: 0, fetch: async () => [] });
  } finally {
    running = false;
    render();
  }
}

endpoint.on(DidChange, (i) => {
  init = { ...i, history: init.history };
  render();
});

void endpoint.request(Ready, undefined).then(
  (i) => {
    init = i;
    const st = getState<ViewState>();
    version = st.version && i.versions.some((v) => v.version === st.version) ? st.version : i.version;
    editor.value = st.query ?? i.initialQuery;
    columns = i.columns;
    render();
    editor.focus();
  },
  (err) => replace(app, errorBox((err as Error).message)),
);
