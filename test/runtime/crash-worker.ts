/**
 * Child process for the crash test: runs instances of the parallel fixture on a file database,
 * logging every handler call and every committed start, until the test kills it with SIGKILL.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/index.js';

const [database, log, countText] = process.argv.slice(2);
const count = Number(countText);
const engine = await Engine.open({ database: database!, retryBackoff: { initial: 0, max: 0 } });
await engine.deploy({ name: 'crash', resources: [{ name: 'parallel.bpmn', content: readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'parallel.c7.bpmn'), 'utf8') }] });
// start everything first, so the kill lands while all instances are mid-flight
for (let i = 0; i < count; i += 50) {
  const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, k) => engine.start('ParallelC7', { businessKey: `b-${i + k}` })));
  appendFileSync(log!, batch.map((instance) => `started ${instance.id}\n`).join(''));
}
appendFileSync(log!, 'all-started\n');
for (const topic of ['a', 'b', 'c']) {
  engine.handle(topic, async (job) => {
    appendFileSync(log!, `call ${job.instance.id} ${topic} ${job.idempotencyKey} ${job.attempt}\n`);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
    return { variables: { [`${topic}Done`]: true } };
  });
}
