import type { Request, RequestHandler } from 'express';
import { ForbiddenError } from './errors';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Whether a browser says another site, or another origin of the same site (a sibling subdomain, which
 * SameSite=Lax sends the session cookie to), started the request. Fetch Metadata decides when the browser
 * sends it; otherwise the Origin header, when there is one, must name the host the request came to.
 * Requests with neither (server-side rendering, API clients, webhooks) are judged by the other rules.
 */
function startedElsewhere(req: Request): boolean {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site === 'cross-site' || site === 'same-site';
  const origin = req.headers.origin;
  if (origin === undefined) return false;
  try {
    return new URL(origin).host !== req.host;
  } catch {
    return true; // "null" (a sandboxed frame, a redirect across origins) or garbage
  }
}

/**
 * Refuses a state-changing request another origin started. SameSite=Lax already keeps the session cookie
 * off cross-site requests; this also covers same-site ones and the writes that need no cookie (a hostile
 * page's form signing a user out).
 */
export const refuseCrossSiteWrites: RequestHandler = (req, _res, next) => {
  if (!SAFE_METHODS.has(req.method) && startedElsewhere(req)) {
    throw new ForbiddenError('Cross-site requests are not allowed');
  }
  next();
};
