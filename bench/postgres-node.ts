/**
 * One engine node of the `postgres` bench, as its own OS process:
 *   node --import tsx bench/postgres-node.ts '<json NodeArgs>'
 * It opens the engine on the shared database, registers the `work` handler and, when the parent
 * says so, starts `simple` instances through the engine API with at most `inFlight` of them
 * outstanding. Talks to the parent by lines: commands on stdin (`warm`, `go`, `exit`), reports
 * on stdout as `@{json}` (anything else on stdout is passed through as text).
 *
 * Another node may complete an instance this node started (it acquired the job), so a node cannot
 * wait for "its" instances: it counts permits instead. Starting takes one, any instanceEnded seen
 * here gives one back; across the nodes at most nodes × inFlight instances are outstanding.
 */
import { createInterface } from 'node:readline';
import { Engine } from '../src/index.js';
import { simpleXml } from './lib/bpmn.js';

export interface NodeArgs {
  url: string;
  /** the first node deploys the diagram before it reports ready */
  deploy: boolean;
  inFlight: number;
  warmUp: number;
  durationMs: number;
}

/** What a node reports (`@` lines); the parent's reader switches on `kind`. */
export type NodeReport =
  | { kind: 'ready' }
  | { kind: 'warmed' }
  | { kind: 'stopped'; started: number; failed: number; handled: number; endedHere: number; lastEndedAt: number | null; firstError?: string }
  | { kind: 'closed'; handled: number; endedHere: number; lastEndedAt: number | null }
  | { kind: 'error'; message: string };

const PROCESS_KEY = 'BenchSimple';

function report(message: NodeReport): void {
  process.stdout.write(`@${JSON.stringify(message)}\n`);
}

class Permits {
  private free: number;
  private readonly waiting: Array<() => void> = [];
  constructor(size: number) {
    this.free = size;
  }
  take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }
  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
  /** between phases, when no lane is waiting: every instance of the last phase has ended somewhere */
  reset(size: number): void {
    this.free = size;
  }
}

async function main(args: NodeArgs): Promise<void> {
  const engine = await Engine.open({ database: args.url });
  const permits = new Permits(args.inFlight);
  let handled = 0;
  let endedHere = 0;
  let lastEndedAt: number | null = null;
  engine.handle('work', () => {
    handled++;
    return {};
  });
  engine.on('instanceEnded', () => {
    endedHere++;
    lastEndedAt = performance.timeOrigin + performance.now();
    permits.give();
  });
  if (args.deploy) await engine.deploy({ name: 'bench', resources: [{ name: 'bench.bpmn', content: simpleXml('ours') }] });
  report({ kind: 'ready' });

  // starts instances until `count` are started or `until` (epoch ms) has passed
  const drive = async (count: number, until: number) => {
    let started = 0;
    let failed = 0;
    let firstError: string | undefined;
    while (started + failed < count && Date.now() < until) {
      await permits.take();
      try {
        await engine.start(PROCESS_KEY, { variables: { ok: true } });
        started++;
      } catch (error) {
        failed++;
        firstError ??= error instanceof Error ? error.message : String(error);
        permits.give();
      }
    }
    return { started, failed, firstError };
  };
  // engine.start resolves at commit; keep several starts in the air like the SQLite scenario's lanes
  const lanes = async (count: number, until: number) => {
    const results = await Promise.all(Array.from({ length: args.inFlight }, () => drive(Math.ceil(count / args.inFlight), until)));
    return {
      started: results.reduce((s, r) => s + r.started, 0),
      failed: results.reduce((s, r) => s + r.failed, 0),
      firstError: results.find((r) => r.firstError)?.firstError,
    };
  };

  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const command = line.trim();
    if (command === 'warm') {
      await lanes(args.warmUp, Number.POSITIVE_INFINITY);
      report({ kind: 'warmed' });
    } else if (command === 'go') {
      handled = 0;
      endedHere = 0;
      lastEndedAt = null;
      permits.reset(args.inFlight);
      const result = await lanes(Number.MAX_SAFE_INTEGER, Date.now() + args.durationMs);
      report({ kind: 'stopped', ...result, handled, endedHere, lastEndedAt });
    } else if (command === 'exit') {
      break;
    }
  }
  await engine.close();
  report({ kind: 'closed', handled, endedHere, lastEndedAt });
}

const args = JSON.parse(process.argv[2] ?? '{}') as NodeArgs;
process.env.MLC_LOG_LEVEL ??= 'silent';
main(args).then(
  () => process.exit(0),
  (error) => {
    report({ kind: 'error', message: error instanceof Error ? error.stack ?? error.message : String(error) });
    process.exit(1);
  },
);
