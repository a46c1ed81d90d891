import type { Request } from 'express';
import { NotFoundError } from '../../runtime/errors.js';
import { readDeploymentForm } from '../multipart.js';
import { deploymentDto, definitionDto } from '../dto.js';
import { ok, noContent } from '../respond.js';
import { QueryParams } from '../query.js';
import { HttpError } from '../errors.js';
import { identityOf } from '../../identity/identity-service.js';
import { actor, baseUrl, param, type Route, type RouteContext } from './route.js';
import type { DecisionDefinitionRecord } from '../../store/decision-store.js';
import { decisionDefinitionDto } from './decision-dto.js';

const SORT = ['id', 'name', 'deploymentTime', 'tenantId'] as const;

export function deploymentRoutes(ctx: RouteContext): Route[] {
  const { engine } = ctx;
  const query = (req: Request) => {
    const q = new QueryParams(req);
    return {
      id: q.string('id'),
      name: q.string('name'),
      nameLike: q.string('nameLike'),
      source: q.string('source'),
      tenantId: q.string('tenantIdIn')?.split(',')[0],
      ...q.sort(SORT),
      ...q.page(),
    };
  };
  const deployment = (id: string) => {
    const record = engine.core.repository.getDeployment(id);
    if (!record) throw new NotFoundError(`Deployment with id '${id}' does not exist`);
    return record;
  };
  return [
    {
      method: 'get', path: '/deployment', tag: 'Deployment', summary: 'Deployments (Camunda Modeler checks the connection with ?maxResults=0)',
      query: ['id', 'name', 'nameLike', 'source', 'tenantIdIn', 'sortBy', 'sortOrder', 'firstResult', 'maxResults'],
      handler: (req, res) => ok(res, engine.queries.deployments(query(req)).map((d) => deploymentDto(d, baseUrl(req)))),
    },
    {
      method: 'get', path: '/deployment/count', tag: 'Deployment', summary: 'Number of deployments', query: ['id', 'name', 'nameLike', 'source'],
      handler: (req, res) => ok(res, { count: engine.queries.countDeployments(query(req)) }),
    },
    {
      method: 'post', path: '/deployment/create', tag: 'Deployment', multipart: true,
      summary: 'Deploys BPMN and other resources (multipart; resource names from part filenames)',
      handler: async (req, res) => {
        identityOf(engine).require(actor(res), 'deploy');
        const form = await readDeploymentForm(req, ctx.limits);
        if (form.resources.length === 0) throw new HttpError(400, 'No deployment resources contained in the form upload.');
        if (form.activationTime !== null && Number.isNaN(Date.parse(form.activationTime))) {
          throw new HttpError(400, `Invalid deployment-activation-time '${form.activationTime.slice(0, 100)}'`);
        }
        const result = await engine.deploy({
          name: form.name,
          source: form.source,
          tenantId: form.tenantId,
          resources: form.resources,
          duplicateFiltering: form.enableDuplicateFiltering,
          deployChangedOnly: form.deployChangedOnly,
        });
        const base = baseUrl(req);
        let deployed: Record<string, ReturnType<typeof definitionDto>> | null = null;
        if (result.definitions) {
          deployed = {};
          for (const d of result.definitions) deployed[d.id] = definitionDto(d);
        }
        ok(res, {
          ...deploymentDto(result.deployment, base),
          deployedProcessDefinitions: deployed,
          deployedCaseDefinitions: null,
          deployedDecisionDefinitions: decisionDefinitionsDto(result.decisionDefinitions),
          deployedDecisionRequirementsDefinitions: null,
        });
      },
    },
    {
      method: 'get', path: '/deployment/:id', tag: 'Deployment', summary: 'One deployment',
      handler: (req, res) => ok(res, deploymentDto(deployment(param(req, 'id')), baseUrl(req))),
    },
    {
      method: 'get', path: '/deployment/:id/resources', tag: 'Deployment', summary: 'The resources of a deployment',
      handler: (req, res) => {
        const d = deployment(param(req, 'id'));
        ok(res, engine.core.repository.resourcesOf(d.id).map((r) => ({ id: r.id, name: r.name, deploymentId: r.deploymentId })));
      },
    },
    {
      method: 'get', path: '/deployment/:id/resources/:resourceId', tag: 'Deployment', summary: 'One resource of a deployment',
      handler: (req, res) => {
        const d = deployment(param(req, 'id'));
        const r = engine.queries.resource(d.id, param(req, 'resourceId'));
        if (!r) throw new NotFoundError(`Deployment resource with resource id '${param(req, 'resourceId')}' for deployment id '${d.id}' does not exist`);
        ok(res, { id: r.id, name: r.name, deploymentId: r.deploymentId });
      },
    },
    {
      method: 'get', path: '/deployment/:id/resources/:resourceId/data', tag: 'Deployment', summary: 'The content of a resource',
      handler: (req, res) => {
        const d = deployment(param(req, 'id'));
        const r = engine.queries.resource(d.id, param(req, 'resourceId'));
        const content = r && engine.core.repository.resourceContent(d.id, r.id);
        if (!r || !content) throw new NotFoundError(`Deployment resource '${param(req, 'resourceId')}' for deployment id '${d.id}' does not exist`);
        const xml = /\.(bpmn|bpmn20\.xml|dmn|xml)$/i.test(r.name);
        res.status(200).setHeader('Content-Type', xml ? 'application/xml' : /\.(form|json)$/i.test(r.name) ? 'application/json' : 'application/octet-stream');
        res.setHeader('Content-Disposition', `attachment; filename="${r.name.replace(/[^\w.\-]/g, '_')}"`);
        res.send(Buffer.from(content));
      },
    },
    {
      method: 'delete', path: '/deployment/:id', tag: 'Deployment', query: ['cascade'],
      summary: 'Deletes a deployment; with cascade=true its running instances are cancelled first',
      handler: async (req, res) => {
        const q = new QueryParams(req);
        const id = param(req, 'id');
        deployment(id);
        await engine.deleteDeployment(id, { cascade: q.bool('cascade') ?? false });
        noContent(res);
      },
    },
  ];
}

/** Camunda's `deployedDecisionDefinitions`: by id, or null when none were deployed. */
function decisionDefinitionsDto(records: DecisionDefinitionRecord[] | null | undefined): Record<string, ReturnType<typeof decisionDefinitionDto>> | null {
  if (!records || records.length === 0) return null;
  return Object.fromEntries(records.map((d) => [d.id, decisionDefinitionDto(d)]));
}
