/** Task settings: jobs (service, send, business-rule tasks; message throw events), user tasks, scripts. */
import type { CompileContext } from './context.js';
import type { Expression, JobSettings, ScriptSettings, UserTaskSettings } from './graph.js';
import { camundaJobOptions, camundaTopic, camundaUserTask } from './extensions-camunda.js';
import { zeebeJob, zeebeUserTask } from './extensions-zeebe.js';
import { extension, text, type ModdleElement } from './moddle-types.js';
import { resourceRoles } from './compile-resource-roles.js';

/**
 * The job of a service-task-like element. `impl` carries the C7 attributes (the task itself, or
 * the message event definition of a message throw event). Returns undefined when there is no
 * implementation (or it was unusable and reported).
 */
export function compileJob(element: ModdleElement, impl: ModdleElement, ctx: CompileContext): JobSettings | undefined {
  const topic = camundaTopic(impl, ctx, element);
  if (topic === null) return undefined;
  if (topic !== undefined) return { topic, ...camundaJobOptions(element, impl, ctx) };
  return zeebeJob(element, ctx) ?? undefined;
}

/** Did the element declare an implementation at all (even a broken one)? */
export function hasImplementation(element: ModdleElement, impl: ModdleElement): boolean {
  return (
    ['class', 'type', 'topic', 'delegateExpression', 'expression'].some((key) => text(impl[key]) !== undefined) ||
    extension(impl, 'camunda:Connector') !== undefined ||
    extension(element, 'zeebe:TaskDefinition') !== undefined
  );
}

export const NO_TOPIC =
  'Service task has no handler topic: set camunda:topic (with camunda:type="external") or zeebe:taskDefinition type';

/** Service and send tasks must name a handler; business-rule tasks too, unless they call a decision (compile-business-rule.ts). */
export function requiredJob(element: ModdleElement, ctx: CompileContext): JobSettings | undefined {
  const job = compileJob(element, element, ctx);
  if (job === undefined && !hasImplementation(element, element)) {
    const what = element.$type === 'bpmn:ServiceTask' ? 'Service task' : element.$type === 'bpmn:SendTask' ? 'Send task' : 'Business rule task';
    ctx.error(NO_TOPIC.replace('Service task', what), element);
  }
  return job;
}

export function compileUserTask(element: ModdleElement, ctx: CompileContext): UserTaskSettings {
  // the camunda: attributes win over humanPerformer / potentialOwner where both are set
  return { ...resourceRoles(element, ctx), ...camundaUserTask(element, ctx), ...zeebeUserTask(element, ctx) };
}

const SCRIPT_HELP =
  'script tasks evaluate expressions only (JUEL with camunda:resultVariable, or zeebe:script FEEL)';

/**
 * A script task that evaluates one expression. Returns a job instead when a C8 script task is
 * implemented by a job worker (`zeebe:taskDefinition`).
 */
export function compileScript(element: ModdleElement, ctx: CompileContext): ScriptSettings | undefined {
  const zeebe = extension(element, 'zeebe:Script');
  if (zeebe) {
    const source = text(zeebe.expression);
    if (source === undefined) {
      ctx.error('zeebe:script has no expression', element);
      return undefined;
    }
    const body = source.startsWith('=') ? source.slice(1) : source;
    const settings: ScriptSettings = { expression: ctx.check({ language: 'feel', source: body }, element, 'script expression') };
    const resultVariable = text(zeebe.resultVariable);
    if (resultVariable !== undefined) settings.resultVariable = resultVariable;
    return settings;
  }
  const format = text(element.scriptFormat)?.toLowerCase();
  if (text(element.resource) !== undefined) {
    ctx.error(`Script resources (camunda:resource) are not supported: ${SCRIPT_HELP}`, element);
    return undefined;
  }
  const body = text(element.script);
  let expression: Expression | undefined;
  if (format === 'feel') {
    if (body === undefined) {
      ctx.error('Script task has no script', element);
      return undefined;
    }
    expression = ctx.check({ language: 'feel', source: body.startsWith('=') ? body.slice(1) : body }, element, 'script');
  } else if (format === undefined || format === 'juel') {
    if (body === undefined) {
      ctx.error('Script task has no script: write a JUEL expression such as ${a + b}', element);
      return undefined;
    }
    // plain text (or a literal such as `0`) is a JUEL expression too: it evaluates to itself
    expression = ctx.expression(body, element, 'script');
  } else {
    ctx.error(`Script format '${element.scriptFormat as string}' is not supported: ${SCRIPT_HELP}`, element);
    return undefined;
  }
  const settings: ScriptSettings = { expression };
  const resultVariable = text(element.resultVariable);
  if (resultVariable !== undefined) settings.resultVariable = resultVariable;
  return settings;
}
