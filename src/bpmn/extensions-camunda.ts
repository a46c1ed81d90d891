/** Camunda 7 (`camunda:`) extension attributes and elements → graph settings. */
import type { CompileContext } from './context.js';
import type { IoMapping, JobSettings, UserTaskSettings, VariableMapping } from './graph.js';
import { extension, extensionValues, text, type ModdleElement } from './moddle-types.js';
import { FORM_CONSTRAINTS, FORM_FIELD_TYPES, type FormField, type FormFieldType } from './form-fields.js';

/**
 * The handler topic of a service-task-like element (`impl` is the task, or the message event
 * definition of a message throw event). `undefined` when the element has no C7 implementation
 * at all; `null` when it has one that cannot run here (already reported).
 */
export function camundaTopic(impl: ModdleElement, ctx: CompileContext, owner: ModdleElement): string | null | undefined {
  if (text(impl.class)) {
    ctx.error('Java delegates (camunda:class) cannot run here: use camunda:type="external" with a topic', owner);
    return null;
  }
  if (extension(impl, 'camunda:Connector')) {
    ctx.error('Camunda connectors (camunda:connector) are not supported: use camunda:type="external" with a topic', owner);
    return null;
  }
  const type = text(impl.type);
  if (type !== undefined) {
    if (type !== 'external') {
      ctx.error(`camunda:type="${type}" is not supported: use camunda:type="external" with camunda:topic`, owner);
      return null;
    }
    const topic = text(impl.topic);
    if (topic === undefined) {
      ctx.error('External task has no topic: set camunda:topic', owner);
      return null;
    }
    return topic;
  }
  for (const attribute of ['delegateExpression', 'expression'] as const) {
    const source = text(impl[attribute]);
    if (source === undefined) continue;
    const name = handlerName(source);
    if (name === undefined) {
      ctx.error(`camunda:${attribute}="${source}" does not name a handler: write \${handlerName}`, owner);
      return null;
    }
    return name;
  }
  return undefined;
}

/** `${name}`, `#{name}`, `${name.method(x)}` → `name`. */
export function handlerName(source: string): string | undefined {
  const match = /^\s*[$#]\{\s*([A-Za-z_$][\w$]*)/.exec(source);
  return match?.[1];
}

/** `camunda:failedJobRetryTimeCycle`, `camunda:taskPriority`, `camunda:properties` on a job element. */
export function camundaJobOptions(element: ModdleElement, impl: ModdleElement, ctx: CompileContext): Omit<JobSettings, 'topic'> {
  const options: Omit<JobSettings, 'topic'> = {};
  const cycle = text(extension(element, 'camunda:FailedJobRetryTimeCycle')?.body);
  if (cycle !== undefined) {
    const match = /^R(\d+)\/(P[0-9A-Z.,]+)$/.exec(cycle);
    if (match) {
      options.retries = Number(match[1]);
      options.retryDelay = match[2];
    } else {
      ctx.warn(`camunda:failedJobRetryTimeCycle '${cycle}' is not supported (expected R<n>/<duration>, e.g. R5/PT1M): default retries used`, element);
    }
  }
  const priority = text(impl.taskPriority);
  if (priority !== undefined) {
    if (/^-?\d+$/.test(priority)) options.priority = Number(priority);
    else ctx.warn(`camunda:taskPriority '${priority}' is not a number: ignored`, element);
  }
  const properties = extension(element, 'camunda:Properties')?.values as ModdleElement[] | undefined;
  if (properties && properties.length > 0) {
    const headers: Record<string, string> = {};
    for (const property of properties) {
      const name = text(property.name);
      if (name !== undefined) headers[name] = typeof property.value === 'string' ? property.value : '';
    }
    options.headers = headers;
  }
  return options;
}

export function camundaUserTask(element: ModdleElement, ctx: CompileContext): UserTaskSettings {
  const settings: UserTaskSettings = {};
  for (const key of ['assignee', 'candidateUsers', 'candidateGroups', 'dueDate', 'followUpDate', 'priority'] as const) {
    const value = text(element[key]);
    if (value !== undefined) settings[key] = ctx.expression(value, element, `camunda:${key}`);
  }
  const formKey = text(element.formKey);
  if (formKey !== undefined) settings.formKey = formKey;
  const formRef = text(element.formRef);
  if (formRef !== undefined) settings.formRef = formRef;
  const formData = extension(element, 'camunda:FormData');
  if (formData) {
    if (formKey !== undefined || formRef !== undefined) {
      ctx.warn(`camunda:formData is ignored: the task also has ${formKey !== undefined ? 'camunda:formKey' : 'camunda:formRef'}, which wins (as in Camunda)`, element);
    } else {
      settings.formFields = camundaFormFields(formData, element, ctx);
    }
  }
  return settings;
}

/**
 * `camunda:formData` → the generated form's fields. What the tasklist cannot render or check
 * (custom types, custom validators, expression defaults, business-key fields) is a warning at deploy.
 */
function camundaFormFields(formData: ModdleElement, element: ModdleElement, ctx: CompileContext): FormField[] {
  if (text(formData.businessKey) !== undefined) ctx.warn(`camunda:formData businessKey='${text(formData.businessKey)}' is not supported: the field is shown as a plain variable`, element);
  const fields: FormField[] = [];
  for (const raw of (formData.fields as ModdleElement[] | undefined) ?? []) {
    const id = text(raw.id);
    if (id === undefined) {
      ctx.error('camunda:formField without an id', element);
      continue;
    }
    const typeName = text(raw.type) ?? 'string';
    if (!(FORM_FIELD_TYPES as readonly string[]).includes(typeName)) {
      ctx.warn(`camunda:formField '${id}' has type '${typeName}', which the tasklist cannot render: shown as a text field (supported: ${FORM_FIELD_TYPES.join(', ')})`, element);
    }
    const type: FormFieldType = (FORM_FIELD_TYPES as readonly string[]).includes(typeName) ? (typeName as FormFieldType) : 'string';
    const field: FormField = { id, label: text(raw.label) ?? id, type, validation: {} };
    const defaultValue = text(raw.defaultValue);
    if (defaultValue !== undefined) {
      if (/[$#]\{/.test(defaultValue)) ctx.warn(`camunda:formField '${id}' has the expression default '${defaultValue}': expressions in defaults are not evaluated, the field starts empty`, element);
      else if (type === 'long' && !/^-?\d+$/.test(defaultValue)) ctx.warn(`camunda:formField '${id}': default '${defaultValue}' is not a whole number: ignored`, element);
      else if (type === 'boolean' && defaultValue !== 'true' && defaultValue !== 'false') ctx.warn(`camunda:formField '${id}': default '${defaultValue}' is not true or false: ignored`, element);
      else if (type === 'date' && Number.isNaN(Date.parse(defaultValue))) ctx.warn(`camunda:formField '${id}': date default '${defaultValue}' is not an ISO date: ignored`, element);
      else field.defaultValue = defaultValue;
    }
    if (text(raw.datePattern) !== undefined) ctx.warn(`camunda:formField '${id}': datePattern '${text(raw.datePattern)}' is not used: the tasklist shows a date picker and submits ISO dates`, element);
    if (type === 'enum') {
      field.values = ((raw.values as ModdleElement[] | undefined) ?? []).map((v) => ({ id: text(v.id) ?? '', name: text(v.name) ?? text(v.id) ?? '' })).filter((v) => v.id !== '');
      if (field.values.length === 0) ctx.warn(`camunda:formField '${id}' is an enum without values: nothing can be chosen`, element);
    }
    const constraints = ((raw.validation as ModdleElement | undefined)?.constraints as ModdleElement[] | undefined) ?? [];
    for (const constraint of constraints) {
      const name = text(constraint.name) ?? '';
      const config = text(constraint.config);
      switch (name) {
        case 'required':
        case 'readonly':
          field.validation[name] = true;
          break;
        case 'minlength':
        case 'maxlength':
        case 'min':
        case 'max':
          if (config === undefined || !Number.isFinite(Number(config))) ctx.warn(`camunda:formField '${id}': constraint ${name} needs a number as config (got '${config ?? ''}'): ignored`, element);
          else field.validation[name] = Number(config);
          break;
        default:
          ctx.warn(`camunda:formField '${id}': validation constraint '${name}' is not supported (supported: ${FORM_CONSTRAINTS.join(', ')}): not checked`, element);
      }
    }
    if ((((raw.properties as ModdleElement | undefined)?.values as unknown[] | undefined) ?? []).length > 0) ctx.warn(`camunda:formField '${id}': camunda:properties are not used by the tasklist`, element);
    fields.push(field);
  }
  return fields;
}

/** `camunda:inputOutput`; undefined when absent. */
export function camundaIo(element: ModdleElement, ctx: CompileContext): IoMapping | undefined {
  const io = extension(element, 'camunda:InputOutput');
  if (!io) return undefined;
  const convert = (parameters: ModdleElement[] | undefined, direction: string): VariableMapping[] => {
    const out: VariableMapping[] = [];
    for (const parameter of parameters ?? []) {
      const target = text(parameter.name);
      if (target === undefined) {
        ctx.error(`camunda:${direction}Parameter without a name`, element);
        continue;
      }
      const definition = parameter.definition as ModdleElement | undefined;
      if (definition) {
        if (definition.$type === 'camunda:Script') {
          ctx.error(`camunda:${direction}Parameter '${target}' uses a script: scripts are not supported, write an expression instead`, element);
        } else {
          const what = definition.$type === 'camunda:List' ? 'camunda:list' : definition.$type === 'camunda:Map' ? 'camunda:map' : definition.$type;
          ctx.warn(`camunda:${direction}Parameter '${target}' uses ${what}: not supported, ignored`, element);
        }
        continue;
      }
      const value = typeof parameter.value === 'string' ? parameter.value : '';
      out.push({ target, source: ctx.expression(value, element, `camunda:${direction}Parameter '${target}'`) });
    }
    return out;
  };
  return {
    inputs: convert(io.inputParameters as ModdleElement[] | undefined, 'input'),
    outputs: convert(io.outputParameters as ModdleElement[] | undefined, 'output'),
  };
}

/** Execution and task listeners would silently not run: say so. */
export function warnCamundaListeners(element: ModdleElement, ctx: CompileContext): void {
  for (const value of extensionValues(element)) {
    if (value.$type === 'camunda:ExecutionListener' || value.$type === 'camunda:TaskListener') {
      ctx.warn(`${value.$type === 'camunda:ExecutionListener' ? 'camunda:executionListener' : 'camunda:taskListener'} is not supported: ignored`, element);
    }
  }
}
