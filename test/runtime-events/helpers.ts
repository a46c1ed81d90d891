import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type EngineOptions } from '../../src/runtime/engine.js';
import { ManualClock } from '../../src/runtime/timers/index.js';
import { decodeValue } from '../../src/runtime/variables.js';

export const flavours = ['c7', 'c8'] as const;
export type Flavour = (typeof flavours)[number];

/** Monday 2026-01-05 00:00 UTC */
export const START = Date.parse('2026-01-05T00:00:00Z');
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export function fixture(file: string): string {
  return readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', file), 'utf8');
}

export interface TestEngine {
  engine: Engine;
  clock: ManualClock;
}

/** An engine on a fresh in-memory database, a manual clock at START, with these fixtures deployed. */
export async function engineWith(files: string[], options: EngineOptions = {}): Promise<TestEngine> {
  const clock = (options.clock as ManualClock | undefined) ?? new ManualClock(START);
  const engine = await Engine.open({ retryBackoff: { initial: 0, max: 0 }, ...options, clock });
  if (files.length > 0) await engine.deploy({ name: 'test', resources: files.map((file) => ({ name: file, content: fixture(file) })) });
  return { engine, clock };
}

/**
 * Moves the manual clock forward by `ms`, stopping at every due engine job on the way and letting
 * the engine finish what became due there (so work happens at its due time, as with a real clock).
 */
export async function advance(t: TestEngine, ms: number): Promise<void> {
  const until = t.clock.now() + ms;
  await t.engine.whenIdle();
  for (let rounds = 0; rounds < 100_000; rounds++) {
    const next = (t.engine.db.prepare(`SELECT due_at AS at FROM jobs WHERE retries > 0 AND kind != 'task' ORDER BY due_at LIMIT 1`).get() as { at: number } | undefined)?.at ?? null;
    if (next === null || next > until) break;
    t.clock.advance(Math.max(0, next - t.clock.now()));
    await t.engine.whenIdle();
  }
  t.clock.advance(Math.max(0, until - t.clock.now()));
  await t.engine.whenIdle();
}

/** Moves the clock in plain chunks (no stop per job): for many timers at once. */
export async function advanceInChunks(t: TestEngine, ms: number, chunk: number): Promise<void> {
  await t.engine.whenIdle();
  for (let done = 0; done < ms; done += chunk) {
    t.clock.advance(Math.min(chunk, ms - done));
    await t.engine.whenIdle();
  }
}

export function pid(base: string, flavour: Flavour): string {
  return `${base}${flavour.toUpperCase()}`;
}

export function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-events-'));
  // removed when the test ends (an engine still holding it open is fine: the files are only unlinked)
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'engine.sqlite');
}

type Row = Record<string, unknown>;

export function history(engine: Engine, instanceId: string): Array<{ kind: string; element_id: string | null; data: string | null }> {
  return engine.db.prepare('SELECT kind, element_id, data FROM history WHERE instance_id = ? ORDER BY seq').all(instanceId) as never;
}

export function completed(engine: Engine, instanceId: string): string[] {
  return history(engine, instanceId).filter((r) => r.kind === 'activityCompleted').map((r) => r.element_id!);
}

export function active(engine: Engine, instanceId: string): string[] {
  return (engine.db.prepare('SELECT element_id FROM element_instances WHERE instance_id = ? ORDER BY rowid').all(instanceId) as Array<{ element_id: string }>).map((r) => r.element_id);
}

export function state(engine: Engine, instanceId: string): string {
  return engine.instance(instanceId).state;
}

export function tasks(engine: Engine, instanceId: string): Array<{ id: string; element_id: string }> {
  return engine.db.prepare('SELECT id, element_id FROM tasks WHERE instance_id = ? ORDER BY created_at, rowid').all(instanceId) as never;
}

export function task(engine: Engine, instanceId: string, elementId: string): string {
  const found = tasks(engine, instanceId).find((t) => t.element_id === elementId);
  if (!found) throw new Error(`no task ${elementId} in ${instanceId}: ${JSON.stringify(tasks(engine, instanceId))}`);
  return found.id;
}

export function jobs(engine: Engine, instanceId: string | null): Row[] {
  return instanceId === null
    ? (engine.db.prepare('SELECT * FROM jobs WHERE instance_id IS NULL ORDER BY due_at').all() as Row[])
    : (engine.db.prepare('SELECT * FROM jobs WHERE instance_id = ? ORDER BY due_at').all(instanceId) as Row[]);
}

export function subscriptions(engine: Engine, instanceId?: string | null): Row[] {
  if (instanceId === undefined) return engine.db.prepare('SELECT * FROM subscriptions ORDER BY seq').all() as Row[];
  return instanceId === null
    ? (engine.db.prepare('SELECT * FROM subscriptions WHERE instance_id IS NULL ORDER BY seq').all() as Row[])
    : (engine.db.prepare('SELECT * FROM subscriptions WHERE instance_id = ? ORDER BY seq').all(instanceId) as Row[]);
}

export function incidents(engine: Engine, instanceId: string): Array<{ type: string; element_id: string; message: string }> {
  return engine.db.prepare('SELECT type, element_id, message FROM incidents WHERE instance_id = ?').all(instanceId) as never;
}

export function instancesOf(engine: Engine, key: string): Array<{ id: string; state: string; definition_id: string; parent_instance_id: string | null; started_at: number; business_key: string | null }> {
  return engine.db.prepare('SELECT * FROM instances WHERE definition_key = ? ORDER BY started_at, rowid').all(key) as never;
}

export function childrenOf(engine: Engine, instanceId: string): Array<{ id: string; state: string; definition_key: string; business_key: string | null }> {
  return engine.db.prepare('SELECT * FROM instances WHERE parent_instance_id = ? ORDER BY started_at, rowid').all(instanceId) as never;
}

/** The last value of every process-level variable, from the history (also after the instance ended). */
export function historicVariables(engine: Engine, instanceId: string): Record<string, unknown> {
  const rows = engine.db.prepare(`SELECT data FROM history WHERE instance_id = ? AND kind = 'variableSet' AND element_instance_id IS NULL ORDER BY seq`).all(instanceId) as Array<{ data: string }>;
  const result: Record<string, unknown> = {};
  for (const row of rows) {
    const { name, type, value } = JSON.parse(row.data) as { name: string; type: string; value: string | null };
    result[name] = decodeValue(type, value);
  }
  return result;
}
