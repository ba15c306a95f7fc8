import { SESSION_COOKIE, sessionCookieOptions, signSession, type UserPayload } from '@microtick/common';
import type { Response } from 'express';
import type { AuthConfig } from '../config';

export function startSession(res: Response, user: UserPayload, config: AuthConfig): void {
  const token = signSession(user, { jwtKey: config.JWT_KEY, ttlSeconds: config.SESSION_TTL_SECONDS });
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
