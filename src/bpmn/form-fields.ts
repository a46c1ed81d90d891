/**
 * Camunda 7 generated task forms (`camunda:formData`): the compiled field list, and the check a
 * submission must pass (types, enum values, required, minlength, maxlength, min, max, readonly).
 */

export type FormFieldType = 'string' | 'long' | 'boolean' | 'date' | 'enum';
export const FORM_FIELD_TYPES: readonly FormFieldType[] = ['string', 'long', 'boolean', 'date', 'enum'];

export interface FormFieldValidation {
  required?: boolean;
  readonly?: boolean;
  minlength?: number;
  maxlength?: number;
  min?: number;
  max?: number;
}

export interface FormField {
  id: string;
  label: string;
  type: FormFieldType;
  /** the literal default, as written (text) */
  defaultValue?: string;
  /** enum fields: the choices, id → label, in document order */
  values?: Array<{ id: string; name: string }>;
  validation: FormFieldValidation;
}

export const FORM_CONSTRAINTS = ['required', 'readonly', 'minlength', 'maxlength', 'min', 'max'] as const;

/** The default of a field as a typed value (`undefined` when none). */
export function fieldDefault(field: FormField): unknown {
  if (field.defaultValue === undefined) return undefined;
  switch (field.type) {
    case 'long':
      return Number(field.defaultValue);
    case 'boolean':
      return field.defaultValue === 'true';
    case 'date': {
      const ms = Date.parse(field.defaultValue);
      return Number.isNaN(ms) ? undefined : new Date(ms);
    }
    case 'string':
    case 'enum':
      return field.defaultValue;
  }
}

/** Camunda's REST type name of a field's value. */
export function fieldValueType(field: FormField): string {
  switch (field.type) {
    case 'long':
      return 'Long';
    case 'boolean':
      return 'Boolean';
    case 'date':
      return 'Date';
    case 'string':
    case 'enum':
      return 'String';
  }
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && value !== '';
}

/**
 * The problems of a submission, one sentence per field (empty when it passes). `submitted` holds the
 * values sent with the completion; `existing` the variables the task sees (a required field is
 * satisfied by a variable that already has a value, as in Camunda).
 */
export function formProblems(fields: FormField[], submitted: Record<string, unknown>, existing: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const field of fields) {
    const has = Object.hasOwn(submitted, field.id);
    const value = has ? submitted[field.id] : undefined;
    const rules = field.validation;
    const label = `'${field.label || field.id}' (${field.id})`;
    if (rules.readonly && has && present(value)) {
      problems.push(`${label} is read-only and cannot be submitted`);
      continue;
    }
    if (!present(value)) {
      if (rules.required && !present(existing[field.id])) problems.push(`${label} is required`);
      continue;
    }
    switch (field.type) {
      case 'long':
        if (typeof value !== 'number' || !Number.isSafeInteger(value)) {
          problems.push(`${label} must be a whole number`);
          continue;
        }
        if (rules.min !== undefined && value < rules.min) problems.push(`${label} must be at least ${rules.min}`);
        if (rules.max !== undefined && value > rules.max) problems.push(`${label} must be at most ${rules.max}`);
        break;
      case 'boolean':
        if (typeof value !== 'boolean') problems.push(`${label} must be true or false`);
        break;
      case 'date':
        if (!(value instanceof Date) || Number.isNaN(value.getTime())) problems.push(`${label} must be a date`);
        break;
      case 'enum':
        if (typeof value !== 'string' || !field.values?.some((v) => v.id === value)) {
          problems.push(`${label} must be one of ${(field.values ?? []).map((v) => v.id).join(', ')}`);
        }
        break;
      case 'string':
        if (typeof value !== 'string') {
          problems.push(`${label} must be text`);
          continue;
        }
        if (rules.minlength !== undefined && value.length < rules.minlength) problems.push(`${label} must have at least ${rules.minlength} characters`);
        if (rules.maxlength !== undefined && value.length > rules.maxlength) problems.push(`${label} must have at most ${rules.maxlength} characters`);
        break;
    }
  }
  return problems;
}
