/**
 * A database written before multi-instance bodies and event sub-processes were compiled kinds:
 * its stored graphs have neither (a looping activity carried its own boundary events and async
 * flags; an event sub-process was a `subProcess` with triggeredByEvent) and its history rows name
 * a body by the activity's kind. Reopened, the engine upgrades the graphs when it loads them and
 * resumes the running instances: the element instance rows need no change (a body and its
 * iterations were already the tree they are now).
 */
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowNode, ProcessGraph } from '../../src/bpmn/graph.js';
import { Engine } from '../../src/runtime/engine.js';
import { ManualClock } from '../../src/runtime/timers/index.js';
import { activityTree } from '../../src/http/routes/process-instance.js';
import { compileBpmn } from '../../src/bpmn/index.js';
import { upgradeStoredGraph } from '../../src/bpmn/upgrade-graph.js';
import { advance, completed, DAY, fixture, HOUR, START, state, tasks, tempDatabase, type TestEngine } from './helpers.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.close();
  t = undefined;
});

async function open(database: string, at: number, files: string[] = []): Promise<TestEngine> {
  const clock = new ManualClock(at);
  const engine = await Engine.open({ database, clock });
  if (files.length) await engine.deploy({ name: 'test', resources: files.map((f) => ({ name: f, content: fixture(f) })) });
  return { engine, clock };
}

/** The graph as the engine stored it before: no bodies, body settings on the activity, event sub-processes as sub-processes. */
function toLegacyGraph(graph: ProcessGraph): unknown {
  const nodes: Record<string, FlowNode> = structuredClone(graph.nodes);
  for (const body of Object.values(graph.multiInstanceBodies ?? {})) {
    const activity = nodes[body.id]!;
    if (body.boundaryEvents) activity.boundaryEvents = body.boundaryEvents;
    // the body's async continuation was written on the activity (and ran on the body)
    if (body.asyncBefore) activity.asyncBefore = true;
    if (body.asyncAfter) activity.asyncAfter = true;
    delete activity.multiInstance!.asyncBefore;
    delete activity.multiInstance!.asyncAfter;
  }
  for (const node of Object.values(nodes)) if (node.kind === 'eventSubProcess') node.kind = 'subProcess';
  const { multiInstanceBodies: _bodies, ...rest } = graph;
  return { ...rest, nodes };
}

/** Rewrites a closed database into the representation written before bodies were compiled. */
function writeLegacyRepresentation(database: string): void {
  const db = new Database(database);
  try {
    for (const row of db.prepare('SELECT id, graph FROM definitions').all() as Array<{ id: string; graph: string }>) {
      const legacy = toLegacyGraph(JSON.parse(row.graph) as ProcessGraph);
      db.prepare('UPDATE definitions SET graph = ? WHERE id = ?').run(JSON.stringify(legacy), row.id);
    }
    // history named a body by the kind of the activity it wraps
    // (history is a view: entries live one per row in history_rows or packed per step in history_steps)
    db.prepare(`UPDATE history_rows SET element_type = 'subProcess' WHERE element_type IN ('multiInstanceBody', 'eventSubProcess')`).run();
    db.prepare(`UPDATE history_steps SET entries = (
      SELECT json_group_array(CASE WHEN e.value ->> 3 IN ('multiInstanceBody', 'eventSubProcess') THEN json_set(e.value, '$[3]', 'subProcess') ELSE json(e.value) END ORDER BY e.key)
      FROM json_each(history_steps.entries) e)`).run();
    expect(db.prepare(`SELECT count(*) AS n FROM history WHERE element_type IN ('multiInstanceBody', 'eventSubProcess')`).get()).toEqual({ n: 0 });
  } finally {
    db.close();
  }
}

/** The tree as [activityId, activityType, children]. */
type Shape = [string, string, Shape[]];
function shape(node: { activityId: string; activityType: string; childActivityInstances: unknown[] }): Shape {
  return [node.activityId, node.activityType, node.childActivityInstances.map((c) => shape(c as never))];
}

describe('a database written before the multi-instance body was a compiled kind', () => {
  it('a stored graph gains its bodies when loaded; an async flag stored on a looping activity stays with the body, where it ran', async () => {
    const [graph] = (await compileBpmn(fixture('multi-instance-async.c7.bpmn'))).processes;
    const legacy = toLegacyGraph(graph!) as ProcessGraph;
    expect(legacy.nodes.Task_Once!.asyncBefore).toBe(true);
    const upgraded = upgradeStoredGraph(JSON.parse(JSON.stringify(legacy)) as ProcessGraph);
    expect(upgraded.multiInstanceBodies!.Task_Once).toMatchObject({ kind: 'multiInstanceBody', asyncBefore: true, incoming: ['Flow_1'], outgoing: ['Flow_2'] });
    expect(upgraded.nodes.Task_Once!.asyncBefore).toBeUndefined();
    // compiled today, the same flag on the activity makes each iteration wait (Camunda 7)
    expect(graph!.nodes.Task_Each!.asyncBefore).toBe(true);
    expect(graph!.multiInstanceBodies!.Task_Each!.asyncBefore).toBeUndefined();
    expect(upgradeStoredGraph(structuredClone(graph!))).toEqual(graph);
  });

  it('resumes running multi-instance activities: iterations, the boundary timer on the body, the activity tree', async () => {
    const database = tempDatabase();
    t = await open(database, START, ['multi-instance-subprocess.c7.bpmn', 'event-subprocess.c7.bpmn']);
    const onTime = await t.engine.start('MultiInstanceSubC7', { variables: { reviewers: ['ann', 'bob', 'cem'] } });
    const late = await t.engine.start('MultiInstanceSubC7', { variables: { reviewers: ['dan', 'eve'] } });
    const withEventSub = await t.engine.start('EventSubprocessC7');
    await t.engine.completeTask(tasks(t.engine, onTime.id)[0]!.id, {});
    await t.engine.close();
    writeLegacyRepresentation(database);
    const stored = new Database(database, { readonly: true });
    const legacyGraph = JSON.parse((stored.prepare(`SELECT graph FROM definitions WHERE key = 'MultiInstanceSubC7'`).get() as { graph: string }).graph) as ProcessGraph;
    stored.close();
    expect(legacyGraph.multiInstanceBodies).toBeUndefined();
    expect(legacyGraph.nodes.Sub_Review!.boundaryEvents).toEqual(['Boundary_Deadline']);

    t = await open(database, START + HOUR);
    const body = ['Sub_Review#multiInstanceBody', 'multiInstanceBody'] as const;
    const iteration: Shape = ['Sub_Review', 'subProcess', [['Task_Vote', 'userTask', []]]];
    expect(shape(activityTree(t.engine, onTime.id)).at(2)).toEqual([[...body, [iteration, iteration]]]);

    for (const task of tasks(t.engine, onTime.id)) await t.engine.completeTask(task.id, {});
    expect(state(t.engine, onTime.id)).toBe('completed');
    expect(completed(t.engine, onTime.id).at(-1)).toBe('End');
    expect(completed(t.engine, onTime.id).filter((id) => id === 'Task_Vote')).toHaveLength(3);

    // the deadline armed on the body before the restart still cancels every iteration
    await advance(t, 2 * DAY);
    expect(state(t.engine, late.id)).toBe('completed');
    expect(completed(t.engine, late.id).at(-1)).toBe('End_Late');
    expect(tasks(t.engine, late.id)).toEqual([]);

    // the event sub-process stored as a sub-process with triggeredByEvent still starts by its message
    expect(await t.engine.correlateMessage({ messageName: 'CANCEL_REVIEW', processInstanceId: withEventSub.id })).toHaveLength(1);
    expect(state(t.engine, withEventSub.id)).toBe('completed');
    expect(completed(t.engine, withEventSub.id)).toContain('EventSub_Cancel_End');
  });
});
