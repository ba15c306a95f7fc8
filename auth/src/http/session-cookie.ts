import {
  SESSION_COOKIE,
  sessionCookieOptions,
  signSession,
  type Pool,
  type SigningKey,
  type UserPayload,
} from '@microtick/common';
import type { Response } from 'express';
import type { AuthConfig } from '../config';
import { createSession } from '../store/sessions';

export interface SessionIssuer {
  pool: Pool;
  config: AuthConfig;
  signing: SigningKey;
}

/** Opens a session row and sets its signed token as the cookie. */
export async function startSession(res: Response, user: UserPayload, { pool, config, signing }: SessionIssuer) {
  const sessionId = await createSession(pool, user.id, config.SESSION_TTL_SECONDS);
  const token = signSession(
    { id: user.id, email: user.email },
    { key: signing, sessionId, ttlSeconds: config.SESSION_TTL_SECONDS },
  );
  res.cookie(
    SESSION_COOKIE,
    token,
    sessionCookieOptions({ ttlSeconds: config.SESSION_TTL_SECONDS, secureCookie: config.COOKIE_SECURE }),
  );
}

export function endSession(res: Response, config: AuthConfig): void {
  const { maxAge: _maxAge, ...options } = sessionCookieOptions({ ttlSeconds: 0, secureCookie: config.COOKIE_SECURE });
  res.clearCookie(SESSION_COOKIE, options);
}
