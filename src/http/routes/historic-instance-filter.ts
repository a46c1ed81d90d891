import type { Request } from 'express';
import type { InstanceQuery, VariableFilter, VariableOperator } from '../../store/query-store.js';
import { HttpError } from '../errors.js';
import { QueryParams } from '../query.js';

const OPERATORS: readonly VariableOperator[] = ['eq', 'neq', 'gt', 'gteq', 'lt', 'lteq', 'like'];
export const HISTORIC_INSTANCE_SORT = ['instanceId', 'definitionKey', 'definitionId', 'businessKey', 'startTime', 'endTime'] as const;

/** The filters of Camunda 7's historic process instance query, as GET parameters (POST bodies use the same names). */
export const HISTORIC_INSTANCE_FILTERS = [
  'processInstanceId', 'processInstanceIds', 'processInstanceBusinessKey', 'processInstanceBusinessKeyLike', 'processDefinitionId', 'processDefinitionKey',
  'finished', 'unfinished', 'active', 'suspended', 'completed', 'externallyTerminated', 'internallyTerminated', 'withIncidents',
  'startedAfter', 'startedBefore', 'finishedAfter', 'finishedBefore', 'superProcessInstanceId', 'variables',
];

/** A GET value of `variables`: `name_op_value` triples separated by commas (Camunda's syntax: no `_` or `,` in names and values). */
export function parseVariablesParam(text: string): VariableFilter[] {
  return text.split(',').filter((part) => part !== '').map((part) => {
    const [name, operator, ...rest] = part.split('_');
    const value = rest.join('_');
    if (!name || !operator || rest.length === 0) throw new HttpError(400, `Invalid variable filter '${part.slice(0, 100)}': expected name_operator_value`);
    return variableFilter(name, operator, textValue(value));
  });
}

/** GET values are text: numbers and booleans are read as such, so `amount_gt_100` compares numerically. */
function textValue(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^-?\d+(\.\d+)?$/.test(text) && Number.isFinite(Number(text))) return Number(text);
  return text;
}

function variableFilter(name: string, operator: string, value: unknown): VariableFilter {
  if (!(OPERATORS as readonly string[]).includes(operator)) throw new HttpError(400, `Invalid variable comparator '${operator.slice(0, 20)}' for variable '${name.slice(0, 100)}': use one of ${OPERATORS.join(', ')}`);
  if (value !== null && typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new HttpError(400, `Variable filter '${name.slice(0, 100)}': the value must be a string, number, boolean or null`);
  }
  if (operator === 'like' && typeof value !== 'string') throw new HttpError(400, `Variable filter '${name.slice(0, 100)}': like needs a string value`);
  return { name, operator: operator as VariableOperator, value };
}

/**
 * A POST query body as GET parameters plus its typed parts: scalar fields become text (lists are
 * joined) so the GET parser reads them; `variables` keep their JSON types and `sorting` its list.
 */
export function bodyAsQuery(body: unknown): { params: QueryParams; variables: VariableFilter[]; sorting: Array<{ sortBy: string; sortOrder: string }> } {
  if (body === undefined || body === null) body = {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'The query body must be a JSON object');
  const query: Record<string, string> = {};
  let variables: VariableFilter[] = [];
  let sorting: Array<{ sortBy: string; sortOrder: string }> = [];
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) {
    if (value === null || value === undefined) continue;
    if (key === 'variables') {
      if (!Array.isArray(value)) throw new HttpError(400, 'variables must be a list of {"name", "operator", "value"}');
      variables = value.map((v: unknown) => {
        const item = (v && typeof v === 'object' ? v : {}) as { name?: unknown; operator?: unknown; value?: unknown };
        if (typeof item.name !== 'string' || typeof item.operator !== 'string') throw new HttpError(400, 'Each variable filter needs a name and an operator');
        return variableFilter(item.name, item.operator, item.value ?? null);
      });
    } else if (key === 'sorting') {
      if (!Array.isArray(value)) throw new HttpError(400, 'sorting must be a list of {"sortBy", "sortOrder"}');
      sorting = value.map((s: unknown) => {
        const item = (s && typeof s === 'object' ? s : {}) as { sortBy?: unknown; sortOrder?: unknown };
        if (typeof item.sortBy !== 'string' || typeof item.sortOrder !== 'string') throw new HttpError(400, 'Each sorting entry needs a sortBy and a sortOrder');
        return { sortBy: item.sortBy, sortOrder: item.sortOrder };
      });
    } else if (Array.isArray(value)) {
      query[key] = value.map(String).join(',');
    } else if (typeof value === 'object') {
      throw new HttpError(400, `Cannot set query parameter '${key.slice(0, 100)}' to an object`);
    } else {
      query[key] = String(value);
    }
  }
  if (sorting.length > 1) throw new HttpError(400, 'Sorting by more than one property is not supported');
  if (sorting[0]) Object.assign(query, { sortBy: String(sorting[0].sortBy), sortOrder: String(sorting[0].sortOrder) });
  return { params: new QueryParams({ query } as unknown as Request), variables, sorting };
}

/** Camunda's historic process instance filters → the store's instance query; `null` when the filters exclude everything. */
export function historicInstanceFilter(q: QueryParams, variables: VariableFilter[]): InstanceQuery | null {
  const finished = q.bool('finished');
  const unfinished = q.bool('unfinished');
  const single = q.string('processInstanceId');
  const ids = q.list('processInstanceIds');
  const ended = endedFilter(q);
  const active = q.bool('active');
  // Camunda: `active` = running and not suspended, `suspended` = running and suspended
  const suspended = q.bool('suspended');
  const wantsEnded = finished === true || unfinished === false || ended !== undefined || active === false || suspended === false;
  const wantsActive = unfinished === true || finished === false || active === true || suspended === true;
  if ((finished && unfinished) || (wantsEnded && wantsActive) || (active && suspended)) return null;
  const businessKeyLike = q.string('processInstanceBusinessKeyLike');
  const variablesParam = q.string('variables');
  return {
    ids: single !== undefined ? [single, ...(ids ?? [])].filter((id) => !ids || ids.includes(id)) : ids,
    businessKey: q.string('processInstanceBusinessKey'),
    businessKeyLike,
    processDefinitionId: q.string('processDefinitionId'),
    processDefinitionKey: q.string('processDefinitionKey'),
    superProcessInstance: q.string('superProcessInstanceId'),
    startedAfter: q.date('startedAfter'),
    startedBefore: q.date('startedBefore'),
    finishedAfter: q.date('finishedAfter'),
    finishedBefore: q.date('finishedBefore'),
    withIncidents: q.bool('withIncidents') === true ? true : undefined,
    ended,
    variables: [...variables, ...(variablesParam !== undefined ? parseVariablesParam(variablesParam) : [])],
    state: wantsEnded ? 'ended' : wantsActive ? 'active' : 'any',
    ...(active === true ? { suspended: false } : suspended === true ? { suspended: true } : {}),
    ...q.sort(HISTORIC_INSTANCE_SORT),
  };
}

function endedFilter(q: QueryParams): InstanceQuery['ended'] {
  const chosen = (['completed', 'externallyTerminated', 'internallyTerminated'] as const).filter((name) => q.bool(name) === true);
  if (chosen.length > 1) throw new HttpError(400, `Only one of completed, externallyTerminated and internallyTerminated can be true (got ${chosen.join(', ')})`);
  return chosen[0];
}
