/**
 * Camunda 7 DTOs from the engine's records. Field names and null-ness follow Camunda's REST API so
 * existing clients (Modeler, Cockpit-style tools, external-task clients) read them unchanged.
 */
import type { DefinitionRecord, DeploymentRecord, IncidentRecord, InstanceRecord, JobRecord, TaskRecord } from '../store/records.js';
import { formatDate } from './dates.js';

export function definitionDto(d: DefinitionRecord) {
  return {
    id: d.id,
    key: d.key,
    category: 'http://bpmn.io/schema/bpmn',
    description: null,
    name: d.name,
    version: d.version,
    resource: d.resourceName,
    deploymentId: d.deploymentId,
    diagram: null,
    suspended: d.suspended === true,
    tenantId: d.tenantId,
    versionTag: d.versionTag,
    historyTimeToLive: null,
    startableInTasklist: true,
  };
}

export function deploymentDto(d: DeploymentRecord, base: string) {
  return {
    links: [{ method: 'GET', href: `${base}/deployment/${d.id}`, rel: 'self' }],
    id: d.id,
    name: d.name,
    source: d.source,
    deploymentTime: formatDate(d.deployedAt),
    tenantId: d.tenantId,
  };
}

export function instanceDto(i: InstanceRecord, base: string) {
  return {
    links: [{ method: 'GET', href: `${base}/process-instance/${i.id}`, rel: 'self' }],
    id: i.id,
    definitionId: i.definitionId,
    definitionKey: i.definitionKey,
    businessKey: i.businessKey,
    caseInstanceId: null,
    ended: i.state !== 'active',
    suspended: i.suspended === true,
    tenantId: null,
  };
}

/** `description` is the user task's `<documentation>` (read from its process graph). */
export function taskDto(t: TaskRecord, description: string | null = null) {
  return {
    id: t.id,
    name: t.name,
    assignee: t.assignee,
    owner: null,
    created: formatDate(t.createdAt),
    lastUpdated: null,
    due: formatDate(t.dueAt),
    followUp: formatDate(t.followUpAt),
    delegationState: null,
    description,
    executionId: t.elementInstanceId,
    parentTaskId: null,
    priority: t.priority,
    processDefinitionId: t.definitionId,
    processInstanceId: t.instanceId,
    caseExecutionId: null,
    caseDefinitionId: null,
    caseInstanceId: null,
    taskDefinitionKey: t.elementId,
    suspended: t.suspended === true,
    formKey: t.formKey,
    camundaFormRef: t.formRef ? { key: t.formRef, binding: 'latest', version: null } : null,
    tenantId: null,
    taskState: 'Created',
  };
}

/** ExternalTaskDto: a work item as the list endpoints show it. */
export function externalTaskDto(j: JobRecord, extra: { businessKey: string | null; versionTag: string | null }, now: number) {
  const locked = j.lockExpiresAt !== null && j.lockExpiresAt > now;
  return {
    activityId: j.elementId,
    activityInstanceId: j.elementInstanceId,
    errorMessage: j.errorMessage,
    executionId: j.elementInstanceId,
    id: j.id,
    lockExpirationTime: locked ? formatDate(j.lockExpiresAt) : null,
    createTime: formatDate(j.createdAt),
    processDefinitionId: j.definitionId,
    processDefinitionKey: j.definitionKey,
    processDefinitionVersionTag: extra.versionTag,
    processInstanceId: j.instanceId,
    tenantId: null,
    retries: j.retries,
    suspended: j.suspended === true,
    workerId: locked ? j.lockOwner : null,
    topicName: j.topic,
    priority: j.priority,
    businessKey: extra.businessKey,
  };
}

export function incidentDto(i: IncidentRecord) {
  return {
    id: i.id,
    processDefinitionId: i.definitionId,
    processInstanceId: i.instanceId,
    executionId: i.elementInstanceId,
    incidentTimestamp: formatDate(i.createdAt),
    incidentType: i.type,
    activityId: i.elementId,
    failedActivityId: i.elementId,
    causeIncidentId: i.id,
    rootCauseIncidentId: i.id,
    configuration: i.jobId,
    tenantId: null,
    incidentMessage: i.message,
    jobDefinitionId: null,
    annotation: null,
  };
}

export function jobDto(j: JobRecord) {
  return {
    id: j.id,
    jobDefinitionId: null,
    processInstanceId: j.instanceId,
    processDefinitionId: j.definitionId,
    processDefinitionKey: j.definitionKey,
    executionId: j.elementInstanceId,
    exceptionMessage: j.errorMessage,
    failedActivityId: j.errorMessage ? j.elementId : null,
    retries: j.retries,
    dueDate: formatDate(j.dueAt),
    suspended: j.suspended === true,
    priority: j.priority,
    tenantId: null,
    createTime: formatDate(j.createdAt),
    batchId: null,
  };
}
