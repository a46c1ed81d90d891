import { BadRequestError } from '../../runtime/errors.js';
import { DMN_RESOURCE, type DeployResource } from '../../runtime/deployer.js';
import { createHash } from 'node:crypto';
import type { DefinitionRecord } from '../../store/records.js';
import type { DecisionDefinitionRecord } from '../../store/decision-store.js';
import { readDeploymentForm } from '../multipart.js';
import { ok } from '../respond.js';
import { actor } from '../routes/route.js';
import { identityOf } from '../../identity/identity-service.js';
import { tenantIn, tenantOut, type V2Context, type V2Route } from './context.js';
import { decisionDefinitionItem, decisionRequirementsItem } from './decision-items.js';

const BPMN = /\.(bpmn|bpmn20\.xml)$/i;
const FORM = /\.form$/i;

interface FormEntry {
  formId: string;
  version: number;
  resourceName: string;
  tenantId: string;
  formKey: string;
}

/**
 * `POST /deployments`: repeated `resources` parts (BPMN, DMN and Camunda Forms) and an optional
 * `tenantId`. Unchanged resources are not redeployed (as in Zeebe): the answer names the
 * versions already deployed. Forms are stored with the deployment; a form file must be JSON with an `id`.
 */
export function deploymentRoutes(ctx: V2Context): V2Route[] {
  return [{ method: 'post', path: '/deployments', summary: 'Deploy BPMN, DMN and form resources (multipart, repeated resources parts)', handler: async (req, res) => {
    identityOf(ctx.engine).require(actor(res), 'deploy');
    const form = await readDeploymentForm(req, { ...ctx.limits, tenantField: 'tenantId' });
    const tenantId = tenantIn(form.tenantId);
    const forms = form.resources.map(checkResource);
    // only changed resources get new versions; unchanged ones answer with the versions already deployed (as Zeebe does)
    const result = await ctx.engine.deploy({ resources: form.resources, tenantId, duplicateFiltering: true, deployChangedOnly: true });
    const definitions: DefinitionRecord[] = [...(result.definitions ?? [])];
    const decisions: DecisionDefinitionRecord[] = [...(result.decisionDefinitions ?? [])];
    for (const resource of form.resources) {
      if (BPMN.test(resource.name) && !definitions.some((d) => d.resourceName === resource.name)) {
        const sha256 = createHash('sha256').update(resource.content).digest('hex');
        definitions.push(...ctx.engine.queries.definitions({ latestVersion: true, maxResults: 10_000 })
          .filter((d) => d.resourceName === resource.name && d.sha256 === sha256 && d.tenantId === tenantId));
      }
      if (DMN_RESOURCE.test(resource.name) && !decisions.some((d) => d.resourceName === resource.name)) {
        decisions.push(...ctx.engine.decisions.store.queryDefinitions({ resourceName: resource.name, latestVersion: true, ...(tenantId ? { tenantIdIn: [tenantId] } : { withoutTenantId: true }) }));
      }
    }
    const formEntries: FormEntry[] = [];
    for (const [index, formId] of forms.entries()) {
      if (formId === null) continue;
      const { name: resourceName, content } = form.resources[index]!;
      // one key per form content, so an unchanged redeploy answers the same key
      const formKey = ctx.keys.keyOf(`form:${tenantOut(tenantId)}:${resourceName}:${createHash('sha256').update(content).digest('hex')}`);
      formEntries.push({ formId, version: 1, resourceName, tenantId: tenantOut(tenantId), formKey });
    }
    ok(res, {
      deploymentKey: ctx.keys.keyOf(result.deployment.id),
      tenantId: tenantOut(tenantId),
      deployments: [
        ...definitions.map((d) => ({
          processDefinition: {
            processDefinitionId: d.key,
            processDefinitionVersion: d.version,
            resourceName: d.resourceName,
            tenantId: tenantOut(d.tenantId),
            processDefinitionKey: ctx.keys.keyOf(d.id),
          },
          decisionDefinition: null,
          decisionRequirements: null,
          form: null,
          resource: null,
        })),
        ...decisions.map((d) => ({ processDefinition: null, decisionDefinition: decisionDefinitionItem(ctx, d), decisionRequirements: null, form: null, resource: null })),
        // one decision requirements entry per DMN file, after its decisions (as Zeebe answers)
        ...firstPerGraph(decisions).map((d) => ({ processDefinition: null, decisionDefinition: null, decisionRequirements: decisionRequirementsItem(ctx, d), form: null, resource: null })),
        ...formEntries.map((f) => ({ processDefinition: null, decisionDefinition: null, decisionRequirements: null, form: f, resource: null })),
      ],
    });
  } }];
}

/** One decision of each deployed decision requirements graph (a graph is a file in a deployment). */
function firstPerGraph(decisions: DecisionDefinitionRecord[]): DecisionDefinitionRecord[] {
  const seen = new Set<string>();
  return decisions.filter((d) => {
    const graph = `${d.deploymentId}:${d.drdKey}`;
    if (seen.has(graph)) return false;
    seen.add(graph);
    return true;
  });
}

/** BPMN, DMN and forms only: anything else would be stored but never used, so it is refused. Returns a form's id. */
function checkResource(resource: DeployResource): string | null {
  if (BPMN.test(resource.name)) return null;
  if (FORM.test(resource.name)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(resource.content.toString());
    } catch {
      throw new BadRequestError(`Form '${resource.name}' is not valid JSON`);
    }
    const id = (parsed as { id?: unknown } | null)?.id;
    if (typeof id !== 'string' || id === '') throw new BadRequestError(`Form '${resource.name}' has no 'id'`);
    return id;
  }
  if (DMN_RESOURCE.test(resource.name)) return null;
  throw new BadRequestError(`Resource '${resource.name}' is neither BPMN (.bpmn), DMN (.dmn) nor a form (.form)`);
}
