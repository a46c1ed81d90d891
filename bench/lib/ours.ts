/** Our engine under load: open a file database, deploy, start instances and await their ends. */
import { Engine, type EngineOptions } from '../../src/index.js';
import { tempDb, removeDb } from './files.js';
import { runInFlight, type LoadResult } from './stats.js';

export interface OursRun {
  engine: Engine;
  file: string;
  /** resolves when the instance `id` has ended (completed or terminated) */
  ended(id: string): Promise<void>;
  close(keepFile?: boolean): Promise<void>;
}

export async function openOurs(name: string, options: Partial<EngineOptions> = {}, file = tempDb(name)): Promise<OursRun> {
  const engine = await Engine.open({ database: file, synchronous: 'NORMAL', ...options });
  const done = new Set<string>();
  const waiters = new Map<string, () => void>();
  engine.on('instanceEnded', (effect: { instanceId: string }) => {
    const waiter = waiters.get(effect.instanceId);
    if (waiter) {
      waiters.delete(effect.instanceId);
      waiter();
    } else {
      done.add(effect.instanceId);
    }
  });
  return {
    engine,
    file,
    ended(id) {
      if (done.delete(id)) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.set(id, resolve));
    },
    async close(keepFile = false) {
      await engine.close();
      if (!keepFile) removeDb(file);
    },
  };
}

/** Starts `total` instances of `key`, `inFlight` at a time, each awaited to its end. */
export async function loadOurs(run: OursRun, key: string, total: number, inFlight: number, maxMs: number, variables: Record<string, unknown> = {}): Promise<LoadResult> {
  return runInFlight(total, inFlight, maxMs, async () => {
    const instance = await run.engine.start(key, { variables });
    await run.ended(instance.id);
  });
}

/** Starts `total` instances without waiting for their ends (they park on a wait state). */
export async function startParked(run: OursRun, key: string, total: number, inFlight: number, maxMs: number, variables: (i: number) => Record<string, unknown> = () => ({})): Promise<LoadResult> {
  return runInFlight(total, inFlight, maxMs, async (i) => {
    await run.engine.start(key, { variables: variables(i) });
  });
}
