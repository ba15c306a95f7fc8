import { BadRequestError, parseRequest, requireAuth, withTransaction, type Pool } from '@microtick/common';
import { Router, type RequestHandler } from 'express';
import { revokeSessions } from '../store/sessions';
import { findUserById, setPasswordHash } from '../store/users';
import { hashPassword, verifyPassword } from './password';
import { newPasswordProblem } from '../rules';
import { changePasswordSchema } from './credentials';

/** PUT /api/users/password: 204, and every other session of the user is revoked. */
export function changePasswordRouter(pool: Pool, failureLimit: RequestHandler): Router {
  return Router().put('/api/users/password', requireAuth, failureLimit, async (req, res) => {
    const { currentPassword, newPassword } = parseRequest(changePasswordSchema, req.body);
    const { id } = req.currentUser!;
    const user = await findUserById(pool, id);
    if (!user || !(await verifyPassword(user.password_hash, currentPassword))) {
      throw new BadRequestError('Invalid credentials');
    }
    const problem = newPasswordProblem(newPassword, user.email);
    if (problem) throw new BadRequestError(problem, 'newPassword');
    const passwordHash = await hashPassword(newPassword);
    await withTransaction(pool, async (client) => {
      await setPasswordHash(client, id, passwordHash);
      await revokeSessions(client, id, { except: req.sessionId });
    });
    res.status(204).end();
  });
}
