import { Form } from '@bpmn-io/form-js';
import { h } from './dom.js';
import { neutralizeFormSchema, renderSafeMarkdown } from './safe-markdown.js';

/** form-js's markdown renderer replaced by one that never lets markup through (see safe-markdown.ts). */
const safeMarkdownModule = { markdownRenderer: ['value', { render: renderSafeMarkdown }] };

export type TaskFormSpec = { kind: 'form-js'; schema: unknown; source: string } | { kind: 'generated'; reason: string };

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

export function renderTaskForm(spec: TaskFormSpec, variables: Record<string, unknown>): RenderedForm {
  return spec.kind === 'form-js' ? formJs(spec.schema, variables, spec.source) : generated(variables, spec.reason);
}
