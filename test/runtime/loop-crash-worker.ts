/**
 * Child process for the loop crash test: runs LoopCrashC7 instances on a file database, logging
 * every handler call; the handler named by `hangAt` (`batch:<loopCounter>` or `check:<element>`)
 * never returns, so the test can SIGKILL the process while that call is in flight.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/index.js';

const [database, log, mode, hangAt, countText] = process.argv.slice(2);
const engine = await Engine.open({ database: database!, retryBackoff: { initial: 0, max: 0 } });
if (mode === 'start') {
  await engine.deploy({ name: 'loop-crash', resources: [{ name: 'loop-crash.c7.bpmn', content: readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'loop-crash.c7.bpmn'), 'utf8') }] });
  for (let i = 0; i < Number(countText); i++) appendFileSync(log!, `started ${(await engine.start('LoopCrashC7')).id}\n`);
}
for (const topic of ['batch', 'check']) {
  engine.handle(topic, async (job) => {
    const where = topic === 'batch' ? String(job.variables.loopCounter) : job.element.id;
    appendFileSync(log!, `call ${job.instance.id} ${topic}:${where} ${job.idempotencyKey}\n`);
    if (`${topic}:${where}` === hangAt) await new Promise(() => {});
    return {};
  });
}
