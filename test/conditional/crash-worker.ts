/**
 * Child process for the crash-resume test: deploys the conditional boundary fixture on a file
 * database, starts one instance (its Review task waits with both conditional boundary events
 * armed), prints its id, and waits to be killed with SIGKILL.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Engine } from '../../src/index.js';

const [database] = process.argv.slice(2);
const engine = await Engine.open({ database: database! });
const content = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', 'conditional', 'conditional-boundary.c7.bpmn'), 'utf8');
await engine.deploy({ name: 'crash', resources: [{ name: 'conditional-boundary.c7.bpmn', content }] });
const instance = await engine.start('ConditionalBoundaryC7', { variables: { cancelled: false } });
process.stdout.write(`started ${instance.id}\n`);
setInterval(() => undefined, 60_000);
