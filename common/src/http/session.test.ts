import {
  createHash,
  createHmac,
  createPublicKey,
  generateKeyPairSync,
  randomUUID,
  verify,
  type KeyObject,
} from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { testLogger } from '@microtick/devstack';
import {
  currentUser,
  jwsSignature,
  JWT_ISSUER,
  SESSION_COOKIE,
  sessionVerifier,
  signSession,
  verifySessionToken,
  type SessionVerifier,
} from './session';
import { keysFromJwks, loadSigningKeys, localKeys, publishedJwks, remoteKeys, type Jwks } from './session-keys';

// The real node:crypto, with verify watched: the session check must not hand a callback to the thread pool.
jest.mock('node:crypto', () => {
  const actual = jest.requireActual('node:crypto');
  return { ...actual, verify: jest.fn(actual.verify) };
});

const pkcs8 = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }).toString();
const rsaPem = (modulusLength = 2048) => pkcs8(generateKeyPairSync('rsa', { modulusLength }).privateKey);
const ed25519Pem = () => pkcs8(generateKeyPairSync('ed25519').privateKey);
const newKeyPem = () => rsaPem();
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

  it('signs RS256 with an RSA key, publishes it as an RSA JWK under its RFC 7638 thumbprint, and verifies it', async () => {
    const good = token();
    expect(JSON.parse(Buffer.from(good.split('.')[0], 'base64url').toString())).toEqual({
      alg: 'RS256',
      typ: 'JWT',
      kid: keys.signing.kid,
    });
    const { n, e } = createPublicKey(keys.signing.privateKey).export({ format: 'jwk' });
    const kid = createHash('sha256').update(`{"e":"${e}","kty":"RSA","n":"${n}"}`).digest('base64url');
    expect(keys.jwks.keys).toEqual([{ kty: 'RSA', n, e, kid, alg: 'RS256', use: 'sig' }]);
    expect(keys.signing.kid).toBe(kid);
    expect(await userFor(verifierFor(keys.jwks), good)).toEqual(user);
  });

  it('checks the signature synchronously: no callback, so no job on the thread pool', async () => {
    const watched = jest.mocked(verify);
    watched.mockClear();
    const session = await verifySessionToken(token(), localKeys(keys.jwks), 3600);
    expect(session?.user).toEqual(user);
    expect(watched).toHaveBeenCalledTimes(1);
    expect(watched.mock.calls[0]).toHaveLength(4); // data, key, signature: the answer is returned, not called back
  });

  it('refuses tokens signed with another RSA key, under its own kid or under the real one', async () => {
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

  it('refuses HS256 (also keyed with the public key as PEM, JWK or modulus), alg none and a tampered payload', async () => {
    const verifier = verifierFor(keys.jwks);
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: JWT_ISSUER, sub: user.id, email: user.email, sid: randomUUID(), iat: now, exp: now + 60 };
    const hs256 = (secret: string | Buffer) => {
      const signingInput = `${b64({ alg: 'HS256', typ: 'JWT', kid: keys.signing.kid })}.${b64(claims)}`;
      return `${signingInput}.${createHmac('sha256', secret).update(signingInput).digest('base64url')}`;
    };
    const publicKey = createPublicKey(keys.signing.privateKey);
    for (const secret of [
      'any-key-at-all-0123456789abcdef',
      publicKey.export({ format: 'pem', type: 'spki' }).toString(),
      publicKey.export({ format: 'pem', type: 'pkcs1' }).toString(),
      JSON.stringify(keys.jwks.keys[0]),
      Buffer.from((keys.jwks.keys[0] as { n: string }).n, 'base64url'),
    ])
      expect(await userFor(verifier, hs256(secret))).toBeUndefined();
    expect(await userFor(verifier, `${b64({ alg: 'none', kid: keys.signing.kid })}.${b64(claims)}.`)).toBeUndefined();

    const [header, , signature] = token().split('.');
    expect(await userFor(verifier, `${header}.${b64({ ...claims, sub: randomUUID() })}.${signature}`)).toBeUndefined();
    // The same claims, honestly signed, pass: the refusals above are about the signature alone.
    const signingInput = `${header}.${b64(claims)}`;
    expect(await userFor(verifier, `${signingInput}.${jwsSignature(signingInput, keys.signing.privateKey)}`)).toEqual(
      user,
    );
  });

  it('refuses a header whose alg is not its key’s: EdDSA under an RSA kid, RS256 under an Ed25519 kid', async () => {
    // Both keys published, each token signed by the very key its kid names: only the alg is wrong.
    const ed = loadSigningKeys(ed25519Pem());
    const verifier = verifierFor({ keys: [...keys.jwks.keys, ...ed.jwks.keys] });
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: JWT_ISSUER, sub: user.id, email: user.email, sid: randomUUID(), iat: now, exp: now + 60 };
    const signedAs = (alg: string, key: { kid: string; privateKey: KeyObject }) => {
      const signingInput = `${b64({ alg, typ: 'JWT', kid: key.kid })}.${b64(claims)}`;
      return `${signingInput}.${jwsSignature(signingInput, key.privateKey)}`;
    };
    expect(await userFor(verifier, signedAs('EdDSA', keys.signing))).toBeUndefined();
    expect(await userFor(verifier, signedAs('RS256', ed.signing))).toBeUndefined();
    expect(await userFor(verifier, signedAs('PS256', keys.signing))).toBeUndefined();
    expect(await userFor(verifier, signedAs('rs256', keys.signing))).toBeUndefined();
    // The right alg for each key passes.
    expect(await userFor(verifier, signedAs('RS256', keys.signing))).toEqual(user);
    expect(await userFor(verifier, signedAs('EdDSA', ed.signing))).toEqual(user);
  });

  it('still signs EdDSA with an Ed25519 key (a deployment from before RS256) and verifies it', async () => {
    const ed = loadSigningKeys(ed25519Pem());
    expect(ed.jwks.keys).toEqual([
      { kty: 'OKP', crv: 'Ed25519', x: expect.any(String), kid: ed.signing.kid, alg: 'EdDSA', use: 'sig' },
    ]);
    const edToken = signSession(user, { key: ed.signing, sessionId: randomUUID(), ttlSeconds: 60 });
    expect(JSON.parse(Buffer.from(edToken.split('.')[0], 'base64url').toString()).alg).toBe('EdDSA');
    expect(await userFor(verifierFor(ed.jwks), edToken)).toEqual(user);
  });

  it('keeps accepting tokens of an Ed25519 key rotated out for an RSA one, and signs RS256 from then on', async () => {
    const before = loadSigningKeys(ed25519Pem());
    const oldToken = signSession(user, { key: before.signing, sessionId: randomUUID(), ttlSeconds: 60 });
    const after = loadSigningKeys(rsaPem(), pkcs8(before.signing.privateKey));
    expect(after.jwks.keys.map((k) => [k.kty, k.kid])).toEqual([
      ['RSA', after.signing.kid],
      ['OKP', before.signing.kid],
    ]);
    const verifier = verifierFor(after.jwks);
    expect(await userFor(verifier, oldToken)).toEqual(user);
    const newToken = signSession(user, { key: after.signing, sessionId: randomUUID(), ttlSeconds: 60 });
    expect(JSON.parse(Buffer.from(newToken.split('.')[0], 'base64url').toString()).alg).toBe('RS256');
    expect(await userFor(verifier, newToken)).toEqual(user);
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

  it('refuses an RSA key under 2048 bits, as the signing key or a previous one, naming the rule', () => {
    const small = rsaPem(1024);
    const rule = /RSA key of at least 2048 bits .*; this one is rsa of 1024 bits/;
    expect(() => loadSigningKeys(small)).toThrow(rule);
    expect(() => publishedJwks(small)).toThrow(rule);
    expect(() => loadSigningKeys(rsaPem(), small)).toThrow(rule);
  });

  it('refuses a key that is neither RSA nor Ed25519', () => {
    expect(() => loadSigningKeys(pkcs8(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey))).toThrow(
      /this one is ec/,
    );
  });
});

describe('keysFromJwks', () => {
  it('takes RSA and Ed25519 keys filed under their own thumbprint and ignores an RSA entry under a wrong kid', () => {
    const ed = loadSigningKeys(ed25519Pem());
    const other = loadSigningKeys(rsaPem());
    const [rsaJwk] = keys.jwks.keys;
    expect([...keysFromJwks({ keys: [rsaJwk, ...ed.jwks.keys] }).keys()]).toEqual([keys.signing.kid, ed.signing.kid]);
    expect(keysFromJwks({ keys: [{ ...rsaJwk, kid: other.signing.kid }] }).size).toBe(0);
    expect(keysFromJwks({ keys: [{ ...rsaJwk, kid: 'made-up' }] }).size).toBe(0);
  });

  it('ignores an RSA key under 2048 bits, an entry naming another alg or use, and anything else', () => {
    const small = createPublicKey(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey);
    const { n, e } = small.export({ format: 'jwk' });
    const smallKid = createHash('sha256').update(`{"e":"${e}","kty":"RSA","n":"${n}"}`).digest('base64url');
    const [rsaJwk] = keys.jwks.keys;
    const ec = createPublicKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey).export({ format: 'jwk' });
    expect(
      keysFromJwks({
        keys: [
          { kty: 'RSA', n, e, kid: smallKid, alg: 'RS256', use: 'sig' },
          { ...rsaJwk, alg: 'PS256' },
          { ...rsaJwk, alg: 'HS256' },
          { ...rsaJwk, use: 'enc' },
          { ...ec, kid: 'ec' },
          { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
          null,
          'junk',
        ],
      }).size,
    ).toBe(0);
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

  it('ignores a published RSA key filed under another key’s kid', async () => {
    const other = loadSigningKeys(newKeyPem());
    served = { keys: [{ ...other.jwks.keys[0], kid: keys.signing.kid }] };
    const source = remoteKeys({ url, logger: testLogger });
    expect(await source.key(keys.signing.kid)).toBeUndefined();
  });
});
