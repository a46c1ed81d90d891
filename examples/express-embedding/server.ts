/**
 * An existing express service that embeds mlc-engine: its own routes stay as they are, the
 * engine's Camunda 7 REST API is mounted at /engine-rest, and one service-task topic is handled
 * in-process. Run: npx tsx examples/express-embedding/server.ts  (PORT, default 3000)
 */
import express from 'express';
import { Engine } from '../../src/index.js';

const PROCESS = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:camunda="http://camunda.org/schema/1.0/bpmn" id="Definitions_Score" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="ScoreOrder" name="Score an order" isExecutable="true">
    <bpmn:startEvent id="Start" />
    <bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Task_Score" />
    <bpmn:serviceTask id="Task_Score" name="Score" camunda:type="external" camunda:topic="score" />
    <bpmn:sequenceFlow id="Flow_2" sourceRef="Task_Score" targetRef="End" />
    <bpmn:endEvent id="End" />
  </bpmn:process>
</bpmn:definitions>`;

const engine = await Engine.open({ database: process.env.MLC_DB ?? ':memory:' });

// the in-process handler: every "score" service task runs here (remote workers could share the topic)
engine.handle('score', async (job) => {
  const amount = Number(job.variables.amount ?? 0);
  return { variables: { score: amount > 1000 ? 0.9 : 0.1 } };
});

await engine.deploy({ name: 'express-embedding', source: 'example', resources: [{ name: 'score-order.bpmn', content: PROCESS }] });

const app = express();

// the service's own routes
app.get('/health', (_req, res) => {
  res.json({ ok: true });
});
app.post('/orders', express.json(), async (req, res, next) => {
  try {
    const instance = await engine.start('ScoreOrder', { businessKey: String(req.body?.orderId ?? ''), variables: { amount: Number(req.body?.amount ?? 0) } });
    res.status(202).json({ processInstanceId: instance.id });
  } catch (error) {
    next(error);
  }
});

// the engine's REST API, as Camunda Modeler, Cockpit-style tools and external-task workers expect it
app.use('/engine-rest', engine.router());

const port = Number(process.env.PORT ?? 3000);
const server = app.listen(port, '127.0.0.1', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`express service on http://127.0.0.1:${actual} (engine REST API: http://127.0.0.1:${actual}/engine-rest)`);
});

const shutdown = () => {
  server.close(() => void engine.close().then(() => process.exit(0)));
  server.closeIdleConnections();
};
process.once('SIGTERM', shutdown);
process.once('SIGINT', shutdown);
