import { constants, sign, verify, type KeyObject } from 'node:crypto';
import type { CookieOptions, RequestHandler } from 'express';
import type { Logger } from '../logger';
import { NotAuthorizedError, ServiceUnavailableError } from './errors';
import {
  requireSessionAlgorithm,
  sessionAlgorithmOf,
  type KeySource,
  type SessionAlgorithm,
  type SigningKey,
} from './session-keys';
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

/**
 * The base64url JWS signature of `signingInput` with a session key, in the key's one algorithm: RS256
 * (RSASSA-PKCS1-v1_5 with SHA-256) for RSA, EdDSA for Ed25519.
 */
export function jwsSignature(signingInput: string, privateKey: KeyObject): string {
  const data = Buffer.from(signingInput);
  const signature =
    requireSessionAlgorithm(privateKey) === 'RS256'
      ? sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PADDING })
      : sign(null, data, privateKey);
  return signature.toString('base64url');
}

/**
 * A compact JWS carrying the user, the session id, iat and exp, signed RS256 with an RSA key or EdDSA with
 * an Ed25519 one. Auth alone calls this.
 */
export function signSession(user: UserPayload, { key, sessionId, ttlSeconds, issuedAt }: SignSessionOptions): string {
  const iat = issuedAt ?? Math.floor(Date.now() / 1000);
  const header = base64url({ alg: requireSessionAlgorithm(key.privateKey), typ: 'JWT', kid: key.kid });
  const payload = base64url({
    iss: JWT_ISSUER,
    sub: user.id,
    email: user.email,
    sid: sessionId,
    iat,
    exp: iat + ttlSeconds,
  });
  return `${header}.${payload}.${jwsSignature(`${header}.${payload}`, key.privateKey)}`;
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
 * The signature check, synchronously on the event loop. RS256 costs 32–37 µs of CPU here; handing it to
 * libuv's thread pool (as the 140–260 µs Ed25519 check once was) would spare the loop only some 20 µs of
 * it, for more CPU in all and a later answer (docs/decisions.md, "Sessions signed RS256"). EdDSA tokens
 * of an Ed25519 key still in use are checked the same way.
 */
function signatureValid(alg: SessionAlgorithm, signingInput: string, key: KeyObject, signature: Buffer): boolean {
  try {
    const data = Buffer.from(signingInput);
    return alg === 'RS256'
      ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PADDING }, signature)
      : verify(null, data, key, signature);
  } catch {
    return false;
  }
}

const isSessionAlgorithm = (alg: unknown): alg is SessionAlgorithm => alg === 'RS256' || alg === 'EdDSA';

const isSeconds = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/**
 * Checks the signature and every claim of a session token. The key the source knows by the token's kid
 * fixes the algorithm (RS256 for RSA, EdDSA for Ed25519) and the header's `alg` must name exactly that
 * one: no `alg` negotiation, so HS256 (keyed with the public key or anything else), `none`, or EdDSA under
 * an RSA key's kid (and RS256 under an Ed25519 one) can never verify. A token older than maxAgeSeconds is
 * refused whatever its exp says.
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
  if (!header || !isSessionAlgorithm(header.alg) || typeof header.kid !== 'string' || 'crit' in header)
    return undefined;
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
  const alg = sessionAlgorithmOf(key);
  if (!alg || header.alg !== alg) return undefined;
  const signature = Buffer.from(signaturePart, 'base64url');
  if (!signatureValid(alg, `${headerPart}.${payloadPart}`, key, signature)) return undefined;
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
