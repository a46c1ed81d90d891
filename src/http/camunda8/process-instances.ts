import { BadRequestError, ConflictError, NotFoundError } from '../../runtime/errors.js';
import { HttpError } from '../errors.js';
import { decodeValue, type Variables } from '../../runtime/variables.js';
import type { InstanceRecord } from '../../store/records.js';
import type { InstanceQuery } from '../../store/query-store.js';
import { ok } from '../respond.js';
import { identityOf } from '../../identity/identity-service.js';
import { requireOnInstance } from '../../identity/operator-authorization.js';
import { param, actor } from '../routes/route.js';
import {
  bodyOf, definitionLookup, idOfKey, isoDate, keyOrNull, optInteger, optString, optVariables, tenantIn, tenantOut,
  type V2Context, type V2Route,
} from './context.js';
import { equalsOf, filterOf, search } from './search.js';

/** Zeebe's default wait for `awaitCompletion` when no requestTimeout is given. */
const DEFAULT_AWAIT_MS = 10_000;
const MAX_AWAIT_MS = 5 * 60_000;
/** most instances one search reads before filtering in memory */
const SEARCH_SCAN_LIMIT = 10_000;

export type V2InstanceState = 'ACTIVE' | 'COMPLETED' | 'TERMINATED';

const FILTER_FIELDS = [
  'processInstanceKey', 'processDefinitionId', 'processDefinitionName', 'processDefinitionVersion', 'processDefinitionVersionTag',
  'processDefinitionKey', 'startDate', 'endDate', 'state', 'hasIncident', 'tenantId', 'parentProcessInstanceKey', 'parentElementInstanceKey',
] as const;

/** A process instance as the v2 API shows it. */
export function instanceItem(ctx: V2Context, instance: InstanceRecord, lookup = definitionLookup(ctx)) {
  const definition = lookup(instance.definitionId);
  const state: V2InstanceState = instance.state === 'active' ? 'ACTIVE' : instance.state === 'completed' ? 'COMPLETED' : 'TERMINATED';
  return {
    processInstanceKey: ctx.keys.keyOf(instance.id),
    processDefinitionId: instance.definitionKey,
    processDefinitionName: definition?.name ?? null,
    processDefinitionVersion: definition?.version ?? null,
    processDefinitionVersionTag: definition?.versionTag ?? null,
    processDefinitionKey: ctx.keys.keyOf(instance.definitionId),
    startDate: isoDate(instance.startedAt),
    endDate: isoDate(instance.endedAt),
    state,
    hasIncident: ctx.engine.queries.incidentsOfInstance(instance.id).length > 0,
    tenantId: tenantOut(definition?.tenantId),
    parentProcessInstanceKey: keyOrNull(ctx, instance.parentInstanceId),
    parentElementInstanceKey: keyOrNull(ctx, instance.parentElementInstanceId),
    rootProcessInstanceKey: ctx.keys.keyOf(rootOf(ctx, instance)),
    tags: [] as string[],
  };
}

function rootOf(ctx: V2Context, instance: InstanceRecord): string {
  let current = instance;
  for (let depth = 0; current.parentInstanceId && depth < 100; depth++) {
    const parent = ctx.engine.core.runtime.getInstance(current.parentInstanceId);
    if (!parent) break;
    current = parent;
  }
  return current.id;
}

/** Process-level variables: live ones while the instance runs, the last recorded values after it ended. */
export function instanceVariables(ctx: V2Context, instanceId: string): Variables {
  const instance = ctx.engine.instance(instanceId);
  if (instance.state === 'active') return ctx.engine.queries.processVariables(instanceId);
  const result: Variables = {};
  for (const row of ctx.engine.queries.historyRows(['variableSet'], [instanceId])) {
    if (row.elementInstanceId !== null || !row.data) continue;
    const data = JSON.parse(row.data) as { name: string; type: string; value: string | null };
    result[data.name] = decodeValue(data.type, data.value);
  }
  return result;
}

export function processInstanceRoutes(ctx: V2Context): V2Route[] {
  return [
    { method: 'post', path: '/process-instances', summary: 'Create a process instance (optionally awaiting its completion)', handler: async (req, res) => ok(res, await create(ctx, bodyOf(req), actor(res))) },
    { method: 'post', path: '/process-instances/search', summary: 'Search process instances', handler: (req, res) => ok(res, searchInstances(ctx, bodyOf(req))) },
    {
      method: 'get',
      path: '/process-instances/:key', summary: 'Get a process instance',
      handler: (req, res) => ok(res, instanceItem(ctx, ctx.engine.instance(idOfKey(ctx, param(req, 'key'), 'process instance')))),
    },
    {
      method: 'post',
      path: '/process-instances/:key/cancellation', summary: 'Cancel a process instance',
      handler: async (req, res) => {
        const id = idOfKey(ctx, param(req, 'key'), 'process instance');
        if (ctx.engine.instance(id).state !== 'active') throw new NotFoundError(`Process instance with key '${param(req, 'key')}' is not active`); // as Zeebe: 404
        requireOnInstance(ctx.engine, actor(res), 'cancel', id);
        await ctx.engine.cancel(id, 'cancelled through the Camunda 8 API', actor(res));
        res.status(204).end();
      },
    },
  ];
}


async function create(ctx: V2Context, body: Record<string, unknown>, user: string | null) {
  const variables = optVariables(body) ?? {};
  const tenantId = tenantIn(body.tenantId);
  const definitionKey = body.processDefinitionKey;
  const processId = optString(body, 'processDefinitionId');
  const version = optInteger(body, 'processDefinitionVersion');
  let definitionId: string;
  if (definitionKey !== undefined && definitionKey !== null) definitionId = idOfKey(ctx, definitionKey, 'process definition');
  else if (processId) definitionId = ctx.engine.latestDefinition(processId, tenantId, version === undefined || version < 0 ? undefined : version).id;
  else throw new BadRequestError('processDefinitionId or processDefinitionKey is required');
  const startBefore = startInstructionsOf(body.startInstructions);
  // values we cannot honour are refused, not dropped
  for (const name of ['runtimeInstructions', 'operationReference', 'tags', 'businessId'] as const) {
    if (body[name] !== undefined && body[name] !== null && !(Array.isArray(body[name]) && (body[name] as unknown[]).length === 0)) {
      throw new BadRequestError(`${name} is not supported by this engine`);
    }
  }
  const awaitCompletion = body.awaitCompletion === true;
  const fetchVariables = body.fetchVariables;
  if (fetchVariables !== undefined && fetchVariables !== null && (!Array.isArray(fetchVariables) || fetchVariables.some((n) => typeof n !== 'string'))) {
    throw new BadRequestError('fetchVariables must be an array of variable names');
  }
  const timeout = Math.min(optInteger(body, 'requestTimeout', 0) || DEFAULT_AWAIT_MS, MAX_AWAIT_MS);
  const definition = ctx.engine.definition(definitionId);
  identityOf(ctx.engine).require(user, 'start', definition.key);
  // listen before starting: a process without wait states ends inside the start's own commit
  const ended = awaitCompletion ? waitForEnd(ctx, timeout) : null;
  let instanceId: string;
  try {
    const instance = startBefore.length > 0
      ? await ctx.engine.startBefore(definitionId, startBefore, { variables, actor: user })
      : await ctx.engine.startById(definitionId, { variables, actor: user });
    instanceId = instance.id;
  } catch (error) {
    ended?.cancel();
    throw error;
  }
  let resultVariables: Variables = {};
  if (ended) {
    const state = await ended.until(instanceId);
    if (state === 'terminated') throw new ConflictError(`Process instance '${ctx.keys.keyOf(instanceId)}' was terminated before it completed`);
    const all = instanceVariables(ctx, instanceId);
    const names = Array.isArray(fetchVariables) && fetchVariables.length > 0 ? (fetchVariables as string[]) : Object.keys(all);
    for (const name of names) if (name in all) resultVariables[name] = all[name];
  }
  return {
    processDefinitionId: definition.key,
    processDefinitionVersion: definition.version,
    tenantId: tenantOut(definition.tenantId),
    variables: resultVariables,
    processDefinitionKey: ctx.keys.keyOf(definition.id),
    processInstanceKey: ctx.keys.keyOf(instanceId),
    tags: [] as string[],
  };
}

/** startInstructions: the elements (of the process scope) the instance starts before, instead of its none start event. */
function startInstructionsOf(instructions: unknown): string[] {
  if (instructions === undefined || instructions === null) return [];
  if (!Array.isArray(instructions)) throw new BadRequestError('startInstructions must be an array of {elementId}');
  return instructions.map((instruction: unknown) => {
    const elementId = (instruction as { elementId?: unknown } | null)?.elementId;
    if (typeof elementId !== 'string' || elementId === '') throw new BadRequestError('startInstructions: every instruction needs an elementId');
    return elementId;
  });
}

/** Waits for one instance's end event; ends seen before the id is known are remembered. */
function waitForEnd(ctx: V2Context, timeoutMs: number) {
  const seen = new Map<string, 'completed' | 'terminated'>();
  let wanted: string | null = null;
  let settle: ((state: 'completed' | 'terminated') => void) | null = null;
  const listener = (effect: { instanceId: string; state: 'completed' | 'terminated' }) => {
    if (wanted === null) seen.set(effect.instanceId, effect.state);
    else if (effect.instanceId === wanted) settle?.(effect.state);
  };
  ctx.engine.on('instanceEnded', listener);
  const cancel = () => ctx.engine.off('instanceEnded', listener);
  return {
    cancel,
    until(instanceId: string): Promise<'completed' | 'terminated'> {
      wanted = instanceId;
      const early = seen.get(instanceId);
      seen.clear();
      if (early) {
        cancel();
        return Promise.resolve(early);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          cancel();
          reject(new HttpError(504, `Process instance '${ctx.keys.keyOf(instanceId)}' did not complete within ${timeoutMs} ms (it keeps running)`));
        }, timeoutMs);
        settle = (state) => {
          clearTimeout(timer);
          cancel();
          resolve(state);
        };
      });
    },
  };
}


function searchInstances(ctx: V2Context, body: Record<string, unknown>) {
  const filter = filterOf(body, FILTER_FIELDS);
  // push the selective, exact filters down; everything else is matched on the shaped items
  const query: InstanceQuery = { state: 'any', maxResults: SEARCH_SCAN_LIMIT, sortBy: 'startTime', sortOrder: 'asc' };
  const keys = equalsOf(filter.processInstanceKey);
  if (keys) query.ids = keys.map((k) => (typeof k === 'string' || typeof k === 'number' ? ctx.keys.idOf(String(k)) : undefined)).filter((id): id is string => id !== undefined);
  const processIds = equalsOf(filter.processDefinitionId);
  if (processIds?.length === 1 && typeof processIds[0] === 'string') query.processDefinitionKey = processIds[0];
  const states = equalsOf(filter.state);
  if (states?.length === 1 && states[0] === 'ACTIVE') query.state = 'active';
  const lookup = definitionLookup(ctx);
  const items = ctx.keys.batch(() => ctx.engine.queries.instances(query).map((i) => instanceItem(ctx, i, lookup)));
  return search(items, body, FILTER_FIELDS, FILTER_FIELDS);
}
