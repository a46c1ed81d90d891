import { describe, it, expect, afterEach } from 'vitest';
import { Engine, ParseError } from '../../src/index.js';
import { fixture } from './helpers.js';

let engine: Engine;
afterEach(async () => engine?.close());

async function deployError(file: string, content = fixture(file)): Promise<ParseError> {
  const error = await engine.deploy({ name: file, resources: [{ name: file, content }] }).catch((e) => e);
  expect(error).toBeInstanceOf(ParseError);
  return error as ParseError;
}

describe('bad input gets a clear error and loses nothing', () => {
  it.each([
    ['broken-malformed.bpmn', /Malformed XML/, undefined],
    ['broken-unknown-element.bpmn', /Unsupported element bpmn:ImplicitThrowEvent/, 'Event_Implicit'],
    ['broken-expression.bpmn', /Invalid condition '\$\{score > \}'/, 'Flow_Bad'],
    ['broken-gateway.bpmn', /no outgoing sequence flow/, 'Gateway_DeadEnd'],
    ['broken-no-topic.bpmn', /has no handler topic/, 'Task'],
    ['broken-groovy.bpmn', /Script format 'groovy' is not supported/, 'Task'],
    ['not-executable.bpmn', /No executable process/, undefined],
  ])('%s is refused at deploy time with the element and its position', async (file, message, elementId) => {
    engine = await Engine.open();
    const error = await deployError(file);
    expect(error.message).toMatch(/^ENGINE-09005 Could not parse BPMN process\. Errors: \n\* /);
    expect(error.message).toMatch(message);
    expect(error.message).toContain(`| resource ${file}`);
    const [problem] = error.errors;
    expect(problem!.resource).toBe(file);
    if (elementId) {
      expect(problem!.elementId).toBe(elementId);
      expect(problem!.line).toBeGreaterThan(0);
      expect(error.message).toMatch(/\| line \d+ \| column \d+/);
    }
    expect(engine.db.prepare('SELECT count(*) AS n FROM definitions').get()).toEqual({ n: 0 });
  });

  it('XML with a DOCTYPE (external entities, entity expansion) is refused', async () => {
    engine = await Engine.open();
    const xxe = `<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">&x;</bpmn:definitions>`;
    const error = await deployError('xxe.bpmn', xxe);
    expect(error.message).toMatch(/DOCTYPE/);
  });

  it('a bad deployment request (no resources, traversal in names) is a BadRequest, not a crash', async () => {
    engine = await Engine.open();
    await expect(engine.deploy({ name: 'x', resources: [] })).rejects.toThrow(/No deployment resources/);
    await expect(engine.deploy({ name: 'x', resources: [{ name: '../../etc/passwd.bpmn', content: fixture('service-task.c7.bpmn') }] })).rejects.toThrow(/Invalid resource name/);
  });

  it('unknown keys, ids and wrong argument types are clear errors while running instances carry on', async () => {
    engine = await Engine.open();
    await engine.deploy({ name: 'ok', resources: [{ name: 'u.bpmn', content: fixture('user-task.c7.bpmn') }] });
    const running = await engine.start('UserTaskC7', { variables: { reviewer: 'a', dueDate: null } });

    await expect(engine.start('NoSuchProcess')).rejects.toThrow(/No process definition with key 'NoSuchProcess'/);
    await expect(engine.start('UserTaskC7', { businessKey: 42 as unknown as string })).rejects.toThrow(/businessKey must be a string/);
    await expect(engine.start('UserTaskC7', { variables: [1, 2] as unknown as Record<string, unknown> })).rejects.toThrow(/Variables must be an object/);
    await expect(engine.cancel('nope')).rejects.toThrow(/No process instance with id 'nope'/);
    await expect(engine.setJobRetries('nope', 1)).rejects.toThrow(/No job/);
    // a broken deploy in between does not disturb anything
    await expect(engine.deploy({ name: 'bad', resources: [{ name: 'b.bpmn', content: fixture('broken-malformed.bpmn') }] })).rejects.toBeInstanceOf(ParseError);

    const task = engine.db.prepare('SELECT id FROM tasks WHERE instance_id = ?').get(running.id) as { id: string };
    await engine.completeTask(task.id, { ok: true });
    expect(engine.instance(running.id).state).toBe('completed');
  });

  it('a user task due date that is not a date becomes an incident on that instance only', async () => {
    engine = await Engine.open();
    await engine.deploy({ name: 'ok', resources: [{ name: 'u.bpmn', content: fixture('user-task.c7.bpmn') }] });
    const bad = await engine.start('UserTaskC7', { variables: { reviewer: 'a', dueDate: 'next tuesday' } });
    const good = await engine.start('UserTaskC7', { variables: { reviewer: 'a', dueDate: null } });
    const incidents = engine.db.prepare('SELECT instance_id, message FROM incidents').all() as Array<{ instance_id: string; message: string }>;
    expect(incidents).toHaveLength(1);
    expect(incidents[0]!.instance_id).toBe(bad.id);
    expect(incidents[0]!.message).toMatch(/invalid due date 'next tuesday'/);
    expect(engine.db.prepare('SELECT count(*) AS n FROM tasks WHERE instance_id = ?').get(good.id)).toEqual({ n: 1 });
  });

  it('cancelling an instance withdraws its tokens, jobs and tasks', async () => {
    engine = await Engine.open();
    await engine.deploy({ name: 'p', resources: [{ name: 'p.bpmn', content: fixture('parallel.c7.bpmn') }] });
    const instance = await engine.start('ParallelC7');
    await engine.cancel(instance.id, 'superseded by v8');
    expect(engine.instance(instance.id).state).toBe('terminated');
    expect(engine.db.prepare('SELECT count(*) AS n FROM jobs').get()).toEqual({ n: 0 });
    expect(engine.db.prepare('SELECT count(*) AS n FROM element_instances').get()).toEqual({ n: 0 });
    await expect(engine.cancel(instance.id)).rejects.toThrow(/has ended/);
  });
});
