import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonSchema } from './schemas/common.js';
import { HttpError } from './errors.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

const ajv = new Ajv({ allErrors: false, allowUnionTypes: true, strict: false });
addFormats(ajv);
const compiled = new Map<JsonSchema, ValidateFunction>();

/**
 * Checks a JSON body against its schema; an absent body (no content type, empty) counts as {}.
 * Returns the body typed as the caller expects. Unknown properties are ignored, as in Camunda.
 */
export function checkBody<T>(schema: JsonSchema, body: unknown): T {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  const value = body === undefined ? {} : body;
  if (!validate(value)) {
    const error = validate.errors?.[0];
    const where = error?.instancePath ? `'${error.instancePath.slice(1).replace(/\//g, '.')}'` : 'the body';
    throw new HttpError(400, `Invalid ${schema.title ?? 'request body'}: ${where} ${error?.message ?? 'is invalid'}`);
  }
  return value as T;
}
