import type { Jwks } from '@microtick/common';
import { Router } from 'express';

/** The public keys sessions are signed with: the current one first, then the ones rotated out. */
export function jwksRouter(jwks: Jwks): Router {
  return Router().get('/api/users/.well-known/jwks.json', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json(jwks);
  });
}
