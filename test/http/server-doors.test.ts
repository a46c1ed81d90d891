/**
 * Server-side doors (issue 19, item 12): a client that sends half a request is cut off even when
 * "no timeout" is asked for, long polls are not; query strings are logged without their secrets;
 * error answers name no absolute paths. Real `mlc serve` servers on 127.0.0.1:0, raw sockets.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { pino, type Logger } from 'pino';
import { serve, type RunningServer } from '../../src/cli.js';
import { EngineError } from '../../src/runtime/errors.js';
import { call, startServer, type TestServer } from './helpers.js';
import { expectNoLeak } from '../survival/leaks.js';
import { withoutPaths } from '../../src/http/without-paths.js';
import { redactUrl } from '../../src/http/redact-url.js';

/** Sends `head` and then nothing; resolves with what came back and when the server closed the socket (bounded by `limitMs`). */
function stall(url: string, head: string, limitMs: number): Promise<{ closed: boolean; answer: string }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let answer = '';
    const socket = connect(Number(port), hostname, () => socket.write(head));
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ closed: false, answer });
    }, limitMs);
    socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ closed: true, answer });
    });
    socket.on('error', () => undefined);
  });
}

/** Request logs are debug lines (lifecycle events are info), so the sink listens at debug. */
function logSink(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream) as Logger, lines };
}

describe('server timeouts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mlc-timeouts-'));
  let quick: RunningServer;
  let zero: RunningServer;
  const { logger, lines } = logSink();
  beforeAll(async () => {
    const common = { port: 0, processes: join(dir, 'none'), env: {}, seedDemo: false, auth: 'none' as const, logger };
    quick = await serve({ ...common, db: join(dir, 'quick.sqlite'), dataDir: join(dir, 'quick'), requestTimeoutMs: 1000 });
    zero = await serve({ ...common, db: join(dir, 'zero.sqlite'), dataDir: join(dir, 'zero'), requestTimeoutMs: 0, headersTimeoutMs: 0, env: { MLC_ALLOWED_HOSTS: 'engine.lan, ci-box', MLC_ALLOWED_ORIGINS: 'http://tools.lan:3000' } });
  }, 60_000);
  afterAll(async () => {
    await quick?.close();
    await zero?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('closes a connection whose body stops half way (408), and one whose headers never end', async () => {
    const body = await stall(quick.url, 'POST /engine-rest/message HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"messageName":', 15_000);
    expect(body.closed).toBe(true);
    expect(body.answer).toMatch(/^HTTP\/1\.1 408/);
    const headers = await stall(quick.url, 'GET /engine-rest/version HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ', 15_000);
    expect(headers.closed).toBe(true);
  }, 40_000);

  it('a requested timeout of 0 ("never") is not honoured: the defaults apply, with a warning', () => {
    expect(zero.server.requestTimeout).toBe(300_000);
    expect(zero.server.headersTimeout).toBe(30_000);
    expect(lines.join('')).toMatch(/requestTimeoutMs 0 would let a client hold a connection forever/);
  });

  it('mlc serve without auth checks Host (env MLC_ALLOWED_HOSTS adds names) and takes writes from MLC_ALLOWED_ORIGINS', async () => {
    const get = (server: RunningServer, host: string) => stall(server.url, `GET /engine-rest/version HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`, 10_000);
    expect((await get(zero, 'engine.lan:8080')).answer).toMatch(/^HTTP\/1\.1 200/);
    expect((await get(zero, 'ci-box')).answer).toMatch(/^HTTP\/1\.1 200/);
    expect((await get(zero, 'localhost:8080')).answer).toMatch(/^HTTP\/1\.1 200/);
    expect((await get(zero, 'rebound.example:8080')).answer).toMatch(/^HTTP\/1\.1 421/);
    expect((await get(quick, 'engine.lan:8080')).answer).toMatch(/^HTTP\/1\.1 421/);
    const signal = (origin: string) => stall(zero.url, `POST /engine-rest/signal HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: ${origin}\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{"name":"s"}`, 10_000);
    expect((await signal('http://tools.lan:3000')).answer).toMatch(/^HTTP\/1\.1 204/);
    expect((await signal('http://other.lan:3000')).answer).toMatch(/^HTTP\/1\.1 403/);
    await expect(serve({ port: 0, processes: join(dir, 'none'), env: {}, seedDemo: false, db: ':memory:', allowedOrigins: ['not an origin'] })).rejects.toThrow(/is not an origin/);
  });

  it('still lets a long poll wait longer than the request timeout for its answer', async () => {
    const polled = await call(`${quick.url}/engine-rest`, 'POST', '/external-task/fetchAndLock', { workerId: 'w', maxTasks: 1, asyncResponseTimeout: 2500, topics: [{ topicName: 'nothing', lockDuration: 1000 }] });
    expect(polled.status).toBe(200);
    expect(polled.body).toEqual([]);
  }, 20_000);
});

describe('request logs and error answers', () => {
  let t: TestServer;
  const { logger, lines } = logSink();
  beforeAll(async () => {
    // a stand-in registry whose failures quote the files they were reading
    const registry = express.Router();
    registry.get('/models/:id', () => {
      throw new EngineError('Cannot load model from /srv/mlc/data/models/fraud/7/model.onnx: ENOENT, also tried C:\\mlc\\data\\fraud.onnx');
    });
    t = await startServer({ requestLogs: true, logger, mlc: registry });
  });
  afterAll(() => t.close());

  it('logs query strings with the values of secret-looking parameters redacted', async () => {
    await call(t.base, 'GET', '/process-instance?access_token=SEKRET-1&variables=apiKey_eq_SEKRET-2&businessKey=visible-key&password=SEKRET-3&apiKey=SEKRET-4');
    const line = lines.find((l) => l.includes('/engine-rest/process-instance'));
    expect(line).toBeDefined();
    expect(line).toContain('businessKey=visible-key');
    expect(line).toContain('access_token=[redacted]');
    expect(line).not.toMatch(/SEKRET/);
  });

  it('answers a failure that quotes a file with the file name only', async () => {
    const answer = await call(t.url, 'GET', '/mlc/models/fraud');
    expect(answer.status).toBe(500);
    expect(answer.body.message).toContain('…/model.onnx');
    expect(answer.body.message).toContain('…/fraud.onnx');
    expectNoLeak(answer.body, 'registry failure');
    expect(JSON.stringify(answer.body)).not.toMatch(/\/srv\/|C:\\\\/);
  });

  it('path scrubbing keeps URLs, ids and relative names; redaction keeps ordinary parameters', () => {
    expect(withoutPaths("open '/tmp/mlc-x/a/model.onnx' failed")).toBe("open '…/model.onnx' failed");
    expect(withoutPaths('file:///home/u/x.bpmn')).toBe('…/x.bpmn');
    expect(withoutPaths('resource processes/a.bpmn | line 3')).toBe('resource processes/a.bpmn | line 3');
    expect(withoutPaths('definition Order:3:9f2c-11')).toBe('definition Order:3:9f2c-11');
    expect(redactUrl('/x?maxResults=0&sortBy=id')).toBe('/x?maxResults=0&sortBy=id');
    expect(redactUrl('/x?token=a&Authorization=b&client_secret=c&sig=d')).toBe('/x?token=[redacted]&Authorization=[redacted]&client_secret=[redacted]&sig=[redacted]');
  });
});

describe('express errors keep their status', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  it('a missing cockpit asset is a 404 in Camunda\'s shape, not a 500', async () => {
    const answer = await call(t.url, 'GET', '/cockpit/assets/no-such-file.js');
    expect(answer.status).toBe(404);
    expect(answer.body.type).toBe('NotFoundException');
    expectNoLeak(answer.body, 'missing asset');
  });
});
