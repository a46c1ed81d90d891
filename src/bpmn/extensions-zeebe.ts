/** Camunda 8 (`zeebe:`) extension elements → graph settings. */
import type { CompileContext } from './context.js';
import type { IoMapping, JobSettings, UserTaskSettings, VariableMapping } from './graph.js';
import { extension, text, type ModdleElement } from './moddle-types.js';

/** `zeebe:taskDefinition`: undefined when absent, null when present but unusable (reported). */
export function zeebeJob(element: ModdleElement, ctx: CompileContext): JobSettings | null | undefined {
  const definition = extension(element, 'zeebe:TaskDefinition');
  if (!definition) return undefined;
  const type = text(definition.type);
  if (type === undefined) {
    ctx.error('zeebe:taskDefinition has no type: set the job type (the handler topic)', element);
    return null;
  }
  if (type.startsWith('=')) {
    ctx.error(`zeebe:taskDefinition type '${type}': dynamic job types are not supported`, element);
    return null;
  }
  const job: JobSettings = { topic: type };
  const retries = text(definition.retries);
  if (retries !== undefined) {
    if (/^\d+$/.test(retries)) job.retries = Number(retries);
    else ctx.warn(`zeebe:taskDefinition retries '${retries}' is not a number: default retries used`, element);
  }
  const headers = extension(element, 'zeebe:TaskHeaders')?.values as ModdleElement[] | undefined;
  if (headers && headers.length > 0) {
    job.headers = {};
    for (const header of headers) {
      const key = text(header.key);
      if (key !== undefined) job.headers[key] = typeof header.value === 'string' ? header.value : '';
    }
  }
  return job;
}

export function zeebeUserTask(element: ModdleElement, ctx: CompileContext): UserTaskSettings {
  const settings: UserTaskSettings = {};
  const assignment = extension(element, 'zeebe:AssignmentDefinition');
  for (const key of ['assignee', 'candidateUsers', 'candidateGroups'] as const) {
    const value = text(assignment?.[key]);
    if (value !== undefined) settings[key] = ctx.expression(value, element, `zeebe:assignmentDefinition ${key}`);
  }
  const schedule = extension(element, 'zeebe:TaskSchedule');
  for (const key of ['dueDate', 'followUpDate'] as const) {
    const value = text(schedule?.[key]);
    if (value !== undefined) settings[key] = ctx.expression(value, element, `zeebe:taskSchedule ${key}`);
  }
  const priority = text(extension(element, 'zeebe:PriorityDefinition')?.priority);
  if (priority !== undefined) settings.priority = ctx.expression(priority, element, 'zeebe:priorityDefinition priority');
  const form = extension(element, 'zeebe:FormDefinition');
  const formKey = text(form?.formKey);
  const formId = text(form?.formId) ?? text(form?.externalReference);
  if (formKey !== undefined) settings.formKey = formKey;
  if (formId !== undefined) settings.formRef = formId;
  return settings;
}

/** `zeebe:ioMapping`; undefined when absent. */
export function zeebeIo(element: ModdleElement, ctx: CompileContext): IoMapping | undefined {
  const io = extension(element, 'zeebe:IoMapping');
  if (!io) return undefined;
  const convert = (parameters: ModdleElement[] | undefined, direction: string): VariableMapping[] => {
    const out: VariableMapping[] = [];
    for (const parameter of parameters ?? []) {
      const target = text(parameter.target);
      const source = typeof parameter.source === 'string' ? parameter.source : '';
      if (target === undefined) {
        ctx.error(`zeebe:${direction} without a target`, element);
        continue;
      }
      out.push({ target, source: ctx.expression(source, element, `zeebe:${direction} '${target}'`) });
    }
    return out;
  };
  return {
    inputs: convert(io.inputParameters as ModdleElement[] | undefined, 'input'),
    outputs: convert(io.outputParameters as ModdleElement[] | undefined, 'output'),
  };
}
