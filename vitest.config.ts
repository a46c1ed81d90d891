import { configDefaults, defineConfig } from 'vitest/config';
import { postgresBinaries } from './test/postgres/throwaway-cluster.js';

/**
 * Two projects in one run, one summary. `sqlite`: every test file, as ever. `postgres`: the
 * engine suites again, each in-memory engine on a fresh schema of one throwaway PostgreSQL
 * cluster (test/postgres/setup-*.ts). Left out of `postgres`: what never opens an engine, what
 * only opens SQLite files or spawns processes that do (CLI, crash and restart tests), the
 * Chromium and ONNX-training suites (slow, and nothing store-specific beyond what the REST
 * suites cover), the package install, the survival runs and the architecture check.
 */
const ENGINE_SUITES = [
  'runtime', 'runtime-events', 'fidelity', 'conditional', 'camunda8', 'http', 'budgets', 'operate',
  'identity', 'dmn', 'observability', 'cockpit', 'mlc', 'timers',
].map((folder) => `test/${folder}/**/*.test.ts`);

const NOT_ON_POSTGRES = [
  // SQLite files, or processes handed a SQLite file
  'test/http/cli.test.ts', 'test/identity/cli.test.ts', 'test/mlc/cli-trainers.test.ts',
  'test/runtime/crash.test.ts', 'test/runtime/crash-cascade.test.ts', 'test/runtime/loop-crash.test.ts',
  'test/runtime/compensation-crash.test.ts', 'test/conditional/crash-resume.test.ts',
  'test/runtime/persistence.test.ts', 'test/runtime/history-steps.test.ts', 'test/runtime-events/restart.test.ts',
  'test/runtime-events/legacy-graph-database.test.ts', 'test/mlc/restart.test.ts',
  'test/identity/serve-default-authorization.test.ts', 'test/mlc/model-safety.test.ts', 'test/mlc/durable-training.test.ts',
  // volume: 50,000 user tasks, past its time limit on PostgreSQL (the store's throughput, not its SQL)
  'test/budgets/cancel-wide-multi-instance.test.ts',
  // Chromium
  'test/cockpit/admin-page.test.ts', 'test/cockpit/browser.test.ts', 'test/cockpit/comparison-card.test.ts',
  'test/cockpit/form-data.test.ts', 'test/cockpit/hostile-form.test.ts', 'test/cockpit/instance-search.test.ts',
  'test/cockpit/operate-authorization.test.ts', 'test/cockpit/operate-suspend-modify.test.ts',
  'test/cockpit/operator.test.ts', 'test/cockpit/rejection-review.test.ts', 'test/dmn/cockpit-decisions.test.ts',
  'test/mlc/cockpit-model-page.test.ts',
  // no engine
  'test/cockpit/form-sanitizer.test.ts', 'test/dmn/compile.test.ts', 'test/dmn/evaluate.test.ts',
  'test/http/camunda-variables.test.ts', 'test/identity/password.test.ts', 'test/runtime/ids.test.ts',
  'test/runtime/lifecycle.test.ts', 'test/timers/check-timer.test.ts', 'test/timers/clock.test.ts',
  'test/timers/cron.test.ts', 'test/timers/iso8601-*.test.ts',
];

/**
 * The multi-node scenarios (separate OS processes, 10,000 instances and timers, several minutes
 * run one after another) are `npm run test:nodes`, not part of `npm test`: CI must stay within
 * its time on 2 cores. The two-node race tests in test/postgres/multi-node-*.test.ts are.
 */
const nodeScenarios = process.env.MLC_TEST_NODES ? [] : ['test/postgres/multi-node/**'];

const postgresAvailable = postgresBinaries() !== undefined;
// vitest evaluates this file more than once per run: say it once
const skipNoted = globalThis as { mlcPostgresSkipNoted?: boolean };
if (!postgresAvailable && !skipNoted.mlcPostgresSkipNoted) {
  skipNoted.mlcPostgresSkipNoted = true;
  console.log('postgres project skipped: no PostgreSQL server under /usr/lib/postgresql (apt-get install -y postgresql; .ci/run installs it)');
}

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    env: { MLC_LOG_LEVEL: 'silent' },
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['test/**/*.test.ts'], exclude: [...configDefaults.exclude, ...nodeScenarios] } },
      ...(postgresAvailable
        ? [{
            extends: true,
            test: {
              name: 'postgres',
              include: ENGINE_SUITES,
              exclude: NOT_ON_POSTGRES,
              globalSetup: ['test/postgres/setup-cluster.ts'],
              setupFiles: ['test/postgres/setup-engine.ts'],
              env: { MLC_LOG_LEVEL: 'silent', MLC_TEST_STORE: 'postgres' },
            },
          }]
        : []),
    ],
  },
});
