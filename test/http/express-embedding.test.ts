import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventually } from './helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');

describe('examples/express-embedding', () => {
  it('runs as written: own routes, the REST API at /engine-rest and an in-process handler', async () => {
    const child = spawn(join(ROOT, 'node_modules', '.bin', 'tsx'), ['examples/express-embedding/server.ts'], { cwd: ROOT, env: { ...process.env, PORT: '0' } });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      const base = await eventually(() => /on (http:\/\/127\.0\.0\.1:\d+) /.exec(stdout)?.[1], 20_000);
      expect(await (await fetch(`${base}/health`)).json()).toEqual({ ok: true });
      const order = await fetch(`${base}/orders`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ orderId: 'o-1', amount: 1500 }) });
      expect(order.status).toBe(202);
      const { processInstanceId } = await order.json() as { processInstanceId: string };
      const history = await eventually(async () => {
        const res = await fetch(`${base}/engine-rest/history/process-instance/${processInstanceId}`);
        const body = await res.json() as { state: string };
        return body.state === 'COMPLETED' ? body : null;
      });
      expect(history).toMatchObject({ businessKey: 'o-1' });
      const score = await (await fetch(`${base}/engine-rest/history/variable-instance?processInstanceId=${processInstanceId}&variableName=score`)).json() as Array<{ value: number }>;
      expect(score[0]!.value).toBe(0.9);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });
});
