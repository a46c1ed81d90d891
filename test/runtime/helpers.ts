import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { onTestFinished } from 'vitest';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, type EngineOptions } from '../../src/index.js';

export const flavours = ['c7', 'c8'] as const;
export type Flavour = (typeof flavours)[number];

export function fixture(file: string): string {
  return readFileSync(join(import.meta.dirname, '..', 'fixtures', 'bpmn', file), 'utf8');
}

/** An engine on a fresh in-memory database with these fixture files deployed. */
export async function engineWith(files: string[], options: EngineOptions = {}): Promise<Engine> {
  const engine = await Engine.open({ retryBackoff: { initial: 0, max: 0 }, ...options });
  await engine.deploy({ name: 'test', resources: files.map((file) => ({ name: file, content: fixture(file) })) });
  return engine;
}

export function processId(base: string, flavour: Flavour): string {
  return `${base}${flavour.toUpperCase()}`;
}

export function tempDatabase(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-engine-'));
  // removed when the test ends (an engine still holding it open is fine: the files are only unlinked)
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'engine.sqlite');
}

export interface HistoryRow {
  kind: string;
  element_id: string | null;
  element_type: string | null;
  data: string | null;
  actor: string | null;
}

export function historyOf(engine: Engine, instanceId: string): HistoryRow[] {
  return engine.db.prepare('SELECT kind, element_id, element_type, data, actor FROM history WHERE instance_id = ? ORDER BY seq').all(instanceId) as HistoryRow[];
}

/** Element ids completed in order (from the append-only history). */
export function completedElements(engine: Engine, instanceId: string): string[] {
  return historyOf(engine, instanceId).filter((row) => row.kind === 'activityCompleted').map((row) => row.element_id!);
}

export function activeElements(engine: Engine, instanceId: string): string[] {
  return (engine.db.prepare('SELECT element_id FROM element_instances WHERE instance_id = ? ORDER BY rowid').all(instanceId) as Array<{ element_id: string }>).map((row) => row.element_id);
}

export function openJobs(engine: Engine, instanceId: string) {
  return engine.db.prepare('SELECT id, topic, retries, attempts, lock_owner, error_message FROM jobs WHERE instance_id = ?').all(instanceId) as Array<{
    id: string; topic: string; retries: number; attempts: number; lock_owner: string | null; error_message: string | null;
  }>;
}

export function incidentsOf(engine: Engine, instanceId: string) {
  return engine.db.prepare('SELECT id, type, element_id, job_id, message FROM incidents WHERE instance_id = ?').all(instanceId) as Array<{
    id: string; type: string; element_id: string; job_id: string | null; message: string;
  }>;
}

export function tasksOf(engine: Engine, instanceId: string) {
  return engine.db.prepare('SELECT * FROM tasks WHERE instance_id = ?').all(instanceId) as Array<Record<string, unknown> & { id: string }>;
}

/** Waits (polling) until `condition` holds; fails after `timeoutMs`. For asserting states reached asynchronously, never for timing. */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
