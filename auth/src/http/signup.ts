import { ConflictError, parseRequest, type Pool } from '@microtick/common';
import { Router, type RequestHandler } from 'express';
import type { AuthConfig } from '../config';
import { EmailInUse, insertUser } from '../store/users';
import { hashPassword } from '../password';
import { signupSchema } from './credentials';
import { presentUser } from './present';
import { startSession } from './session-cookie';

export function signupRouter(pool: Pool, config: AuthConfig, rateLimit: RequestHandler): Router {
  return Router().post('/api/users/signup', rateLimit, async (req, res) => {
    const { email, password } = parseRequest(signupSchema, req.body);
    let user;
    try {
      user = await insertUser(pool, email, await hashPassword(password));
    } catch (err) {
      if (err instanceof EmailInUse) throw new ConflictError('Email in use');
      throw err;
    }
    startSession(res, user, config);
    res.status(201).json(presentUser(user));
  });
}
