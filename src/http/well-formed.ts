import type { RequestHandler } from 'express';
import { HttpError } from './errors.js';

const MAX_DEPTH = 200;
/** a high surrogate not followed by a low one, or a low one not preceded by a high one */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const wellFormed = (text: string) => !LONE_SURROGATE.test(text);

/** The dotted path of the first string (key or value) holding a lone UTF-16 surrogate, or null. */
function malformedAt(value: unknown, path: string, depth: number): string | null {
  if (typeof value === 'string') return wellFormed(value) ? null : path || '(the body)';
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object') return null;
  for (const [key, child] of Object.entries(value)) {
    const here = `${path ? `${path}.` : ''}${key.replace(new RegExp(LONE_SURROGATE.source, 'g'), '\ufffd')}`;
    if (!wellFormed(key)) return here;
    const found = malformedAt(child, here, depth + 1);
    if (found) return found;
  }
  return null;
}

/**
 * JSON may escape lone surrogates (`"\ud800"`), which are not Unicode: SQLite would store them
 * as U+FFFD, so the engine would acknowledge one value and keep another. Refused with a 400.
 */
export const wellFormedJson: RequestHandler = (req, _res, next) => {
  const at = req.body === undefined ? null : malformedAt(req.body, '', 0);
  if (at) return next(new HttpError(400, `Request body has a lone UTF-16 surrogate (not valid Unicode) in '${at.slice(0, 200)}'`));
  next();
};
