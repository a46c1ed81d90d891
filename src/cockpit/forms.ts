import type { CockpitReads } from '../store/queries.js';
import type { DefinitionRecord, TaskRecord } from '../store/records.js';
import type { FormField } from '../bpmn/form-fields.js';

/** How the tasklist renders a task's form. */
export type TaskForm =
  | { kind: 'form-js'; schema: unknown; source: string }
  | { kind: 'form-data'; fields: FormField[] }
  | { kind: 'generated'; reason: string };

const DEPLOYMENT_PREFIX = 'camunda-forms:deployment:';

function parseForm(content: Buffer): { id?: unknown } | null {
  try {
    const parsed = JSON.parse(content.toString('utf8')) as unknown;
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as { id?: unknown }) : null;
  } catch {
    return null;
  }
}

/**
 * The Camunda Form of a user task: `formRef` (C7 `camunda:formRef`, C8 `zeebe:formDefinition
 * formId`) binds to the newest deployed `.form` whose `id` matches; a `camunda-forms:deployment:x.form`
 * key names a resource deployed with the process; `camunda:formData` fields make Camunda 7's
 * generated form. Anything else gets a form generated from the
 * task's variables.
 */
export function resolveTaskForm(queries: CockpitReads, task: TaskRecord, definition: DefinitionRecord | undefined, formFields?: FormField[]): TaskForm {
  if (task.formRef) {
    for (const resource of queries.latestForms()) {
      const schema = parseForm(resource.content);
      if (schema && schema.id === task.formRef) return { kind: 'form-js', schema, source: `${resource.name} (deployment ${resource.deploymentId})` };
    }
    return { kind: 'generated', reason: `No deployed .form with id '${task.formRef}'` };
  }
  if (task.formKey?.startsWith(DEPLOYMENT_PREFIX) && definition) {
    const name = task.formKey.slice(DEPLOYMENT_PREFIX.length);
    const resource = queries.resourceByName(definition.deploymentId, name);
    const schema = resource && parseForm(resource.content);
    if (schema) return { kind: 'form-js', schema, source: name };
    return { kind: 'generated', reason: `Form '${name}' is not in the process's deployment` };
  }
  if (formFields) return { kind: 'form-data', fields: formFields };
  if (task.formKey) return { kind: 'generated', reason: `Form key '${task.formKey}' is not a Camunda Form` };
  return { kind: 'generated', reason: 'The task has no form' };
}
