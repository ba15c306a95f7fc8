import type { RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from './errors';

const hasBody = (headers: Record<string, unknown>) =>
  headers['transfer-encoding'] !== undefined || Number(headers['content-length'] ?? 0) > 0;

/** A request that carries a body must say it is JSON (DESIGN.md: 415 not JSON). */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  if (hasBody(req.headers) && !req.is('application/json')) throw new UnsupportedMediaTypeError();
  next();
};
