import 'bpmn-js/dist/assets/diagram-js.css';
import 'bpmn-js/dist/assets/bpmn-js.css';
import 'bpmn-js/dist/assets/bpmn-font/css/bpmn-embedded.css';
import '@bpmn-io/form-js/dist/assets/form-js.css';
import 'dmn-js/dist/assets/dmn-js-shared.css';
import 'dmn-js/dist/assets/dmn-js-decision-table.css';
import 'dmn-js/dist/assets/dmn-js-literal-expression.css';
import 'dmn-js/dist/assets/dmn-js-drd.css';
import 'dmn-js/dist/assets/dmn-font/css/dmn-embedded.css';
import './styles.css';
import { cockpit, setRestPath, setToken, type Info } from './api.js';
import { h, replaceChildren } from './dom.js';
import { PageLifetime, type Page } from './page.js';
import { processesPage } from './pages/processes.js';
import { instancePage } from './pages/instance.js';
import { tasklistPage } from './pages/tasklist.js';
import { modelsPage } from './pages/models.js';
import { deployPage } from './pages/deploy.js';
import { incidentsPage } from './pages/incidents.js';
import { instancesPage } from './pages/instances.js';
import { decisionsPage } from './pages/decisions.js';
import { decisionPage } from './pages/decision.js';

const PAGES: Array<{ path: string; title: string; page: Page; nav: boolean }> = [
  { path: 'processes', title: 'Processes', page: processesPage, nav: true },
  { path: 'instance', title: 'Instance', page: instancePage, nav: false },
  { path: 'instances', title: 'Instances', page: instancesPage, nav: true },
  { path: 'incidents', title: 'Incidents', page: incidentsPage, nav: true },
  { path: 'tasks', title: 'Tasklist', page: tasklistPage, nav: true },
  { path: 'models', title: 'Models', page: modelsPage, nav: true },
  { path: 'decisions', title: 'Decisions', page: decisionsPage, nav: true },
  { path: 'decision', title: 'Decision', page: decisionPage, nav: false },
  { path: 'deploy', title: 'Deploy', page: deployPage, nav: true },
];

const USER_KEY = 'mlc-cockpit-user';
let info: Info = { user: null, restPath: '/engine-rest', mlcPath: '/mlc', now: Date.now() };
let current: PageLifetime | null = null;

/** The authenticated user, else the name typed in the top bar (auth off: who you say you are). */
function user(): string {
  return info.user ?? (localStorage.getItem(USER_KEY) || 'demo');
}

function renderUserBox(): void {
  const box = document.getElementById('user-box')!;
  if (info.user) {
    replaceChildren(box, h('span', { class: 'muted' }, 'Signed in as '), h('strong', {}, info.user));
    return;
  }
  const input = h('input', { id: 'user-name', type: 'text', value: user(), size: 10, autocomplete: 'username' });
  input.addEventListener('change', () => {
    localStorage.setItem(USER_KEY, input.value.trim() || 'demo');
    route();
  });
  replaceChildren(box, h('label', { for: 'user-name', class: 'muted' }, 'User '), input);
}

function renderNav(active: string): void {
  const nav = document.getElementById('nav')!;
  replaceChildren(nav, h('ul', {}, PAGES.filter((p) => p.nav).map((p) => h('li', {},
    h('a', { href: `#/${p.path}`, 'aria-current': p.path === active || (active === 'instance' && p.path === 'instances') || (active === 'decision' && p.path === 'decisions') ? 'page' : null }, p.title)))));
}

function route(): void {
  const hash = window.location.hash.replace(/^#\/?/, '');
  const [pathPart = '', queryPart = ''] = hash.split('?', 2);
  const [name = 'processes', ...params] = pathPart.split('/').filter(Boolean);
  const entry = PAGES.find((p) => p.path === name) ?? PAGES[0]!;
  current?.stop();
  const lifetime = new PageLifetime();
  current = lifetime;
  renderNav(entry.path);
  document.title = `${entry.title} · mlc cockpit`;
  const main = document.getElementById('main')!;
  main.replaceChildren();
  const result = entry.page(main, {
    params,
    query: new URLSearchParams(queryPart),
    info,
    user,
    poll: (fn, ms) => lifetime.poll(fn, ms),
    onLeave: (fn) => lifetime.onLeave(fn),
    go: (target) => {
      if (window.location.hash === target) route();
      else window.location.hash = target;
    },
  });
  Promise.resolve(result).catch((error: unknown) => {
    if (!lifetime.active) return;
    main.append(h('p', { class: 'error', role: 'alert' }, `This page could not load: ${error instanceof Error ? error.message : String(error)}`));
  });
}

/** Bearer auth: the browser cannot prompt, so ask for the token once per tab. */
function askForToken(): void {
  if (document.getElementById('token-dialog')) return;
  const field = h('input', { id: 'token-field', type: 'password', autocomplete: 'off' });
  const dialog = h('dialog', { id: 'token-dialog', 'aria-labelledby': 'token-title' },
    h('form', { method: 'dialog', onsubmit: () => {
      setToken(field.value.trim() || null);
      window.setTimeout(() => window.location.reload(), 0);
    } },
    h('h2', { id: 'token-title' }, 'Sign in'),
    h('label', { for: 'token-field' }, 'API token'), field,
    h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Sign in'))));
  document.body.append(dialog);
  dialog.showModal();
}

async function start(): Promise<void> {
  window.addEventListener('cockpit:needs-token', askForToken);
  try {
    info = await cockpit.get<Info>('/info');
    setRestPath(info.restPath);
  } catch {
    // the pages report their own errors; with bearer auth the token dialog is already open
  }
  renderUserBox();
  window.addEventListener('hashchange', route);
  route();
}

void start();
