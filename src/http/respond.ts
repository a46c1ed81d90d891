import type { Response } from 'express';

/**
 * Sends JSON with `Content-Type: application/json` exactly (no charset): Camunda does the same,
 * and camunda-external-task-client-js only parses bodies whose content type is exactly that.
 */
export function sendJson(res: Response, status: number, body: unknown): void {
  res.status(status);
  res.setHeader('Content-Type', 'application/json');
  res.send(Buffer.from(JSON.stringify(body ?? null), 'utf8'));
}

export function ok(res: Response, body: unknown): void {
  sendJson(res, 200, body);
}

export function noContent(res: Response): void {
  res.status(204).end();
}
