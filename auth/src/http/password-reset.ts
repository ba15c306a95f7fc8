import { BadRequestError, parseRequest, withTransaction, type Logger, type Mailer, type Pool } from '@microtick/common';
import { Router, type RequestHandler } from 'express';
import { z } from 'zod';
import { createResetToken, findResetUser, useResetToken } from '../store/password-resets';
import { revokeSessions } from '../store/sessions';
import { findUserByEmail, setPasswordHash } from '../store/users';
import { newPasswordProblem } from '../rules';
import { credentialsSchema } from './credentials';
import { hashPassword } from './password';
import { resetEmail, resetLink } from './reset-email';

const requestSchema = z.object({ email: credentialsSchema.shape.email });

const INVALID_LINK = 'Invalid or expired link';

const confirmSchema = z.object({
  // A token longer than any we send is no link of ours (without its own message, zod said "must be a string").
  token: z.string({ error: 'Token must be a string' }).min(1, 'Token is required').max(200, INVALID_LINK),
  newPassword: z.string({ error: 'New password must be a string' }),
});

export interface PasswordResetDeps {
  pool: Pool;
  mailer: Mailer;
  appUrl: string;
  logger: Logger;
  /** Limits on asking for a link (per address, per email) and on using one (per address). */
  requestLimits: RequestHandler[];
  confirmLimits: RequestHandler[];
}

/**
 * POST /api/users/password-reset answers 202 with the same body whether or not the email has an account,
 * before looking it up: the lookup, the token and the email happen after the answer, so neither the body
 * nor the time tells an account apart. POST /api/users/password-reset/confirm sets the new password and
 * revokes every session of the user.
 */
export function passwordResetRouter(deps: PasswordResetDeps): Router {
  const { pool, mailer } = deps;
  return Router()
    .post('/api/users/password-reset', ...deps.requestLimits, (req, res) => {
      const { email } = parseRequest(requestSchema, req.body);
      res.status(202).json({ message: 'If an account uses this email, a reset link is on its way' });
      mailer.sendInBackground(async () => {
        const user = await findUserByEmail(pool, email);
        if (!user) return undefined;
        const token = await createResetToken(pool, user.id);
        return resetEmail(user.email, resetLink(deps.appUrl, token));
      });
    })
    .post('/api/users/password-reset/confirm', ...deps.confirmLimits, async (req, res) => {
      const { token, newPassword } = parseRequest(confirmSchema, req.body);
      const user = await findResetUser(pool, token);
      if (!user) throw new BadRequestError(INVALID_LINK);
      const problem = newPasswordProblem(newPassword, user.email);
      if (problem) throw new BadRequestError(problem, 'newPassword');
      const passwordHash = await hashPassword(newPassword);
      const changed = await withTransaction(pool, async (client) => {
        if (!(await useResetToken(client, token, user.id))) return false;
        await setPasswordHash(client, user.id, passwordHash);
        await revokeSessions(client, user.id, { except: undefined });
        return true;
      });
      if (!changed) throw new BadRequestError(INVALID_LINK);
      res.status(204).end();
    });
}
