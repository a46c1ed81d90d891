/**
 * The champion/challenger comparison an approver decides on, drawn from the `comparison` task
 * variable the compare step sets: metrics side by side with deltas, the bootstrap interval of the
 * deciding metric and the verdict, ROC curves, confusion matrices, PSI per feature for both
 * models, and the data every figure came from. Variables are untyped JSON: anything missing or
 * of the wrong shape is shown as missing, never guessed.
 */
import { barChart, rocChart } from './charts.js';
import { h } from './dom.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj | null => (v !== null && typeof v === 'object' && !Array.isArray(v) ? v as Obj : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const fmt = (n: number | null) => (n === null ? '—' : Math.abs(n) >= 100 ? n.toFixed(0) : n.toFixed(4));
const signed = (n: number | null) => (n === null ? '—' : `${n >= 0 ? '+' : ''}${n.toFixed(4)}`);

interface Side {
  label: string;
  metrics: Obj;
  roc: Array<{ fpr: number; tpr: number }>;
  psi: Array<{ label: string; value: number }>;
  trainingData: string | null;
}

function sideOf(value: unknown, role: string): Side | null {
  const s = obj(value);
  if (!s) return null;
  const version = num(s.version);
  const roc = Array.isArray(s.roc) ? s.roc.map(obj).filter((p): p is Obj => p !== null && num(p.fpr) !== null && num(p.tpr) !== null).map((p) => ({ fpr: p.fpr as number, tpr: p.tpr as number })) : [];
  const psi = Array.isArray(s.psi) ? s.psi.map(obj).filter((p): p is Obj => p !== null && typeof p.feature === 'string' && num(p.psi) !== null).map((p) => ({ label: p.feature as string, value: p.psi as number })) : [];
  return { label: `${role}${version === null ? '' : ` v${version}`}`, metrics: obj(s.metrics) ?? {}, roc, psi, trainingData: typeof s.trainingData === 'string' ? s.trainingData : null };
}

function metricsTable(champion: Side | null, challenger: Side, primary: string | null): HTMLElement {
  const names = [...new Set([...Object.keys(challenger.metrics), ...Object.keys(champion?.metrics ?? {})])]
    .filter((n) => num(challenger.metrics[n]) !== null || num(champion?.metrics[n]) !== null);
  return h('table', { class: 'table compact comparison-metrics' },
    h('caption', {}, 'Metrics on the compared data'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric'), h('th', { scope: 'col' }, champion?.label ?? 'Champion'), h('th', { scope: 'col' }, challenger.label), h('th', { scope: 'col' }, 'Δ'))),
    h('tbody', {}, names.map((name) => {
      const a = num(champion?.metrics[name]);
      const b = num(challenger.metrics[name]);
      return h('tr', { class: name === primary ? 'primary' : '', 'data-metric': name },
        h('th', { scope: 'row' }, name, name === primary ? ' (deciding)' : ''),
        h('td', {}, fmt(a)), h('td', {}, fmt(b)),
        h('td', { class: 'delta' }, a === null || b === null ? '—' : signed(b - a)));
    })));
}

function confusionTable(side: Side): HTMLElement | null {
  const c = obj(side.metrics.confusion);
  if (!c) return null;
  return h('table', { class: 'table compact confusion', 'data-model': side.label },
    h('caption', {}, `Confusion matrix, ${side.label}`),
    h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { scope: 'col' }, 'predicted 1'), h('th', { scope: 'col' }, 'predicted 0'))),
    h('tbody', {},
      h('tr', {}, h('th', { scope: 'row' }, 'actual 1'), h('td', {}, String(num(c.tp) ?? '—')), h('td', {}, String(num(c.fn) ?? '—'))),
      h('tr', {}, h('th', { scope: 'row' }, 'actual 0'), h('td', {}, String(num(c.fp) ?? '—')), h('td', {}, String(num(c.tn) ?? '—')))));
}

/** The comparison section, or null when the variable is not a comparison. */
export function renderComparisonCard(value: unknown): HTMLElement | null {
  const card = obj(value);
  const challenger = sideOf(card?.challenger, 'challenger');
  if (!card || !challenger) return null;
  const champion = sideOf(card.champion, 'champion');
  const primary = typeof card.primaryMetric === 'string' ? card.primaryMetric : null;
  const interval = obj(card.interval);
  const data = obj(card.data);
  const wins = card.challengerWins === true;
  const level = num(interval?.level);
  return h('section', { class: 'comparison-card', 'aria-label': 'Champion and challenger' },
    h('h3', {}, 'Champion and challenger'),
    h('p', { class: `verdict ${wins ? 'good' : 'bad'}` }, champion === null
      ? `No champion deployed: the challenger is judged on its thresholds alone (${wins ? 'passes' : 'fails'}).`
      : wins ? 'Verdict: the challenger wins.' : 'Verdict: the champion stays.'),
    interval ? h('p', { class: 'interval' },
      `${primary ?? 'metric'}: Δ ${signed(num(interval.delta))}, ${level === null ? '' : `${Math.round(level * 100)}% `}bootstrap interval [${signed(num(interval.low))}, ${signed(num(interval.high))}]`,
      num(card.minImprovement) !== null ? `, margin ${num(card.minImprovement)}` : '',
      num(interval.resamples) !== null ? ` (${num(interval.resamples)} resamples, seed ${num(interval.seed) ?? '—'})` : '') : null,
    h('p', { class: 'small muted comparison-data' }, 'Data: ',
      typeof data?.note === 'string' ? data.note : typeof data?.dataset === 'string' ? data.dataset : 'not recorded',
      data?.heldOut === true ? ' (held out)' : ''),
    metricsTable(champion, challenger, primary),
    h('h4', {}, 'ROC curve'),
    rocChart([champion, challenger].filter((s): s is Side => s !== null && s.roc.length > 0).map((s) => ({ name: s.label, points: s.roc })), { title: 'ROC curve on the compared data' }),
    h('h4', {}, 'Confusion matrices'),
    h('div', { class: 'confusions' }, champion ? confusionTable(champion) : null, confusionTable(challenger)),
    h('h4', {}, 'Population stability (PSI) per feature, against the compared data'),
    [champion, challenger].filter((s): s is Side => s !== null).map((s) => s.psi.length === 0
      ? h('p', { class: 'muted' }, `${s.label}: no drift figures.`)
      : barChart(s.psi, { title: `PSI per feature, ${s.label}${s.trainingData ? ` (trained on ${s.trainingData})` : ''}` })));
}

/** The fit's settings in their own section (modelDetails.hyperParameters), or null without any. */
export function renderHyperParameters(details: unknown): HTMLElement | null {
  const params = obj(obj(details)?.hyperParameters);
  if (!params || Object.keys(params).length === 0) return null;
  return h('section', { class: 'hyperparameters', 'aria-label': 'Hyperparameters' },
    h('h3', {}, 'Hyperparameters'),
    h('dl', { class: 'facts' }, Object.entries(params).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, typeof v === 'object' ? JSON.stringify(v) : String(v))])));
}
