import { BadRequestError, parseRequest } from '@microtick/common';
import { Router, type RequestHandler } from 'express';
import { findUserByEmail } from '../store/users';
import { burnVerification, verifyPassword } from './password';
import { credentialsSchema } from './credentials';
import { startSession, type SessionIssuer } from './session-cookie';
import { presentUser } from './present';

const signinSchema = credentialsSchema.extend({
  // Sign-in does not enforce the sign-up length rule: a wrong password is just wrong.
  password: credentialsSchema.shape.password.min(1, 'Password is required'),
});

export function signinRouter(issuer: SessionIssuer, rateLimit: RequestHandler[]): Router {
  const { pool } = issuer;
  return Router().post('/api/users/signin', ...rateLimit, async (req, res) => {
    const { email, password } = parseRequest(signinSchema, req.body);
    const user = await findUserByEmail(pool, email);
    if (!user) {
      await burnVerification(password);
      throw new BadRequestError('Invalid credentials');
    }
    if (!(await verifyPassword(user.password_hash, password))) throw new BadRequestError('Invalid credentials');
    await startSession(res, user, issuer);
    res.status(200).json(presentUser(user));
  });
}
