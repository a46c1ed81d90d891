import { ApiError, cockpit, rest, seg } from '../api.js';
import { diagramPanel } from '../diagram.js';
import { badge, formatTime, h, notify, pretty, replaceChildren, copyableId } from '../dom.js';
import { changed, type Page } from '../page.js';
import { variablesPanel, type TypedValue } from '../variables-panel.js';
import { instanceSuspension } from '../suspension-control.js';
import { modificationPanel } from '../modification-panel.js';

import type { TreeNode } from '../../api.js';
import type { HistoryKind } from '../../../store/history-entry.js';

interface Incident {
  id: string;
  type: string;
  elementId: string | null;
  jobId: string | null;
  message: string | null;
  createdAt: number;
}
interface HistoryRow {
  seq: number;
  kind: HistoryKind;
  elementId: string | null;
  elementType: string | null;
  at: number;
  actor: string | null;
  data: unknown;
}
interface InstanceDetail {
  instance: { id: string; definitionId: string; definitionKey: string; businessKey: string | null; state: string; startedAt: number; endedAt: number | null; parentInstanceId: string | null; suspended: boolean };
  definition: { name: string; version: number | null };
  variables: Record<string, unknown>;
  path: { visited: string[]; active: string[] };
  flows: Array<{ id: string; source: string; target: string }>;
  tree: TreeNode[];
  incidents: Incident[];
  tasks: Array<{ id: string; name: string | null; assignee: string | null }>;
  history: HistoryRow[];
}

function treeList(nodes: TreeNode[]): HTMLElement {
  return h('ul', { class: 'tree' }, nodes.map((n) => h('li', {},
    h('span', { class: 'tree-node' }, h('strong', {}, n.name ?? n.elementId), ' ', h('span', { class: 'muted small' }, `${n.type} · ${n.state} · since ${formatTime(n.startedAt)}`),
      n.incidents ? [' ', badge(`${n.incidents} incident${n.incidents === 1 ? '' : 's'}`, 'bad')] : null),
    n.children.length ? treeList(n.children) : null)));
}

function describe(row: HistoryRow): string | HTMLElement {
  const data = row.data && typeof row.data === 'object' ? (row.data as Record<string, unknown>) : {};
  switch (row.kind) {
    case 'decisionEvaluated': {
      const rules = Array.isArray(data.matchedRules) ? data.matchedRules.join(', ') : '';
      return h('a', { href: `#/decision/${seg(String(data.decisionDefinitionId))}?evaluation=${encodeURIComponent(String(data.decisionInstanceId))}` },
        `${String(data.decisionKey)} v${String(data.decisionVersion)}: ${rules || 'no rule matched'}`);
    }
    case 'variableSet':
      return `${String(data.name)} = ${String(data.value).slice(0, 80)}`;
    case 'incidentCreated':
      return String(data.message ?? '');
    case 'taskAssigned':
      return `assignee ${String(data.assignee ?? '—')}`;
    case 'instanceCancelled':
      return String(data.reason ?? '');
    case 'adHocActivated':
      return `activated ${Array.isArray(data.elements) ? data.elements.join(', ') : ''}`;
    case 'instanceModified':
      return [
        ...(Array.isArray(data.instructions) ? data.instructions : []).map((i: Record<string, unknown>) => `${String(i.type)} ${String(i.activityId ?? i.activityInstanceId ?? i.transitionId ?? i.transitionInstanceId ?? '')}`),
        ...(data.annotation ? [`“${String(data.annotation)}”`] : []),
      ].join('; ');
    case 'compensationThrown':
      return Array.isArray(data.activities) && data.activities.length ? `compensates ${data.activities.join(', ')}` : 'nothing to compensate';
    case 'compensationHandlerStarted':
      return `compensates ${String(data.activity ?? '')}`;
    case 'instanceStarted':
    case 'instanceCompleted':
    case 'instanceTerminated':
    case 'calledInstanceStarted':
    case 'activityStarted':
    case 'activityCompleted':
    case 'activityTerminated':
    case 'gatewayActivated':
    case 'eventSubProcessTriggered':
    case 'taskCreated':
    case 'taskCompleted':
    case 'taskDeleted':
    case 'incidentResolved':
    case 'executionSignalled':
    case 'timerFired':
    case 'messageCorrelated':
    case 'signalReceived':
    case 'signalThrown':
    case 'errorThrown':
    case 'errorCaught':
    case 'errorPropagated':
    case 'escalationThrown':
    case 'escalationCaught':
    case 'instanceSuspended':
    case 'instanceActivated':
    case 'transactionCancelled':
      // the row's kind, element and time say it all
      return '';
    default: {
      const unknown: never = row.kind;
      return String(unknown);
    }
  }
}

/** One instance: where it stands on the diagram, how it got there, its variables, incidents and audit trail. */
export const instancePage: Page = async (main, ctx) => {
  const id = decodeURIComponent(ctx.params[0] ?? '');
  const header = h('div', { class: 'title-row' });
  const { panel, diagram } = diagramPanel();
  ctx.onLeave(() => diagram.destroy());
  const incidents = h('div', {});
  const tree = h('div', {});
  const variables = variablesPanel(id);
  const variablesJson = h('div', {});
  const history = h('div', { class: 'history' });
  const suspension = instanceSuspension(id, () => refresh());
  const modification = modificationPanel(id, diagram, () => refresh());
  const modificationSection = h('section', { class: 'panel', 'aria-labelledby': 'modify-title' }, h('h2', { id: 'modify-title' }, 'Modify'), modification.element);
  replaceChildren(main,
    header,
    h('section', { class: 'panel' }, panel,
      h('p', { class: 'legend small' },
        h('span', { class: 'legend-swatch swatch-active' }), ' active now  ',
        h('span', { class: 'legend-swatch swatch-visited' }), ' path taken  ',
        h('span', { class: 'legend-swatch swatch-incident' }), ' incident')),
    modificationSection,
    h('div', { class: 'grid-2' },
      h('section', { class: 'panel', 'aria-labelledby': 'incidents-title' }, h('h2', { id: 'incidents-title' }, 'Incidents'), incidents),
      h('section', { class: 'panel', 'aria-labelledby': 'tree-title' }, h('h2', { id: 'tree-title' }, 'Activity instances'), tree),
      h('section', { class: 'panel', 'aria-labelledby': 'vars-title' }, h('h2', { id: 'vars-title' }, 'Variables'), variables.element, variablesJson),
      h('section', { class: 'panel', 'aria-labelledby': 'history-title' }, h('h2', { id: 'history-title' }, 'History'), history)));

  let xmlShown = false;
  const refresh = async () => {
    let detail: InstanceDetail;
    try {
      detail = await cockpit.get<InstanceDetail>(`/instances/${seg(id)}`);
    } catch (error) {
      if (error instanceof ApiError && error.status === 404) {
        replaceChildren(main, h('h1', {}, 'Instance not found'), h('p', { class: 'empty' }, `There is no process instance ${id}.`));
        return;
      }
      throw error;
    }
    const { instance } = detail;
    if (!xmlShown) {
      const drawn = await cockpit.get<{ xml: string }>(`/definitions/${seg(instance.definitionId)}/diagram`);
      await diagram.show(drawn.xml, detail.definition.name);
      xmlShown = true;
    }
    const running = instance.state === 'active';
    if (changed(header, { instance, definition: detail.definition })) {
      replaceChildren(header,
        h('div', {},
          h('h1', {}, detail.definition.name, ' ', h('span', { class: 'muted' }, `v${detail.definition.version ?? '?'}`)),
          h('p', { class: 'muted small' },
            'Instance ', copyableId(instance.id), instance.businessKey ? ` · business key ${instance.businessKey}` : '',
            ` · started ${formatTime(instance.startedAt)}`, instance.endedAt ? ` · ended ${formatTime(instance.endedAt)}` : '', ' · ',
            h('a', { href: `#/processes/${encodeURIComponent(instance.definitionId)}` }, 'definition'),
            instance.parentInstanceId ? [' · ', h('a', { href: `#/instance/${encodeURIComponent(instance.parentInstanceId)}` }, 'parent instance')] : null)),
        h('div', { class: 'actions' },
          badge(running ? 'running' : instance.state, running ? 'info' : instance.state === 'completed' ? 'ok' : 'muted'),
          running ? suspension.element : null,
          running ? h('button', { type: 'button', class: 'danger', onclick: () => void cancel() }, 'Cancel instance') : null));
    }
    suspension.show(instance.suspended);
    modificationSection.hidden = !running;
    modification.update(detail.tree, running, instance.suspended);
    const visited = new Set([...detail.path.visited, ...detail.path.active]);
    const taken = detail.flows.filter((f) => visited.has(f.source) && visited.has(f.target) && detail.path.visited.includes(f.source)).map((f) => f.id);
    const incidentElements = detail.incidents.map((i) => i.elementId).filter((e): e is string => e !== null);
    if (changed(panel, { path: detail.path, taken, incidentElements })) {
      diagram.mark({
        'cp-visited': detail.path.visited.filter((e) => !detail.path.active.includes(e)),
        'cp-taken': taken,
        'cp-active': detail.path.active,
        'cp-incident': incidentElements,
      });
    }
    if (changed(incidents, detail.incidents)) {
      replaceChildren(incidents, detail.incidents.length === 0 ? h('p', { class: 'empty' }, 'No open incidents.') :
        h('ul', { class: 'plain incident-list' }, detail.incidents.map((i) => h('li', { class: 'incident', 'data-incident': i.id },
          h('div', {}, badge(i.type, 'bad'), ' at ', h('strong', {}, i.elementId ?? '—'), h('span', { class: 'muted small' }, ` · ${formatTime(i.createdAt)}`)),
          h('pre', { class: 'incident-message' }, i.message ?? '(no message)'),
          h('button', { type: 'button', onclick: (event: Event) => void retry(i, event.currentTarget as HTMLButtonElement) }, 'Retry')))));
    }
    if (changed(tree, detail.tree)) replaceChildren(tree, detail.tree.length ? treeList(detail.tree) : h('p', { class: 'empty' }, running ? 'No active activity.' : 'The instance has ended.'));
    await showVariables(running);
    if (changed(variablesJson, running ? detail.variables : null)) {
      replaceChildren(variablesJson, running && Object.keys(detail.variables).length > 0
        ? h('details', {}, h('summary', { class: 'small' }, 'As JSON'), h('pre', { class: 'json', tabindex: 0, 'aria-label': 'Variables as JSON' }, pretty(detail.variables)))
        : null);
    }
    if (changed(history, detail.history)) {
      replaceChildren(history, h('table', { class: 'table compact' },
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'What'), h('th', { scope: 'col' }, 'Element'), h('th', { scope: 'col' }, 'Who'), h('th', { scope: 'col' }, 'Detail'))),
        h('tbody', {}, detail.history.map((row) => h('tr', {},
          h('td', { class: 'nowrap' }, formatTime(row.at)), h('td', {}, row.kind), h('td', {}, row.elementId ?? ''), h('td', {}, row.actor ?? ''), h('td', { class: 'detail' }, describe(row)))))));
    }
  };

  /** Running: the typed process variables; ended: their final values from the history. */
  const showVariables = async (running: boolean) => {
    if (running) {
      variables.show(await rest.get<Record<string, TypedValue>>(`/process-instance/${seg(id)}/variables`), true);
      return;
    }
    const rows = await rest.get<Array<TypedValue & { name: string; activityInstanceId: string }>>(`/history/variable-instance?processInstanceId=${encodeURIComponent(id)}`);
    const final: Record<string, TypedValue> = {};
    for (const row of rows) if (row.activityInstanceId === id) final[row.name] = { value: row.value, type: row.type };
    variables.show(final, false, 'Final values, from the history.');
  };

  const retry = async (incident: Incident, button: HTMLButtonElement) => {
    button.disabled = true;
    try {
      await cockpit.post(`/incidents/${seg(incident.id)}/retry`);
      notify(`Retrying ${incident.elementId ?? 'the element'}`);
      await refresh();
    } catch (error) {
      button.disabled = false;
      notify(`Retry failed: ${error instanceof Error ? error.message : String(error)}`, 'bad');
    }
  };
  const cancel = async () => {
    if (!window.confirm(`Cancel process instance ${id}? Its active tasks and jobs are withdrawn.`)) return;
    try {
      await rest.delete(`/process-instance/${seg(id)}`);
      notify('Instance cancelled');
      await refresh();
    } catch (error) {
      notify(`Cancel failed: ${error instanceof Error ? error.message : String(error)}`, 'bad');
    }
  };
  ctx.poll(refresh);
};
