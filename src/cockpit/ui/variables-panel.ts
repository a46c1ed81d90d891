import { ApiError, rest, seg } from './api.js';
import { h, notify, pretty, replaceChildren } from './dom.js';
import { changed } from './page.js';

/** Camunda's typed value as the REST API answers it. */
export interface TypedValue {
  value: unknown;
  type: string | null;
  valueInfo?: Record<string, unknown>;
}

/** The types an operator can give a variable (Camunda 7's primitive value types plus Json). */
export const VARIABLE_TYPES = ['String', 'Integer', 'Long', 'Double', 'Boolean', 'Json', 'Date', 'Null'] as const;
type VariableType = (typeof VARIABLE_TYPES)[number];

function shown(typed: TypedValue): string {
  if (typed.value === null || typed.value === undefined) return 'null';
  if (typed.type === 'Json' && typeof typed.value === 'string') {
    try {
      return pretty(JSON.parse(typed.value));
    } catch {
      return typed.value;
    }
  }
  return String(typed.value);
}

/** What the editor's text becomes in the request: numbers and booleans as the server expects them, Null without a value. */
function requestValue(type: VariableType, text: string): unknown {
  switch (type) {
    case 'Null':
      return null;
    case 'Integer':
    case 'Long':
    case 'Double':
    case 'Boolean':
      return text.trim();
    case 'String':
    case 'Json':
    case 'Date':
      return text;
  }
}

/**
 * The process-level variables of one instance as a table of name, type and value. Running instances
 * can be edited: set with a type (`PUT /process-instance/{id}/variables/{name}`) or removed; the
 * server converts and checks the value and its error is shown beside the editor.
 */
export function variablesPanel(instanceId: string): { element: HTMLElement; show(variables: Record<string, TypedValue>, running: boolean, endedNote?: string): void } {
  const table = h('div', {});
  const error = h('p', { class: 'field-error', role: 'alert' });
  const name = h('input', { id: 'var-name', type: 'text', placeholder: 'name', 'aria-label': 'Variable name', autocomplete: 'off' });
  const type = h('select', { id: 'var-type', 'aria-label': 'Variable type' }, VARIABLE_TYPES.map((t) => h('option', { value: t }, t)));
  const value = h('textarea', { id: 'var-value', rows: 2, placeholder: 'value', 'aria-label': 'Variable value' });
  const syncNull = () => {
    value.disabled = type.value === 'Null';
  };
  type.addEventListener('change', syncNull);
  const save = h('button', { type: 'submit', class: 'primary', 'data-action': 'save-variable' }, 'Set variable');
  const editor = h('form', { class: 'var-editor', 'aria-label': 'Set a variable', onsubmit: (event: Event) => {
    event.preventDefault();
    void submit();
  } }, name, type, value, save);
  const element = h('div', {}, table, editor, error);
  let current: Record<string, TypedValue> = {};

  const submit = async () => {
    const variable = name.value.trim();
    if (!variable) {
      error.textContent = 'A variable needs a name.';
      return;
    }
    const chosen = type.value as VariableType;
    save.disabled = true;
    error.textContent = '';
    try {
      await rest.put(`/process-instance/${seg(instanceId)}/variables/${seg(variable)}`, { value: requestValue(chosen, value.value), type: chosen });
      notify(`${variable} set`);
      name.value = '';
      value.value = '';
    } catch (failure) {
      error.textContent = failure instanceof ApiError ? failure.message : String(failure);
    } finally {
      save.disabled = false;
    }
  };
  const remove = async (variable: string, button: HTMLButtonElement) => {
    if (!window.confirm(`Remove variable ${variable}?`)) return;
    button.disabled = true;
    try {
      await rest.delete(`/process-instance/${seg(instanceId)}/variables/${seg(variable)}`);
      notify(`${variable} removed`);
    } catch (failure) {
      button.disabled = false;
      error.textContent = failure instanceof ApiError ? failure.message : String(failure);
    }
  };
  const edit = (variable: string) => {
    const typed = current[variable];
    if (!typed) return;
    name.value = variable;
    type.value = VARIABLE_TYPES.includes(typed.type as VariableType) ? (typed.type as VariableType) : 'Json';
    value.value = typed.value === null || typed.value === undefined ? '' : typeof typed.value === 'string' ? typed.value : JSON.stringify(typed.value);
    syncNull();
    value.focus();
  };

  return {
    element,
    show(variables, running, endedNote) {
      editor.hidden = !running;
      if (!changed(table, { variables, running })) return;
      current = variables;
      const names = Object.keys(variables).sort();
      replaceChildren(table, names.length === 0 ? h('p', { class: 'empty' }, running ? 'No variables.' : 'No variables were set.') : [
        endedNote ? h('p', { class: 'muted small' }, endedNote) : null,
        h('table', { class: 'table compact var-table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Type'), h('th', { scope: 'col' }, 'Value'), running ? h('th', { scope: 'col' }, h('span', { class: 'visually-hidden' }, 'Actions')) : null)),
          h('tbody', {}, names.map((n) => h('tr', { 'data-variable': n },
            h('td', {}, h('strong', {}, n)), h('td', { class: 'type' }, variables[n]!.type ?? 'Null'), h('td', { class: 'value' }, shown(variables[n]!)),
            running ? h('td', { class: 'nowrap' },
              h('button', { type: 'button', 'data-action': 'edit', onclick: () => edit(n) }, 'Edit'), ' ',
              h('button', { type: 'button', class: 'danger', 'data-action': 'remove', onclick: (event: Event) => void remove(n, event.currentTarget as HTMLButtonElement) }, 'Remove')) : null)))),
      ]);
    },
  };
}
