import { withTransaction, type Pool } from '@microtick/common';
import { Router } from 'express';
import type { AuthConfig } from '../config';
import { revokeSessions } from '../store/sessions';
import { endSession } from './session-cookie';

/** Revokes the session the request carries (every service refuses it from then on) and clears the cookie. */
export function signoutRouter(pool: Pool, config: AuthConfig): Router {
  return Router().post('/api/users/signout', async (req, res) => {
    const { currentUser, sessionId } = req;
    if (currentUser && sessionId) {
      await withTransaction(pool, (client) => revokeSessions(client, currentUser.id, { only: sessionId }));
    }
    endSession(res, config);
    res.status(204).end();
  });
}
