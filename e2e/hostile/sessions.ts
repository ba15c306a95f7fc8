import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';

const ISSUER = 'microtick';
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const cookie = (token: string) => `session=${token}`;

export interface Identity {
  name: string;
  cookie: string;
}

/** A real session as auth issues it: HS256 with the stack's key. */
export const realSession = (jwtKey: string, user: { id: string; email: string }, options: jwt.SignOptions = {}) =>
  cookie(
    jwt.sign({ id: user.id, email: user.email }, jwtKey, {
      algorithm: 'HS256',
      issuer: ISSUER,
      expiresIn: 3600,
      ...options,
    }),
  );

/** Session cookies that claim to be `victim` (or nobody) and must all be treated as signed out. */
export function forgedSessions(jwtKey: string, victim: { id: string; email: string }): Identity[] {
  const claims = { id: victim.id, email: victim.email };
  const now = Math.floor(Date.now() / 1000);
  const [header, payload, signature] = realSession(jwtKey, victim).slice('session='.length).split('.');
  return [
    { name: 'garbage', cookie: 'session=garbage' },
    { name: 'empty', cookie: 'session=' },
    { name: 'three empty parts', cookie: 'session=..' },
    { name: 'signed with another key', cookie: cookie(jwt.sign(claims, 'not-the-key-'.repeat(4), { issuer: ISSUER })) },
    {
      name: 'expired',
      cookie: cookie(jwt.sign({ ...claims, exp: now - 60, iat: now - 3600 }, jwtKey, { issuer: ISSUER })),
    },
    { name: 'not valid yet', cookie: cookie(jwt.sign({ ...claims, nbf: now + 3600 }, jwtKey, { issuer: ISSUER })) },
    {
      name: 'alg none',
      cookie: cookie(
        `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ ...claims, iss: ISSUER, iat: now, exp: now + 3600 })}.`,
      ),
    },
    {
      name: 'alg HS512 with the key',
      cookie: cookie(jwt.sign(claims, jwtKey, { algorithm: 'HS512', issuer: ISSUER })),
    },
    { name: 'another issuer', cookie: cookie(jwt.sign(claims, jwtKey, { issuer: 'someone-else' })) },
    { name: 'no issuer', cookie: cookie(jwt.sign(claims, jwtKey)) },
    {
      name: 'payload swapped, signature kept',
      cookie: cookie(`${header}.${b64({ ...claims, id: randomUUID(), iss: ISSUER, exp: now + 3600 })}.${signature}`),
    },
    { name: 'signature stripped', cookie: cookie(`${header}.${payload}.`) },
    {
      name: 'id not a uuid, signed with the key',
      cookie: realSession(jwtKey, { id: "1' OR '1'='1", email: victim.email }),
    },
    {
      name: 'id missing, signed with the key',
      cookie: cookie(jwt.sign({ email: victim.email }, jwtKey, { issuer: ISSUER })),
    },
    { name: 'cookie-parser JSON cookie', cookie: `session=j%3A${encodeURIComponent(JSON.stringify(claims))}` },
    { name: 'bad percent-encoding', cookie: 'session=%E0%A4%A' },
    { name: '8 kB of junk', cookie: `session=${'A'.repeat(8000)}` },
    { name: 'the token under another name', cookie: `sessionid=${header}.${payload}.${signature}` },
  ];
}

/** A correctly signed session for a user that does not exist: stateless JWTs are trusted until they expire. */
export const ghostSession = (jwtKey: string) => realSession(jwtKey, { id: randomUUID(), email: 'ghost@example.com' });
