import type { Response } from 'express';
/**
 * Camunda 7's suspension routes: suspend or activate one process instance, the instances of a
 * definition or a list of instances, and process definitions (by id or every version of a key),
 * optionally with their instances. Everything takes effect at once: a future `executionDate`
 * (Camunda schedules a job for it) is refused with 400.
 */
import type { Engine } from '../../runtime/engine.js';
import type { DefinitionRecord } from '../../store/records.js';
import { NotFoundError } from '../../runtime/errors.js';
import { HttpError } from '../errors.js';
import { noContent } from '../respond.js';
import { checkBody } from '../validate.js';
import type { JsonSchema } from '../schemas/common.js';
import { actor, param, type Route, type RouteContext } from './route.js';
import { requireOnInstance, requireOnKeys } from '../../identity/operator-authorization.js';

const idOrNull = { type: ['string', 'null'], maxLength: 255 };

export const SuspensionStateDto: JsonSchema = {
  title: 'SuspensionStateDto',
  type: 'object',
  required: ['suspended'],
  properties: { suspended: { type: 'boolean' } },
};

export const ProcessInstanceSuspensionStateDto: JsonSchema = {
  title: 'ProcessInstanceSuspensionStateDto',
  type: 'object',
  required: ['suspended'],
  properties: {
    suspended: { type: 'boolean' },
    processDefinitionId: idOrNull,
    processDefinitionKey: idOrNull,
    processDefinitionTenantId: idOrNull,
    processDefinitionWithoutTenantId: { type: ['boolean', 'null'] },
    processInstanceIds: { type: ['array', 'null'], items: { type: 'string', maxLength: 255 }, maxItems: 10000 },
    processInstanceQuery: { type: ['object', 'null'] },
    historicProcessInstanceQuery: { type: ['object', 'null'] },
  },
};

export const ProcessDefinitionSuspensionStateDto: JsonSchema = {
  title: 'ProcessDefinitionSuspensionStateDto',
  type: 'object',
  required: ['suspended'],
  properties: {
    suspended: { type: 'boolean' },
    includeProcessInstances: { type: ['boolean', 'null'] },
    executionDate: { type: ['string', 'null'] },
    processDefinitionId: idOrNull,
    processDefinitionKey: idOrNull,
    processDefinitionTenantId: idOrNull,
    processDefinitionWithoutTenantId: { type: ['boolean', 'null'] },
  },
};

interface InstanceSuspensionBody {
  suspended: boolean;
  processDefinitionId?: string | null;
  processDefinitionKey?: string | null;
  processDefinitionTenantId?: string | null;
  processInstanceIds?: string[] | null;
  processInstanceQuery?: object | null;
  historicProcessInstanceQuery?: object | null;
}

interface DefinitionSuspensionBody {
  suspended: boolean;
  includeProcessInstances?: boolean | null;
  executionDate?: string | null;
  processDefinitionId?: string | null;
  processDefinitionKey?: string | null;
  processDefinitionTenantId?: string | null;
}

export function suspensionRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  return [
    {
      method: 'put', path: '/process-instance/suspended', tag: 'Process Instance', body: ProcessInstanceSuspensionStateDto, status: 204,
      summary: 'Suspends or activates the running instances of a definition (by id or key) or a list of instances',
      handler: async (req, res) => {
        const body = checkBody<InstanceSuspensionBody>(ProcessInstanceSuspensionStateDto, req.body);
        if (body.processInstanceQuery || body.historicProcessInstanceQuery) {
          throw new HttpError(400, 'processInstanceQuery and historicProcessInstanceQuery are not supported: pass processInstanceIds, processDefinitionId or processDefinitionKey');
        }
        const given = [body.processInstanceIds, body.processDefinitionId, body.processDefinitionKey].filter((v) => v !== undefined && v !== null).length;
        if (given > 1) throw new HttpError(400, 'Only one of processInstanceIds, processDefinitionId or processDefinitionKey should be set to update the suspension state.');
        if (given === 0) throw new HttpError(400, 'Either processInstanceIds, processDefinitionId or processDefinitionKey should be set to update the suspension state.');
        const ids = body.processInstanceIds ?? instancesOfDefinitions(engine, definitionsOf(engine, body));
        for (const id of ids) running(engine, id);
        requireOnKeys(engine, actor(res), 'suspend', body.processInstanceIds
          ? ids.map((id) => engine.instance(id).definitionKey)
          : definitionsOf(engine, body).map((d) => d.key), 'SUSPEND_INSTANCE');
        await engine.setInstanceSuspension(ids, body.suspended, actor(res));
        noContent(res);
      },
    },
    {
      method: 'put', path: '/process-instance/:id/suspended', tag: 'Process Instance', body: SuspensionStateDto, status: 204,
      summary: 'Suspends (`suspended: true`) or activates one running process instance',
      handler: async (req, res) => {
        const body = checkBody<{ suspended: boolean }>(SuspensionStateDto, req.body);
        const id = running(engine, param(req, 'id'));
        requireOnInstance(engine, actor(res), 'suspend', id);
        await engine.setInstanceSuspension(id, body.suspended, actor(res));
        noContent(res);
      },
    },
    {
      method: 'put', path: '/process-definition/suspended', tag: 'Process Definition', body: ProcessDefinitionSuspensionStateDto, status: 204,
      summary: 'Suspends or activates a definition by processDefinitionId, or every version of processDefinitionKey',
      handler: async (req, res) => {
        const body = checkDefinitionBody(req.body);
        if ((body.processDefinitionId ?? null) !== null && (body.processDefinitionKey ?? null) !== null) {
          throw new HttpError(400, 'Only one of processDefinitionId or processDefinitionKey should be set to update the suspension state.');
        }
        if ((body.processDefinitionId ?? null) === null && (body.processDefinitionKey ?? null) === null) {
          throw new HttpError(400, 'Either processDefinitionId or processDefinitionKey should be set to update the suspension state.');
        }
        const definitions = definitionsOf(engine, body);
        await suspendDefinitions(engine, res, definitions, body);
      },
    },
    {
      method: 'put', path: '/process-definition/key/:key/suspended', tag: 'Process Definition', body: ProcessDefinitionSuspensionStateDto, status: 204,
      summary: 'Suspends or activates every version of the definition with this key (with its instances when includeProcessInstances)',
      handler: async (req, res) => {
        const body = checkDefinitionBody(req.body);
        const definitions = definitionsOf(engine, { processDefinitionKey: param(req, 'key') });
        await suspendDefinitions(engine, res, definitions, body);
      },
    },
    {
      method: 'put', path: '/process-definition/:id/suspended', tag: 'Process Definition', body: ProcessDefinitionSuspensionStateDto, status: 204,
      summary: 'Suspends or activates one process definition (with its instances when includeProcessInstances)',
      handler: async (req, res) => {
        const body = checkDefinitionBody(req.body);
        await suspendDefinitions(engine, res, [engine.definition(param(req, 'id'))], body);
      },
    },
  ];
}

/** The three definition routes: authorized on every key touched, then one command for all of them. */
async function suspendDefinitions(engine: Engine, res: Response, definitions: DefinitionRecord[], body: DefinitionSuspensionBody): Promise<void> {
  requireOnKeys(engine, actor(res), 'suspend', definitions.map((d) => d.key));
  await engine.setDefinitionSuspension(definitions, body.suspended, body.includeProcessInstances ?? false, actor(res));
  noContent(res);
}

function checkDefinitionBody(raw: unknown): DefinitionSuspensionBody {
  const body = checkBody<DefinitionSuspensionBody>(ProcessDefinitionSuspensionStateDto, raw);
  if (body.executionDate !== undefined && body.executionDate !== null) {
    throw new HttpError(400, 'executionDate is not supported: suspension and activation take effect immediately (leave it out or null)');
  }
  return body;
}

function running(engine: Engine, id: string): string {
  const instance = engine.core.runtime.getInstance(id);
  if (!instance || instance.state !== 'active') throw new NotFoundError(`Process instance with id ${id} does not exist`);
  return instance.id;
}

/** A definition by id, or every version of a key (in a tenant, or without one). */
function definitionsOf(engine: Engine, body: { processDefinitionId?: string | null; processDefinitionKey?: string | null; processDefinitionTenantId?: string | null }): DefinitionRecord[] {
  if (body.processDefinitionId) return [engine.definition(body.processDefinitionId)];
  const key = body.processDefinitionKey ?? '';
  const all = engine.queries.definitions({ key, maxResults: 10_000, ...(body.processDefinitionTenantId ? { tenantId: body.processDefinitionTenantId } : {}) });
  if (all.length === 0) throw new NotFoundError(`No process definition with key '${key}'`);
  return all;
}

function instancesOfDefinitions(engine: Engine, definitions: DefinitionRecord[]): string[] {
  const ids: string[] = [];
  for (const definition of definitions) {
    for (const instance of engine.queries.instances({ processDefinitionId: definition.id, maxResults: 1_000_000 })) ids.push(instance.id);
  }
  return ids;
}
