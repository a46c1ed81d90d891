import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { toErrorResponse } from '../errors.js';
import { redactUrl } from '../redact-url.js';

/** Camunda 8's error body (RFC 9457 problem details), as the v2 API answers every failure. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
}

const TITLES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'INVALID_STATE',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  500: 'INTERNAL_ERROR',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export function sendProblem(res: Response, status: number, detail: string, instance: string): void {
  const body: Problem = { type: 'about:blank', title: TITLES[status] ?? (status >= 500 ? 'INTERNAL_ERROR' : 'INVALID_ARGUMENT'), status, detail, instance };
  const payload = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/problem+json');
  res.setHeader('Content-Length', Buffer.byteLength(payload, 'utf8'));
  res.end(payload, 'utf8');
}

/** Every error under /v2 as problem+json: the engine's own classification (status, safe message), reshaped. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { status, body, unexpected } = toErrorResponse(error);
    if (unexpected) logger.error({ err: error, method: req.method, url: redactUrl(req.originalUrl) }, 'request failed');
    sendProblem(res, status, body.message, redactUrl(req.originalUrl));
  };
}

export const problemNotFound: RequestHandler = (req, res) => {
  sendProblem(res, 404, `No v2 endpoint at ${req.method} ${req.path.slice(0, 200)}`, redactUrl(req.originalUrl));
};
