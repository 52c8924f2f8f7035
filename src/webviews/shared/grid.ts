/**
 * A virtualized data grid: only the rows in view are in the DOM, fetched page by page from a
 * source (the engine, through the host), so a table of a billion rows costs what a screenful
 * costs. Cells are text nodes (values are untrusted); NULL is shown distinct from the empty
 * string; nested values open in a detail pane. Arrow keys move the selected cell, Ctrl/Cmd+C
 * copies it, Ctrl/Cmd+Shift+C copies the row as JSON.
 */
import type { Cell, Column, Row } from '../../protocol/rows';
import { h, replace } from './dom';
import { inertText } from '../../core/format';

export interface GridSource {
  columns: Column[];
  total: number;
  fetch(offset: number, limit: number): Promise<Row[]>;
}

const ROW_H = 24;
/** Browsers cap element heights; beyond this the scrollbar maps to rows proportionally. */
const MAX_PX = 8_000_000;
const MAX_PAGES = 60;

/** Text width in pixels for a font given as CSS values (variables resolved on the page). */
function measurer(family: string, size: string, weight = 'normal'): (text: string) => number {
  const probe = h('span', { style: { 'font-family': family, 'font-size': size, 'font-weight': weight, position: 'absolute', visibility: 'hidden' } });
  document.body.appendChild(probe);
  const cs = getComputedStyle(probe);
  const font = `${weight} ${cs.fontSize} ${cs.fontFamily}`;
  probe.remove();
  const ctx = document.createElement('canvas').getContext('2d');
  if (!ctx) return (t) => t.length * 8;
  ctx.font = font;
  return (t) => ctx.measureText(t).width;
}

export function cellText(v: Cell): string {
  if (v === null) return 'NULL';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function renderCell(v: Cell, onNested: () => void): Node {
  if (v === null) return h('span', { class: 'null' }, 'NULL');
  if (v === '') return h('span', { class: 'empty', title: 'empty string' }, '""');
  if (typeof v === 'object') {
    const label = Array.isArray(v) ? `[${v.length}]` : `{${Object.keys(v).length}}`;
    return h('button', { class: 'nested link', title: 'Show the whole value', on: { click: (e) => (e.stopPropagation(), onNested()) } }, `${label} ${JSON.stringify(v).slice(0, 60)}`);
  }
  return document.createTextNode(inertText(String(v)));
}

export class Grid {
  readonly el: HTMLElement;
  private readonly body: HTMLElement;
  private readonly head: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly win: HTMLElement;
  private readonly detail: HTMLElement;
  private src?: GridSource;
  private pages = new Map<number, Row[] | Promise<void>>();
  private generation = 0;
  private sel = { row: 0, col: 0 };
  private widths: number[] = [];
  private raf = 0;

  constructor(
    private readonly pageSize: number,
    private readonly copy: (text: string) => void,
    private readonly onError: (message: string) => void,
  ) {
    this.head = h('div', { class: 'grid-head', attrs: { role: 'row' } });
    this.spacer = h('div', { class: 'grid-spacer' });
    this.win = h('div', { class: 'grid-window', attrs: { role: 'rowgroup' } });
    this.body = h('div', { class: 'grid-body', attrs: { tabindex: 0, role: 'grid', 'aria-label': 'Rows' } }, this.head, this.spacer, this.win);
    this.detail = h('div', { class: 'grid-detail', attrs: { hidden: true } });
    this.el = h('div', { class: 'grid-wrap' }, this.body, this.detail);
    this.body.addEventListener('scroll', () => this.schedule());
    this.body.addEventListener('keydown', (e) => this.onKey(e));
    new ResizeObserver(() => this.schedule()).observe(this.body);
  }

  setSource(src: GridSource, firstPage?: { offset: number; rows: Row[] }): void {
    this.src = src;
    this.generation++;
    this.pages = new Map();
    if (firstPage && firstPage.offset % this.pageSize === 0) this.pages.set(firstPage.offset / this.pageSize, firstPage.rows);
    this.sel = { row: 0, col: 0 };
    // widths from the header and the first page's values, measured in the cells' own fonts, so
    // dates and ids are not cut
    const sample = firstPage?.rows.slice(0, 50) ?? [];
    const mono = measurer('var(--vscode-editor-font-family)', 'var(--vscode-editor-font-size)');
    const bold = measurer('var(--vscode-font-family)', 'var(--vscode-font-size)', '600');
    this.widths = src.columns.map((c, j) => {
      const values = sample.map((r) => mono(cellText(r[j] ?? null).slice(0, 48)));
      return Math.min(420, Math.max(64, Math.ceil(Math.max(bold(c.name), mono(c.type.slice(0, 22)) * 0.85, ...values)) + 20));
    });
    const template = `64px ${this.widths.map((w) => `${w}px`).join(' ')}`;
    this.el.style.setProperty('--grid-cols', template);
    replace(
      this.head,
      h('div', { class: 'grid-cell rownum' }, '#'),
      ...src.columns.map((c) => h('div', { class: 'grid-cell', attrs: { role: 'columnheader' }, title: `${c.name}: ${c.type}` }, h('span', { class: 'col-name' }, c.name), h('span', { class: 'col-type' }, c.type))),
    );
    this.closeDetail();
    this.body.scrollTop = 0;
    this.layout();
  }

  setTotal(total: number): void {
    if (!this.src) return;
    this.src.total = total;
    this.layout();
  }

  private layout(): void {
    const total = this.src?.total ?? 0;
    this.spacer.style.height = `${Math.min(MAX_PX, total * ROW_H)}px`;
    this.schedule();
  }

  private schedule(): void {
    cancelAnimationFrame(this.raf);
    this.raf = requestAnimationFrame(() => this.render());
  }

  /** First row in view, mapping the scrollbar proportionally when the table is taller than MAX_PX. */
  private firstRow(visible: number): number {
    const total = this.src?.total ?? 0;
    const full = total * ROW_H;
    const top = this.body.scrollTop;
    if (full <= MAX_PX) return Math.floor(top / ROW_H);
    const range = MAX_PX - this.body.clientHeight;
    return Math.min(total - visible, Math.max(0, Math.round((top / Math.max(1, range)) * (total - visible))));
  }

  private render(): void {
    const src = this.src;
    if (!src) return;
    const headH = this.head.offsetHeight;
    const visible = Math.ceil((this.body.clientHeight - headH) / ROW_H) + 2;
    const first = Math.max(0, this.firstRow(visible));
    const last = Math.min(src.total, first + visible);
    const full = src.total * ROW_H <= MAX_PX;
    this.win.style.top = `${headH + (full ? first * ROW_H : this.body.scrollTop)}px`;
    const rows: HTMLElement[] = [];
    for (let i = first; i < last; i++) {
      const row = this.rowAt(i);
      const cells: Node[] = [h('div', { class: 'grid-cell rownum' }, String(i + 1))];
      src.columns.forEach((_c, j) => {
        const v = row ? row[j] ?? null : undefined;
        const selected = this.sel.row === i && this.sel.col === j;
        const cell = h('div', { class: `grid-cell${selected ? ' selected' : ''}`, attrs: { role: 'gridcell', 'aria-selected': selected }, title: v === undefined ? '' : cellText(v).slice(0, 2000) },
          v === undefined ? h('span', { class: 'pending' }, '…') : renderCell(v, () => this.openDetail(i, j, v)));
        cell.addEventListener('click', () => this.select(i, j));
        cells.push(cell);
      });
      rows.push(h('div', { class: `grid-row${i % 2 ? ' odd' : ''}`, attrs: { role: 'row', 'aria-rowindex': i + 1 } }, ...cells));
    }
    replace(this.win, ...rows);
    this.ensure(first, last);
  }

  private rowAt(i: number): Row | undefined {
    const page = this.pages.get(Math.floor(i / this.pageSize));
    return Array.isArray(page) ? page[i % this.pageSize] : undefined;
  }

  /** Fetches the pages covering [first, last) that are not cached yet. */
  private ensure(first: number, last: number): void {
    const src = this.src!;
    const gen = this.generation;
    for (let p = Math.floor(first / this.pageSize); p * this.pageSize < last; p++) {
      if (this.pages.has(p)) continue;
      const offset = p * this.pageSize;
      this.pages.set(
        p,
        src.fetch(offset, Math.min(this.pageSize, src.total - offset)).then(
          (rows) => {
            if (gen !== this.generation) return;
            this.pages.set(p, rows);
            this.evict(p);
            this.schedule();
          },
          (err) => {
            if (gen !== this.generation) return;
            this.pages.delete(p);
            this.onError((err as Error).message);
          },
        ),
      );
    }
  }

  private evict(keep: number): void {
    if (this.pages.size <= MAX_PAGES) return;
    const far = [...this.pages.keys()].sort((a, b) => Math.abs(b - keep) - Math.abs(a - keep));
    for (const p of far.slice(0, this.pages.size - MAX_PAGES)) this.pages.delete(p);
  }

  private select(row: number, col: number): void {
    const total = this.src?.total ?? 0;
    const cols = this.src?.columns.length ?? 0;
    this.sel = { row: Math.max(0, Math.min(total - 1, row)), col: Math.max(0, Math.min(cols - 1, col)) };
    this.scrollIntoView(this.sel.row);
    this.schedule();
    this.body.focus();
  }

  private scrollIntoView(row: number): void {
    const total = this.src?.total ?? 0;
    if (total * ROW_H > MAX_PX) {
      // scaled scrollbar: move so the row lands in view, proportionally
      const visible = Math.ceil((this.body.clientHeight - this.head.offsetHeight) / ROW_H);
      const first = this.firstRow(visible + 2);
      if (row >= first && row < first + visible) return;
      const target = Math.max(0, Math.min(total - visible, row < first ? row : row - visible + 1));
      this.body.scrollTop = (target / Math.max(1, total - visible)) * (MAX_PX - this.body.clientHeight);
      return;
    }
    const headH = this.head.offsetHeight;
    const top = row * ROW_H;
    if (top < this.body.scrollTop) this.body.scrollTop = top;
    else if (top + ROW_H > this.body.scrollTop + this.body.clientHeight - headH) this.body.scrollTop = top + ROW_H - this.body.clientHeight + headH;
  }

  private onKey(e: KeyboardEvent): void {
    const { row, col } = this.sel;
    const page = Math.max(1, Math.floor(this.body.clientHeight / ROW_H) - 1);
    const moves: Record<string, [number, number]> = { ArrowDown: [1, 0], ArrowUp: [-1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1], PageDown: [page, 0], PageUp: [-page, 0] };
    const m = moves[e.key];
    if (m) {
      e.preventDefault();
      this.select(row + m[0], col + m[1]);
    } else if (e.key === 'Home' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.select(0, col);
    } else if (e.key === 'End' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      this.select((this.src?.total ?? 1) - 1, col);
    } else if ((e.key === 'c' || e.key === 'C') && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      if (e.shiftKey) this.copyRow();
      else this.copyCell();
    } else if (e.key === 'Enter') {
      const v = this.rowAt(row)?.[col];
      if (v !== undefined && v !== null && typeof v === 'object') this.openDetail(row, col, v);
    } else if (e.key === 'Escape') this.closeDetail();
  }

  copyCell(): void {
    const v = this.rowAt(this.sel.row)?.[this.sel.col];
    if (v !== undefined) this.copy(v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
  }

  copyRow(): void {
    const row = this.rowAt(this.sel.row);
    if (!row || !this.src) return;
    const obj: Record<string, Cell> = {};
    this.src.columns.forEach((c, j) => (obj[c.name] = row[j] ?? null));
    this.copy(JSON.stringify(obj));
  }

  private openDetail(row: number, col: number, v: Cell): void {
    const c = this.src!.columns[col]!;
    this.detail.hidden = false;
    replace(
      this.detail,
      h('div', { class: 'detail-head' }, h('strong', null, `${c.name}`), h('span', { class: 'muted' }, `  row ${row + 1} · ${c.type}`),
        h('button', { class: 'link', on: { click: () => this.closeDetail() }, attrs: { 'aria-label': 'Close' } }, 'close')),
      h('pre', { class: 'mono' }, JSON.stringify(v, null, 2)),
    );
  }

  private closeDetail(): void {
    this.detail.hidden = true;
    replace(this.detail);
  }
}
