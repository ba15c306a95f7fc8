import { sign, verify, type KeyObject } from 'node:crypto';
import type { CookieOptions, RequestHandler } from 'express';
import type { Logger } from '../logger';
import { NotAuthorizedError, ServiceUnavailableError } from './errors';
import type { KeySource, SigningKey } from './session-keys';
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
      /** The session id (`sid`) of the token that signed the request in. */
      sessionId?: string;
    }
  }
}

export const SESSION_COOKIE = 'session';
export const JWT_ISSUER = 'microtick';
/** Replicas' clocks differ a little; a token issued further in the future than this is refused. */
const CLOCK_SKEW_SECONDS = 60;
const MAX_TOKEN_LENGTH = 4096;

export interface SignSessionOptions {
  key: SigningKey;
  sessionId: string;
  ttlSeconds: number;
  /** Seconds since the epoch; now by default. */
  issuedAt?: number;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A compact JWS (EdDSA, Ed25519) carrying the user, the session id, iat and exp. Auth alone calls this. */
export function signSession(user: UserPayload, { key, sessionId, ttlSeconds, issuedAt }: SignSessionOptions): string {
  const iat = issuedAt ?? Math.floor(Date.now() / 1000);
  const header = base64url({ alg: 'EdDSA', typ: 'JWT', kid: key.kid });
  const payload = base64url({
    iss: JWT_ISSUER,
    sub: user.id,
    email: user.email,
    sid: sessionId,
    iat,
    exp: iat + ttlSeconds,
  });
  const signature = sign(null, Buffer.from(`${header}.${payload}`), key.privateKey).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

export interface VerifiedSession {
  user: UserPayload;
  sessionId: string;
  /** The earlier of exp and iat + the maximum age. */
  expiresAtMs: number;
}

function parsePart(part: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Ed25519 check on libuv's thread pool rather than the event loop. It is the largest single cost of a
 * request carrying a session the service has not seen (every buyer of an on-sale, at orders), and on the
 * event loop it held up every other request of the process meanwhile (docs/performance.md).
 */
function verifyOffThread(data: Buffer, key: KeyObject, signature: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    try {
      verify(null, data, key, signature, (err, valid) => resolve(!err && valid));
    } catch {
      resolve(false);
    }
  });
}

const isSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * Checks the signature and every claim of a session token. Only EdDSA with a key the source knows by
 * the token's kid is accepted (no `alg` negotiation, so HS256 or `none` can never verify), and a token
 * older than maxAgeSeconds is refused whatever its exp says.
 */
export async function verifySessionToken(
  token: string,
  keys: KeySource,
  maxAgeSeconds: number,
  nowMs = Date.now(),
): Promise<VerifiedSession | undefined> {
  if (token.length > MAX_TOKEN_LENGTH) return undefined;
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [headerPart, payloadPart, signaturePart] = parts;
  const header = parsePart(headerPart);
  if (!header || header.alg !== 'EdDSA' || typeof header.kid !== 'string' || 'crit' in header) return undefined;
  const claims = parsePart(payloadPart);
  const now = Math.floor(nowMs / 1000);
  if (
    !claims ||
    claims.iss !== JWT_ISSUER ||
    typeof claims.sub !== 'string' ||
    // Services query uuid columns with these: a token carrying anything else is not a session.
    !uuidPattern.test(claims.sub) ||
    typeof claims.sid !== 'string' ||
    !uuidPattern.test(claims.sid) ||
    typeof claims.email !== 'string' ||
    !isSeconds(claims.iat) ||
    !isSeconds(claims.exp) ||
    (claims.nbf !== undefined && (!isSeconds(claims.nbf) || claims.nbf > now)) ||
    claims.iat > now + CLOCK_SKEW_SECONDS
  ) {
    return undefined;
  }
  const expiresAt = Math.min(claims.exp, claims.iat + maxAgeSeconds);
  if (now >= expiresAt) return undefined;
  let key;
  try {
    key = await keys.key(header.kid);
  } catch (err) {
    if (err instanceof ServiceUnavailableError) throw err;
    return undefined;
  }
  if (!key) return undefined;
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!(await verifyOffThread(Buffer.from(`${headerPart}.${payloadPart}`), key, signature))) return undefined;
  return { user: { id: claims.sub, email: claims.email }, sessionId: claims.sid, expiresAtMs: expiresAt * 1000 };
}

export interface SessionVerifierOptions {
  keys: KeySource;
  /** SESSION_TTL_SECONDS: a token older than this (by iat) is refused. */
  maxAgeSeconds: number;
  /** Asked on every request, cached token or not: a revoked session is signed out at once. */
  isRevoked(session: VerifiedSession): boolean | Promise<boolean>;
  logger?: Logger;
}

export interface SessionVerifier {
  verify(token: string): Promise<VerifiedSession | undefined>;
}

const VERIFIED_SESSIONS_KEPT = 10_000;

/**
 * Verifies session tokens. Tokens already verified are remembered until they expire (the oldest
 * forgotten first), which saves a signature check and two JSON parses on each later request. Only valid
 * tokens are kept, so forged ones cannot fill the memory. Revocation is asked on every request.
 */
export function sessionVerifier(options: SessionVerifierOptions): SessionVerifier {
  const verified = new Map<string, VerifiedSession>();
  return {
    async verify(token) {
      let session = verified.get(token);
      if (!session) {
        session = await verifySessionToken(token, options.keys, options.maxAgeSeconds);
        if (!session) return undefined;
        if (verified.size >= VERIFIED_SESSIONS_KEPT) verified.delete(verified.keys().next().value!);
        verified.set(token, session);
      }
      if (Date.now() >= session.expiresAtMs) {
        verified.delete(token);
        return undefined;
      }
      return (await options.isRevoked(session)) ? undefined : session;
    },
  };
}

export function sessionCookieOptions(options: { ttlSeconds: number; secureCookie: boolean }): CookieOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: options.secureCookie,
    path: '/',
    maxAge: options.ttlSeconds * 1000,
  };
}

/**
 * Sets req.currentUser from a valid session cookie; a missing, expired, revoked or forged token means
 * signed out. Without a verifier (a service with no user routes) nobody is ever signed in.
 */
export function currentUser(verifier?: SessionVerifier): RequestHandler {
  return async (req, _res, next) => {
    const token = req.cookies?.[SESSION_COOKIE];
    const session = verifier && typeof token === 'string' ? await verifier.verify(token) : undefined;
    req.currentUser = session?.user;
    req.sessionId = session?.sessionId;
    next();
  };
}

export const requireAuth: RequestHandler = (req, _res, next) => {
  if (!req.currentUser) throw new NotAuthorizedError();
  next();
};
