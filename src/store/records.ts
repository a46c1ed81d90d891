/** Row shapes as the runtime uses them (camelCase); the SQL column names live only in src/store/. */
import type { HistoryKind } from './history-entry.js';

/** The states of an element instance's lifecycle (the legal moves are runtime/lifecycle.ts). */
export type LifecycleState = 'ready' | 'active' | 'completing' | 'completed' | 'terminating' | 'terminated' | 'withdrawn';

export type InstanceState = 'active' | 'completed' | 'terminated';

export interface InstanceRecord {
  id: string;
  definitionId: string;
  definitionKey: string;
  businessKey: string | null;
  state: InstanceState;
  parentInstanceId: string | null;
  parentElementInstanceId: string | null;
  startedAt: number;
  endedAt: number | null;
  startElementId: string | null;
  endElementId: string | null;
  /** Camunda's suspension: set only when suspended (see commands/suspension.ts) */
  suspended?: boolean;
}

/** What an element instance remembers between steps, kind by kind. */
export interface ElementData {
  /** an incident was raised on this element instance */
  incident?: boolean;
  /** the sequence flow the token arrived on (gateway joins count these) */
  flow?: string;
  /** a multi-instance iteration's index: where its output element goes (whether an instance is a body or an iteration is the tree's to say) */
  loopCounter?: number;
  mi?: { total: number; completed: number; active: number; next: number; items?: unknown[]; output?: unknown[] };
  /** standard loop bodies: the iterations completed */
  loop?: { completed: number };
  /** ad-hoc sub-processes: inner elements still to start one by one (Sequential), completion condition met (waiting for the rest) */
  adHoc?: { queued: string[]; completing: boolean };
  /** a call activity's child process instance */
  childInstanceId?: string;
  /** an event-based gateway waiting on its branches */
  waiting?: boolean;
  /** a catch event entered by an event-based gateway whose trigger already happened */
  triggered?: boolean;
  /** asyncBefore: the continuation job ran, activate now */
  asyncBeforeDone?: boolean;
  /** asyncAfter: the flows to take once the continuation job runs */
  asyncAfterFlows?: string[];
  /** a complex gateway that fired, waiting for its reset: the incoming flows still owed a token */
  resetAwaiting?: string[];
  /** a sub-process created by a process instance modification to hold a token started inside it: its start event does not run */
  scopeOnly?: boolean;
  /** a compensation throw or cancel end event waiting for its handlers: those not started yet, in order */
  compensation?: CompensationStep[];
  /** a compensation event sub-process: the element instance (completed) of the sub-process it compensates */
  compensationOf?: string;
}

/** One handler a compensation throw still has to run. */
export interface CompensationStep {
  /** the compensated activity and its element instance */
  elementId: string;
  elementInstanceId: string;
  handlerId: string;
  /** the snapshot the handler sees as its local variables (JSON `[name, type, value]` triples) */
  variables: string;
}

export interface ElementInstanceRecord {
  id: string;
  instanceId: string;
  /** the enclosing scope's element instance, null for the process level */
  parentId: string | null;
  elementId: string;
  state: LifecycleState;
  data: ElementData;
  startedAt: number;
}

/** A completed activity that a compensation throw can compensate (see CompensationStore). */
export interface CompensationRecord {
  id: string;
  instanceId: string;
  /** the element instance of the scope it completed in (null = the process level) */
  scopeId: string | null;
  /** the completed activity */
  elementId: string;
  /** its element instance: the scope of the compensation records of activities completed inside it */
  elementInstanceId: string;
  /** the handler activity or compensation event sub-process; null: compensate what completed inside it */
  handlerId: string | null;
  /** JSON: its local variables when it completed, as `[name, type, value]` triples */
  variables: string;
  completedAt: number;
}

export interface VariableRecord {
  scopeId: string;
  name: string;
  type: string;
  value: string | null;
}

export type JobKind = 'task' | 'timer' | 'async' | 'continuation';

export interface JobRecord {
  id: string;
  kind: JobKind;
  instanceId: string | null;
  elementInstanceId: string | null;
  elementId: string | null;
  definitionId: string | null;
  definitionKey: string | null;
  topic: string | null;
  dueAt: number;
  lockOwner: string | null;
  lockExpiresAt: number | null;
  retries: number;
  attempts: number;
  priority: number;
  errorMessage: string | null;
  errorDetails: string | null;
  payload: string | null;
  createdAt: number;
  /** its instance (or, for a start timer, its definition) is suspended: nothing runs it */
  suspended?: boolean;
}

export interface TaskRecord {
  id: string;
  instanceId: string;
  elementInstanceId: string;
  elementId: string;
  definitionId: string;
  definitionKey: string;
  name: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  formKey: string | null;
  formRef: string | null;
  priority: number;
  dueAt: number | null;
  followUpAt: number | null;
  createdAt: number;
  /** its instance is suspended: it cannot be completed or claimed */
  suspended?: boolean;
}

export interface IncidentRecord {
  id: string;
  type: string;
  instanceId: string;
  definitionId: string | null;
  elementInstanceId: string | null;
  elementId: string | null;
  jobId: string | null;
  message: string | null;
  createdAt: number;
}

export interface HistoryRecord {
  instanceId: string;
  kind: HistoryKind;
  elementInstanceId?: string | null;
  elementId?: string | null;
  elementType?: string | null;
  startedAt?: number | null;
  at: number;
  actor?: string | null;
  data?: string | null;
}

export interface DefinitionRecord {
  id: string;
  key: string;
  version: number;
  versionTag: string | null;
  name: string | null;
  deploymentId: string;
  resourceName: string;
  sha256: string;
  tenantId: string | null;
  deployedAt: number;
  /** a suspended definition starts no instance */
  suspended?: boolean;
}

export interface DeploymentRecord {
  id: string;
  name: string | null;
  source: string | null;
  tenantId: string | null;
  deployedAt: number;
}

export interface ResourceRecord {
  id: string;
  deploymentId: string;
  name: string;
  sha256: string;
}

export interface SubscriptionRecord {
  id: string;
  /** a conditional one is only listed (Camunda's event subscriptions): variable changes reach conditional events through the element-instance tree */
  kind: 'message' | 'signal' | 'conditional';
  name: string;
  correlationKey: string | null;
  instanceId: string | null;
  elementInstanceId: string | null;
  elementId: string;
  definitionId: string | null;
  businessKey: string | null;
  tenantId: string | null;
  interrupting: boolean;
  createdAt: number;
  /** insertion order: a signal thrown reaches only subscriptions that existed when it was thrown */
  seq?: number;
}
