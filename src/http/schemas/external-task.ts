import { VariablesMap, type JsonSchema } from './common.js';

const workerId = { type: 'string', minLength: 1, maxLength: 255 };

export const FetchExternalTaskTopicDto: JsonSchema = {
  title: 'FetchExternalTaskTopicDto',
  type: 'object',
  required: ['topicName', 'lockDuration'],
  properties: {
    topicName: { type: 'string', minLength: 1, maxLength: 255 },
    lockDuration: { type: 'integer', minimum: 1, maximum: 2147483647 },
    variables: { type: ['array', 'null'], items: { type: 'string' } },
    localVariables: { type: ['boolean', 'null'] },
    businessKey: { type: ['string', 'null'] },
    processDefinitionId: { type: ['string', 'null'] },
    processDefinitionIdIn: { type: ['array', 'null'], items: { type: 'string' } },
    processDefinitionKey: { type: ['string', 'null'] },
    processDefinitionKeyIn: { type: ['array', 'null'], items: { type: 'string' } },
    deserializeValues: { type: ['boolean', 'null'] },
    includeExtensionProperties: { type: ['boolean', 'null'] },
  },
};

export const FetchExternalTasksDto: JsonSchema = {
  title: 'FetchExternalTasksDto',
  type: 'object',
  required: ['workerId', 'maxTasks', 'topics'],
  properties: {
    workerId,
    maxTasks: { type: 'integer', minimum: 0, maximum: 1000 },
    usePriority: { type: ['boolean', 'null'] },
    asyncResponseTimeout: { type: ['integer', 'null'], minimum: 0, maximum: 1800000 },
    topics: { type: 'array', items: FetchExternalTaskTopicDto, maxItems: 100 },
    sorting: { type: ['array', 'null'] },
  },
};

export const CompleteExternalTaskDto: JsonSchema = {
  title: 'CompleteExternalTaskDto',
  type: 'object',
  required: ['workerId'],
  properties: { workerId, variables: VariablesMap, localVariables: VariablesMap },
};

export const ExternalTaskFailureDto: JsonSchema = {
  title: 'ExternalTaskFailureDto',
  type: 'object',
  required: ['workerId'],
  properties: {
    workerId,
    errorMessage: { type: ['string', 'null'] },
    errorDetails: { type: ['string', 'null'] },
    retries: { type: ['integer', 'null'], minimum: 0 },
    retryTimeout: { type: ['integer', 'null'], minimum: 0 },
    variables: VariablesMap,
    localVariables: VariablesMap,
  },
};

export const ExternalTaskBpmnErrorDto: JsonSchema = {
  title: 'ExternalTaskBpmnErrorDto',
  type: 'object',
  required: ['workerId', 'errorCode'],
  properties: {
    workerId,
    errorCode: { type: 'string', minLength: 1, maxLength: 255 },
    errorMessage: { type: ['string', 'null'] },
    variables: VariablesMap,
  },
};

export const ExtendLockOnExternalTaskDto: JsonSchema = {
  title: 'ExtendLockOnExternalTaskDto',
  type: 'object',
  required: ['workerId', 'newDuration'],
  properties: { workerId, newDuration: { type: 'integer', minimum: 1, maximum: 2147483647 } },
};

export const LockExternalTaskDto: JsonSchema = {
  title: 'LockExternalTaskDto',
  type: 'object',
  required: ['workerId', 'lockDuration'],
  properties: { workerId, lockDuration: { type: 'integer', minimum: 1, maximum: 2147483647 } },
};
