import { describe, it, expect, afterEach } from 'vitest';
import Database from 'better-sqlite3';
import { Engine } from '../../src/index.js';
import { fixture, tempDatabase, tasksOf } from './helpers.js';

let engine: Engine | undefined;
afterEach(async () => engine?.close());

async function openWithUserTask(file: string): Promise<Engine> {
  const opened = await Engine.open({ database: file });
  await opened.deploy({ name: 'test', resources: [{ name: 'user-task.c7.bpmn', content: fixture('user-task.c7.bpmn') }] });
  return opened;
}

/**
 * Turns a database back into what the engine wrote before migration 9: one `history` table
 * holding every entry as a row (the same seq, the same columns), schema version 8.
 */
function downgradeToVersion8(file: string): void {
  const db = new Database(file);
  const entries = db.prepare('SELECT * FROM history ORDER BY seq').all();
  db.exec('DROP VIEW history; DELETE FROM history_rows; DROP TABLE history_steps; ALTER TABLE history_rows RENAME TO history');
  const insert = db.prepare(`INSERT INTO history (seq, instance_id, kind, element_instance_id, element_id, element_type, started_at, at, actor, data)
    VALUES (@seq, @instance_id, @kind, @element_instance_id, @element_id, @element_type, @started_at, @at, @actor, @data)`);
  for (const entry of entries) insert.run(entry);
  db.pragma('user_version = 8');
  db.close();
}

describe('history written one row per step (migration 9)', () => {
  it('an engine opened on a version 8 database keeps its history and goes on writing after it', async () => {
    const file = tempDatabase();
    engine = await openWithUserTask(file);
    const instance = await engine.start('UserTaskC7', { businessKey: 'old', variables: { reviewer: 'ann', dueDate: null, count: 1 } });
    await engine.close();
    engine = undefined;
    downgradeToVersion8(file);

    const old = new Database(file, { readonly: true });
    const before = old.prepare('SELECT * FROM history WHERE instance_id = ? ORDER BY seq').all(instance.id) as Array<{ seq: number; kind: string }>;
    old.close();
    expect(before.map((row) => row.kind)).toEqual(expect.arrayContaining(['instanceStarted', 'variableSet', 'activityStarted', 'taskCreated']));

    engine = await Engine.open({ database: file });
    expect((engine.db as Database.Database).pragma('user_version', { simple: true })).toBe(9);
    // every old row reads back unchanged, through the queries and through the `history` view
    expect(engine.queries.historyOf(instance.id).map((row) => row.seq)).toEqual(before.map((row) => row.seq));
    expect(engine.db.prepare('SELECT * FROM history WHERE instance_id = ? ORDER BY seq').all(instance.id)).toEqual(before);
    expect(engine.queries.historyRows(['taskCreated']).map((row) => row.instanceId)).toEqual([instance.id]);

    // the instance goes on: its new entries follow the old ones
    const [task] = tasksOf(engine, instance.id);
    await engine.completeTask(task!.id, { approved: true }, { userId: 'ann' });
    expect(engine.instance(instance.id).state).toBe('completed');
    const after = engine.queries.historyOf(instance.id);
    expect(after.slice(0, before.length).map((row) => row.seq)).toEqual(before.map((row) => row.seq));
    const added = after.slice(before.length);
    expect(added.map((row) => row.kind)).toEqual(expect.arrayContaining(['taskCompleted', 'activityCompleted', 'instanceCompleted']));
    expect(Math.min(...added.map((row) => row.seq))).toBeGreaterThan(Math.max(...before.map((row) => row.seq)));
    expect(engine.queries.historyRows(['taskCreated', 'taskCompleted']).map((row) => row.kind)).toEqual(['taskCreated', 'taskCompleted']);
    const userTask = after.filter((row) => row.elementId === 'Review' || row.elementType === 'userTask');
    expect(userTask.map((row) => row.kind)).toEqual(['activityStarted', 'activityCompleted']);
    expect(userTask[1]!.startedAt).toBe(userTask[0]!.startedAt);
  });

  it('lists every entry of a step in order with its columns, and keeps the kinds queried across instances in rows of their own', async () => {
    engine = await openWithUserTask(tempDatabase());
    const a = await engine.start('UserTaskC7', { businessKey: 'a', variables: { reviewer: 'ann', dueDate: null, count: 1 } });
    const b = await engine.start('UserTaskC7', { businessKey: 'b', variables: { reviewer: 'bob', dueDate: null, count: 2 } });
    const view = engine.db.prepare('SELECT * FROM history ORDER BY seq').all() as Array<{ seq: number; instance_id: string; kind: string; data: string | null; started_at: number | null; at: number }>;
    // one sequence without gaps, instance a's step before instance b's
    expect(view.map((row) => row.seq)).toEqual(view.map((_, i) => view[0]!.seq + i));
    expect(view.findIndex((row) => row.instance_id === b.id)).toBeGreaterThan(view.findLastIndex((row) => row.instance_id === a.id));
    const ofA = view.filter((row) => row.instance_id === a.id);
    expect(ofA[0]).toMatchObject({ kind: 'instanceStarted', data: JSON.stringify({ businessKey: 'a' }) });
    expect(ofA.find((row) => row.kind === 'variableSet' && row.data!.includes('"reviewer"'))).toBeDefined();
    expect(typeof ofA[0]!.at).toBe('number');
    // the task entries are rows of history_rows, the rest one history_steps row per instance
    const rows = engine.db.prepare('SELECT kind, instance_id FROM history_rows ORDER BY seq').all();
    expect(rows).toEqual([{ kind: 'taskCreated', instance_id: a.id }, { kind: 'taskCreated', instance_id: b.id }]);
    const steps = engine.db.prepare('SELECT instance_id FROM history_steps ORDER BY first_seq').all();
    expect(steps.length).toBeLessThan(view.length - rows.length);
  });
});
