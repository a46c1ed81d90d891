/** JSON Schemas of the /mlc request bodies (ajv). */
const id = { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' } as const;
const stringList = { type: 'array', items: { type: 'string', minLength: 1, maxLength: 128 }, maxItems: 64 } as const;

export const CreateModel = {
  title: 'model',
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id,
    name: { type: 'string', minLength: 1, maxLength: 200 },
    type: { type: 'string', minLength: 1, maxLength: 64 },
    ownerGroup: { type: ['string', 'null'], maxLength: 128 },
    metadata: { type: 'object' },
  },
} as const;

export const PatchModel = {
  title: 'model update',
  type: 'object',
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    type: { type: 'string', minLength: 1, maxLength: 64 },
    ownerGroup: { type: ['string', 'null'], maxLength: 128 },
    metadata: { type: 'object' },
  },
} as const;

/** What a version carries besides its artifact (registering by path, or fields of an upload). */
const versionFieldProperties = {
  trainingData: { type: ['string', 'null'], maxLength: 1024 },
  description: { type: ['string', 'null'], maxLength: 2000 },
  hyperParameters: { type: ['object', 'null'] },
  trainingMetrics: { type: ['object', 'null'] },
  /** drift baseline histograms ({bins, features: [{feature, edges, proportions, count}]}) */
  baseline: { type: ['object', 'null'] },
  /** the process instance that produced the version (a remote training worker) */
  createdByInstance: { type: ['string', 'null'], maxLength: 64 },
} as const;

export const RegisterVersion = {
  title: 'model version',
  type: 'object',
  required: ['path'],
  additionalProperties: false,
  properties: {
    path: { type: 'string', minLength: 1, maxLength: 1024 },
    ...versionFieldProperties,
  },
} as const;

export const VersionFields = {
  title: 'model version fields',
  type: 'object',
  additionalProperties: false,
  properties: versionFieldProperties,
} as const;

export const SetStatus = {
  title: 'status change',
  type: 'object',
  required: ['status'],
  additionalProperties: false,
  properties: {
    status: { type: 'string', enum: ['registered', 'tested', 'approved', 'deployed', 'retired', 'rejected'] },
    reason: { type: ['string', 'null'], maxLength: 2000 },
  },
} as const;

export const Submit = {
  title: 'submission',
  type: 'object',
  additionalProperties: false,
  properties: { variables: { type: 'object' } },
} as const;

export const StartTraining = {
  title: 'training request',
  type: 'object',
  additionalProperties: false,
  properties: {
    trainingData: { type: 'string', minLength: 1, maxLength: 1024 },
    hyperParameters: { type: 'object' },
  },
} as const;

export const Runtime = {
  title: 'runtime',
  type: 'object',
  required: ['stage'],
  additionalProperties: false,
  properties: {
    name: id,
    stage: { type: 'string', enum: ['DEV', 'QA', 'PROD', 'dev', 'qa', 'prod'] },
    tags: stringList,
    capabilities: stringList,
    features: { anyOf: [stringList, { type: 'null' }] },
    description: { type: ['string', 'null'], maxLength: 2000 },
  },
} as const;

export const Score = {
  title: 'scoring request',
  type: 'object',
  required: ['rows'],
  additionalProperties: false,
  properties: {
    rows: {
      type: 'array',
      maxItems: 10000,
      items: {
        anyOf: [
          { type: 'object', additionalProperties: { type: 'number' } },
          { type: 'array', items: { type: 'number' }, maxItems: 4096 },
        ],
      },
    },
  },
} as const;

export const CompleteTask = {
  title: 'task completion',
  type: 'object',
  additionalProperties: false,
  properties: { variables: { type: 'object' } },
} as const;

export const StartMonitor = {
  title: 'monitor start',
  type: 'object',
  additionalProperties: false,
  properties: {
    modelId: id,
    variables: { type: 'object' },
  },
} as const;
