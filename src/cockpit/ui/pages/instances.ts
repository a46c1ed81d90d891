import { rest } from '../api.js';
import { badge, formatTime, h, pager, replaceChildren } from '../dom.js';
import type { Page } from '../page.js';

/** Camunda 7's historic process instance, as far as the list shows it. */
interface HistoricInstance {
  id: string;
  businessKey: string | null;
  processDefinitionId: string;
  processDefinitionKey: string;
  processDefinitionName: string | null;
  processDefinitionVersion: number | null;
  startTime: string;
  endTime: string | null;
  state: string;
}

const PAGE = 50;
const STATES: Record<string, { label: string; body: Record<string, boolean> }> = {
  any: { label: 'Any', body: {} },
  running: { label: 'Running', body: { unfinished: true } },
  ended: { label: 'Ended', body: { finished: true } },
  completed: { label: 'Completed', body: { completed: true } },
  cancelled: { label: 'Cancelled', body: { externallyTerminated: true } },
  terminated: { label: 'Terminated by the process', body: { internallyTerminated: true } },
};
const OPERATORS = ['eq', 'neq', 'gt', 'gteq', 'lt', 'lteq', 'like'];
const FIELDS = ['businessKey', 'definitionKey', 'state', 'incidents', 'startedAfter', 'startedBefore', 'finishedAfter', 'finishedBefore', 'variable', 'operator', 'value'] as const;

/** `datetime-local` input (local time) → Camunda's date format. */
function camundaDate(local: string): string | undefined {
  if (!local) return undefined;
  const ms = new Date(local).getTime();
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().replace(/Z$/, '+0000');
}

/** The typed value a variable filter compares with: numbers and booleans as such, anything else as text. */
function filterValue(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  return text;
}

/** The query body of `POST /history/process-instance` for the form's fields. */
function queryBody(f: URLSearchParams): Record<string, unknown> {
  const body: Record<string, unknown> = { ...(STATES[f.get('state') ?? 'any'] ?? STATES.any!).body, sorting: [{ sortBy: 'startTime', sortOrder: 'desc' }] };
  const businessKey = f.get('businessKey')?.trim();
  if (businessKey) body.processInstanceBusinessKeyLike = `%${businessKey}%`;
  const definitionKey = f.get('definitionKey')?.trim();
  if (definitionKey) body.processDefinitionKey = definitionKey;
  if (f.get('incidents') === 'on') body.withIncidents = true;
  for (const name of ['startedAfter', 'startedBefore', 'finishedAfter', 'finishedBefore'] as const) {
    const date = camundaDate(f.get(name) ?? '');
    if (date) body[name] = date;
  }
  const variable = f.get('variable')?.trim();
  if (variable) body.variables = [{ name: variable, operator: f.get('operator') || 'eq', value: filterValue(f.get('value') ?? '') }];
  return body;
}

function stateBadge(state: string): HTMLElement {
  switch (state) {
    case 'ACTIVE':
      return badge('running', 'info');
    case 'COMPLETED':
      return badge('completed', 'ok');
    case 'EXTERNALLY_TERMINATED':
      return badge('cancelled', 'muted');
    default:
      return badge(state.toLowerCase().replace(/_/g, ' '), 'warn');
  }
}

/**
 * Search over running and ended instances: business key, definition, state, open incidents, start
 * and end dates, and one variable's latest value, through Camunda's `POST /history/process-instance`.
 * The filters live in the address, so a search can be bookmarked and shared.
 */
export const instancesPage: Page = async (main, ctx) => {
  const f = ctx.query;
  const field = (name: (typeof FIELDS)[number], label: string, input: HTMLInputElement | HTMLSelectElement) => {
    input.id = `search-${name}`;
    input.setAttribute('name', name);
    return h('label', { for: input.id }, label, input);
  };
  const text = (name: (typeof FIELDS)[number], type = 'text') => h('input', { type, value: f.get(name) ?? '', autocomplete: 'off' });
  const form = h('form', { class: 'search-form', role: 'search', 'aria-label': 'Search instances', onsubmit: (event: Event) => {
    event.preventDefault();
    const params = new URLSearchParams();
    new FormData(form).forEach((value, key) => {
      if (typeof value === 'string' && value !== '') params.set(key, value);
    });
    if (!params.get('variable')) {
      params.delete('operator');
      params.delete('value');
    }
    ctx.go(`#/instances?${params.toString()}`);
  } },
  field('businessKey', 'Business key contains', text('businessKey')),
  field('definitionKey', 'Process key', text('definitionKey')),
  field('state', 'State', h('select', {}, Object.entries(STATES).map(([value, s]) => h('option', { value, selected: (f.get('state') ?? 'any') === value }, s.label)))),
  h('label', { class: 'inline', for: 'search-incidents' }, h('input', { type: 'checkbox', id: 'search-incidents', name: 'incidents', checked: f.get('incidents') === 'on' }), 'With open incidents'),
  field('startedAfter', 'Started after', text('startedAfter', 'datetime-local')),
  field('startedBefore', 'Started before', text('startedBefore', 'datetime-local')),
  field('finishedAfter', 'Ended after', text('finishedAfter', 'datetime-local')),
  field('finishedBefore', 'Ended before', text('finishedBefore', 'datetime-local')),
  field('variable', 'Variable name', text('variable')),
  field('operator', 'Comparison', h('select', {}, OPERATORS.map((op) => h('option', { value: op, selected: (f.get('operator') ?? 'eq') === op }, op)))),
  field('value', 'Value (like: % wildcards)', text('value')),
  h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary' }, 'Search'), h('a', { href: '#/instances' }, 'Clear')));
  const results = h('div', { class: 'search-results', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Searching…'));
  replaceChildren(main, h('h1', {}, 'Instances'), h('section', { class: 'panel' }, form), h('section', { class: 'panel', 'aria-label': 'Matching instances' }, results));

  const body = queryBody(f);
  const search = async (first: number) => {
    const [rows, count] = await Promise.all([
      rest.post<HistoricInstance[]>(`/history/process-instance?firstResult=${first}&maxResults=${PAGE}`, body),
      rest.post<{ count: number }>('/history/process-instance/count', body),
    ]);
    replaceChildren(results, count.count === 0 ? h('p', { class: 'empty' }, 'No instance matches.') : [
      h('p', { class: 'muted small result-count' }, `${count.count} instance${count.count === 1 ? '' : 's'}`),
      h('table', { class: 'table instance-results' },
        h('thead', {}, h('tr', {}, ['Instance', 'Process', 'Business key', 'State', 'Started', 'Ended'].map((t) => h('th', { scope: 'col' }, t)))),
        h('tbody', {}, rows.map((i) => h('tr', { 'data-instance': i.id },
          h('td', {}, h('a', { href: `#/instance/${encodeURIComponent(i.id)}`, class: 'mono' }, i.id)),
          h('td', {}, i.processDefinitionName ?? i.processDefinitionKey, h('span', { class: 'muted' }, ` v${i.processDefinitionVersion ?? '?'}`)),
          h('td', { class: 'business-key' }, i.businessKey ?? '—'),
          h('td', {}, stateBadge(i.state)),
          h('td', { class: 'nowrap' }, formatTime(Date.parse(i.startTime.replace(/([+-]\d\d)(\d\d)$/, '$1:$2')))),
          h('td', { class: 'nowrap' }, i.endTime ? formatTime(Date.parse(i.endTime.replace(/([+-]\d\d)(\d\d)$/, '$1:$2'))) : '—'))))),
      pager(count.count, first, PAGE, (next) => void search(next).catch(showError), 'Instances'),
    ]);
  };
  const showError = (error: unknown) => replaceChildren(results, h('p', { class: 'error', role: 'alert' }, `Search failed: ${error instanceof Error ? error.message : String(error)}`));
  await search(0).catch(showError);
};
