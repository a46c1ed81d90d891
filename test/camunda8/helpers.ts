import { Camunda8 } from '@camunda8/sdk';
import { startServer, type TestServer } from '../http/helpers.js';
import type { ServerAppOptions } from '../../src/http/app.js';

export { fixture } from '../http/helpers.js';

export interface C8TestServer extends TestServer {
  /** the SDK's REST client, configured as Camunda Modeler configures it for Self-Managed REST */
  rest: ReturnType<Camunda8['getCamundaRestClient']>;
  c8: Camunda8;
}

/** The real server on 127.0.0.1:0 and the real @camunda8/sdk pointed at it (no auth unless given). */
export async function startC8(options: ServerAppOptions = {}, auth: { user: string; password: string } | null = null): Promise<C8TestServer> {
  // the SDK merges CAMUNDA_* / ZEEBE_* environment variables into its configuration
  for (const name of Object.keys(process.env)) if (/^(CAMUNDA|ZEEBE)_/.test(name)) delete process.env[name];
  const t = await startServer(options);
  const c8 = new Camunda8({
    ZEEBE_REST_ADDRESS: t.url,
    ...(auth
      ? { CAMUNDA_AUTH_STRATEGY: 'BASIC' as const, CAMUNDA_BASIC_AUTH_USERNAME: auth.user, CAMUNDA_BASIC_AUTH_PASSWORD: auth.password }
      : { CAMUNDA_AUTH_STRATEGY: 'NONE' as const, CAMUNDA_OAUTH_DISABLED: true }),
  });
  return Object.assign(t, { c8, rest: c8.getCamundaRestClient() });
}

export async function eventually<T>(probe: () => T | Promise<T>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await probe();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}
