/**
 * Child process for the cascade crash test: starts parents that call a child with a user task,
 * then completes the children's tasks one after another (each completion also continues the
 * parent, in the same transaction) until the test kills it with SIGKILL.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/index.js';

const [database, log, countText] = process.argv.slice(2);
const count = Number(countText);
const engine = await Engine.open({ database: database! });
const xml = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'camunda-fidelity', 'same-transaction.bpmn'), 'utf8');
await engine.deploy({ name: 'cascade', resources: [{ name: 'same-transaction.bpmn', content: xml }] });
for (let i = 0; i < count; i += 50) {
  await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => engine.start('SameTxParent')));
}
appendFileSync(log!, 'all-started\n');
const children = engine.db.prepare(`SELECT t.id FROM tasks t JOIN instances i ON i.id = t.instance_id WHERE i.definition_key = 'SameTxChild'`).all() as Array<{ id: string }>;
for (const task of children) {
  // a few completions in flight at once, so the kill lands inside a group commit as well
  void engine.completeTask(task.id, { decision: 'approve' }).then(() => appendFileSync(log!, `completed ${task.id}\n`));
  await new Promise((resolve) => setImmediate(resolve));
}
await engine.whenIdle();
appendFileSync(log!, 'done\n');
