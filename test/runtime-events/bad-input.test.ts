import { afterEach, describe, expect, it } from 'vitest';
import { engineWith, fixture, type TestEngine } from './helpers.js';

let t: TestEngine | undefined;
afterEach(async () => {
  await t?.engine.close();
  t = undefined;
});

describe('bad input', () => {
  it('an invalid cron expression is refused at deploy time', async () => {
    t = await engineWith([]);
    await expect(t.engine.deploy({ resources: [{ name: 'broken-timer-cron.bpmn', content: fixture('broken-timer-cron.bpmn') }] })).rejects.toMatchObject({
      type: 'ParseException',
      message: expect.stringMatching(/Invalid timer timeCycle '0 0 25 \* \* \?'.*hour 25 out of range/s),
    });
  });

  it('a message start event without a message name is refused at deploy time', async () => {
    t = await engineWith([]);
    await expect(t.engine.deploy({ resources: [{ name: 'broken-message-start.bpmn', content: fixture('broken-message-start.bpmn') }] })).rejects.toMatchObject({
      type: 'ParseException',
      message: expect.stringMatching(/Message event has no message name/),
    });
  });

  it('API arguments are checked', async () => {
    t = await engineWith([]);
    await expect(t.engine.correlateMessage({ messageName: '' })).rejects.toMatchObject({ type: 'InvalidRequestException' });
    await expect(t.engine.broadcastSignal({ name: '' })).rejects.toMatchObject({ type: 'InvalidRequestException' });
    await expect(t.engine.correlateMessage({ messageName: 'M', variables: { f: () => 1 } })).rejects.toThrow(/cannot be stored/);
  });
});
