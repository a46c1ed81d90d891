import type { Request } from 'express';
import { HttpError } from './errors.js';
import { parseDate } from './dates.js';

/** Typed access to Camunda-style query parameters; a malformed value is a 400 naming the parameter. */
export class QueryParams {
  constructor(private readonly req: Request) {}

  private raw(name: string): string | undefined {
    const value = (this.req.query as Record<string, unknown>)[name];
    if (value === undefined) return undefined;
    if (typeof value !== 'string') throw invalid(name, value);
    return value;
  }

  string(name: string): string | undefined {
    return this.raw(name);
  }

  /** Camunda's `…In` parameters: comma-separated lists. */
  list(name: string): string[] | undefined {
    const value = this.raw(name);
    return value === undefined ? undefined : value.split(',').filter((v) => v.length > 0);
  }

  int(name: string, min = 0): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value) || Number(value) < min || !Number.isSafeInteger(Number(value))) throw invalid(name, value);
    return Number(value);
  }

  bool(name: string): boolean | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    if (value !== 'true' && value !== 'false') throw invalid(name, value);
    return value === 'true';
  }

  date(name: string): number | undefined {
    const value = this.raw(name);
    if (value === undefined) return undefined;
    const ms = parseDate(value);
    if (ms === null) throw invalid(name, value);
    return ms;
  }

  page(): { firstResult?: number; maxResults?: number } {
    return { firstResult: this.int('firstResult'), maxResults: this.int('maxResults') };
  }

  /** sortBy and sortOrder come together (Camunda refuses one without the other). */
  sort<T extends string>(allowed: readonly T[]): { sortBy?: T; sortOrder?: 'asc' | 'desc' } {
    const sortBy = this.raw('sortBy');
    const sortOrder = this.raw('sortOrder');
    if (sortBy === undefined && sortOrder === undefined) return {};
    if (sortBy === undefined || sortOrder === undefined) {
      throw new HttpError(400, 'Only a single sorting parameter specified. sortBy and sortOrder required');
    }
    if (!(allowed as readonly string[]).includes(sortBy)) throw new HttpError(400, `Cannot set query parameter 'sortBy' to value '${sortBy.slice(0, 100)}': use one of ${allowed.join(', ')}`);
    if (sortOrder !== 'asc' && sortOrder !== 'desc') throw invalid('sortOrder', sortOrder);
    return { sortBy: sortBy as T, sortOrder };
  }
}

function invalid(name: string, value: unknown): HttpError {
  const shown = typeof value === 'string' ? value.slice(0, 100) : JSON.stringify(value)?.slice(0, 100);
  return new HttpError(400, `Cannot set query parameter '${name}' to value '${shown}'`);
}
