import { ApiError, cockpit, rest, seg, typedVariables } from '../api.js';
import { badge, formatTime, h, notify, pager, replaceChildren } from '../dom.js';
import { renderModelCard, type ModelCard } from '../model-card.js';
import { changed, type Page, type PageContext } from '../page.js';
import { renderTaskForm, type RenderedForm, type TaskFormSpec } from '../task-form.js';

interface TaskRow {
  id: string;
  name: string | null;
  elementId: string;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  instanceId: string;
  definitionId: string;
  createdAt: number;
  dueAt: number | null;
  priority: number;
  definition: { name: string; version: number | null };
  businessKey: string | null;
}
interface TaskDetail {
  task: TaskRow;
  variables: Record<string, unknown>;
  form: TaskFormSpec;
  modelCard: ModelCard | null;
}
interface Paged<T> {
  total: number;
  firstResult: number;
  maxResults: number;
  items: T[];
}

const PAGE = 50;
const FILTER_KEY = 'mlc-cockpit-task-filter';

function isApproval(detail: TaskDetail): boolean {
  // a generated camunda:formData form is the task's own decision: it gets a plain Complete button
  if (detail.form.kind === 'form-data') return false;
  return detail.modelCard !== null || /approv/i.test(`${detail.task.name ?? ''} ${detail.task.elementId}`);
}

/** Open user tasks by candidate group / assignee; the selected task with its model card and form. */
export const tasklistPage: Page = async (main, ctx) => {
  const selectedId = ctx.params[0] ? decodeURIComponent(ctx.params[0]) : null;
  const saved = JSON.parse(localStorage.getItem(FILTER_KEY) ?? '{}') as { group?: string; assignee?: string };
  const group = h('input', { id: 'filter-group', type: 'text', value: ctx.query.get('candidateGroup') ?? saved.group ?? '', placeholder: 'any group', autocomplete: 'off' });
  const assignee = h('input', { id: 'filter-assignee', type: 'text', value: ctx.query.get('assignee') ?? saved.assignee ?? '', placeholder: 'anyone', autocomplete: 'off' });
  const list = h('div', { class: 'task-list' }, h('p', { class: 'muted' }, 'Loading…'));
  const detail = h('div', { class: 'task-detail' });
  let first = 0;
  const refreshList = async () => {
    const params = new URLSearchParams({ firstResult: String(first), maxResults: String(PAGE) });
    if (group.value.trim()) params.set('candidateGroup', group.value.trim());
    if (assignee.value.trim()) params.set('assignee', assignee.value.trim());
    const data = await cockpit.get<Paged<TaskRow>>(`/tasks?${params}`);
    if (!changed(list, { data, selectedId })) return;
    replaceChildren(list, data.total === 0 ? h('p', { class: 'empty' }, 'No open tasks match.') : [
      h('ul', { class: 'plain' }, data.items.map((t) => h('li', { class: t.id === selectedId ? 'selected' : '' },
        h('a', { href: `#/tasks/${encodeURIComponent(t.id)}`, class: 'task-link', 'data-task': t.id },
          h('span', { class: 'task-name' }, t.name ?? t.elementId),
          h('span', { class: 'muted small' }, `${t.definition.name}${t.businessKey ? ` · ${t.businessKey}` : ''} · ${formatTime(t.createdAt)}`)),
        h('span', { class: 'counts' },
          t.assignee ? badge(t.assignee, t.assignee === ctx.user() ? 'ok' : 'muted', 'assignee') : badge('unclaimed', 'warn'),
          t.candidateGroups.length ? badge(t.candidateGroups.join(', '), 'info', 'candidate groups') : null)))),
      pager(data.total, data.firstResult, data.maxResults, (next) => {
        first = next;
        void refreshList();
      }, 'Tasks'),
    ]);
  };
  const applyFilter = (event: Event) => {
    event.preventDefault();
    localStorage.setItem(FILTER_KEY, JSON.stringify({ group: group.value.trim(), assignee: assignee.value.trim() }));
    first = 0;
    void refreshList();
  };
  replaceChildren(main,
    h('h1', {}, 'Tasklist'),
    h('div', { class: 'split' },
      h('section', { class: 'panel side', 'aria-labelledby': 'tasks-title' },
        h('h2', { id: 'tasks-title' }, 'Open tasks'),
        h('form', { class: 'filters', onsubmit: applyFilter },
          h('label', { for: 'filter-group' }, 'Candidate group'), group,
          h('label', { for: 'filter-assignee' }, 'Assignee'), assignee,
          h('div', { class: 'filter-buttons' },
            h('button', { type: 'submit' }, 'Filter'),
            h('button', { type: 'button', onclick: (e: Event) => { assignee.value = ctx.user(); applyFilter(e); } }, 'Mine'))),
        list),
      detail));
  ctx.poll(refreshList);
  if (!selectedId) {
    replaceChildren(detail, h('section', { class: 'panel' }, h('p', { class: 'empty' }, 'Choose a task to work on it.')));
    return;
  }
  await showTask(detail, selectedId, ctx);
};

async function showTask(container: HTMLElement, taskId: string, ctx: PageContext): Promise<void> {
  let detail: TaskDetail;
  try {
    detail = await cockpit.get<TaskDetail>(`/tasks/${seg(taskId)}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 404) {
      replaceChildren(container, h('section', { class: 'panel' }, h('p', { class: 'empty' }, 'This task is no longer open: it was completed or its instance ended.')));
      return;
    }
    throw error;
  }
  const { task } = detail;
  const approval = isApproval(detail);
  let form: RenderedForm | null = null;
  ctx.onLeave(() => form?.destroy());
  const claimBox = h('div', { class: 'claim' });
  const renderClaim = (assigneeNow: string | null) => {
    const me = ctx.user();
    replaceChildren(claimBox,
      h('span', {}, 'Assignee: ', h('strong', { 'data-assignee': assigneeNow ?? '' }, assigneeNow ?? 'nobody')),
      assigneeNow === me ? null : h('button', { type: 'button', class: 'primary', onclick: () => void claim() }, assigneeNow ? `Claim from ${assigneeNow}` : 'Claim'),
      assigneeNow ? h('button', { type: 'button', onclick: () => void unclaim() }, 'Unclaim') : null);
  };
  const claim = async () => {
    try {
      if (task.assignee && task.assignee !== ctx.user()) await rest.post(`/task/${seg(task.id)}/assignee`, { userId: ctx.user() });
      else await rest.post(`/task/${seg(task.id)}/claim`, { userId: ctx.user() });
      task.assignee = ctx.user();
      renderClaim(task.assignee);
      updateButtons();
      notify(`Claimed by ${ctx.user()}`);
    } catch (error) {
      notify(`Claim failed: ${error instanceof Error ? error.message : String(error)}`, 'bad');
    }
  };
  const unclaim = async () => {
    try {
      await rest.post(`/task/${seg(task.id)}/unclaim`);
      task.assignee = null;
      renderClaim(null);
      updateButtons();
    } catch (error) {
      notify(`Unclaim failed: ${error instanceof Error ? error.message : String(error)}`, 'bad');
    }
  };

  const comment = h('textarea', { id: 'decision-comment', rows: 3, placeholder: 'Why? (recorded with the decision)' });
  const error = h('p', { class: 'error', role: 'alert' });
  const actionButtons: HTMLButtonElement[] = [];
  const complete = async (extra: Record<string, unknown>, label: string) => {
    error.textContent = '';
    let variables: Record<string, unknown>;
    try {
      variables = { ...(form?.read() ?? {}), ...extra };
    } catch (problem) {
      error.textContent = problem instanceof Error ? problem.message : String(problem);
      return;
    }
    for (const b of actionButtons) b.disabled = true;
    try {
      await rest.post(`/task/${seg(task.id)}/complete`, { variables: typedVariables(variables) });
      notify(`${label}: ${task.name ?? task.elementId}`);
      ctx.go(`#/tasks`);
    } catch (problem) {
      error.textContent = `Could not complete the task: ${problem instanceof Error ? problem.message : String(problem)}`;
      updateButtons();
    }
  };
  const decide = (approved: boolean) => {
    const text = comment.value.trim();
    if (!approved && !text) {
      error.textContent = 'A rejection needs a comment.';
      comment.focus();
      return;
    }
    void complete({ approved, comment: text, approver: ctx.user(), decidedAt: new Date().toISOString() }, approved ? 'Approved' : 'Rejected');
  };
  const updateButtons = () => {
    const mine = task.assignee === ctx.user();
    for (const b of actionButtons) {
      b.disabled = !mine;
      b.title = mine ? '' : 'Claim the task first';
    }
  };
  const actions = approval
    ? h('div', { class: 'decision' },
      h('label', { for: 'decision-comment' }, 'Comment'), comment,
      h('div', { class: 'buttons' },
        actionButtons[actionButtons.push(h('button', { type: 'button', class: 'primary', 'data-action': 'approve', onclick: () => decide(true) }, 'Approve')) - 1],
        actionButtons[actionButtons.push(h('button', { type: 'button', class: 'danger', 'data-action': 'reject', onclick: () => decide(false) }, 'Reject')) - 1]),
      error)
    : h('div', { class: 'decision' },
      h('div', { class: 'buttons' }, actionButtons[actionButtons.push(h('button', { type: 'button', class: 'primary', 'data-action': 'complete', onclick: () => void complete({}, 'Completed') }, 'Complete')) - 1]),
      error);

  form = renderTaskForm(detail.form, detail.variables);
  const formBox = detail.form.kind === 'generated' && approval
    ? h('details', { class: 'variables-form' }, h('summary', {}, 'Edit variables before deciding'), form.element)
    : form.element;

  replaceChildren(container, h('section', { class: 'panel' },
    h('div', { class: 'title-row' },
      h('div', {},
        h('h2', {}, task.name ?? task.elementId),
        h('p', { class: 'muted small' },
          `${task.definition.name}${task.businessKey ? ` · ${task.businessKey}` : ''} · created ${formatTime(task.createdAt)}`,
          task.candidateGroups.length ? ` · groups ${task.candidateGroups.join(', ')}` : '', ' · ',
          h('a', { href: `#/instance/${encodeURIComponent(task.instanceId)}` }, 'open instance'))),
      claimBox),
    detail.modelCard ? renderModelCard(detail.modelCard) : null,
    formBox,
    actions));
  renderClaim(task.assignee);
  updateButtons();
  // if someone else completes the task meanwhile, say so instead of failing on submit
  ctx.poll(async () => {
    const now = await cockpit.get<{ open: boolean; assignee: string | null }>(`/tasks/${seg(task.id)}/status`);
    if (!now.open) {
      for (const b of actionButtons) b.disabled = true;
      error.textContent = 'This task is no longer open: someone completed it or its instance ended.';
    } else if (now.assignee !== task.assignee) {
      task.assignee = now.assignee;
      renderClaim(task.assignee);
      updateButtons();
    }
  }, 2000);
}
