import { ConflictError, parseRequest } from '@microtick/common';
import { Router, type RequestHandler } from 'express';
import { EmailInUse, insertUser } from '../store/users';
import { hashPassword } from './password';
import { signupSchema } from './credentials';
import { startSession, type SessionIssuer } from './session-cookie';
import { presentUser } from './present';

export function signupRouter(issuer: SessionIssuer, rateLimit: RequestHandler): Router {
  const { pool } = issuer;
  return Router().post('/api/users/signup', rateLimit, async (req, res) => {
    const { email, password } = parseRequest(signupSchema, req.body);
    let user;
    try {
      user = await insertUser(pool, email, await hashPassword(password));
    } catch (err) {
      if (err instanceof EmailInUse) throw new ConflictError('Email in use');
      throw err;
    }
    await startSession(res, user, issuer);
    res.status(201).json(presentUser(user));
  });
}
