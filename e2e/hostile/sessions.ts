import { createHmac, createPublicKey, generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import {
  jwsSignature,
  JWT_ISSUER,
  publishedJwks,
  sessionAlgorithmOf,
  signSession,
  type SigningKey,
} from '@microtick/common';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const cookie = (token: string) => `session=${token}`;

export interface Identity {
  name: string;
  cookie: string;
}

/** A real session as auth issues it: RS256 (EdDSA for an Ed25519 key) with the stack's key, a made-up sid. */
export const realSession = (key: SigningKey, user: { id: string; email: string }) =>
  cookie(signSession(user, { key, sessionId: randomUUID(), ttlSeconds: 3600 }));

const algOf = (key: SigningKey) => sessionAlgorithmOf(key.privateKey);

/** Claims of our choosing, signed with `key` (in its own algorithm) under `header`. */
const signed = (key: SigningKey, claims: object, header: object = { alg: algOf(key), typ: 'JWT', kid: key.kid }) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return cookie(`${input}.${jwsSignature(input, key.privateKey)}`);
};

/** An HS256 token under the real kid, its HMAC keyed with `secret`. */
const hs256 = (key: SigningKey, claims: object, secret: string) => {
  const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64(claims)}`;
  return cookie(`${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`);
};

const otherKeys = new WeakMap<SigningKey, KeyObject>();
/** Another key of the same kind as the real one, made once per real key (RSA keygen takes ~100 ms). */
function anotherKeyLike(key: SigningKey): KeyObject {
  let other = otherKeys.get(key);
  if (!other) {
    other =
      algOf(key) === 'RS256'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey
        : generateKeyPairSync('ed25519').privateKey;
    otherKeys.set(key, other);
  }
  return other;
}

/** Session cookies that claim to be `victim` (or nobody) and must all be treated as signed out. */
export function forgedSessions(key: SigningKey, victim: { id: string; email: string }): Identity[] {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: JWT_ISSUER, sub: victim.id, email: victim.email, sid: randomUUID(), iat: now, exp: now + 3600 };
  const [header, payload, signature] = realSession(key, victim).slice('session='.length).split('.');
  const otherKey = { kid: key.kid, privateKey: anotherKeyLike(key) };
  // What anyone can read: the public key, as PEM and as the JWKS entry auth publishes.
  const publicPem = createPublicKey(key.privateKey).export({ format: 'pem', type: 'spki' }).toString();
  const publicJwk = JSON.stringify(publishedJwks(publicPem)[0]);
  // The other algorithm than the key's, under the real kid, signed by the real key itself.
  const wrongAlg = algOf(key) === 'RS256' ? 'EdDSA' : 'RS256';
  return [
    { name: 'garbage', cookie: 'session=garbage' },
    { name: 'empty', cookie: 'session=' },
    { name: 'three empty parts', cookie: 'session=..' },
    { name: 'signed with another key under the real kid', cookie: signed(otherKey, claims) },
    { name: 'unknown kid', cookie: signed(key, claims, { alg: algOf(key), typ: 'JWT', kid: 'not-a-published-kid' }) },
    { name: 'HS256', cookie: hs256(key, claims, 'not-the-key') },
    { name: 'HS256 keyed with the public key (PEM)', cookie: hs256(key, claims, publicPem) },
    { name: 'HS256 keyed with the public key (JWK)', cookie: hs256(key, claims, publicJwk) },
    {
      name: `${wrongAlg} header under the real kid, signed with the real key`,
      cookie: signed(key, claims, { alg: wrongAlg, typ: 'JWT', kid: key.kid }),
    },
    { name: 'expired', cookie: signed(key, { ...claims, iat: now - 3600, exp: now - 60 }) },
    {
      name: 'older than the session TTL, far exp',
      cookie: signed(key, { ...claims, iat: now - 400 * 24 * 3600, exp: 10 ** 12 }),
    },
    { name: 'not valid yet', cookie: signed(key, { ...claims, nbf: now + 3600 }) },
    { name: 'alg none', cookie: cookie(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`) },
    {
      name: 'alg none under the real kid',
      cookie: cookie(`${b64({ alg: 'none', typ: 'JWT', kid: key.kid })}.${b64(claims)}.`),
    },
    { name: 'another issuer', cookie: signed(key, { ...claims, iss: 'someone-else' }) },
    { name: 'no issuer', cookie: signed(key, { ...claims, iss: undefined }) },
    { name: 'no session id', cookie: signed(key, { ...claims, sid: undefined }) },
    {
      name: 'payload swapped, signature kept',
      cookie: cookie(`${header}.${b64({ ...claims, sub: randomUUID() })}.${signature}`),
    },
    { name: 'signature stripped', cookie: cookie(`${header}.${payload}.`) },
    { name: 'subject not a uuid, signed with the key', cookie: signed(key, { ...claims, sub: "1' OR '1'='1" }) },
    { name: 'subject missing, signed with the key', cookie: signed(key, { ...claims, sub: undefined }) },
    { name: 'cookie-parser JSON cookie', cookie: `session=j%3A${encodeURIComponent(JSON.stringify(claims))}` },
    { name: 'bad percent-encoding', cookie: 'session=%E0%A4%A' },
    { name: '8 kB of junk', cookie: `session=${'A'.repeat(8000)}` },
    { name: 'the token under another name', cookie: `sessionid=${header}.${payload}.${signature}` },
  ];
}

/**
 * A correctly signed session for a user that does not exist. Only auth holds the key, and auth signs
 * only for a session row of a real user, so this stands for a leaked key: auth refuses it (no row), the
 * other services treat it as a user with nothing of their own.
 */
export const ghostSession = (key: SigningKey) => realSession(key, { id: randomUUID(), email: 'ghost@example.com' });
