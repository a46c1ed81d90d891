/**
 * Camunda 7's process instance modification from the instance page: pick an activity (on the
 * diagram or from the list), plan "start before", "start after" or "cancel" instructions (per
 * activity instance too), and apply them together — one transaction, so a token can be moved
 * (start before the new place, cancel the old one) without the instance ending in between.
 */
import { rest, seg } from './api.js';
import type { Diagram } from './diagram.js';
import { h, notify, replaceChildren } from './dom.js';
import type { TreeNode } from '../api.js';

type Instruction =
  | { type: 'startBeforeActivity'; activityId: string }
  | { type: 'startAfterActivity'; activityId: string }
  | { type: 'cancel'; activityId: string }
  | { type: 'cancel'; activityInstanceId: string };

export interface ModificationPanel {
  element: HTMLElement;
  /** the activity instances now active (refreshed by the page's poll) */
  update(tree: TreeNode[], running: boolean, suspended: boolean): void;
}

export function modificationPanel(instanceId: string, diagram: Diagram, after: () => Promise<void>): ModificationPanel {
  const plan: Instruction[] = [];
  let active: Array<{ id: string; elementId: string; label: string }> = [];
  const activity: HTMLSelectElement = h('select', { id: 'mod-activity', 'aria-label': 'Activity', onchange: () => diagram.select(activity.value || null) });
  const annotation: HTMLInputElement = h('input', { id: 'mod-annotation', type: 'text', placeholder: 'Why (kept in the history)', maxlength: 4000 });
  const planList = h('ol', { class: 'mod-plan' });
  const instancesList = h('ul', { class: 'plain mod-instances' });
  const error = h('p', { class: 'field-error', role: 'alert' });
  const suspendedNote = h('p', { class: 'small muted', hidden: true }, 'The instance is suspended: activate it to apply a modification.');
  let suspendedNow = false;
  const apply: HTMLButtonElement = h('button', { type: 'button', class: 'primary', 'data-action': 'apply-modification', disabled: true, onclick: () => void run() }, 'Apply modification');
  const label = (elementId: string) => {
    const node = diagram.flowNodes().find((n) => n.id === elementId);
    return node?.name ? `${node.name} (${elementId})` : elementId;
  };
  const describe = (instruction: Instruction): string => {
    switch (instruction.type) {
      case 'startBeforeActivity':
        return `Start before ${label(instruction.activityId)}`;
      case 'startAfterActivity':
        return `Start after ${label(instruction.activityId)}`;
      case 'cancel':
        if ('activityInstanceId' in instruction) {
          const target = active.find((a) => a.id === instruction.activityInstanceId);
          return `Cancel ${target ? target.label : 'activity instance'} ${instruction.activityInstanceId}`;
        }
        return `Cancel every instance of ${label(instruction.activityId)}`;
    }
  };
  const renderPlan = () => {
    replaceChildren(planList, plan.map((instruction, index) => h('li', { 'data-instruction': instruction.type },
      h('span', {}, describe(instruction)),
      h('button', { type: 'button', class: 'link', 'aria-label': `Remove: ${describe(instruction)}`, onclick: () => {
        plan.splice(index, 1);
        renderPlan();
      } }, 'remove'))));
    apply.disabled = plan.length === 0 || suspendedNow;
  };
  const add = (instruction: Instruction) => {
    replaceChildren(error);
    plan.push(instruction);
    renderPlan();
  };
  const chosen = (): string | null => {
    if (!activity.value) {
      replaceChildren(error, 'Pick an activity on the diagram or in the list first.');
      return null;
    }
    return activity.value;
  };
  const run = async () => {
    const steps = plan.map((instruction, index) => `${index + 1}. ${describe(instruction)}`).join('\n');
    if (!window.confirm(`Modify process instance ${instanceId}?\n\n${steps}\n\nThe instructions run in this order, in one transaction.`)) return;
    apply.disabled = true;
    replaceChildren(error);
    try {
      await rest.post(`/process-instance/${seg(instanceId)}/modification`, { instructions: plan, annotation: annotation.value || null });
      plan.length = 0;
      annotation.value = '';
      renderPlan();
      notify('Instance modified');
      await after();
    } catch (failure) {
      const message = failure instanceof Error ? failure.message : String(failure);
      replaceChildren(error, message);
      notify(`Modification refused: ${message}`, 'bad');
      apply.disabled = plan.length === 0 || suspendedNow;
    }
  };
  diagram.onFlowNodeClick((elementId) => {
    activity.value = elementId;
    diagram.select(elementId);
  });
  const element = h('div', { class: 'modification' },
    h('p', { class: 'small muted' }, 'Click an element on the diagram or choose it here, add instructions, then apply them together.'),
    h('div', { class: 'row' },
      h('label', { for: 'mod-activity' }, 'Activity'), activity,
      h('button', { type: 'button', 'data-action': 'start-before', onclick: () => {
        const id = chosen();
        if (id) add({ type: 'startBeforeActivity', activityId: id });
      } }, 'Start before'),
      h('button', { type: 'button', 'data-action': 'start-after', onclick: () => {
        const id = chosen();
        if (id) add({ type: 'startAfterActivity', activityId: id });
      } }, 'Start after'),
      h('button', { type: 'button', 'data-action': 'cancel-activity', onclick: () => {
        const id = chosen();
        if (id) add({ type: 'cancel', activityId: id });
      } }, 'Cancel all')),
    h('h3', {}, 'Active activity instances'), instancesList,
    h('h3', {}, 'Planned instructions'), planList,
    h('div', { class: 'row' }, h('label', { for: 'mod-annotation' }, 'Annotation'), annotation, apply),
    suspendedNote,
    error);
  let options = '';
  return {
    element,
    update(tree, running, suspended) {
      element.hidden = !running;
      suspendedNow = suspended;
      suspendedNote.hidden = !suspended;
      const nodes = diagram.flowNodes();
      const key = JSON.stringify(nodes);
      if (key !== options) {
        options = key;
        const value = activity.value;
        replaceChildren(activity, h('option', { value: '' }, '— choose —'), nodes.map((n) => h('option', { value: n.id }, n.name ? `${n.name} (${n.id})` : `${n.id} · ${n.type}`)));
        activity.value = value;
      }
      active = flatten(tree).map((n) => ({ id: n.id, elementId: n.elementId, label: n.name ?? n.elementId }));
      replaceChildren(instancesList, active.length === 0 ? h('li', { class: 'empty' }, 'None.') : active.map((a) => h('li', { 'data-activity-instance': a.id, 'data-element': a.elementId },
        h('span', {}, a.label, ' ', h('code', { class: 'id small' }, a.id)),
        h('button', { type: 'button', 'data-action': 'cancel-instance', onclick: () => add({ type: 'cancel', activityInstanceId: a.id }) }, 'Cancel'))));
      renderPlan();
    },
  };
}

function flatten(nodes: TreeNode[]): TreeNode[] {
  return nodes.flatMap((n) => [n, ...flatten(n.children)]);
}
