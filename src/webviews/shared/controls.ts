/**
 * vscode-elements controls built from data (labels set as text, never as HTML).
 */
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import { h } from './dom';

export interface Option {
  value: string;
  label: string;
  description?: string;
}

export interface SelectEl extends HTMLElement {
  value: string;
}

/** A vscode-single-select; `onChange` gets the new value. */
export function select(options: Option[], value: string, onChange: (v: string) => void, label: string): SelectEl {
  const el = h('vscode-single-select', { attrs: { 'aria-label': label, combobox: options.length > 15 } }) as SelectEl;
  for (const o of options) {
    const opt = h('vscode-option', { attrs: { value: o.value, description: o.description, selected: o.value === value } }, o.label);
    el.appendChild(opt);
  }
  el.value = value;
  el.addEventListener('change', () => onChange(el.value));
  return el;
}

export function button(label: string, onClick: () => void, opts: { secondary?: boolean; title?: string; disabled?: boolean } = {}): HTMLElement {
  const b = h('vscode-button', { attrs: { secondary: opts.secondary, disabled: opts.disabled }, title: opts.title ?? label }, label);
  b.addEventListener('click', () => {
    if (!b.hasAttribute('disabled')) onClick();
  });
  return b;
}

export interface CheckboxEl extends HTMLElement {
  checked: boolean;
}

export function checkbox(label: string, checked: boolean, onChange: (v: boolean) => void): CheckboxEl {
  const c = h('vscode-checkbox', { attrs: { checked } }, label) as CheckboxEl;
  c.checked = checked;
  c.addEventListener('change', () => onChange(c.checked));
  return c;
}
