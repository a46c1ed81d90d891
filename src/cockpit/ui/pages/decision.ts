/**
 * One decision definition, read-only in dmn-js; with `?evaluation=<id>` the rules that fired in
 * that evaluation are highlighted and its inputs and outputs listed: why did the model go to the
 * risk committee?
 */
import { rest, seg } from '../api.js';
import { DecisionTableView } from '../decision-table.js';
import { copyableId, h, replaceChildren } from '../dom.js';
import type { Page } from '../page.js';

export interface DecisionDefinition {
  id: string;
  key: string;
  name: string | null;
  version: number;
  versionTag: string | null;
  resource: string;
}

interface Value {
  clauseId: string;
  clauseName: string | null;
  value: unknown;
}

export interface DecisionEvaluation {
  id: string;
  decisionDefinitionId: string;
  decisionDefinitionKey: string;
  decisionDefinitionVersion: number;
  evaluationTime: string;
  processDefinitionKey: string | null;
  processInstanceId: string | null;
  activityId: string | null;
  inputs: Value[] | null;
  outputs: Array<Value & { variableName: string; ruleId: string | null }> | null;
  matchedRules: Array<{ ruleId: string; ruleOrder: number }>;
}

export const decisionPage: Page = async (main, ctx) => {
  const id = decodeURIComponent(ctx.params.join('/'));
  const evaluationId = ctx.query.get('evaluation');
  const [definition, xml] = await Promise.all([
    rest.get<DecisionDefinition>(`/decision-definition/${seg(id)}`),
    rest.get<{ dmnXml: string | null }>(`/decision-definition/${seg(id)}/xml`),
  ]);
  const canvas = h('div', { class: 'dmn-canvas', 'aria-label': `Decision table ${definition.key}` });
  const evaluationBox = h('div', {});
  main.append(
    h('p', {}, h('a', { href: '#/decisions' }, '‹ Decisions')),
    h('h1', {}, `${definition.name ?? definition.key} `, h('span', { class: 'muted' }, `${definition.key} v${definition.version}`)),
    h('section', { class: 'panel' }, canvas),
    h('section', { class: 'panel', 'aria-labelledby': 'evaluation-title' }, h('h2', { id: 'evaluation-title' }, 'Evaluation'), evaluationBox),
  );
  const view = new DecisionTableView(canvas);
  ctx.onLeave(() => view.destroy());
  if (!xml.dmnXml || !(await view.show(xml.dmnXml, definition.key))) {
    replaceChildren(canvas, h('p', { class: 'error' }, 'The DMN file of this decision could not be shown.'));
    return;
  }
  if (!evaluationId) {
    replaceChildren(evaluationBox, h('p', { class: 'empty' }, 'Pick an evaluation on the Decisions page or an instance page to see which rules fired.'));
    return;
  }
  const evaluation = await rest.get<DecisionEvaluation>(`/history/decision-instance/${encodeURIComponent(evaluationId)}?includeInputs=true&includeOutputs=true`);
  const fired = evaluation.matchedRules.map((r) => r.ruleId);
  view.highlight(fired);
  replaceChildren(evaluationBox,
    h('p', {}, fired.length ? `Rules that fired: ${fired.join(', ')}` : 'No rule matched.',
      evaluation.processInstanceId ? [' · process instance ', copyableId(evaluation.processInstanceId, `#/instance/${seg(evaluation.processInstanceId)}`), evaluation.activityId ? ` at ${evaluation.activityId}` : ''] : null),
    h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, ''), h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'Value'))),
      h('tbody', {},
        (evaluation.inputs ?? []).map((i) => h('tr', {}, h('td', {}, 'input'), h('td', {}, i.clauseName ?? i.clauseId), h('td', {}, JSON.stringify(i.value)))),
        (evaluation.outputs ?? []).map((o) => h('tr', {}, h('td', {}, 'output'), h('td', {}, `${o.clauseName ?? o.variableName}${o.ruleId ? ` (${o.ruleId})` : ''}`), h('td', {}, JSON.stringify(o.value)))))));
};
