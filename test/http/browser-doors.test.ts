/**
 * Browser-facing doors (issue 19, item 4): a page on another origin may not change state, may not
 * read answers, and may not reach a no-auth loopback server through DNS rebinding; while Camunda
 * Modeler (Electron renderer at file://), Node clients, curl and the cockpit (same origin) work
 * as before. Real server on 127.0.0.1:0, requests with crafted headers through node:http (fetch
 * would refuse to send some of them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { call, fixture, startServer, type TestServer } from './helpers.js';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** One request with exactly these headers (Host included when given). */
function raw(url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<Answer> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: { ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => {
        let parsed: unknown = text;
        try {
          parsed = text ? JSON.parse(text) : null;
        } catch { /* not JSON */ }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
      });
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The Modeler's multipart deploy body, as undici builds it (boundary fixed so it can be sent raw). */
function multipartDeploy(name: string, fileName: string, xml: Buffer): { type: string; body: Buffer } {
  const boundary = '----formdata-undici-046313038567';
  const field = (n: string, v: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${n}"\r\n\r\n${v}\r\n`;
  const head = field('deployment-name', name) + field('deployment-source', 'Camunda Modeler') + field('enable-duplicate-filtering', 'true') +
    `--${boundary}\r\nContent-Disposition: form-data; name="${fileName}"; filename="${fileName}"\r\nContent-Type: text/xml\r\n\r\n`;
  return { type: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat([Buffer.from(head), xml, Buffer.from(`\r\n--${boundary}--\r\n`)]) };
}

const EVIL = 'https://evil.example';
const xml = fixture('service-task.c7.bpmn');

describe('browser doors: no auth, loopback', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t.close());

  const deploymentCount = async () => (await call(t.base, 'GET', '/deployment/count')).body.count as number;

  it('refuses a multipart deploy from a page on another origin (no preflight needed) and deploys nothing', async () => {
    const before = await deploymentCount();
    const { type, body } = multipartDeploy('evil', 'evil.bpmn', xml);
    for (const headers of [
      { origin: EVIL, 'sec-fetch-site': 'cross-site' },
      { origin: 'http://localhost:3000', 'sec-fetch-site': 'same-site' }, // another port on this machine is another origin
      { origin: 'null', 'sec-fetch-site': 'cross-site' }, // a sandboxed iframe or data: page
      { 'sec-fetch-site': 'cross-site' }, // a browser that withheld Origin
    ] as Array<Record<string, string>>) {
      const answer = await raw(`${t.base}/deployment/create`, 'POST', { ...headers, 'content-type': type }, body);
      expect(answer.status, JSON.stringify(headers)).toBe(403);
      expect(answer.body.type).toBe('CrossOriginRequestException');
      expect(answer.body.message).toMatch(/other origins may not change state/);
      expect(answer.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect(await deploymentCount()).toBe(before);
  });

  it('refuses cross-origin start (text/plain), cancel and signal; the instance stays untouched', async () => {
    const { type, body } = multipartDeploy('doors', 'service-task.c7.bpmn', xml);
    expect((await raw(`${t.base}/deployment/create`, 'POST', { 'content-type': type }, body)).status).toBe(200);
    const started = await call(t.base, 'POST', '/process-definition/key/ServiceTaskC7/start', { businessKey: 'mine' });
    expect(started.status).toBe(200);
    const cross = { origin: EVIL, 'sec-fetch-site': 'cross-site' };
    const start = await raw(`${t.base}/process-definition/key/ServiceTaskC7/start`, 'POST', { ...cross, 'content-type': 'text/plain' }, '{"businessKey":"evil"}');
    expect(start.status).toBe(403);
    expect((await raw(`${t.base}/process-instance/${started.body.id}`, 'DELETE', cross)).status).toBe(403);
    expect((await raw(`${t.base}/signal`, 'POST', { ...cross, 'content-type': 'application/json' }, '{"name":"x"}')).status).toBe(403);
    const instances = await call(t.base, 'GET', '/process-instance?processDefinitionKey=ServiceTaskC7');
    expect(instances.body.map((i: { businessKey: string }) => i.businessKey)).toEqual(['mine']);
  });

  it('refuses a JSON route body that is not JSON (415), also without Origin: nothing is started with an empty body', async () => {
    const plain = await raw(`${t.base}/process-definition/key/ServiceTaskC7/start`, 'POST', { 'content-type': 'text/plain' }, '{"businessKey":"plain"}');
    expect(plain.status).toBe(415);
    expect(plain.body.message).toMatch(/Unsupported Content-Type 'text\/plain'.*application\/json/);
    const form = await raw(`${t.base}/process-definition/key/ServiceTaskC7/start`, 'POST', { 'content-type': 'application/x-www-form-urlencoded' }, 'businessKey=form');
    expect(form.status).toBe(415);
    const keys = (await call(t.base, 'GET', '/process-instance?processDefinitionKey=ServiceTaskC7')).body.map((i: { businessKey: string }) => i.businessKey);
    expect(keys).not.toContain('plain');
    expect(keys).not.toContain('form');
    // a POST without a body needs no content type (curl -X POST)
    expect((await raw(`${t.base}/process-definition/key/ServiceTaskC7/start`, 'POST', {})).status).toBe(200);
  });

  it('Camunda Modeler from file:// (Sec-Fetch-Site cross-site, authorization: undefined) deploys and starts as before', async () => {
    const modeler = { origin: 'file://', 'sec-fetch-site': 'cross-site', accept: 'application/json', authorization: 'undefined' };
    const { type, body } = multipartDeploy('modeler', 'service-task.c7.bpmn', xml);
    const deployed = await raw(`${t.base}/deployment/create`, 'POST', { ...modeler, 'content-type': type }, body);
    expect(deployed.status).toBe(200);
    expect(deployed.headers['access-control-allow-origin']).toBe('file://');
    const definitionId = Object.keys(deployed.body.deployedProcessDefinitions ?? {})[0] ?? (await call(t.base, 'GET', '/process-definition/key/ServiceTaskC7')).body.id;
    const started = await raw(`${t.base}/process-definition/${definitionId}/start`, 'POST', { ...modeler, 'content-type': 'application/json' }, '{"businessKey":null,"variables":null}');
    expect(started.status).toBe(200);
    expect(started.body.id).toBeTruthy();
  });

  it('the cockpit (same origin), Node fetch and curl (no Origin) change state as before', async () => {
    const sameOrigin = await raw(`${t.base}/process-definition/key/ServiceTaskC7/start`, 'POST', { origin: t.url, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' }, '{"businessKey":"cockpit"}');
    expect(sameOrigin.status).toBe(200);
    // Origin equal to the Host the browser addressed (an older browser without Sec-Fetch-Site)
    const ownHost = await raw(`${t.base}/process-definition/key/ServiceTaskC7/start`, 'POST', { origin: t.url.replace('127.0.0.1', 'localhost'), host: new URL(t.url).host.replace('127.0.0.1', 'localhost'), 'content-type': 'application/json' }, '{}');
    expect(ownHost.status).toBe(200);
    const node = await fetch(`${t.base}/process-definition/key/ServiceTaskC7/start`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"businessKey":"node"}' });
    expect(node.status).toBe(200);
    const curl = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-X', 'POST', '-H', 'Content-Type: application/json', '-d', '{"businessKey":"curl"}', `${t.base}/process-definition/key/ServiceTaskC7/start`]);
    expect(curl.stdout).toBe('200');
  });

  it('reads from a foreign page get no CORS header (the page cannot see variables); the Modeler origin gets its own', async () => {
    const foreign = await raw(`${t.base}/process-instance`, 'GET', { origin: EVIL, 'sec-fetch-site': 'cross-site' });
    expect(foreign.status).toBe(200);
    expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await raw(`${t.base}/process-instance/x`, 'OPTIONS', { origin: EVIL, 'access-control-request-method': 'DELETE' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
    const modeler = await raw(`${t.base}/version`, 'GET', { origin: 'file://' });
    expect(modeler.headers['access-control-allow-origin']).toBe('file://');
    expect(modeler.headers['access-control-allow-credentials']).toBeUndefined();
  });

  it('DNS rebinding: a Host that is not this server gets 421 on every path; loopback names pass', async () => {
    const port = new URL(t.url).port;
    for (const path of ['/engine-rest/process-instance', '/engine-rest/version', '/', '/cockpit/api/statistics']) {
      const rebound = await raw(`${t.url}${path}`, 'GET', { host: `evil.example:${port}`, origin: `http://evil.example:${port}`, 'sec-fetch-site': 'same-origin' });
      expect(rebound.status, path).toBe(421);
      expect(rebound.body.message).toMatch(/does not answer to the host name 'evil\.example:\d+'.*--allowed-hosts/);
    }
    const { type, body } = multipartDeploy('rebound', 'x.bpmn', xml);
    expect((await raw(`${t.base}/deployment/create`, 'POST', { host: `evil.example:${port}`, 'content-type': type }, body)).status).toBe(421);
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`, 'localhost']) {
      expect((await raw(`${t.base}/version`, 'GET', { host })).status, host).toBe(200);
    }
  });
});

describe('browser doors: configured names and origins, and basic auth', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer({ allowedHosts: ['engine.internal'], allowedOrigins: ['http://tools.internal:3000'] });
  });
  afterAll(() => t.close());

  it('answers to a configured host name, and takes writes from a configured origin', async () => {
    expect((await raw(`${t.base}/version`, 'GET', { host: 'engine.internal:8080' })).status).toBe(200);
    expect((await raw(`${t.base}/version`, 'GET', { host: 'other.internal:8080' })).status).toBe(421);
    const { type, body } = multipartDeploy('tools', 'service-task.c7.bpmn', xml);
    const deployed = await raw(`${t.base}/deployment/create`, 'POST', { origin: 'http://tools.internal:3000', 'sec-fetch-site': 'cross-site', 'content-type': type }, body);
    expect(deployed.status).toBe(200);
    expect(deployed.headers['access-control-allow-origin']).toBe('http://tools.internal:3000');
  });

  it('with basic auth, credentials a browser cached do not let a foreign page deploy or start', async () => {
    const authed = await startServer({ auth: { mode: 'basic', users: { alice: 's3cret' } } });
    try {
      const credentials = `Basic ${Buffer.from('alice:s3cret').toString('base64')}`;
      const { type, body } = multipartDeploy('cached', 'service-task.c7.bpmn', xml);
      const deploy = await raw(`${authed.base}/deployment/create`, 'POST', { authorization: credentials, origin: EVIL, 'sec-fetch-site': 'cross-site', 'content-type': type }, body);
      expect(deploy.status).toBe(403);
      expect((await raw(`${authed.base}/deployment/count`, 'GET', { authorization: credentials })).body.count).toBe(0);
      // the Modeler with the same credentials is let through; with auth on, the Host is not checked
      const modeler = await raw(`${authed.base}/deployment/create`, 'POST', { authorization: credentials, origin: 'file://', host: 'engine.example.com', 'content-type': type }, body);
      expect(modeler.status).toBe(200);
    } finally {
      await authed.close();
    }
  });
});
