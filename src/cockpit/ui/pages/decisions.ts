/** Deployed decisions (latest versions) and the most recent evaluations, each linking to its table. */
import { rest, seg } from '../api.js';
import { formatTime, h, replaceChildren } from '../dom.js';
import { changed, type Page } from '../page.js';
import type { DecisionDefinition, DecisionEvaluation } from './decision.js';

export const decisionsPage: Page = (main, ctx) => {
  const definitions = h('div', {});
  const evaluations = h('div', {});
  main.append(
    h('h1', {}, 'Decisions'),
    h('section', { class: 'panel', 'aria-labelledby': 'decisions-title' }, h('h2', { id: 'decisions-title' }, 'Decision definitions'), definitions),
    h('section', { class: 'panel', 'aria-labelledby': 'evaluations-title' }, h('h2', { id: 'evaluations-title' }, 'Recent evaluations'), evaluations),
  );
  const refresh = async () => {
    const [list, recent] = await Promise.all([
      rest.get<DecisionDefinition[]>('/decision-definition?latestVersion=true&sortBy=key&sortOrder=asc'),
      rest.get<DecisionEvaluation[]>('/history/decision-instance?rootDecisionInstancesOnly=true&sortBy=evaluationTime&sortOrder=desc&maxResults=20&includeOutputs=true'),
    ]);
    if (changed(definitions, list)) {
      replaceChildren(definitions, list.length === 0 ? h('p', { class: 'empty' }, 'No decisions deployed: deploy a .dmn file with the Modeler or the Deploy page.') :
        h('table', { class: 'table' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Decision'), h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Version'), h('th', { scope: 'col' }, 'Resource'))),
          h('tbody', {}, list.map((d) => h('tr', { 'data-decision': d.key },
            h('td', {}, h('a', { href: `#/decision/${seg(d.id)}` }, d.name ?? d.key)),
            h('td', {}, d.key),
            h('td', {}, `${d.version}${d.versionTag ? ` (${d.versionTag})` : ''}`),
            h('td', { class: 'muted' }, d.resource))))));
    }
    if (changed(evaluations, recent)) {
      replaceChildren(evaluations, recent.length === 0 ? h('p', { class: 'empty' }, 'Nothing evaluated yet.') :
        h('table', { class: 'table compact' },
          h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Decision'), h('th', { scope: 'col' }, 'Result'), h('th', { scope: 'col' }, 'Process instance'))),
          h('tbody', {}, recent.map((e) => h('tr', { 'data-evaluation': e.id },
            h('td', { class: 'nowrap' }, formatTime(Date.parse(e.evaluationTime.replace(/\+0000$/, 'Z')))),
            h('td', {}, h('a', { href: `#/decision/${seg(e.decisionDefinitionId)}?evaluation=${encodeURIComponent(e.id)}` }, `${e.decisionDefinitionKey} v${e.decisionDefinitionVersion}`)),
            h('td', {}, (e.outputs ?? []).map((o) => `${o.variableName} = ${JSON.stringify(o.value)}`).join(', ') || 'no rule matched'),
            h('td', {}, e.processInstanceId ? h('a', { href: `#/instance/${seg(e.processInstanceId)}` }, `${e.processDefinitionKey ?? ''} ${e.processInstanceId}`) : '—'))))));
    }
  };
  ctx.poll(refresh, 2000);
};
