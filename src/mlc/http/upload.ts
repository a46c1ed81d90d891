/**
 * Multipart ONNX uploads with busboy: one file field `model` (or `file`) plus text fields,
 * bounded in size; anything else is a 400 before a byte reaches the registry.
 */
import busboy from 'busboy';
import type { Request } from 'express';
import { badRequest, MlcError } from '../errors.js';

export interface Upload {
  bytes: Uint8Array;
  filename: string;
  fields: Record<string, string>;
}

export function readUpload(req: Request, maxBytes: number): Promise<Upload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { files: 1, fileSize: maxBytes, fields: 20, fieldSize: 64 * 1024 } });
    } catch (error) {
      return reject(badRequest(`not a multipart upload: ${(error as Error).message}`));
    }
    const fields: Record<string, string> = {};
    let file: { bytes: Buffer; filename: string } | null = null;
    let failed: Error | null = null;
    parser.on('file', (name, stream, info) => {
      if (name !== 'model' && name !== 'file') {
        failed ??= badRequest(`unexpected file field '${name}': send the ONNX file as 'model'`);
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('limit', () => {
        failed ??= new MlcError(413, 'PayloadTooLarge', `the model file exceeds ${maxBytes} bytes`);
      });
      stream.on('end', () => {
        file = { bytes: Buffer.concat(chunks), filename: info.filename ?? 'model.onnx' };
      });
    });
    parser.on('field', (name, value) => {
      fields[name] = value;
    });
    parser.on('filesLimit', () => (failed ??= badRequest('send exactly one model file')));
    parser.on('error', (error) => reject(badRequest(`malformed multipart body: ${(error as Error).message}`)));
    parser.on('close', () => {
      if (failed) return reject(failed);
      if (!file) return reject(badRequest("the upload has no file field 'model'"));
      const done = file as { bytes: Buffer; filename: string };
      resolve({ bytes: new Uint8Array(done.bytes.buffer, done.bytes.byteOffset, done.bytes.byteLength), filename: done.filename, fields });
    });
    req.pipe(parser);
  });
}
