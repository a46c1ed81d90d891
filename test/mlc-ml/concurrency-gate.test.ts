import { describe, expect, it } from 'vitest';
import { ConcurrencyGate } from '../../src/mlc/ml/concurrency-gate.js';

describe('ConcurrencyGate', () => {
  it('runs at most `limit` tasks at once, the rest in call order, and frees the slot of a failed task', async () => {
    const gate = new ConcurrencyGate(2);
    let running = 0;
    let most = 0;
    const order: number[] = [];
    const releases: Array<() => void> = [];
    const task = (i: number) => gate.run(async () => {
      running++;
      most = Math.max(most, running);
      order.push(i);
      await new Promise<void>((resolve) => releases.push(resolve));
      running--;
      if (i === 0) throw new Error('task 0 failed');
      return i;
    });
    const results = [0, 1, 2, 3, 4].map((i) => task(i).catch((e: Error) => e.message));
    while (order.length < 5) {
      await new Promise((r) => setImmediate(r));
      releases.shift()?.();
    }
    releases.forEach((release) => release());
    expect(await Promise.all(results)).toEqual(['task 0 failed', 1, 2, 3, 4]);
    expect(most).toBe(2);
    expect(order).toEqual([0, 1, 2, 3, 4]);
  });
});
