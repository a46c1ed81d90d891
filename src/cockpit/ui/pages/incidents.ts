import { cockpit, rest, seg } from '../api.js';
import { badge, formatTime, h, notify, pager, replaceChildren } from '../dom.js';
import { changed, type Page } from '../page.js';

interface IncidentRow {
  id: string;
  type: string;
  elementId: string | null;
  elementInstanceId: string | null;
  jobId: string | null;
  message: string | null;
  createdAt: number;
  instanceId: string;
  businessKey: string | null;
  definitionId: string | null;
  definition: { name: string; version: number | null };
  job: { id: string; retries: number; attempts: number; topic: string | null; errorMessage: string | null; errorDetails: string | null } | null;
}
interface Paged<T> {
  total: number;
  firstResult: number;
  maxResults: number;
  items: T[];
}

const PAGE = 50;

/**
 * Every open incident across all instances: the error, its details (the failed job's stack trace),
 * where it happened, and the two ways out: retry the job with a number of retries (Camunda's
 * `PUT /job/{id}/retries`) or resolve the incident (`DELETE /incident/{id}`, which runs the element again).
 */
export const incidentsPage: Page = (main, ctx) => {
  const list = h('div', { class: 'incidents' }, h('p', { class: 'muted' }, 'Loading…'));
  replaceChildren(main, h('h1', {}, 'Incidents'), h('section', { class: 'panel', 'aria-label': 'Open incidents' }, list));
  let first = 0;

  const act = async (button: HTMLButtonElement, what: string, fn: () => Promise<unknown>) => {
    button.disabled = true;
    try {
      await fn();
      notify(what);
      await refresh();
    } catch (error) {
      button.disabled = false;
      notify(`${what} failed: ${error instanceof Error ? error.message : String(error)}`, 'bad');
    }
  };

  const row = (i: IncidentRow) => {
    const retries = h('input', { type: 'number', min: 1, max: 100, value: 1, class: 'retries', 'aria-label': `Retries for incident ${i.id}` });
    const retry = i.job ? h('button', { type: 'button', 'data-action': 'retry', onclick: (event: Event) => void act(event.currentTarget as HTMLButtonElement, `Retrying ${i.elementId ?? 'the job'}`,
      () => rest.put(`/job/${seg(i.job!.id)}/retries`, { retries: Number(retries.value) })) }, 'Retry') : null;
    const resolve = h('button', { type: 'button', 'data-action': 'resolve', onclick: (event: Event) => void act(event.currentTarget as HTMLButtonElement, 'Incident resolved',
      () => rest.delete(`/incident/${seg(i.id)}`)) }, 'Resolve');
    const details = i.job?.errorDetails;
    return h('li', { class: 'incident', 'data-incident': i.id },
      h('div', { class: 'title-row' },
        h('div', {},
          badge(i.type, 'bad'), ' ', h('strong', {}, i.definition.name), h('span', { class: 'muted' }, ` v${i.definition.version ?? '?'}`),
          ' at ', h('a', { href: `#/instance/${encodeURIComponent(i.instanceId)}`, class: 'element-link', 'data-element': i.elementId ?? '' }, i.elementId ?? '—'),
          h('div', { class: 'muted small' },
            'instance ', h('a', { href: `#/instance/${encodeURIComponent(i.instanceId)}`, class: 'instance-link mono' }, i.instanceId),
            i.businessKey ? ` · business key ${i.businessKey}` : '', ` · since ${formatTime(i.createdAt)}`,
            i.job ? ` · job ${i.job.id}${i.job.topic ? ` (${i.job.topic})` : ''} · ${i.job.retries} retries left after ${i.job.attempts} attempts` : '')),
        h('div', { class: 'actions' }, i.job ? [h('label', { class: 'inline small' }, 'retries ', retries), retry] : null, resolve)),
      h('pre', { class: 'incident-message' }, i.message ?? '(no message)'),
      details ? h('details', { class: 'stacktrace' }, h('summary', {}, 'Error details'), h('pre', {}, details)) : null);
  };

  const refresh = async () => {
    const data = await cockpit.get<Paged<IncidentRow>>(`/incidents?firstResult=${first}&maxResults=${PAGE}`);
    if (!changed(list, data)) return;
    replaceChildren(list, data.total === 0 ? h('p', { class: 'empty' }, 'No open incidents.') : [
      h('ul', { class: 'plain incident-list' }, data.items.map(row)),
      pager(data.total, data.firstResult, data.maxResults, (next) => {
        first = next;
        void refresh();
      }, 'Incidents'),
    ]);
  };
  ctx.poll(refresh, 2000);
};
