/**
 * Shared plumbing of the built-in handlers: reading typed process variables, and running a
 * handler at most once per job (at-least-once delivery makes redelivery normal): the outcome of
 * a job is saved with its idempotency key in the same transaction as the handler's own writes,
 * and a redelivered job replays it.
 */
import { BpmnError } from '../../runtime/errors.js';
import type { HandlerResult, JobContext, JobHandler } from '../../runtime/handler-dispatcher.js';
import type { Variables } from '../../runtime/variables.js';
import type { ModelLifecycle } from '../lifecycle.js';
import { MlcError } from '../errors.js';

export type BuiltinHandler = (lc: ModelLifecycle) => JobHandler;

export interface Work {
  variables: Variables;
  /** synchronous registry writes, committed together with the saved outcome */
  write?: () => void;
  /** after the commit (webhooks, logs) */
  after?: () => Promise<void> | void;
}

/** A business failure with registry writes that must be recorded with it. */
export class RecordedBpmnError extends BpmnError {
  constructor(code: string, message: string, variables: Variables | undefined, readonly write?: () => void) {
    super(code, message, variables);
  }
}

type Outcome = { variables: Variables } | { error: { code: string; message: string; variables?: Variables } };

export async function once(lc: ModelLifecycle, job: JobContext, work: () => Promise<Work>): Promise<HandlerResult> {
  const prior = lc.store.handlerOutcome(job.idempotencyKey) as Outcome | undefined;
  if (prior) {
    if ('error' in prior) throw new BpmnError(prior.error.code, prior.error.message, prior.error.variables);
    return { variables: prior.variables };
  }
  let result: Work;
  try {
    result = await work();
  } catch (error) {
    if (error instanceof BpmnError) {
      const recorded = error as RecordedBpmnError;
      lc.store.transaction(() => {
        recorded.write?.();
        lc.store.saveHandlerOutcome(job.idempotencyKey, job.topic, { error: { code: error.code, message: error.message, variables: error.variables } }, lc.engine.clock.now());
      });
    }
    throw error;
  }
  lc.store.transaction(() => {
    result.write?.();
    lc.store.saveHandlerOutcome(job.idempotencyKey, job.topic, { variables: result.variables }, lc.engine.clock.now());
  });
  await result.after?.();
  return { variables: result.variables };
}

/** A variable as a non-empty string, or the fallback. */
export function str(variables: Variables, name: string, fallback?: string | null): string | null {
  const v = variables[name];
  if (typeof v === 'string' && v.trim() !== '') return v;
  if (typeof v === 'number') return String(v);
  return fallback ?? null;
}

export function num(variables: Variables, name: string): number | null {
  const v = variables[name];
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return null;
}

/** A list from an array or a comma-separated string. */
export function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String).map((s) => s.trim()).filter(Boolean);
  if (typeof value === 'string') return value.split(',').map((s) => s.trim()).filter(Boolean);
  return [];
}

/** modelId and modelVersion of the job, or a BpmnError naming what is missing. */
export function modelRef(job: JobContext, code: string, versionVariable = 'modelVersion'): { modelId: string; version: number } {
  const modelId = str(job.variables, 'modelId') ?? str(job.variables, 'MODEL_ID');
  const version = num(job.variables, versionVariable);
  if (!modelId) throw new BpmnError(code, `the process has no modelId variable`);
  if (version === null || !Number.isInteger(version)) throw new BpmnError(code, `the process has no integer ${versionVariable} variable`);
  return { modelId, version };
}

/** Registry errors of a handler's input (unknown model, bad path) become the business error `code`. */
export function asBpmnError(error: unknown, code: string): never {
  if (error instanceof BpmnError) throw error;
  if (error instanceof MlcError) throw new BpmnError(code, error.message);
  throw error;
}

/** The user who completed the latest user task of the instance (the approver), from history. */
export function lastTaskActor(lc: ModelLifecycle, instanceId: string): string | null {
  const rows = lc.engine.queries.historyOf(instanceId);
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i]!.kind === 'taskCompleted') return rows[i]!.actor;
  return null;
}
