import { createHash } from 'node:crypto';
import type { TaskRecord } from '../../store/records.js';
import { tenantOut, type V2Context } from './context.js';

/** A Camunda Form linked to a native user task by `zeebe:formDefinition formId`. */
export interface LinkedForm {
  formKey: string;
  formId: string;
  tenantId: string;
  version: number;
  /** the form's JSON text, as deployed */
  schema: string;
}

interface FormResource { deploymentId: string; name: string; content: Buffer }

/**
 * The form a task links to: the `.form` with that `id` deployed together with the task's process
 * (Zeebe's `deployment` binding), else the newest deployed one (its default `latest` binding).
 * The key is the one `POST /deployments` answered for that form content.
 */
export function linkedForm(ctx: V2Context, task: TaskRecord, definition: { deploymentId: string; tenantId: string | null } | undefined): LinkedForm | null {
  if (!task.formRef) return null;
  const candidates: FormResource[] = ctx.engine.queries.cockpit.latestForms();
  const inDeployment = definition ? candidates.filter((r) => r.deploymentId === definition.deploymentId) : [];
  for (const resource of [...inDeployment, ...candidates]) {
    if (formIdOf(resource.content) !== task.formRef) continue;
    const tenantId = tenantOut(definition?.tenantId);
    const sha256 = createHash('sha256').update(resource.content).digest('hex');
    return {
      formKey: ctx.keys.keyOf(`form:${tenantId}:${resource.name}:${sha256}`),
      formId: task.formRef,
      tenantId,
      version: 1,
      schema: resource.content.toString('utf8'),
    };
  }
  return null;
}

function formIdOf(content: Buffer): unknown {
  try {
    return (JSON.parse(content.toString('utf8')) as { id?: unknown } | null)?.id;
  } catch {
    return undefined;
  }
}
