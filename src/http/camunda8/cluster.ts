import type { V2Route } from './context.js';
import { ok } from '../respond.js';

/** The version Camunda Modeler and the SDK see; Modeler needs ≥ 8.8.0 for REST task testing. */
export const GATEWAY_VERSION = '8.8.0';

/** `GET /topology` (Modeler's connection check, every 5 s) and `GET /status`: one broker, one partition, always leader. */
export function clusterRoutes(): V2Route[] {
  return [
    {
      method: 'get',
      path: '/topology', summary: 'Cluster topology (Modeler connection check)',
      handler: (req, res) => {
        const host = req.hostname || '127.0.0.1';
        const port = req.socket.localPort ?? 8080;
        ok(res, {
          brokers: [{ nodeId: 0, host, port, partitions: [{ partitionId: 1, role: 'leader', health: 'healthy' }], version: GATEWAY_VERSION }],
          clusterId: null,
          clusterSize: 1,
          partitionsCount: 1,
          replicationFactor: 1,
          gatewayVersion: GATEWAY_VERSION,
          lastCompletedChangeId: '-1',
        });
      },
    },
    { method: 'get', path: '/status', summary: 'Health: 204 when the engine serves requests', handler: (_req, res) => void res.status(204).end() },
  ];
}
