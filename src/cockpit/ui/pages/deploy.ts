import { ApiError, rest } from '../api.js';
import { h, replaceChildren } from '../dom.js';
import type { Page } from '../page.js';

interface ProblemDto {
  message: string;
  line: number;
  column: number;
  mainElementId: string | null;
}
interface ParseErrorBody {
  type: string;
  message: string;
  details?: Record<string, { errors: ProblemDto[]; warnings: ProblemDto[] }>;
}
interface DeploymentResult {
  id: string;
  name: string | null;
  deployedProcessDefinitions: Record<string, { id: string; key: string; name: string | null; version: number }> | null;
}

const ACCEPT = /\.(bpmn|bpmn20\.xml|form|dmn)$/i;

/** Problems with line and column: from the structured details, else parsed out of ENGINE-09005's message. */
function problemsOf(body: ParseErrorBody): Array<{ resource: string; line: number | null; column: number | null; message: string; element: string | null }> {
  const list: Array<{ resource: string; line: number | null; column: number | null; message: string; element: string | null }> = [];
  for (const [resource, entry] of Object.entries(body.details ?? {})) {
    for (const p of entry.errors) list.push({ resource, line: p.line || null, column: p.column || null, message: p.message, element: p.mainElementId });
  }
  if (list.length) return list;
  for (const line of body.message.split('\n').slice(1)) {
    const m = /^\*\s*(.*?)(?: \| resource (\S+))?(?: \| line (\d+) \| column (\d+))?$/.exec(line.trim());
    if (m) list.push({ resource: m[2] ?? '', line: m[3] ? Number(m[3]) : null, column: m[4] ? Number(m[4]) : null, message: m[1] ?? line, element: null });
  }
  return list;
}

/** Drop `.bpmn` files (and their `.form`s) to deploy them; problems are listed with line and column. */
export const deployPage: Page = (main, ctx) => {
  const input = h('input', { id: 'deploy-file', type: 'file', multiple: true, accept: '.bpmn,.xml,.form,.dmn', class: 'visually-hidden' });
  const result = h('div', { class: 'deploy-result', 'aria-live': 'polite' });
  const zone = h('div', { class: 'drop-zone', tabindex: 0, role: 'button', 'aria-describedby': 'drop-help', 'data-drop': 'deploy' },
    h('p', { class: 'drop-title' }, 'Drop .bpmn files here'),
    h('p', { id: 'drop-help', class: 'muted' }, 'or press Enter to choose files. Forms (.form) dropped together are deployed alongside.'));
  const deploy = async (files: File[]) => {
    const chosen = files.filter((f) => ACCEPT.test(f.name));
    if (chosen.length === 0) {
      replaceChildren(result, h('p', { class: 'error' }, 'Only .bpmn, .form and .dmn files can be deployed.'));
      return;
    }
    replaceChildren(result, h('p', { class: 'muted' }, `Deploying ${chosen.map((f) => f.name).join(', ')}…`));
    const form = new FormData();
    form.append('deployment-name', chosen.find((f) => /\.bpmn/i.test(f.name))?.name.replace(/\.(bpmn|bpmn20\.xml)$/i, '') ?? chosen[0]!.name);
    form.append('deployment-source', 'mlc-cockpit');
    form.append('enable-duplicate-filtering', 'true');
    for (const file of chosen) form.append(file.name, file, file.name);
    try {
      const deployment = await rest.upload<DeploymentResult>('/deployment/create', form);
      const definitions = Object.values(deployment.deployedProcessDefinitions ?? {});
      replaceChildren(result, h('div', { class: 'success', role: 'status' },
        h('p', {}, h('strong', {}, 'Deployed. '), definitions.length ? `${definitions.length} process definition${definitions.length === 1 ? '' : 's'}:` : 'Nothing changed: the same files were deployed before.'),
        h('ul', {}, definitions.map((d) => h('li', {}, h('a', { href: `#/processes/${encodeURIComponent(d.id)}` }, `${d.name ?? d.key} v${d.version}`))))));
    } catch (error) {
      if (error instanceof ApiError && error.body && typeof error.body === 'object' && (error.body as ParseErrorBody).type === 'ParseException') {
        const body = error.body as ParseErrorBody;
        const problems = problemsOf(body);
        replaceChildren(result, h('div', { class: 'parse-errors', role: 'alert' },
          h('p', {}, h('strong', {}, 'The diagram could not be deployed.'), ` ${problems.length} problem${problems.length === 1 ? '' : 's'}:`),
          h('table', { class: 'table compact' },
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'File'), h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Column'), h('th', { scope: 'col' }, 'Element'), h('th', { scope: 'col' }, 'Problem'))),
            h('tbody', {}, problems.map((p) => h('tr', { class: 'problem' },
              h('td', {}, p.resource), h('td', { 'data-line': p.line ?? '' }, p.line === null ? '—' : `line ${p.line}`), h('td', {}, p.column === null ? '—' : String(p.column)),
              h('td', {}, p.element ?? '—'), h('td', {}, p.message))))),
          problems.length === 0 ? h('pre', {}, body.message) : null));
      } else {
        replaceChildren(result, h('p', { class: 'error', role: 'alert' }, `Deploy failed: ${error instanceof Error ? error.message : String(error)}`));
      }
    }
  };
  zone.addEventListener('dragover', (event) => {
    event.preventDefault();
    zone.classList.add('over');
  });
  zone.addEventListener('dragleave', () => zone.classList.remove('over'));
  zone.addEventListener('drop', (event) => {
    event.preventDefault();
    zone.classList.remove('over');
    void deploy(Array.from(event.dataTransfer?.files ?? []));
  });
  zone.addEventListener('click', () => input.click());
  zone.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      input.click();
    }
  });
  input.addEventListener('change', () => void deploy(Array.from(input.files ?? [])));
  // a file dropped anywhere else on the page must not navigate away from the cockpit
  const swallow = (event: DragEvent) => event.preventDefault();
  window.addEventListener('dragover', swallow);
  window.addEventListener('drop', swallow);
  ctx.onLeave(() => {
    window.removeEventListener('dragover', swallow);
    window.removeEventListener('drop', swallow);
  });
  replaceChildren(main, h('h1', {}, 'Deploy'), h('section', { class: 'panel' }, h('label', { for: 'deploy-file', class: 'visually-hidden' }, 'Files to deploy'), input, zone, result));
};
