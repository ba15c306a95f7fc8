import { BadRequestError, parseRequest, type Pool } from '@microtick/common';
import { Router, type RequestHandler } from 'express';
import type { AuthConfig } from '../config';
import { findUserByEmail } from '../store/users';
import { burnVerification, verifyPassword } from '../password';
import { credentialsSchema } from './credentials';
import { presentUser } from './present';
import { startSession } from './session-cookie';

const signinSchema = credentialsSchema.extend({
  // Sign-in does not enforce the sign-up length rule: a wrong password is just wrong.
  password: credentialsSchema.shape.password.min(1, 'Password is required'),
});

export function signinRouter(pool: Pool, config: AuthConfig, rateLimit: RequestHandler[]): Router {
  return Router().post('/api/users/signin', ...rateLimit, async (req, res) => {
    const { email, password } = parseRequest(signinSchema, req.body);
    const user = await findUserByEmail(pool, email);
    if (!user) {
      await burnVerification(password);
      throw new BadRequestError('Invalid credentials');
    }
    if (!(await verifyPassword(user.password_hash, password))) throw new BadRequestError('Invalid credentials');
    startSession(res, user, config);
    res.status(200).json(presentUser(user));
  });
}
