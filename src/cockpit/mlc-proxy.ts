import type { Request, Response, RequestHandler } from 'express';

const SAFE_PATH = /^[A-Za-z0-9._~:@!$&'()*+,;=%/-]*$/;

/**
 * True when every segment of `path`, percent-decoded as the URL parser and express will see it,
 * is an ordinary name: no `.`/`..` (also spelt `%2e%2e`, `.%2E`), no encoded `/` or `\`, no NUL,
 * no broken escape. Such a path cannot climb out of the registry's mount.
 */
export function isPlainRegistryPath(path: string): boolean {
  if (!SAFE_PATH.test(path)) return false;
  for (const segment of path.split('/')) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(segment);
    } catch {
      return false;
    }
    if (decoded === '.' || decoded === '..' || /[/\\\0]/.test(decoded)) return false;
  }
  return true;
}

/**
 * GET-only pass-through to the model registry on this same server (`/mlc/...`). It exists so that
 * the UI can ask for registry data without knowing whether the registry is mounted: a missing
 * registry (404) answers 200 `{"available": false}`, which the Models page shows as an empty
 * state instead of a failed request. The request goes to the socket's own local address and port
 * with the caller's Authorization header, so it sees exactly what the caller may see.
 */
export function softProxy(mlcPath: string): RequestHandler {
  return async (req: Request, res: Response) => {
    if (req.method !== 'GET') {
      res.status(405).json({ type: 'InvalidRequestException', message: 'The cockpit reads the registry only' });
      return;
    }
    const [path = '', query] = req.url.split('?', 2);
    const badPath = () => res.status(400).json({ type: 'InvalidRequestException', message: 'Bad registry path: it must name a registry resource, without dot segments or encoded slashes' });
    if (!isPlainRegistryPath(path)) return void badPath();
    const address = req.socket.localAddress ?? '127.0.0.1';
    const host = address.includes(':') ? `[${address.replace(/^::ffff:/, '')}]` : address;
    const target = new URL(`http://${address.startsWith('::ffff:') ? address.slice(7) : host}:${req.socket.localPort}${mlcPath}${path}${query ? `?${query}` : ''}`);
    // belt and braces: what the URL parser made of it must still be under the registry's mount
    if (target.pathname !== mlcPath && !target.pathname.startsWith(`${mlcPath}/`)) return void badPath();
    try {
      const headers: Record<string, string> = { accept: 'application/json' };
      if (typeof req.headers.authorization === 'string') headers.authorization = req.headers.authorization;
      const answer = await fetch(target, { headers, signal: AbortSignal.timeout(10_000) });
      const type = answer.headers.get('content-type') ?? '';
      if (answer.status === 404) {
        // a route nobody serves (express's HTML page, or the REST layer's NotFoundException) means no registry here;
        // a registry that lacks the named item answers with data: null; neither is a failed request for the browser
        const body = type.includes('json') ? ((await answer.json().catch(() => null)) as { type?: string } | null) : null;
        const noRegistry = body === null || body.type === 'NotFoundException';
        res.set('Cache-Control', 'no-store').json(noRegistry ? { available: false } : { available: true, data: null });
        return;
      }
      const body = type.includes('json') ? await answer.json() : { text: await answer.text() };
      res.set('Cache-Control', 'no-store').status(answer.status).json(answer.ok ? { available: true, data: body } : body);
    } catch (error) {
      // the reason only by kind: the underlying message may name local addresses or files
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'no answer within 10 s' : 'the connection failed';
      res.status(502).json({ type: 'ProcessEngineException', message: `The model registry did not answer: ${reason}` });
    }
  };
}
