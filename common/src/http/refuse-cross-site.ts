import type { RequestHandler } from 'express';
import { ForbiddenError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses a state-changing request that a browser says another site started (Fetch Metadata,
 * `Sec-Fetch-Site: cross-site`). SameSite=Lax already keeps the session cookie off such requests; this
 * also covers the ones that need no cookie (a hostile page's form signing a user out). Requests without
 * the header (older browsers, server-side rendering, API clients) are judged by the other rules.
 */
export const refuseCrossSiteWrites: RequestHandler = (req, _res, next) => {
  if (!SAFE_METHODS.has(req.method) && req.headers['sec-fetch-site'] === 'cross-site') {
    throw new ForbiddenError('Cross-site requests are not allowed');
  }
  next();
};
