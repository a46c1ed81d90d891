import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { BadRequestError, ConflictError, EngineError, NotFoundError } from '../runtime/errors.js';
import { ParseError, type ResourceProblem } from '../runtime/deployer.js';
import { VariableError } from '../runtime/variables.js';
import { sendJson } from './respond.js';
import { redactUrl } from './redact-url.js';
import { withoutPaths } from './without-paths.js';
import { AuthorizationError, type MissingAuthorization } from '../identity/authorization-error.js';

/** An error the REST layer raises itself, with its HTTP status and Camunda exception type. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = status === 404 ? 'InvalidRequestException' : status === 401 ? 'AuthenticationException' : 'InvalidRequestException',
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export const badRequest = (message: string) => new HttpError(400, message);
export const notFound = (message: string) => new HttpError(404, message);

/** Camunda's error body (`ExceptionDto`): type, message and code; parse errors add details. */
export interface ErrorBody {
  type: string;
  message: string;
  code: number | null;
  details?: Record<string, { errors: ProblemDto[]; warnings: ProblemDto[] }>;
  /** AuthorizationException: who was refused and what they lacked */
  userId?: string;
  missingAuthorizations?: MissingAuthorization[];
}

interface ProblemDto {
  message: string;
  line: number;
  column: number;
  mainElementId: string | null;
  elementIds: string[];
}

/** Maps any thrown value to a status and a body that never carries a stack trace or a file path. */
export function toErrorResponse(error: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  const answer = classify(error);
  // engine and registry messages may quote a file (a model, a data set): never where it lives
  if (!(error instanceof HttpError)) answer.body.message = withoutPaths(answer.body.message);
  return answer;
}

function classify(error: unknown): { status: number; body: ErrorBody; unexpected: boolean } {
  if (error instanceof HttpError) return { status: error.status, body: { type: error.type, message: error.message, code: null }, unexpected: false };
  if (error instanceof AuthorizationError) {
    return { status: 403, body: { type: error.type, message: error.message, code: null, userId: error.userId, missingAuthorizations: error.missingAuthorizations }, unexpected: false };
  }
  if (error instanceof ParseError) {
    return { status: 400, body: { type: 'ParseException', message: error.message, code: 0, details: parseDetails(error) }, unexpected: false };
  }
  if (error instanceof VariableError) return { status: 400, body: { type: 'InvalidRequestException', message: error.message, code: null }, unexpected: false };
  if (error instanceof NotFoundError) {
    // a subclass may carry its own Camunda type (e.g. MismatchingMessageCorrelationException)
    return { status: 404, body: { type: error.type, message: error.message, code: null }, unexpected: false };
  }
  if (error instanceof BadRequestError) return { status: 400, body: { type: error.type, message: error.message, code: null }, unexpected: false };
  if (error instanceof ConflictError) return { status: 409, body: { type: error.type, message: error.message, code: null }, unexpected: false };
  const bodyParser = bodyParserError(error);
  if (bodyParser) return { ...bodyParser, unexpected: false };
  if (error instanceof EngineError) {
    // a message that nothing waits for is the caller's problem (Camunda: 400)
    if (error.type === 'MismatchingMessageCorrelationException') return { status: 400, body: { type: error.type, message: error.message, code: 0 }, unexpected: false };
    return { status: 500, body: { type: error.type, message: error.message, code: 0 }, unexpected: true };
  }
  const client = clientHttpError(error);
  if (client) return { ...client, unexpected: false };
  return { status: 500, body: { type: 'ProcessEngineException', message: 'An internal error occurred; see the server log', code: 0 }, unexpected: true };
}

/** express.json / raw-body errors carry `type` and `status`; their messages are safe but terse. */
function bodyParserError(error: unknown): { status: number; body: ErrorBody } | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { type?: unknown; status?: unknown; limit?: unknown; message?: unknown };
  if (typeof e.type !== 'string' || typeof e.status !== 'number') return undefined;
  switch (e.type) {
    case 'entity.too.large':
      return { status: 413, body: { type: 'InvalidRequestException', message: `Request body is larger than the limit of ${String(e.limit)} bytes`, code: null } };
    case 'entity.parse.failed':
      return { status: 400, body: { type: 'InvalidRequestException', message: `Request body is not valid JSON: ${safeMessage(e.message)}`, code: null } };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, body: { type: 'InvalidRequestException', message: 'Unsupported request body encoding or charset', code: null } };
    default:
      if (e.status >= 400 && e.status < 500) return { status: e.status, body: { type: 'InvalidRequestException', message: 'The request body could not be read', code: null } };
      return undefined;
  }
}

/**
 * A 4xx from express's own middleware (http-errors, e.g. a missing static file): its status, not a
 * 500. Its message only when http-errors marks it safe to show (`expose`); a wrapped system error
 * (ENOENT with the path) is not.
 */
function clientHttpError(error: unknown): { status: number; body: ErrorBody } | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
  const status = typeof e.status === 'number' ? e.status : e.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  const type = status === 404 ? 'NotFoundException' : 'InvalidRequestException';
  const message = e.expose === true ? safeMessage(e.message) : status === 404 ? 'Not found' : `The request was refused (${status})`;
  return { status, body: { type, message, code: null } };
}

function safeMessage(message: unknown): string {
  return typeof message === 'string' ? message.replace(/\s+at\s.*$/s, '').slice(0, 200) : 'syntax error';
}

function parseDetails(error: ParseError): ErrorBody['details'] {
  const details: NonNullable<ErrorBody['details']> = {};
  const add = (problem: ResourceProblem, list: 'errors' | 'warnings') => {
    const entry = (details[problem.resource] ??= { errors: [], warnings: [] });
    entry[list].push({
      message: problem.message,
      line: problem.line ?? 0,
      column: problem.column ?? 0,
      mainElementId: problem.elementId ?? null,
      elementIds: problem.elementId ? [problem.elementId] : [],
    });
  };
  for (const p of error.errors) add(p, 'errors');
  for (const p of error.warnings) add(p, 'warnings');
  return details;
}

/** The last middleware: every error becomes Camunda's JSON error body. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error);
    const { status, body, unexpected } = toErrorResponse(error);
    if (unexpected) logger.error({ err: error, method: req.method, url: redactUrl(req.originalUrl) }, 'request failed');
    sendJson(res, status, body);
  };
}

/** Unknown paths under the REST root: 404 in Camunda's shape, not express's HTML page. */
export const notFoundHandler: RequestHandler = (req, res) => {
  sendJson(res, 404, { type: 'NotFoundException', message: `No REST resource at ${req.method} ${req.path.slice(0, 200)}`, code: null });
};
