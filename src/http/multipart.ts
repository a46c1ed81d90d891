import busboy from 'busboy';
import type { Request } from 'express';
import type { DeployResource } from '../runtime/deployer.js';
import { HttpError } from './errors.js';

export interface MultipartLimits {
  /** bytes in one upload, all parts together (default 10 MB) */
  maxUploadBytes?: number;
  /** resources in one deployment (default 100) */
  maxFiles?: number;
  /** the form field that names the tenant (default `tenant-id`; the Camunda 8 API sends `tenantId`) */
  tenantField?: string;
}

export interface DeploymentForm {
  name: string | null;
  source: string | null;
  tenantId: string | null;
  enableDuplicateFiltering: boolean;
  deployChangedOnly: boolean;
  activationTime: string | null;
  resources: DeployResource[];
}

const RESERVED = new Set(['deployment-name', 'deployment-source', 'enable-duplicate-filtering', 'deploy-changed-only', 'tenant-id', 'deployment-activation-time']);
const MAX_FIELD_BYTES = 64 * 1024;

/**
 * Reads Camunda's `POST /deployment/create` form. Every non-reserved part is a resource named by
 * its FILENAME (Camunda Modeler sends `name="x.bpmn"; filename="x.bpmn"`); part content types are
 * ignored. Paths in filenames are kept so the deployer can refuse `..` and absolute names.
 */
export function readDeploymentForm(req: Request, limits: MultipartLimits = {}): Promise<DeploymentForm> {
  const maxUpload = limits.maxUploadBytes ?? 10 * 1024 * 1024;
  const maxFiles = limits.maxFiles ?? 100;
  const tenantField = limits.tenantField ?? 'tenant-id';
  const reserved = new Set([...RESERVED, tenantField]);
  const contentType = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    return Promise.reject(new HttpError(400, 'A deployment must be sent as multipart/form-data'));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxUpload) {
    return Promise.reject(new HttpError(413, `Upload of ${declared} bytes exceeds the limit of ${maxUpload} bytes`));
  }
  return new Promise((resolve, reject) => {
    const fields = new Map<string, string>();
    const resources: DeployResource[] = [];
    let total = 0;
    let failed = false;
    let pending = 0;
    let finished = false;
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        preservePath: true,
        limits: { fileSize: maxUpload, files: maxFiles, fields: 50, fieldSize: MAX_FIELD_BYTES, parts: maxFiles + 50 },
      });
    } catch (error) {
      reject(new HttpError(400, `Malformed multipart request: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const fail = (error: HttpError) => {
      if (failed) return;
      failed = true;
      reject(error);
      req.unpipe(parser);
      // drain the rest so the client gets our answer instead of a reset connection
      req.resume();
    };
    const done = () => {
      if (failed || !finished || pending > 0) return;
      resolve({
        name: fields.get('deployment-name') ?? null,
        source: fields.get('deployment-source') ?? null,
        tenantId: fields.get(tenantField) || null,
        enableDuplicateFiltering: fields.get('enable-duplicate-filtering') === 'true',
        deployChangedOnly: fields.get('deploy-changed-only') === 'true',
        activationTime: fields.get('deployment-activation-time') ?? null,
        resources,
      });
    };
    parser.on('field', (name, value, info) => {
      if (failed) return;
      if (info.valueTruncated) return fail(new HttpError(413, `Form field '${name.slice(0, 100)}' is larger than ${MAX_FIELD_BYTES} bytes`));
      total += Buffer.byteLength(value);
      if (total > maxUpload) return fail(new HttpError(413, `Upload exceeds the limit of ${maxUpload} bytes`));
      if (!reserved.has(name)) {
        return fail(new HttpError(400, `Form part '${name.slice(0, 100)}' has no filename: deployment resources must be sent as files (the resource name is the filename)`));
      }
      fields.set(name, value);
    });
    parser.on('file', (name, stream, info) => {
      if (failed) return void stream.resume();
      pending++;
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total > maxUpload) {
          fail(new HttpError(413, `Upload exceeds the limit of ${maxUpload} bytes`));
          stream.resume();
          return;
        }
        chunks.push(chunk);
      });
      stream.on('limit', () => fail(new HttpError(413, `Resource '${String(info.filename).slice(0, 100)}' exceeds the limit of ${maxUpload} bytes`)));
      stream.on('error', () => fail(new HttpError(400, 'Malformed multipart request')));
      stream.on('end', () => {
        pending--;
        if (!failed) {
          const content = Buffer.concat(chunks);
          if (reserved.has(name)) fields.set(name, content.toString('utf8'));
          else if (!info.filename) return fail(new HttpError(400, `Form part '${name.slice(0, 100)}' has no filename: deployment resources must be sent as files`));
          else resources.push({ name: info.filename, content });
        }
        done();
      });
    });
    parser.on('filesLimit', () => fail(new HttpError(413, `A deployment may contain at most ${maxFiles} resources`)));
    parser.on('partsLimit', () => fail(new HttpError(413, 'Too many form parts')));
    parser.on('fieldsLimit', () => fail(new HttpError(413, 'Too many form fields')));
    parser.on('error', (error: unknown) => fail(new HttpError(400, `Malformed multipart request: ${error instanceof Error ? error.message : String(error)}`)));
    parser.on('close', () => {
      finished = true;
      done();
    });
    req.on('aborted', () => fail(new HttpError(400, 'The upload was aborted')));
    req.pipe(parser);
  });
}
