/** Suspend / activate (Camunda 7's suspension) for an instance or a definition, over the REST API. */
import { rest, seg } from './api.js';
import { badge, h, notify, replaceChildren } from './dom.js';

export interface SuspensionControl {
  element: HTMLElement;
  /** shows the state the page last read */
  show(suspended: boolean): void;
}

/** An instance's state badge and its Suspend / Activate button; `after` refreshes the page. */
export function instanceSuspension(instanceId: string, after: () => Promise<void>): SuspensionControl {
  const element = h('span', { class: 'suspension-control' });
  let current: boolean | null = null;
  const toggle = async (suspend: boolean, button: HTMLButtonElement) => {
    const question = suspend
      ? `Suspend process instance ${instanceId}? Its tasks cannot be completed, its jobs and timers wait, messages and signals pass it by until it is activated.`
      : `Activate process instance ${instanceId}? Timers that came due meanwhile fire now.`;
    if (!window.confirm(question)) return;
    button.disabled = true;
    try {
      await rest.put(`/process-instance/${seg(instanceId)}/suspended`, { suspended: suspend });
      notify(suspend ? 'Instance suspended' : 'Instance activated');
      await after();
    } catch (error) {
      notify(`${suspend ? 'Suspend' : 'Activate'} failed: ${error instanceof Error ? error.message : String(error)}`, 'bad');
    } finally {
      button.disabled = false;
    }
  };
  return {
    element,
    show(suspended) {
      if (current === suspended) return;
      current = suspended;
      const button: HTMLButtonElement = h('button', {
        type: 'button', 'data-action': suspended ? 'activate-instance' : 'suspend-instance',
        onclick: () => void toggle(!suspended, button),
      }, suspended ? 'Activate' : 'Suspend');
      replaceChildren(element, suspended ? badge('suspended', 'warn', 'Nothing moves this instance until it is activated') : null, button);
    },
  };
}

/** A definition's state with Suspend / Activate and "include its running instances". */
export function definitionSuspension(definitionId: string, after: () => Promise<void> = async () => undefined): HTMLElement {
  const element = h('span', { class: 'suspension-control' });
  const render = async () => {
    const definition = await rest.get<{ suspended: boolean }>(`/process-definition/${seg(definitionId)}`);
    const suspended = definition.suspended;
    const include: HTMLInputElement = h('input', { type: 'checkbox', id: 'suspend-include-instances', checked: true });
    const button: HTMLButtonElement = h('button', {
      type: 'button', 'data-action': suspended ? 'activate-definition' : 'suspend-definition',
      onclick: () => void toggle(!suspended, include.checked, button),
    }, suspended ? 'Activate definition' : 'Suspend definition');
    replaceChildren(element,
      suspended ? badge('suspended', 'warn', 'No instance of this version starts until it is activated') : null,
      button,
      h('label', { class: 'inline small', for: 'suspend-include-instances' }, include, ' include its instances'));
  };
  const toggle = async (suspend: boolean, includeProcessInstances: boolean, button: HTMLButtonElement) => {
    const what = includeProcessInstances ? ' and every running instance of it' : '';
    if (!window.confirm(`${suspend ? 'Suspend' : 'Activate'} process definition ${definitionId}${what}?`)) return;
    button.disabled = true;
    try {
      await rest.put(`/process-definition/${seg(definitionId)}/suspended`, { suspended: suspend, includeProcessInstances });
      notify(suspend ? 'Definition suspended' : 'Definition activated');
      await render();
      await after();
    } catch (error) {
      button.disabled = false;
      notify(`${suspend ? 'Suspend' : 'Activate'} failed: ${error instanceof Error ? error.message : String(error)}`, 'bad');
    }
  };
  void render().catch((error: unknown) => notify(`Could not read the definition: ${error instanceof Error ? error.message : String(error)}`, 'bad'));
  return element;
}
