/**
 * Child process for the compensation crash test: starts instances of compensation-throw.<flavour>.bpmn
 * on a file database whose compensation reaches the refund handler, which logs its call and then
 * hangs, so the test can SIGKILL the engine in the middle of the compensation.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/index.js';

const [database, log, countText, flavour] = process.argv.slice(2);
const engine = await Engine.open({ database: database!, retryBackoff: { initial: 0, max: 0 } });
const file = `compensation-throw.${flavour}.bpmn`;
await engine.deploy({ name: 'crash', resources: [{ name: file, content: readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', file), 'utf8') }] });
for (const topic of ['book', 'charge']) engine.handle(topic, () => undefined);
engine.handle('undo-charge', (job) => {
  appendFileSync(log!, `call ${job.instance.id} undo-charge ${job.idempotencyKey}\n`);
  return new Promise(() => undefined); // never answers: the kill lands while this handler runs
});
for (let i = 0; i < Number(countText); i++) {
  const instance = await engine.start(`CompensationThrow${flavour!.toUpperCase()}`, { variables: { orderId: `o${i}`, price: i, outcome: 'undo' } });
  appendFileSync(log!, `started ${instance.id}\n`);
}
