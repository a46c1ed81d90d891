import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/runtime/engine.js';
import { fixture } from '../http/helpers.js';

describe('suspension and in-process handlers', () => {
  it('refuses the outcome of a handler that finishes while its instance is suspended; activating runs the job again', async () => {
    const engine = await Engine.open();
    try {
      let release: () => void = () => undefined;
      const calls: number[] = [];
      engine.handle('work', async (job) => {
        calls.push(job.attempt);
        if (calls.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return { variables: { done: calls.length } };
      });
      await engine.deploy({ name: 'handlers', resources: [{ name: 'service-task.c7.bpmn', content: fixture('service-task.c7.bpmn') }] });
      const instance = await engine.start('ServiceTaskC7');
      await expect.poll(() => calls.length).toBe(1);
      await engine.setInstanceSuspension(instance.id, true);
      release();
      await engine.whenIdle();
      // the handler's result was not applied: the instance still waits at the task, nothing ran it again
      expect(engine.instance(instance.id).state).toBe('active');
      expect(engine.queries.elementInstancesOf(instance.id).map((ei) => ei.elementId)).toEqual(['Task_Work']);
      expect(calls).toHaveLength(1);

      await engine.setInstanceSuspension(instance.id, false);
      await expect.poll(() => engine.instance(instance.id).state, { timeout: 10_000 }).toBe('completed');
      expect(calls).toHaveLength(2);
    } finally {
      await engine.close();
    }
  });
});
