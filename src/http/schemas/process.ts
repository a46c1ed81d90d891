import { VariablesMap, type JsonSchema } from './common.js';

export const StartProcessInstanceDto: JsonSchema = {
  title: 'StartProcessInstanceDto',
  type: 'object',
  properties: {
    businessKey: { type: ['string', 'null'], maxLength: 255 },
    variables: VariablesMap,
    withVariablesInReturn: { type: ['boolean', 'null'] },
    caseInstanceId: { type: ['string', 'null'] },
    skipCustomListeners: { type: ['boolean', 'null'] },
    skipIoMappings: { type: ['boolean', 'null'] },
  },
};

export const CorrelationMessageDto: JsonSchema = {
  title: 'CorrelationMessageDto',
  type: 'object',
  required: ['messageName'],
  properties: {
    messageName: { type: 'string', minLength: 1, maxLength: 255 },
    businessKey: { type: ['string', 'null'] },
    correlationKeys: VariablesMap,
    localCorrelationKeys: VariablesMap,
    processInstanceId: { type: ['string', 'null'] },
    processVariables: VariablesMap,
    processVariablesLocal: VariablesMap,
    tenantId: { type: ['string', 'null'] },
    withoutTenantId: { type: ['boolean', 'null'] },
    all: { type: ['boolean', 'null'] },
    resultEnabled: { type: ['boolean', 'null'] },
    variablesInResultEnabled: { type: ['boolean', 'null'] },
  },
};

export const SignalDto: JsonSchema = {
  title: 'SignalDto',
  type: 'object',
  required: ['name'],
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 255 },
    executionId: { type: ['string', 'null'] },
    variables: VariablesMap,
    tenantId: { type: ['string', 'null'] },
    withoutTenantId: { type: ['boolean', 'null'] },
  },
};

export const DeleteReasonDto: JsonSchema = {
  title: 'DeleteReasonDto',
  type: ['object', 'null'],
  properties: { deleteReason: { type: ['string', 'null'] } },
};
