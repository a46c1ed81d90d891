import type { Response } from 'express';

/**
 * Sends JSON with `Content-Type: application/json` exactly (no charset): Camunda does the same,
 * and camunda-external-task-client-js only parses bodies whose content type is exactly that.
 */
export function sendJson(res: Response, status: number, body: unknown): void {
  // written directly rather than through express's res.send, which would hash every answer
  // for an ETag and check freshness on each call (the API answers are never cached)
  const payload = JSON.stringify(body ?? null);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(payload, 'utf8'));
  res.end(payload, 'utf8');
}

export function ok(res: Response, body: unknown): void {
  sendJson(res, 200, body);
}

export function noContent(res: Response): void {
  res.status(204).end();
}
