import { Router } from 'express';
import type { AuthConfig } from '../config';
import { endSession } from './session-cookie';

export function signoutRouter(config: AuthConfig): Router {
  return Router().post('/api/users/signout', (_req, res) => {
    endSession(res, config);
    res.status(204).end();
  });
}
