import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { JWT_ISSUER, signSession, type SigningKey } from '@microtick/common';

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const cookie = (token: string) => `session=${token}`;

export interface Identity {
  name: string;
  cookie: string;
}

/** A real session as auth issues it: EdDSA with the stack's key (its session id is made up). */
export const realSession = (key: SigningKey, user: { id: string; email: string }) =>
  cookie(signSession(user, { key, sessionId: randomUUID(), ttlSeconds: 3600 }));

/** Claims of our choosing, signed with `key` under `header`. */
const signed = (key: SigningKey, claims: object, header: object = { alg: 'EdDSA', typ: 'JWT', kid: key.kid }) => {
  const input = `${b64(header)}.${b64(claims)}`;
  return cookie(`${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`);
};

/** Session cookies that claim to be `victim` (or nobody) and must all be treated as signed out. */
export function forgedSessions(key: SigningKey, victim: { id: string; email: string }): Identity[] {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: JWT_ISSUER, sub: victim.id, email: victim.email, sid: randomUUID(), iat: now, exp: now + 3600 };
  const [header, payload, signature] = realSession(key, victim).slice('session='.length).split('.');
  const otherKey = { kid: key.kid, privateKey: generateKeyPairSync('ed25519').privateKey };
  const hs256Input = `${b64({ alg: 'HS256', typ: 'JWT', kid: key.kid })}.${b64(claims)}`;
  return [
    { name: 'garbage', cookie: 'session=garbage' },
    { name: 'empty', cookie: 'session=' },
    { name: 'three empty parts', cookie: 'session=..' },
    { name: 'signed with another key under the real kid', cookie: signed(otherKey, claims) },
    { name: 'unknown kid', cookie: signed(key, claims, { alg: 'EdDSA', typ: 'JWT', kid: 'not-a-published-kid' }) },
    {
      name: 'HS256',
      cookie: cookie(`${hs256Input}.${createHmac('sha256', 'not-the-key').update(hs256Input).digest('base64url')}`),
    },
    { name: 'expired', cookie: signed(key, { ...claims, iat: now - 3600, exp: now - 60 }) },
    {
      name: 'older than the session TTL, far exp',
      cookie: signed(key, { ...claims, iat: now - 400 * 24 * 3600, exp: 10 ** 12 }),
    },
    { name: 'not valid yet', cookie: signed(key, { ...claims, nbf: now + 3600 }) },
    { name: 'alg none', cookie: cookie(`${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`) },
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
