/** Talking to the server: the cockpit's own read API, the Camunda REST API and the registry (same origin, same auth). */

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly body: unknown) {
    super(message);
  }
}

export interface Info {
  user: string | null;
  restPath: string;
  mlcPath: string;
  now: number;
}

let restPath = '/engine-rest';
const TOKEN_KEY = 'mlc-cockpit-token';

export function setRestPath(path: string): void {
  restPath = path;
}

/** With bearer auth the browser has no prompt of its own: the token is kept for this tab only. */
export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return { accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

async function request<T>(url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { credentials: 'same-origin', ...init, headers: headers(init.headers as Record<string, string> | undefined) });
  const type = response.headers.get('content-type') ?? '';
  const body: unknown = response.status === 204 ? null : type.includes('json') ? await response.json() : await response.text();
  if (!response.ok) {
    const message = body && typeof body === 'object' && 'message' in body ? String((body as { message: unknown }).message) : `${response.status} ${response.statusText}`;
    if (response.status === 401 && (response.headers.get('www-authenticate') ?? '').toLowerCase().startsWith('bearer')) {
      window.dispatchEvent(new CustomEvent('cockpit:needs-token'));
    }
    throw new ApiError(response.status, message, body);
  }
  return body as T;
}

const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });

/** The cockpit's aggregates under /cockpit/api. */
export const cockpit = {
  get: <T>(path: string) => request<T>(`/cockpit/api${path}`),
  post: <T>(path: string, body: unknown = {}) => request<T>(`/cockpit/api${path}`, { method: 'POST', ...json(body) }),
};

/** The model registry's actions (its reads go through the cockpit's soft proxy); `base` is Info.mlcPath. */
export const registryActions = {
  post: <T>(base: string, path: string, body: unknown = {}) => request<T>(`${base}${path}`, { method: 'POST', ...json(body) }),
};

/** The Camunda 7 REST API. */
export const rest = {
  get: <T>(path: string) => request<T>(`${restPath}${path}`),
  post: <T>(path: string, body: unknown = {}) => request<T>(`${restPath}${path}`, { method: 'POST', ...json(body) }),
  put: <T>(path: string, body: unknown = {}) => request<T>(`${restPath}${path}`, { method: 'PUT', ...json(body) }),
  delete: <T>(path: string) => request<T>(`${restPath}${path}`, { method: 'DELETE' }),
  upload: <T>(path: string, form: FormData) => request<T>(`${restPath}${path}`, { method: 'POST', body: form }),
};

/** Ids go into paths as one segment; Camunda ids contain ':' which stays readable. */
export function seg(id: string): string {
  return encodeURIComponent(id).replace(/%3A/gi, ':');
}

/** A plain JS value as Camunda's typed variable. */
export function typed(value: unknown): { value: unknown; type: string } {
  if (value === null || value === undefined) return { value: null, type: 'Null' };
  if (typeof value === 'boolean') return { value, type: 'Boolean' };
  if (typeof value === 'number') return Number.isInteger(value) ? { value, type: Math.abs(value) < 2 ** 31 ? 'Integer' : 'Long' } : { value, type: 'Double' };
  if (typeof value === 'string') return { value, type: 'String' };
  if (value instanceof Date) return { value: value.toISOString().replace(/Z$/, '+0000'), type: 'Date' };
  return { value: JSON.stringify(value), type: 'Json' };
}

export function typedVariables(variables: Record<string, unknown>): Record<string, { value: unknown; type: string }> {
  return Object.fromEntries(Object.entries(variables).map(([name, value]) => [name, typed(value)]));
}
