import { BadRequestError } from '../../runtime/errors.js';
import type { DeployResource } from '../../runtime/deployer.js';
import type { DefinitionRecord } from '../../store/records.js';
import { readDeploymentForm } from '../multipart.js';
import { ok } from '../respond.js';
import { tenantIn, tenantOut, type V2Context, type V2Route } from './context.js';

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
 * `POST /deployments`: repeated `resources` parts (BPMN and Camunda Forms) and an optional
 * `tenantId`. Unchanged resources are not redeployed (as in Zeebe): the answer names the
 * versions already deployed. Forms are stored with the deployment; a form file must be JSON with an `id`.
 */
export function deploymentRoutes(ctx: V2Context): V2Route[] {
  return [{ method: 'post', path: '/deployments', summary: 'Deploy BPMN and form resources (multipart, repeated resources parts)', handler: async (req, res) => {
    const form = await readDeploymentForm(req, { ...ctx.limits, tenantField: 'tenantId' });
    const tenantId = tenantIn(form.tenantId);
    const forms = form.resources.map(checkResource);
    const result = await ctx.engine.deploy({ resources: form.resources, tenantId, duplicateFiltering: true, deployChangedOnly: false });
    const definitions: DefinitionRecord[] = result.definitions ?? ctx.engine.queries.definitions({ deploymentId: result.deployment.id, maxResults: 10_000 });
    const formEntries: FormEntry[] = [];
    for (const [index, formId] of forms.entries()) {
      if (formId === null) continue;
      const resourceName = form.resources[index]!.name;
      formEntries.push({ formId, version: 1, resourceName, tenantId: tenantOut(tenantId), formKey: ctx.keys.keyOf(`form:${result.deployment.id}:${resourceName}`) });
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
        ...formEntries.map((f) => ({ processDefinition: null, decisionDefinition: null, decisionRequirements: null, form: f, resource: null })),
      ],
    });
  } }];
}

/** BPMN and forms only: anything else would be stored but never used, so it is refused. Returns a form's id. */
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
  if (/\.dmn$/i.test(resource.name)) throw new BadRequestError(`Resource '${resource.name}': DMN decisions are not supported by this engine`);
  throw new BadRequestError(`Resource '${resource.name}' is neither BPMN (.bpmn) nor a form (.form)`);
}
