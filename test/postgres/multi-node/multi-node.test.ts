/**
 * The multi-node tests: engine nodes as separate OS processes on one throwaway PostgreSQL. The
 * scenarios run one after another from this one file, because each starts its own nodes and
 * PostgreSQL: run side by side on a small machine, they would starve each other's heartbeats.
 * One scenario alone: `npx vitest run test/postgres/multi-node -t 'SIGSTOP'`.
 */
import './shared-instances.scenario.js';
import './killed-node.scenario.js';
import './stalled-node.scenario.js';
import './message-race.scenario.js';
import './timers-killed-node.scenario.js';
import './external-task-clients.scenario.js';
import './lapsed-lock.scenario.js';
