/**
 * A fresh engine process serving REST on 127.0.0.1 (spawned by the REST, waiting and recovery
 * scenarios). Reports on stdout, one JSON object a line:
 *   {"ready": true, "port": n, "bootMs": n, "openMs": n, "listenMs": n}   once it listens (ms since process start)
 *   {"unavailable": "..."}                                       when the REST API is missing
 *   {"active": n, "jobs": n}                                      every 200 ms with --report
 * Arguments: --db FILE [--handle TOPIC[:DELAY_MS]]... [--load KEY:IN_FLIGHT] [--report]
 */
import { createServer, type Server } from 'node:http';
import express from 'express';
import { Engine } from '../../src/index.js';

/** performance.now() counts from process start: this is node + loader + every import */
const bootMs = performance.now();
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(name);
  return i === -1 ? undefined : args[i + 1];
};
const all = (name: string) => args.flatMap((a, i) => (a === name && args[i + 1] ? [args[i + 1]!] : []));
const say = (message: unknown) => process.stdout.write(`${JSON.stringify(message)}\n`);

const db = arg('--db');
if (!db) {
  say({ unavailable: 'no --db given' });
  process.exit(2);
}

const engine = await Engine.open({ database: db, synchronous: (arg('--sync') as 'NORMAL' | 'FULL' | undefined) ?? 'NORMAL' });
const openMs = performance.now();
for (const spec of all('--handle')) {
  const [topic, delayText] = spec.split(':');
  const delay = Number(delayText ?? 0);
  engine.handle(topic!, delay > 0 ? () => new Promise((resolve) => setTimeout(() => resolve({}), delay)) : () => ({}));
}

/* eslint-disable @typescript-eslint/no-explicit-any */
const router = (engine as any).router;
let app: express.Express;
if (typeof router === 'function') {
  app = express();
  app.disable('x-powered-by');
  app.use('/engine-rest', router.call(engine));
} else {
  try {
    const http: any = await import('../../src/http/app.js');
    app = http.createServerApp(engine, { requestLogs: false });
  } catch (error) {
    say({ unavailable: `REST not available: ${error instanceof Error ? error.message : String(error)}` });
    await engine.close();
    process.exit(3);
  }
}

const server: Server = createServer(app!);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  say({ ready: true, port: typeof address === 'object' && address ? address.port : null, bootMs, openMs, listenMs: performance.now() });
});

const load = arg('--load');
if (load) {
  const [key, inFlightText] = load.split(':');
  const inFlight = Number(inFlightText ?? 50);
  const lane = async () => {
    for (;;) {
      try {
        await engine.start(key!, { variables: { ok: true } });
      } catch {
        return;
      }
    }
  };
  for (let i = 0; i < inFlight; i++) void lane();
}

if (args.includes('--report')) {
  const active = engine.db.prepare(`SELECT count(*) AS n FROM instances WHERE state = 'active'`);
  const jobs = engine.db.prepare(`SELECT count(*) AS n FROM jobs`);
  const timer = setInterval(() => {
    try {
      say({ active: (active.get() as { n: number }).n, jobs: (jobs.get() as { n: number }).n, rss: process.memoryUsage.rss() });
    } catch {
      clearInterval(timer);
    }
  }, 200);
}

const stop = async () => {
  server.close();
  await engine.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
