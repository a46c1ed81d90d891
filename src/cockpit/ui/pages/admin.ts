import { rest, seg } from '../api.js';
import { h, notify, replaceChildren } from '../dom.js';
import type { Page } from '../page.js';

interface UserRow { id: string; firstName: string | null; lastName: string | null; email: string | null }
interface GroupRow { id: string; name: string | null; type: string | null }

/**
 * Users, groups and memberships over the engine's /user and /group REST routes. The server decides
 * who may change them (members of camunda-admin while authorization is on): a refusal is shown as
 * the server words it, nothing is hidden or changed on the page first.
 */
export const adminPage: Page = async (main) => {
  const error = h('p', { class: 'error', role: 'alert' });
  const usersBox = h('div', { class: 'admin-users' });
  const groupsBox = h('div', { class: 'admin-groups' });
  const act = async (what: string, action: () => Promise<unknown>) => {
    error.textContent = '';
    try {
      await action();
      notify(what);
      await refresh();
    } catch (problem) {
      error.textContent = `${what} failed: ${problem instanceof Error ? problem.message : String(problem)}`;
    }
  };
  const refresh = async () => {
    const [users, groups] = await Promise.all([rest.get<UserRow[]>('/user?sortBy=userId&sortOrder=asc'), rest.get<GroupRow[]>('/group?sortBy=id&sortOrder=asc')]);
    replaceChildren(usersBox, h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'User'), h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Email'))),
      h('tbody', {}, users.map((u) => h('tr', { 'data-user': u.id },
        h('td', {}, u.id), h('td', {}, [u.firstName, u.lastName].filter(Boolean).join(' ')), h('td', {}, u.email ?? ''))))));
    const members = await Promise.all(groups.map((g) => rest.get<UserRow[]>(`/user?memberOfGroup=${encodeURIComponent(g.id)}`)));
    const memberChip = (g: GroupRow, m: UserRow) => h('span', { class: 'member', 'data-member': m.id }, m.id, ' ',
      h('button', {
        type: 'button', class: 'small', title: `Remove ${m.id} from ${g.id}`, 'data-remove': `${g.id}/${m.id}`,
        onclick: () => void act(`${m.id} removed from ${g.id}`, () => rest.delete(`/group/${seg(g.id)}/members/${seg(m.id)}`)),
      }, '×'), ' ');
    const rows = groups.map((g, i) => h('tr', { 'data-group': g.id },
      h('td', {}, g.id, g.name && g.name !== g.id ? ` (${g.name})` : ''),
      h('td', {}, members[i]!.map((m) => memberChip(g, m)))));
    replaceChildren(groupsBox, h('table', { class: 'table compact' },
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Group'), h('th', { scope: 'col' }, 'Members'))),
      h('tbody', {}, rows)));
  };

  const userId = h('input', { id: 'new-user-id', type: 'text', autocomplete: 'off', required: true });
  const firstName = h('input', { id: 'new-user-first-name', type: 'text', autocomplete: 'off' });
  const password = h('input', { id: 'new-user-password', type: 'password', autocomplete: 'new-password' });
  const groupId = h('input', { id: 'new-group-id', type: 'text', autocomplete: 'off', required: true });
  const groupName = h('input', { id: 'new-group-name', type: 'text', autocomplete: 'off' });
  const memberGroup = h('input', { id: 'member-group', type: 'text', autocomplete: 'off', required: true });
  const memberUser = h('input', { id: 'member-user', type: 'text', autocomplete: 'off', required: true });
  const onSubmit = (fn: () => void) => (event: Event) => { event.preventDefault(); fn(); };

  replaceChildren(main, h('section', { class: 'panel admin' },
    h('h2', {}, 'Users and groups'),
    h('p', { class: 'muted small' }, 'Changes need membership of camunda-admin while authorization is on (the default with sign-in).'),
    error,
    h('h3', {}, 'Users'), usersBox,
    h('form', { class: 'filters', id: 'create-user', onsubmit: onSubmit(() => void act(`user ${userId.value.trim()} created`, () => rest.post('/user/create', {
      profile: { id: userId.value.trim(), firstName: firstName.value.trim() || null },
      ...(password.value ? { credentials: { password: password.value } } : {}),
    }))) },
    h('label', { for: 'new-user-id' }, 'Id'), userId, h('label', { for: 'new-user-first-name' }, 'First name'), firstName,
    h('label', { for: 'new-user-password' }, 'Password'), password, h('button', { type: 'submit', class: 'primary' }, 'Create user')),
    h('h3', {}, 'Groups'), groupsBox,
    h('form', { class: 'filters', id: 'create-group', onsubmit: onSubmit(() => void act(`group ${groupId.value.trim()} created`, () => rest.post('/group/create', { id: groupId.value.trim(), name: groupName.value.trim() || null, type: 'WORKFLOW' }))) },
      h('label', { for: 'new-group-id' }, 'Id'), groupId, h('label', { for: 'new-group-name' }, 'Name'), groupName, h('button', { type: 'submit', class: 'primary' }, 'Create group')),
    h('form', { class: 'filters', id: 'add-member', onsubmit: onSubmit(() => void act(`${memberUser.value.trim()} added to ${memberGroup.value.trim()}`, () => rest.put(`/group/${seg(memberGroup.value.trim())}/members/${seg(memberUser.value.trim())}`))) },
      h('label', { for: 'member-user' }, 'User'), memberUser, h('label', { for: 'member-group' }, 'Group'), memberGroup, h('button', { type: 'submit', class: 'primary' }, 'Add member'))));
  await refresh();
};
