import { NotFoundError } from '../../runtime/errors.js';
import type { DecisionDefinitionRecord } from '../../store/decision-store.js';
import { ok } from '../respond.js';
import { param } from '../routes/route.js';
import { bodyOf, idOfKey, type V2Context, type V2Route } from './context.js';
import { evaluateDecisionHandler } from './decision-evaluation.js';
import { decisionDefinitionItem } from './decision-items.js';
import { search } from './search.js';

const SCAN_LIMIT = 10_000;
const FIELDS = ['decisionDefinitionKey', 'decisionDefinitionId', 'name', 'version', 'decisionRequirementsId', 'decisionRequirementsKey', 'tenantId'] as const;

/** Deployed decisions: search, one by key, its DMN XML, and evaluation. */
export function decisionDefinitionRoutes(ctx: V2Context): V2Route[] {
  const definitionOf = (key: string): DecisionDefinitionRecord => ctx.engine.decisions.definition(idOfKey(ctx, key, 'decision definition'));
  return [
    {
      method: 'post', path: '/decision-definitions/evaluation', summary: 'Evaluate a decision by decisionDefinitionKey or decisionDefinitionId (latest version)',
      handler: (req, res) => evaluateDecisionHandler(ctx, req, res),
    },
    {
      method: 'post', path: '/decision-definitions/search', summary: 'Search deployed decision definitions',
      handler: (req, res) => {
        const items = ctx.keys.batch(() => ctx.engine.decisions.store.queryDefinitions({ maxResults: SCAN_LIMIT }).map((d) => decisionDefinitionItem(ctx, d)));
        ok(res, search(items, bodyOf(req), FIELDS, FIELDS));
      },
    },
    { method: 'get', path: '/decision-definitions/:key', summary: 'Get a decision definition', handler: (req, res) => ok(res, decisionDefinitionItem(ctx, definitionOf(param(req, 'key')))) },
    {
      method: 'get', path: '/decision-definitions/:key/xml', summary: 'The DMN XML of a decision definition',
      handler: (req, res) => {
        const definition = definitionOf(param(req, 'key'));
        const content = ctx.engine.core.repository.resourceByName(definition.deploymentId, definition.resourceName);
        if (!content) throw new NotFoundError(`The resource of decision definition '${param(req, 'key')}' is gone`);
        res.status(200).type('text/xml').send(Buffer.from(content).toString('utf8'));
      },
    },
  ];
}
