/**
 * Identifiers and paths: every model id, runtime name and data reference that reaches the file
 * system is checked here first, so nothing a client sends can name a file outside the data
 * directory.
 */
import { realpathSync, existsSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { badRequest } from '../errors.js';

export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Throws a 400 naming `what` unless `value` is a safe identifier. */
export function checkId(value: unknown, what: string): string {
  if (typeof value !== 'string' || !ID_PATTERN.test(value) || value.includes('..')) {
    throw badRequest(`${what} must match ${ID_PATTERN.source} (letters, digits, '.', '_', '-'; at most 64 characters), got ${JSON.stringify(value)}`);
  }
  return value;
}

export function checkVersionNumber(value: unknown): number {
  const n = typeof value === 'string' && /^[0-9]+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw badRequest(`a model version must be a positive integer, got ${JSON.stringify(value)}`);
  return n;
}

function inside(root: string, candidate: string): boolean {
  const rel = relative(root, candidate);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel) && !rel.split(sep).includes('..'));
}

/**
 * Resolves a data reference (relative to `dataDir`, or absolute inside it) and refuses anything
 * outside, symbolic links included.
 */
export function resolveInside(dataDir: string, reference: unknown, what: string): string {
  if (typeof reference !== 'string' || reference.trim() === '' || reference.includes('\0')) {
    throw badRequest(`${what} must be a path inside the data directory, got ${JSON.stringify(reference)}`);
  }
  const root = resolve(dataDir);
  const full = resolve(root, reference);
  if (!inside(root, full)) throw badRequest(`${what} '${reference}' is outside the data directory`);
  if (existsSync(full)) {
    const real = realpathSync(full);
    if (!inside(realpathSync(root), real)) throw badRequest(`${what} '${reference}' resolves outside the data directory`);
  }
  return full;
}

/** The path of `full` relative to the data directory, with forward slashes (what is stored). */
export function relativeToData(dataDir: string, full: string): string {
  return relative(resolve(dataDir), full).split(sep).join('/');
}
