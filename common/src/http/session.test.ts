import { createHmac, generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { testLogger } from '@microtick/devstack';
import { currentUser, JWT_ISSUER, SESSION_COOKIE, sessionVerifier, signSession, type SessionVerifier } from './session';
import { loadSigningKeys, localKeys, remoteKeys, type Jwks } from './session-keys';

const newKeyPem = () => generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
const keys = loadSigningKeys(newKeyPem());
const user = { id: randomUUID(), email: 'buyer@example.com' };
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

const verifierFor = (jwks: Jwks, revoked = new Set<string>(), maxAgeSeconds = 3600) =>
  sessionVerifier({ keys: localKeys(jwks), maxAgeSeconds, isRevoked: (s) => revoked.has(s.sessionId) });

async function userFor(verifier: SessionVerifier, token: string) {
  const req = { cookies: { [SESSION_COOKIE]: token } } as unknown as Request;
  await currentUser(verifier)(req, {} as Response, () => undefined);
  return req.currentUser;
}

const token = (options: { sessionId?: string; ttlSeconds?: number; issuedAt?: number } = {}) =>
  signSession(user, { key: keys.signing, sessionId: options.sessionId ?? randomUUID(), ttlSeconds: 60, ...options });

describe('session tokens', () => {
  afterEach(() => jest.useRealTimers());

  it('signs a session out when its token expires, also after the token was accepted before', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-26T12:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const verifier = verifierFor(keys.jwks);
    const good = token({ ttlSeconds: 60 });

    expect(await userFor(verifier, good)).toEqual(user);
    jest.setSystemTime(new Date('2026-11-26T12:00:59Z'));
    expect(await userFor(verifier, good)).toEqual(user);
    jest.setSystemTime(new Date('2026-11-26T12:01:00Z'));
    expect(await userFor(verifier, good)).toBeUndefined();
  });

  it('refuses a token older than the maximum age whatever its exp says', async () => {
    const now = Math.floor(Date.now() / 1000);
    const overAge = token({ issuedAt: now - 3601, ttlSeconds: 10 ** 12 });
    expect(await userFor(verifierFor(keys.jwks), overAge)).toBeUndefined();
    expect(await userFor(verifierFor(keys.jwks), token({ issuedAt: now - 3500, ttlSeconds: 10 ** 12 }))).toEqual(user);
  });

  it('refuses a revoked session, also when its token was accepted before', async () => {
    const revoked = new Set<string>();
    const verifier = verifierFor(keys.jwks, revoked);
    const sessionId = randomUUID();
    const good = token({ sessionId });
    expect(await userFor(verifier, good)).toEqual(user);
    revoked.add(sessionId);
    expect(await userFor(verifier, good)).toBeUndefined();
  });

  it('refuses tokens signed with another Ed25519 key, under its own kid or under the real one', async () => {
    const other = loadSigningKeys(newKeyPem());
    const verifier = verifierFor(keys.jwks);
    const sessionId = randomUUID();
    expect(
      await userFor(verifier, signSession(user, { key: other.signing, sessionId, ttlSeconds: 60 })),
    ).toBeUndefined();
    const underRealKid = { kid: keys.signing.kid, privateKey: other.signing.privateKey };
    expect(
      await userFor(verifier, signSession(user, { key: underRealKid, sessionId, ttlSeconds: 60 })),
    ).toBeUndefined();
  });

  it('refuses HS256 (also keyed with the public key), alg none and a tampered payload', async () => {
    const verifier = verifierFor(keys.jwks);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: JWT_ISSUER, sub: user.id, email: user.email, sid: randomUUID(), iat: now, exp: now + 60 };
    const hs256 = (secret: string | Buffer) => {
      const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: keys.signing.kid })}.${b64(claims)}`;
      return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
    };
    expect(await userFor(verifier, hs256('any-key-at-all-0123456789abcdef'))).toBeUndefined();
    expect(await userFor(verifier, hs256(Buffer.from(keys.jwks.keys[0].x, 'base64url')))).toBeUndefined();
    expect(await userFor(verifier, `${b64({ alg: 'none', kid: keys.signing.kid })}.${b64(claims)}.`)).toBeUndefined();

    const [header, , signature] = token().split('.');
    expect(await userFor(verifier, `${header}.${b64({ ...claims, sub: randomUUID() })}.${signature}`)).toBeUndefined();
    // The same claims, honestly signed, pass: the refusals above are about the signature alone.
    const signingInput = `${header}.${b64(claims)}`;
    const honest = `${signingInput}.${sign(null, Buffer.from(signingInput), keys.signing.privateKey).toString('base64url')}`;
    expect(await userFor(verifier, honest)).toEqual(user);
  });

  it('keeps accepting tokens of a rotated-out key that is still published', async () => {
    const next = loadSigningKeys(
      newKeyPem(),
      newKeyPem() + keys.signing.privateKey.export({ format: 'pem', type: 'pkcs8' }),
    );
    const verifier = verifierFor(next.jwks);
    expect(next.jwks.keys.map((k) => k.kid)).toContain(keys.signing.kid);
    expect(await userFor(verifier, token())).toEqual(user);
    expect(
      await userFor(verifier, signSession(user, { key: next.signing, sessionId: randomUUID(), ttlSeconds: 60 })),
    ).toEqual(user);
  });
});

describe('loadSigningKeys', () => {
  it('reads keys base64-encoded on one line (as an env file holds them) like their PEM', () => {
    const current = newKeyPem();
    const previous = [newKeyPem(), newKeyPem()];
    const oneLine = (pem: string) => Buffer.from(pem).toString('base64');
    expect(loadSigningKeys(oneLine(current), previous.map(oneLine).join(',')).jwks).toEqual(
      loadSigningKeys(current, previous.join('\n')).jwks,
    );
  });

  it('refuses a key that is not Ed25519', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'pem', type: 'pkcs8' });
    expect(() => loadSigningKeys(rsa.toString())).toThrow(/Ed25519/);
  });
});

describe('remoteKeys', () => {
  let server: Server;
  let served: Jwks;
  let fetches = 0;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      fetches += 1;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(served));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('fetches again for an unknown kid (a rotation), but not more than once per interval', async () => {
    served = keys.jwks;
    fetches = 0;
    const source = remoteKeys({ url, logger: testLogger, refetchIntervalMs: 60_000 });
    expect(await source.key(keys.signing.kid)).toBeDefined();
    expect(fetches).toBe(1);

    const rotated = loadSigningKeys(
      newKeyPem(),
      keys.signing.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    );
    served = rotated.jwks;
    for (let i = 0; i < 20; i++) expect(await source.key('made-up-kid')).toBeUndefined();
    expect(fetches).toBe(1); // a flood of made-up kids within the interval asks auth nothing

    served = keys.jwks;
    const rotating = remoteKeys({ url, logger: testLogger, refetchIntervalMs: 0 });
    expect(await rotating.key(keys.signing.kid)).toBeDefined();
    served = rotated.jwks;
    expect(await rotating.key(rotated.signing.kid)).toBeDefined();
    expect(fetches).toBe(3);
  });

  it('answers 503, not "Not signed in", while it has no keys because auth cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const unreachable = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/jwks.json`;
    await new Promise((resolve) => closed.close(resolve));
    const verifier = sessionVerifier({
      keys: remoteKeys({ url: unreachable, logger: testLogger }),
      maxAgeSeconds: 3600,
      isRevoked: () => false,
    });
    await expect(userFor(verifier, token())).rejects.toMatchObject({ status: 503 });
  });

  it('ignores a published key filed under another key’s kid', async () => {
    const other = loadSigningKeys(newKeyPem());
    served = { keys: [{ ...other.jwks.keys[0], kid: keys.signing.kid }] };
    const source = remoteKeys({ url, logger: testLogger });
    expect(await source.key(keys.signing.kid)).toBeUndefined();
  });
});
