/**
 * Camunda 7's `POST /process-instance/{id}/modification`: the instructions run in order, in one
 * transaction. `/modification-async` (a batch in Camunda) is refused with 400: this engine has
 * no batches, and the synchronous call is the same change.
 */
import type { ModificationInstruction, InstructionVariables } from '../../runtime/commands/modify-instance.js';
import { NotFoundError } from '../../runtime/errors.js';
import { HttpError } from '../errors.js';
import { noContent } from '../respond.js';
import { checkBody } from '../validate.js';
import type { JsonSchema } from '../schemas/common.js';
import { fromTypedValue } from '../camunda-variables.js';
import { actor, param, type Route, type RouteContext } from './route.js';
import { requireOnKeys } from '../../identity/operator-authorization.js';

const id = { type: ['string', 'null'], maxLength: 255 };

const TriggerVariableValueDto: JsonSchema = {
  title: 'TriggerVariableValueDto',
  type: 'object',
  properties: { value: {}, type: { type: ['string', 'null'] }, valueInfo: { type: ['object', 'null'] }, local: { type: ['boolean', 'null'] } },
};

const ProcessInstanceModificationInstructionDto: JsonSchema = {
  title: 'ProcessInstanceModificationInstructionDto',
  type: 'object',
  required: ['type'],
  properties: {
    type: { enum: ['cancel', 'startBeforeActivity', 'startAfterActivity', 'startTransition'] },
    activityId: id,
    transitionId: id,
    activityInstanceId: id,
    transitionInstanceId: id,
    ancestorActivityInstanceId: id,
    cancelCurrentActiveActivityInstances: { type: ['boolean', 'null'] },
    variables: { type: ['object', 'null'], additionalProperties: TriggerVariableValueDto },
  },
};

export const ProcessInstanceModificationDto: JsonSchema = {
  title: 'ProcessInstanceModificationDto',
  type: 'object',
  properties: {
    skipCustomListeners: { type: ['boolean', 'null'] },
    skipIoMappings: { type: ['boolean', 'null'] },
    instructions: { type: ['array', 'null'], items: ProcessInstanceModificationInstructionDto, maxItems: 1000 },
    annotation: { type: ['string', 'null'], maxLength: 4000 },
  },
};

interface InstructionBody {
  type: ModificationInstruction['type'];
  activityId?: string | null;
  transitionId?: string | null;
  activityInstanceId?: string | null;
  transitionInstanceId?: string | null;
  ancestorActivityInstanceId?: string | null;
  cancelCurrentActiveActivityInstances?: boolean | null;
  variables?: Record<string, { value?: unknown; type?: string | null; valueInfo?: object | null; local?: boolean | null }> | null;
}

interface ModificationBody {
  skipCustomListeners?: boolean | null;
  skipIoMappings?: boolean | null;
  instructions?: InstructionBody[] | null;
  annotation?: string | null;
}

export function modificationRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  return [
    {
      method: 'post', path: '/process-instance/:id/modification', tag: 'Process Instance', body: ProcessInstanceModificationDto, status: 204,
      summary: 'Modifies a running instance: start before/after activities or on flows, cancel activity instances (in order, one transaction)',
      handler: async (req, res) => {
        const body = checkBody<ModificationBody>(ProcessInstanceModificationDto, req.body);
        if (body.skipIoMappings) throw new HttpError(400, 'skipIoMappings is not supported: input and output mappings always run');
        const instanceId = param(req, 'id');
        const instance = engine.core.runtime.getInstance(instanceId);
        if (!instance || instance.state !== 'active') throw new NotFoundError(`Process instance with id ${instanceId} does not exist`);
        requireOnKeys(engine, actor(res), 'modify', [instance.definitionKey]);
        // skipCustomListeners changes nothing here: the engine runs no custom execution listeners
        const instructions = (body.instructions ?? []).map(toInstruction);
        await engine.modifyInstance(instance.id, { instructions, annotation: body.annotation ?? null }, actor(res));
        noContent(res);
      },
    },
    {
      method: 'post', path: '/process-instance/:id/modification-async', tag: 'Process Instance', body: ProcessInstanceModificationDto,
      summary: 'Refused (400): no batches here; POST …/modification applies the same instructions at once',
      handler: () => {
        throw new HttpError(400, 'Asynchronous modification (a batch) is not supported: POST /process-instance/{id}/modification applies the same instructions at once');
      },
    },
  ];
}

/** Camunda's per-type checks ("For instruction type 'x': 'activityId' must be set"). */
function toInstruction(body: InstructionBody): ModificationInstruction {
  const need = (name: 'activityId' | 'transitionId'): string => {
    const value = body[name];
    if (typeof value !== 'string' || value === '') throw new HttpError(400, `For instruction type '${body.type}': '${name}' must be set`);
    return value;
  };
  const ancestor = body.ancestorActivityInstanceId ?? undefined;
  const variables = body.variables ? splitVariables(body.variables) : undefined;
  switch (body.type) {
    case 'startBeforeActivity':
      return { type: body.type, activityId: need('activityId'), ancestorActivityInstanceId: ancestor, variables };
    case 'startAfterActivity':
      return { type: body.type, activityId: need('activityId'), ancestorActivityInstanceId: ancestor, variables };
    case 'startTransition':
      return { type: body.type, transitionId: need('transitionId'), ancestorActivityInstanceId: ancestor, variables };
    case 'cancel': {
      const targets = [body.activityId, body.activityInstanceId, body.transitionInstanceId].filter((v) => v !== undefined && v !== null);
      if (targets.length !== 1) {
        throw new HttpError(400, "For instruction type 'cancel': exactly one of 'activityId', 'activityInstanceId' or 'transitionInstanceId' must be set");
      }
      if (body.variables && Object.keys(body.variables).length) throw new HttpError(400, "For instruction type 'cancel': variables cannot be set");
      return {
        type: 'cancel',
        ...(body.activityId ? { activityId: body.activityId } : {}),
        ...(body.activityInstanceId ? { activityInstanceId: body.activityInstanceId } : {}),
        ...(body.transitionInstanceId ? { transitionInstanceId: body.transitionInstanceId } : {}),
        cancelCurrentActiveActivityInstances: body.cancelCurrentActiveActivityInstances ?? false,
      };
    }
    default: {
      const unknown: never = body.type;
      throw new HttpError(400, `Unknown instruction type '${String(unknown)}'`);
    }
  }
}

function splitVariables(variables: NonNullable<InstructionBody['variables']>): InstructionVariables {
  const split: InstructionVariables = { local: Object.create(null), global: Object.create(null) };
  for (const [name, typed] of Object.entries(variables)) {
    const { local, ...value } = typed;
    (local ? split.local : split.global)[name] = fromTypedValue(name, value);
  }
  return split;
}
