import { createSecretKey, type KeyObject } from 'node:crypto';
import type { CookieOptions, RequestHandler } from 'express';
import jwt from 'jsonwebtoken';
import { NotAuthorizedError } from './errors';
import { uuidPattern } from './validation';

export interface UserPayload {
  id: string;
  email: string;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      currentUser?: UserPayload;
    }
  }
}

export const SESSION_COOKIE = 'session';
export const JWT_ISSUER = 'microtick';

export interface SessionOptions {
  jwtKey: string;
  ttlSeconds: number;
  secureCookie: boolean;
}

// jsonwebtoken first tries to parse a string secret as a PEM public key (and throws) on every call; a
// KeyObject made once skips that. Profiling showed it as the top cost of every authenticated request.
const keyObjects = new Map<string, KeyObject>();
function secretKey(jwtKey: string): KeyObject {
  let key = keyObjects.get(jwtKey);
  if (!key) {
    key = createSecretKey(Buffer.from(jwtKey, 'utf8'));
    keyObjects.set(jwtKey, key);
  }
  return key;
}

export function signSession(user: UserPayload, options: Pick<SessionOptions, 'jwtKey' | 'ttlSeconds'>): string {
  return jwt.sign({ id: user.id, email: user.email }, secretKey(options.jwtKey), {
    algorithm: 'HS256',
    expiresIn: options.ttlSeconds,
    issuer: JWT_ISSUER,
    subject: user.id,
  });
}

interface VerifiedSession {
  user: UserPayload;
  expiresAtMs: number;
}

function verifyToken(token: string, jwtKey: string): VerifiedSession | undefined {
  try {
    const payload = jwt.verify(token, secretKey(jwtKey), { algorithms: ['HS256'], issuer: JWT_ISSUER });
    // Services query uuid columns with the id: a token carrying anything else is not a session.
    if (
      typeof payload !== 'object' ||
      typeof payload.id !== 'string' ||
      !uuidPattern.test(payload.id) ||
      typeof payload.email !== 'string' ||
      typeof payload.exp !== 'number'
    ) {
      return undefined;
    }
    return { user: { id: payload.id, email: payload.email }, expiresAtMs: payload.exp * 1000 };
  } catch {
    return undefined;
  }
}

export function verifySession(token: string, jwtKey: string): UserPayload | undefined {
  return verifyToken(token, jwtKey)?.user;
}

export function sessionCookieOptions(options: Omit<SessionOptions, 'jwtKey'>): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secureCookie,
    path: '/',
    maxAge: options.ttlSeconds * 1000,
  };
}

const VERIFIED_SESSIONS_KEPT = 10_000;

/**
 * Sets req.currentUser from a valid session cookie; a missing, expired or forged token means signed out.
 * Tokens already verified are remembered until they expire (the oldest forgotten first), which saves an
 * HMAC and two JSON parses on each later request: about 4% of the orders service's CPU. Only valid
 * tokens are kept, so forged ones cannot fill the memory.
 */
export function currentUser(jwtKey: string): RequestHandler {
  const verified = new Map<string, VerifiedSession>();
  const sessionFor = (token: string): UserPayload | undefined => {
    let session = verified.get(token);
    if (!session) {
      session = verifyToken(token, jwtKey);
      if (!session) return undefined;
      if (verified.size >= VERIFIED_SESSIONS_KEPT) verified.delete(verified.keys().next().value!);
      verified.set(token, session);
    }
    if (Date.now() < session.expiresAtMs) return session.user;
    verified.delete(token);
    return undefined;
  };
  return (req, _res, next) => {
    const token = req.cookies?.[SESSION_COOKIE];
    req.currentUser = typeof token === 'string' ? sessionFor(token) : undefined;
    next();
  };
}

export const requireAuth: RequestHandler = (req, _res, next) => {
  if (!req.currentUser) throw new NotAuthorizedError();
  next();
};
