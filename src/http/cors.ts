import type { RequestHandler } from 'express';

/**
 * Permissive CORS that never rejects on Origin (Camunda Modeler calls from a file:// page).
 * `Access-Control-Allow-Origin: *` without Allow-Credentials: browsers then never attach cookies,
 * while an explicit Authorization header (listed by name, `*` would not cover it) still works.
 */
export const cors: RequestHandler = (req, res, next) => {
  res.setHeader('Access-Control-Allow-Origin', '*');
  if (req.method !== 'OPTIONS') return next();
  res.setHeader('Access-Control-Allow-Methods', 'GET, POST, PUT, DELETE, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept');
  res.setHeader('Access-Control-Max-Age', '600');
  res.status(204).end();
};
