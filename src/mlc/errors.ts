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
