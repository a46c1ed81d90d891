import { Form } from '@bpmn-io/form-js';
import { h } from './dom.js';
import { neutralizeFormSchema, renderSafeMarkdown } from './safe-markdown.js';

/** form-js's markdown renderer replaced by one that never lets markup through (see safe-markdown.ts). */
const safeMarkdownModule = { markdownRenderer: ['value', { render: renderSafeMarkdown }] };

import type { FormField } from '../../bpmn/form-fields.js';

export type TaskFormSpec = { kind: 'form-js'; schema: unknown; source: string } | { kind: 'form-data'; fields: FormField[] } | { kind: 'generated'; reason: string };

/** A rendered form: `read()` returns the variables to complete with, or throws with what is wrong. */
export interface RenderedForm {
  element: HTMLElement;
  read(): Record<string, unknown>;
  destroy(): void;
}

/** A Camunda Form (form-js), filled with the task's variables; its text and HTML views show no markup of their own. */
function formJs(schema: unknown, variables: Record<string, unknown>, source: string): RenderedForm {
  const container = h('div', { class: 'form-js' });
  const form = new Form({ container, additionalModules: [safeMarkdownModule] });
  const ready = form.importSchema(neutralizeFormSchema(schema), variables).catch((error: unknown) => {
    container.replaceChildren(h('p', { class: 'error' }, `The form ${source} could not be shown: ${error instanceof Error ? error.message : String(error)}`));
  });
  void ready;
  return {
    element: h('div', {}, h('p', { class: 'small muted' }, `Form: ${source}`), container),
    read() {
      const { data, errors } = form.submit() as { data: Record<string, unknown>; errors: Record<string, string[]> };
      const problems = Object.entries(errors ?? {});
      if (problems.length) throw new Error(`Please correct: ${problems.map(([field, list]) => `${field} (${list.join(', ')})`).join('; ')}`);
      return data;
    },
    destroy: () => form.destroy(),
  };
}

type Kind = 'boolean' | 'number' | 'text' | 'json';

function kindOf(value: unknown): Kind {
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'string' || value === null || value === undefined) return 'text';
  return 'json';
}

/** No form: one input per variable, typed by its current value; only changed fields are sent. */
function generated(variables: Record<string, unknown>, reason: string): RenderedForm {
  const names = Object.keys(variables).sort();
  const inputs = new Map<string, { kind: Kind; input: HTMLInputElement | HTMLTextAreaElement; initial: string }>();
  const rows = names.map((name, index) => {
    const value = variables[name];
    const kind = kindOf(value);
    const id = `gen-field-${index}`;
    let input: HTMLInputElement | HTMLTextAreaElement;
    if (kind === 'boolean') input = h('input', { id, type: 'checkbox', checked: value === true });
    else if (kind === 'number') input = h('input', { id, type: 'number', step: 'any', value: String(value) });
    else if (kind === 'text') input = h('input', { id, type: 'text', value: value === null || value === undefined ? '' : String(value) });
    else input = h('textarea', { id, rows: Math.min(8, JSON.stringify(value, null, 2).split('\n').length), spellcheck: 'false' }, JSON.stringify(value, null, 2));
    const initial = input instanceof HTMLInputElement && input.type === 'checkbox' ? String(input.checked) : input.value;
    inputs.set(name, { kind, input, initial });
    return h('div', { class: `field field-${kind}` }, h('label', { for: id }, name), input);
  });
  return {
    element: h('div', { class: 'generated-form' },
      h('p', { class: 'small muted' }, `${reason}: a form generated from the task's variables (only changed fields are sent).`),
      rows.length ? rows : h('p', { class: 'muted' }, 'The task has no variables.')),
    read() {
      const result: Record<string, unknown> = {};
      for (const [name, { kind, input, initial }] of inputs) {
        const current = input instanceof HTMLInputElement && input.type === 'checkbox' ? String(input.checked) : input.value;
        if (current === initial) continue;
        if (kind === 'boolean') result[name] = current === 'true';
        else if (kind === 'number') {
          const n = Number(current);
          if (current.trim() === '' || !Number.isFinite(n)) throw new Error(`${name} must be a number`);
          result[name] = n;
        } else if (kind === 'json') {
          try {
            result[name] = JSON.parse(current);
          } catch {
            throw new Error(`${name} must be valid JSON`);
          }
        } else result[name] = current;
      }
      return result;
    },
    destroy: () => undefined,
  };
}

/** `yyyy-mm-dd` for a date input from a stored date (ISO text or Date). */
function dateInputValue(value: unknown): string {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(ms) ? '' : new Date(ms).toISOString().slice(0, 10);
}

/**
 * Camunda 7's generated form (`camunda:formData`): one input per field, typed, filled with the
 * variable's value or the field's default, carrying its constraints so the browser checks them
 * first; the server checks them again when the task completes. Read-only fields are never sent.
 */
function formData(fields: FormField[], variables: Record<string, unknown>): RenderedForm {
  const inputs: Array<{ field: FormField; input: HTMLInputElement | HTMLSelectElement }> = [];
  const rows = fields.map((field, index) => {
    const id = `fd-${index}`;
    const rules = field.validation;
    const current = Object.hasOwn(variables, field.id) ? variables[field.id] : field.defaultValue;
    const common = { id, name: field.id, required: rules.required === true && field.type !== 'boolean', disabled: rules.readonly === true, 'data-field': field.id };
    let input: HTMLInputElement | HTMLSelectElement;
    switch (field.type) {
      case 'boolean':
        input = h('input', { ...common, type: 'checkbox', checked: current === true || current === 'true' });
        break;
      case 'long':
        input = h('input', { ...common, type: 'number', step: 1, min: rules.min, max: rules.max, value: current === undefined || current === null ? '' : String(current) });
        break;
      case 'date':
        input = h('input', { ...common, type: 'date', value: dateInputValue(current) });
        break;
      case 'enum':
        input = h('select', common,
          rules.required && current !== undefined ? null : h('option', { value: '' }, '—'),
          (field.values ?? []).map((v) => h('option', { value: v.id, selected: v.id === current }, v.name)));
        break;
      case 'string':
        input = h('input', { ...common, type: 'text', minlength: rules.minlength, maxlength: rules.maxlength, value: current === undefined || current === null ? '' : String(current) });
        break;
    }
    inputs.push({ field, input });
    const hints = [rules.required ? 'required' : null, rules.readonly ? 'read-only' : null,
      rules.minlength !== undefined ? `at least ${rules.minlength} characters` : null, rules.maxlength !== undefined ? `at most ${rules.maxlength} characters` : null,
      rules.min !== undefined ? `≥ ${rules.min}` : null, rules.max !== undefined ? `≤ ${rules.max}` : null].filter(Boolean).join(', ');
    return h('div', { class: `field field-${field.type}` }, h('label', { for: id }, field.label, hints ? h('span', { class: 'muted small' }, ` (${hints})`) : null), input);
  });
  return {
    element: h('div', { class: 'form-data' }, h('p', { class: 'small muted' }, 'Form: generated from the task\'s camunda:formData'), rows),
    read() {
      const problems: string[] = [];
      const result: Record<string, unknown> = {};
      for (const { field, input } of inputs) {
        if (field.validation.readonly) continue;
        if (!input.checkValidity()) {
          problems.push(`${field.label}: ${input.validationMessage}`);
          continue;
        }
        if (field.type === 'boolean') {
          result[field.id] = (input as HTMLInputElement).checked;
          continue;
        }
        if (input.value === '') continue;
        if (field.type === 'long') result[field.id] = Number(input.value);
        else if (field.type === 'date') result[field.id] = new Date(`${input.value}T00:00:00.000Z`);
        else result[field.id] = input.value;
      }
      if (problems.length) throw new Error(`Please correct: ${problems.join('; ')}`);
      return result;
    },
    destroy: () => undefined,
  };
}

export function renderTaskForm(spec: TaskFormSpec, variables: Record<string, unknown>): RenderedForm {
  switch (spec.kind) {
    case 'form-js':
      return formJs(spec.schema, variables, spec.source);
    case 'form-data':
      return formData(spec.fields, variables);
    case 'generated':
      return generated(variables, spec.reason);
  }
}
