import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Engine } from '../../src/runtime/engine.js';
import { createServerApp } from '../../src/http/app.js';
import { openTasks, setVariable } from './helpers.js';

describe('crash-resume', () => {
  it('an armed conditional boundary event still fires after the engine was killed with SIGKILL and reopened', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mlc-conditional-'));
    const database = join(dir, 'engine.sqlite');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'crash-worker.ts'), database], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, MLC_LOG_LEVEL: 'silent' },
      });
      const instanceId = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString();
          const match = /started (\S+)\n/.exec(out);
          if (match) resolve(match[1]!);
        });
        child.once('exit', (code) => reject(new Error(`worker exited early with ${code}`)));
      });
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));

      const engine = await Engine.open({ database });
      const app = createServerApp(engine, { requestLogs: false });
      const server = await new Promise<Server>((resolve) => {
        const s = app.listen(0, '127.0.0.1', () => resolve(s));
      });
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/engine-rest`;
      try {
        expect(await openTasks(base, instanceId)).toEqual(['Review']);
        await setVariable(base, instanceId, 'remind', true);
        expect(await openTasks(base, instanceId)).toEqual(['Review', 'SendReminder']);
        await setVariable(base, instanceId, 'cancelled', true);
        expect(await openTasks(base, instanceId)).toEqual(['HandleCancel', 'SendReminder']);
      } finally {
        app.closeRest();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await engine.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
