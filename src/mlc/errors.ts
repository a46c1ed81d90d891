/**
 * Errors of the model-lifecycle layer. Each carries an HTTP status and a `type` for the
 * `{type, message}` error body of the /mlc REST routes.
 */
export class MlcError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export const notFound = (message: string) => new MlcError(404, 'NotFound', message);
export const badRequest = (message: string) => new MlcError(400, 'BadRequest', message);
export const conflict = (message: string) => new MlcError(409, 'Conflict', message);
export const invalidModel = (message: string) => new MlcError(400, 'InvalidModel', message);
export const invalidData = (message: string) => new MlcError(400, 'InvalidData', message);

/**
 * Error text with file-system paths cut to what the caller may know: the data directory's prefix
 * is removed (references inside it stay, relative), and any other absolute path (onnxruntime's
 * own source files, system folders) is shortened to its last segment. Messages reach REST
 * callers and process variables, and must not tell them how the server's disk is laid out.
 */
export function withoutPaths(message: string, dataDir?: string): string {
  let text = message;
  if (dataDir) text = text.split(`${dataDir.replace(/[\\/]+$/, '')}/`).join('').split(dataDir).join('.');
  // two or more segments from the root, not part of a URL or a /mlc route
  return text.replace(/(^|[\s'"`(=[])((?:[A-Za-z]:)?(?:[\\/][\w.@+~-]+){2,})/g, (whole, before: string, path: string) =>
    /^\/(mlc|engine-rest|rest|v2)\//.test(path) ? whole : `${before}${path.split(/[\\/]/).pop()}`,
  );
}

/** The nesting depth of a parsed JSON value, without recursion (a deep value cannot overflow the stack here). */
export function jsonDepth(value: unknown, stopAt: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > stopAt) return deepest;
    for (const child of Array.isArray(current) ? current : Object.values(current)) stack.push([child, depth + 1]);
  }
  return deepest;
}
