import { barChart } from './charts.js';
import { h } from './dom.js';

import type { ModelCard } from '../model-card.js';

export type { ModelCard };

const fmt = (n: number) => (Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(3));

/** Training next to test figures, one row per metric, with the threshold when one is set. */
function metricsTable(card: ModelCard): HTMLElement | null {
  const names = [...new Set([...Object.keys(card.trainingMetrics), ...Object.keys(card.testMetrics)])].filter((n) => !['confusionMatrix', 'rows', 'n'].includes(n));
  if (names.length === 0) return null;
  const threshold = (name: string) => {
    const t = card.thresholds;
    const key = Object.keys(t).find((k) => k.toLowerCase() === name.toLowerCase() || k.toLowerCase() === `min${name.toLowerCase()}` || k.toLowerCase() === `max${name.toLowerCase()}`);
    return key === undefined ? null : { key, value: t[key]! };
  };
  return h('table', { class: 'table compact metrics' },
    h('caption', {}, 'Metrics'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric'), h('th', { scope: 'col' }, 'Training'), h('th', { scope: 'col' }, 'Test'), h('th', { scope: 'col' }, 'Threshold'))),
    h('tbody', {}, names.map((name) => {
      const t = threshold(name);
      const test = card.testMetrics[name];
      const failing = t !== null && test !== undefined && (t.key.toLowerCase().startsWith('max') || name.toLowerCase().includes('loss') ? test > t.value : test < t.value);
      return h('tr', { class: failing ? 'failing' : '' },
        h('th', { scope: 'row' }, name),
        h('td', {}, card.trainingMetrics[name] === undefined ? '—' : fmt(card.trainingMetrics[name]!)),
        h('td', {}, test === undefined ? '—' : fmt(test), failing ? ' ⚠' : ''),
        h('td', {}, t === null ? '—' : `${t.key.toLowerCase().startsWith('max') ? '≤' : '≥'} ${fmt(t.value)}`));
    })));
}

/** What a reviewer sees before approving a model version. */
export function renderModelCard(card: ModelCard, registry?: Record<string, unknown> | null): HTMLElement {
  const title = card.modelName ?? card.modelId ?? 'Model';
  const otherThresholds = Object.entries(card.thresholds);
  return h('section', { class: 'model-card', 'aria-labelledby': 'model-card-title' },
    h('h3', { id: 'model-card-title' }, 'Model card: ', title),
    h('dl', { class: 'facts' },
      h('dt', {}, 'Model'), h('dd', {}, card.modelId ?? '—', card.modelType ? ` (${card.modelType})` : ''),
      h('dt', {}, 'Version to approve'), h('dd', { class: 'strong' }, card.version ?? '—'),
      h('dt', {}, 'Deployed now'), h('dd', {}, card.deployedVersion ?? 'none'),
      card.verdict ? [h('dt', {}, 'Test verdict'), h('dd', {}, card.verdict)] : null,
      registry && typeof registry.status === 'string' ? [h('dt', {}, 'Registry status'), h('dd', {}, registry.status)] : null),
    h('h4', {}, 'Changes against the deployed version'),
    card.changes.length === 0 ? h('p', { class: 'muted' }, 'No changes listed.') :
      h('ul', { class: 'changes' }, card.changes.map((c) => h('li', {}, h('strong', {}, c.what), c.from !== null && c.to !== null ? `: ${c.from} → ${c.to}` : c.from !== null || c.to !== null ? `: ${c.to ?? c.from}` : ''))),
    metricsTable(card),
    h('h4', {}, 'Population stability (PSI) per feature'),
    card.psi.length === 0 ? h('p', { class: 'muted' }, 'No drift figures.') :
      barChart(card.psi.map((p) => ({ label: p.feature, value: p.value })), { threshold: card.psiThreshold, title: `PSI per feature${card.psiThreshold !== null ? `, threshold ${card.psiThreshold}` : ''}` }),
    otherThresholds.length ? h('p', { class: 'small muted' }, 'Thresholds: ', otherThresholds.map(([k, v]) => `${k} ${v}`).join(' · ')) : null);
}
