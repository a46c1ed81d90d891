import { VariablesMap, type JsonSchema } from './common.js';

export const CompleteTaskDto: JsonSchema = {
  title: 'CompleteTaskDto',
  type: 'object',
  properties: {
    variables: VariablesMap,
    withVariablesInReturn: { type: ['boolean', 'null'] },
  },
};
