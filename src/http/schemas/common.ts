/** JSON Schemas shared by several bodies. Every schema has a `title`: it names the OpenAPI component. */
export type JsonSchema = Record<string, unknown> & { title?: string };

export const VariableValueDto: JsonSchema = {
  title: 'VariableValueDto',
  type: 'object',
  description: 'A typed value: {"value": 1, "type": "Integer"}. Types: String, Integer, Long, Short, Double, Boolean, Date, Json, Object (application/json), Null; no type = untyped.',
  properties: {
    value: {},
    type: { type: ['string', 'null'] },
    valueInfo: { type: ['object', 'null'] },
  },
};

export const VariablesMap: JsonSchema = {
  title: 'VariablesMap',
  type: ['object', 'null'],
  additionalProperties: VariableValueDto,
};

export const UserIdDto: JsonSchema = {
  title: 'UserIdDto',
  type: 'object',
  required: ['userId'],
  properties: { userId: { type: ['string', 'null'], maxLength: 255 } },
};

export const PatchVariablesDto: JsonSchema = {
  title: 'PatchVariablesDto',
  type: 'object',
  properties: {
    modifications: VariablesMap,
    deletions: { type: ['array', 'null'], items: { type: 'string' }, maxItems: 10000 },
  },
};

/** What every error answer looks like. */
export const ExceptionDto: JsonSchema = {
  title: 'ExceptionDto',
  type: 'object',
  required: ['type', 'message'],
  properties: { type: { type: 'string' }, message: { type: 'string' }, code: { type: ['integer', 'null'] } },
};
