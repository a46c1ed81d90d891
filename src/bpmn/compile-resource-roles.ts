/**
 * Standard BPMN task assignment, as Camunda 7 reads it: `humanPerformer` names the assignee;
 * `potentialOwner` lists candidates, `user(name)` a candidate user, `group(name)` or a bare name
 * a candidate group. Each name may be an expression (`${owner}`).
 */
import type { CompileContext } from './context.js';
import type { UserTaskSettings } from './graph.js';
import { text, type ModdleElement } from './moddle-types.js';

export function resourceRoles(element: ModdleElement, ctx: CompileContext): UserTaskSettings {
  const settings: UserTaskSettings = {};
  const users: string[] = [];
  const groups: string[] = [];
  for (const role of (element.resources as ModdleElement[] | undefined) ?? []) {
    const body = text((role.resourceAssignmentExpression as ModdleElement | undefined)?.expression?.body);
    if (body === undefined) {
      ctx.warn(`${role.$type} without a resourceAssignmentExpression is ignored`, element);
      continue;
    }
    if (role.$type === 'bpmn:HumanPerformer') {
      settings.assignee = ctx.expression(unwrap(body, 'user') ?? body, element, 'humanPerformer');
      continue;
    }
    if (role.$type !== 'bpmn:PotentialOwner') {
      ctx.warn(`${role.$type} is not supported: ignored (use humanPerformer or potentialOwner)`, element);
      continue;
    }
    for (const entry of splitTopLevel(body)) {
      const user = unwrap(entry, 'user');
      if (user !== undefined) users.push(user);
      else groups.push(unwrap(entry, 'group') ?? entry);
    }
  }
  if (users.length > 0) settings.candidateUsers = ctx.expression(users.join(','), element, 'potentialOwner');
  if (groups.length > 0) settings.candidateGroups = ctx.expression(groups.join(','), element, 'potentialOwner');
  return settings;
}

/** `user(kermit)` → `kermit` for prefix `user`; undefined when the entry has another form. */
function unwrap(entry: string, prefix: 'user' | 'group'): string | undefined {
  const match = new RegExp(`^${prefix}\\(\\s*(.*?)\\s*\\)$`).exec(entry.trim());
  return match?.[1];
}

/** Comma-separated entries, commas inside `(...)` or `{...}` kept. */
function splitTopLevel(body: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of body) {
    if (c === '(' || c === '{') depth++;
    if (c === ')' || c === '}') depth = Math.max(0, depth - 1);
    if (c === ',' && depth === 0) {
      entries.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  entries.push(current);
  return entries.map((entry) => entry.trim()).filter((entry) => entry !== '');
}
