/**
 * The server the chaos driver kills: the real engine on a file database and the real HTTP app
 * (`createServerApp`, as `mlc serve` builds it) with in-process handlers for the chaos topics.
 * Every handler call is appended to a log *before* it returns, so a call that the kill cut short
 * is still on record: `call <instanceId> <elementId> <idempotencyKey> <attempt> <pid>`.
 *
 *   node --import tsx test/survival/chaos-server.ts <database> <call-log>
 *
 * Prints `listening on http://127.0.0.1:PORT` once it accepts requests.
 */
import { appendFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { Engine } from '../../src/runtime/engine.js';
import { createServerApp } from '../../src/http/app.js';

const CHAOS_TOPICS = ['chaos-prepare', 'chaos-train', 'chaos-score', 'chaos-publish'] as const;

const [database, log] = process.argv.slice(2);
if (!database || !log) {
  console.error('usage: chaos-server.ts <database> <call-log>');
  process.exit(2);
}
const engine = await Engine.open({ database, retryBackoff: { initial: 10, max: 100 } });
for (const topic of CHAOS_TOPICS) {
  engine.handle(topic, async (job) => {
    appendFileSync(log, `call ${job.instance.id} ${job.element.id} ${job.idempotencyKey} ${job.attempt} ${process.pid}\n`);
    // a little work, so kills land inside handlers too
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
    return { variables: { [`${topic.slice(6)}Done`]: true } };
  });
}
const app = createServerApp(engine, { requestLogs: false });
const server = app.listen(0, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
server.requestTimeout = 0;
const stop = () => {
  app.closeRest();
  server.close();
  server.closeAllConnections();
  void engine.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
