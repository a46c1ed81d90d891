import type { JsonSchema } from './common.js';

export const RetriesDto: JsonSchema = {
  title: 'RetriesDto',
  type: 'object',
  required: ['retries'],
  properties: { retries: { type: 'integer', minimum: 0, maximum: 2147483647 } },
};
