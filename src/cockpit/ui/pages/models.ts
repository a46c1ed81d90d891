import { ApiError, cockpit, registryActions, seg } from '../api.js';
import { lineChart, type Series } from '../charts.js';
import { badge, formatTime, h, replaceChildren } from '../dom.js';
import { changed, type Page } from '../page.js';

type Row = Record<string, unknown>;
type Soft<T> = { available: false } | { available: true; data: T | null };

const STATUS_KIND: Record<string, 'ok' | 'warn' | 'bad' | 'info' | 'muted'> = {
  registered: 'muted', tested: 'info', approved: 'info', deployed: 'ok', retired: 'muted', rejected: 'bad', active: 'ok', replaced: 'muted', undeployed: 'muted',
};

/** Lists come back as arrays or `{items}` / `{models}` etc.; this takes either. */
function rows(data: unknown): Row[] {
  if (Array.isArray(data)) return data.filter((r): r is Row => r !== null && typeof r === 'object');
  if (data && typeof data === 'object') {
    for (const value of Object.values(data as Row)) if (Array.isArray(value)) return rows(value);
  }
  return [];
}

const str = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'object' ? JSON.stringify(v) : String(v));
const time = (v: unknown) => (typeof v === 'number' ? formatTime(v) : typeof v === 'string' ? formatTime(Date.parse(v)) : '—');
const when = (r: Row) => (typeof r.createdAt === 'number' ? r.createdAt : typeof r.createdAt === 'string' ? Date.parse(r.createdAt) : typeof r.at === 'number' ? r.at : NaN);

async function registry<T>(path: string): Promise<Soft<T>> {
  return cockpit.get<Soft<T>>(`/mlc${path}`);
}

function table(headers: string[], body: Array<Array<Node | string>>): HTMLElement {
  return h('table', { class: 'table compact' },
    h('thead', {}, h('tr', {}, headers.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, body.map((cells) => h('tr', {}, cells.map((c) => h('td', {}, c))))));
}

/** The model registry: models, versions and status, where each version runs, backtests over time, alerts. */
export const modelsPage: Page = async (main, ctx) => {
  const selected = ctx.params[0] ? decodeURIComponent(ctx.params[0]) : null;
  const list = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  const detail = h('div', { class: 'model-detail' });
  const alerts = h('div', {});
  const lifecycle = selected ? lifecyclePanel(selected, ctx.info.mlcPath) : null;
  replaceChildren(main, h('h1', {}, 'Models'), h('div', { class: 'split' },
    h('section', { class: 'panel side', 'aria-labelledby': 'models-title' }, h('h2', { id: 'models-title' }, 'Registry'), list),
    h('div', {}, lifecycle?.panel ?? null, detail, h('section', { class: 'panel', 'aria-labelledby': 'alerts-title' }, h('h2', { id: 'alerts-title' }, 'Alerts'), alerts))));

  const refresh = async () => {
    const models = await registry<unknown>('/models');
    if (!models.available) {
      if (changed(list, 'none')) {
        replaceChildren(list, h('p', { class: 'empty' }, 'The model registry is not running on this server.'));
        replaceChildren(detail, h('section', { class: 'panel' }, h('p', { class: 'empty' },
          'Models, versions, deployments and backtests appear here once the registry (/mlc) is mounted: start the server with ', h('code', {}, 'npm start'), ', which installs it.')));
        replaceChildren(alerts, h('p', { class: 'empty' }, 'No alerts.'));
      }
      return;
    }
    const items = rows(models.data);
    if (changed(list, { items, selected })) {
      replaceChildren(list, items.length === 0 ? h('p', { class: 'empty' }, 'No models registered yet.') :
        h('ul', { class: 'plain' }, items.map((m) => h('li', { class: m.id === selected ? 'selected' : '' },
          h('a', { href: `#/models/${encodeURIComponent(String(m.id))}` }, h('span', { class: 'definition-name' }, str(m.name ?? m.id)), h('span', { class: 'muted small' }, `${str(m.id)} · ${str(m.type)}`)),
          m.ownerGroup ? badge(str(m.ownerGroup), 'muted', 'owner group') : null))));
    }
    const alertData = await registry<unknown>(`/alerts${selected ? `?modelId=${encodeURIComponent(selected)}` : ''}`);
    const alertRows = alertData.available ? rows(alertData.data).sort((a, b) => when(b) - when(a)).slice(0, 50) : [];
    if (changed(alerts, alertRows)) {
      replaceChildren(alerts, alertRows.length === 0 ? h('p', { class: 'empty' }, 'No alerts.') :
        table(['When', 'Severity', 'Model', 'Message'], alertRows.map((a) => [time(a.createdAt), badge(str(a.severity), a.severity === 'critical' || a.severity === 'error' ? 'bad' : 'warn'), `${str(a.modelId)}${a.version ? ` v${str(a.version)}` : ''}`, str(a.message)])));
    }
    if (!selected) {
      if (changed(detail, 'none-selected')) replaceChildren(detail, h('section', { class: 'panel' }, h('p', { class: 'empty' }, 'Choose a model to see its versions, deployments and test results.')));
      return;
    }
    if (lifecycle) {
      const model = await registry<Row>(`/models/${seg(selected)}`);
      lifecycle.showPolicy(model.available && model.data ? (model.data.retrainPolicy as Row | undefined) ?? null : null);
    }
    const [versions, deployments, tests] = await Promise.all([
      registry<unknown>(`/models/${seg(selected)}/versions`),
      registry<unknown>(`/deployments?modelId=${encodeURIComponent(selected)}`),
      registry<unknown>(`/test-results?modelId=${encodeURIComponent(selected)}`),
    ]);
    const versionRows = versions.available ? rows(versions.data).sort((a, b) => Number(b.version) - Number(a.version)) : [];
    const deploymentRows = deployments.available ? rows(deployments.data) : [];
    const testRows = tests.available ? rows(tests.data).sort((a, b) => when(a) - when(b)) : [];
    if (!changed(detail, { versionRows, deploymentRows, testRows })) return;
    const series: Series[] = [];
    for (const metric of ['accuracy', 'auc', 'f1']) {
      const points = testRows.filter((t) => t.metrics && typeof (t.metrics as Row)[metric] === 'number').map((t) => ({ x: when(t), y: (t.metrics as Row)[metric] as number }));
      if (points.length) series.push({ name: metric, points });
    }
    const psi = testRows.filter((t) => t.drift && typeof (t.drift as Row).maxPsi === 'number').map((t) => ({ x: when(t), y: (t.drift as Row).maxPsi as number }));
    if (psi.length) series.push({ name: 'max PSI', points: psi });
    replaceChildren(detail,
      h('section', { class: 'panel', 'aria-labelledby': 'versions-title' }, h('h2', { id: 'versions-title' }, `Versions of ${selected}`),
        versionRows.length === 0 ? h('p', { class: 'empty' }, 'No versions.') :
          table(['Version', 'Status', 'Created', 'Training data', 'Training metrics'], versionRows.map((v) => [
            `v${str(v.version)}`, badge(str(v.status), STATUS_KIND[String(v.status)] ?? 'info'), time(v.createdAt), str(v.trainingData),
            v.trainingMetrics && typeof v.trainingMetrics === 'object' ? Object.entries(v.trainingMetrics as Row).filter(([, x]) => typeof x === 'number').map(([k, x]) => `${k} ${Number.isInteger(x) ? String(x) : (x as number).toFixed(3)}`).join(', ') : '—']))),
      h('section', { class: 'panel', 'aria-labelledby': 'deployments-title' }, h('h2', { id: 'deployments-title' }, 'Where it runs'),
        deploymentRows.length === 0 ? h('p', { class: 'empty' }, 'Not deployed anywhere.') :
          table(['Runtime', 'Stage', 'Version', 'Status', 'Since', 'Until'], deploymentRows.map((d) => [str(d.runtime), str(d.stage), `v${str(d.version)}`, badge(str(d.status), STATUS_KIND[String(d.status)] ?? 'info'), time(d.deployedAt), time(d.endedAt)]))),
      h('section', { class: 'panel', 'aria-labelledby': 'tests-title' }, h('h2', { id: 'tests-title' }, 'Test results over time'),
        series.length ? lineChart(series, { title: `Test metrics of ${selected} over time` }) : h('p', { class: 'empty' }, 'No test results yet.'),
        testRows.length ? table(['When', 'Version', 'Dataset', 'Purpose', 'Passed'], testRows.slice(-20).reverse().map((t) => [
          time(t.createdAt), `v${str(t.version)}`, str(t.dataset), str(t.purpose), t.passed ? badge('passed', 'ok') : badge('failed', 'bad')])) : null));
  };
  ctx.poll(refresh, 2000);
};

/**
 * What a model owner can do now: run the daily backtest, retrain (both start the bundled
 * monitors, POST /mlc/backtests and /mlc/retraining), and the policy that makes a drift retrain
 * on its own. A retrained challenger still waits for approval in the tasklist.
 */
function lifecyclePanel(modelId: string, mlcPath: string) {
  const policy = h('p', { class: 'retrain-policy muted' }, 'Loading the retrain policy…');
  const status = h('p', { class: 'lifecycle-status', role: 'status', 'aria-live': 'polite' });
  const start = async (button: HTMLButtonElement, path: string, what: string) => {
    button.disabled = true;
    try {
      const started = await registryActions.post<{ processInstanceId: string }>(mlcPath, path, { modelId });
      replaceChildren(status, `${what} started: `, h('a', { href: `#/instance/${encodeURIComponent(started.processInstanceId)}` }, started.processInstanceId));
    } catch (error) {
      replaceChildren(status, h('span', { class: 'error' }, `${what} could not start: ${error instanceof ApiError ? error.message : String(error)}`));
    } finally {
      button.disabled = false;
    }
  };
  const backtest: HTMLButtonElement = h('button', { type: 'button', onclick: () => void start(backtest, '/backtests', 'Backtest') }, 'Run backtest now');
  const retrain: HTMLButtonElement = h('button', { type: 'button', class: 'primary', onclick: () => void start(retrain, '/retraining', 'Retraining') }, 'Retrain now');
  const panel = h('section', { class: 'panel', 'aria-labelledby': 'lifecycle-title' }, h('h2', { id: 'lifecycle-title' }, 'Monitoring and retraining'),
    policy, h('div', { class: 'filter-buttons' }, backtest, retrain), status);
  const showPolicy = (p: Row | null) => {
    if (!changed(policy, p)) return;
    if (!p) return void replaceChildren(policy, 'No retrain policy reported by the registry.');
    const last = p.lastAutomaticRetrain as Row | null;
    replaceChildren(policy,
      p.onDrift ? `A drifted backtest starts retraining at most once every ${str(p.cooldownHours)} h` : 'A drifted backtest only alerts (automatic retraining is off)',
      ` (${p.source === 'model' ? "this model's policy" : "the server's default"}); a person approves every retrained version. `,
      last ? h('span', {}, 'Last automatic retrain: ', h('a', { href: `#/instance/${encodeURIComponent(String(last.processInstanceId))}` }, time(last.startedAt)),
        p.nextAllowedAt ? `, next possible after ${time(p.nextAllowedAt)}.` : '.') : 'No automatic retrain yet.');
  };
  return { panel, showPolicy };
}
