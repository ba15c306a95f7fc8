import { createHmac, createPublicKey, generateKeyPairSync, randomUUID } from 'node:crypto';
import { jwsSignature } from '@microtick/common';
import { TEST_SIGNING_KEY_PEM, testMailEnv, testNatsUrl, testSessionEnv, testSessionKeys } from '@microtick/devstack';
import request from 'supertest';
import { readConfig } from './config';
import { hashPassword } from './http/password';
import { startAuthUnderTest, type AuthUnderTest } from './testing/auth-under-test';

let auth: AuthUnderTest;
let db: AuthUnderTest['db'];
beforeAll(async () => {
  auth = await startAuthUnderTest();
  db = auth.db;
});
afterAll(() => auth.stop());

const appWith = (env: Record<string, string | undefined> = {}) => auth.app(env);

const newEmail = () => `buyer-${randomUUID()}@example.com`;
const password = 'correct horse battery';
const sessionCookieOf = (res: request.Response) =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('session='));
const tokenOf = (res: request.Response) => sessionCookieOf(res)!.split(';')[0].slice('session='.length);
const sidOf = (cookie: string) => JSON.parse(Buffer.from(cookie.split('.')[1], 'base64url').toString()).sid;
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const headerOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString());
const pkcs8 = (type: 'rsa' | 'ed25519', modulusLength?: number) =>
  (type === 'rsa'
    ? generateKeyPairSync('rsa', { modulusLength: modulusLength ?? 2048 })
    : generateKeyPairSync('ed25519')
  ).privateKey
    .export({ format: 'pem', type: 'pkcs8' })
    .toString();

describe('POST /api/users/signup', () => {
  const app = () => appWith();

  it('creates a user, answers 201 {id, email} and sets an HttpOnly SameSite=Lax session cookie', async () => {
    const email = newEmail();
    const res = await request(app()).post('/api/users/signup').send({ email, password }).expect(201);
    expect(res.body).toEqual({ id: expect.any(String), email });
    const cookie = sessionCookieOf(res);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(cookie).toMatch(/Max-Age=3600/); // SESSION_TTL_SECONDS
    expect(cookie).not.toMatch(/Secure/);
  });

  it('marks the cookie Secure in production or when COOKIE_SECURE=true', async () => {
    for (const env of [{ NODE_ENV: 'production' }, { COOKIE_SECURE: 'true' }]) {
      const res = await request(appWith(env))
        .post('/api/users/signup')
        .send({ email: newEmail(), password })
        .expect(201);
      expect(sessionCookieOf(res)).toMatch(/Secure/);
    }
  });

  it('normalises the email and rejects a second sign-up with 409 "Email in use", case-insensitively', async () => {
    const email = newEmail();
    const first = await request(app())
      .post('/api/users/signup')
      .send({ email: `  ${email.toUpperCase()} `, password })
      .expect(201);
    expect(first.body.email).toBe(email);
    const res = await request(app()).post('/api/users/signup').send({ email, password }).expect(409);
    expect(res.body).toEqual({ errors: [{ message: 'Email in use' }] });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [email]);
    expect(rows[0].n).toBe(1);
  });

  it.each([
    [{ email: 'not-an-email', password }, 'email'],
    [{ email: newEmail(), password: 'short' }, 'password'],
    [{ email: newEmail(), password: 'x'.repeat(129) }, 'password'],
    [{ email: newEmail(), password: 'Password123' }, 'password'],
    [{ password }, 'email'],
    [{ email: newEmail() }, 'password'],
    [{ email: 42, password }, 'email'],
    [{ email: newEmail(), password: ['array'] }, 'password'],
  ])('rejects %j with 400 naming the field %s, and creates nothing', async (body, field) => {
    const before = await db.pool.query('SELECT count(*)::int AS n FROM users');
    const res = await request(app()).post('/api/users/signup').send(body).expect(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([expect.objectContaining({ field, message: expect.any(String) })]),
    );
    const after = await db.pool.query('SELECT count(*)::int AS n FROM users');
    expect(after.rows[0].n).toBe(before.rows[0].n);
  });

  it('stores an argon2id hash, never the password, and never returns either', async () => {
    const email = newEmail();
    const res = await request(app()).post('/api/users/signup').send({ email, password }).expect(201);
    const { rows } = await db.pool.query('SELECT password_hash FROM users WHERE email = $1', [email]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(JSON.stringify(res.body)).not.toContain(password);
    expect(JSON.stringify(res.body)).not.toContain(rows[0].password_hash);
  });
});

describe('POST /api/users/signin', () => {
  it('answers 200 {id, email} with a session cookie for the right password', async () => {
    const email = newEmail();
    const signup = await request(appWith()).post('/api/users/signup').send({ email, password }).expect(201);
    const res = await request(appWith())
      .post('/api/users/signin')
      .send({ email: email.toUpperCase(), password })
      .expect(200);
    expect(res.body).toEqual({ id: signup.body.id, email });
    expect(sessionCookieOf(res)).toMatch(/HttpOnly/);
  });

  it('answers the same 400 "Invalid credentials" for a wrong password and an unknown email', async () => {
    const email = newEmail();
    await request(appWith()).post('/api/users/signup').send({ email, password }).expect(201);
    const wrong = await request(appWith())
      .post('/api/users/signin')
      .send({ email, password: 'wrong password' })
      .expect(400);
    const unknown = await request(appWith())
      .post('/api/users/signin')
      .send({ email: newEmail(), password })
      .expect(400);
    expect(wrong.body).toEqual({ errors: [{ message: 'Invalid credentials' }] });
    expect(unknown.body).toEqual(wrong.body);
    expect(sessionCookieOf(wrong)).toBeUndefined();
  });

  it('rate-limits repeated attempts with 429 in the error shape', async () => {
    const app = appWith({ AUTH_RATE_LIMIT: '3' });
    for (let i = 0; i < 3; i += 1) {
      await request(app).post('/api/users/signin').send({ email: newEmail(), password }).expect(400);
    }
    const res = await request(app).post('/api/users/signin').send({ email: newEmail(), password }).expect(429);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String) }] });
  });
});

describe('per-account sign-in limit', () => {
  it('answers 429 after too many failed sign-ins for one account, from any address, and spares other accounts', async () => {
    const app = appWith({ AUTH_ACCOUNT_FAILURE_LIMIT: '3' });
    const victim = newEmail();
    const other = newEmail();
    await request(app).post('/api/users/signup').send({ email: victim, password }).expect(201);
    await request(app).post('/api/users/signup').send({ email: other, password }).expect(201);
    for (let i = 0; i < 3; i += 1) {
      await request(app)
        .post('/api/users/signin')
        .set('X-Forwarded-For', `203.0.113.${i}`)
        .send({ email: victim, password: 'wrong password' })
        .expect(400);
    }
    const blocked = await request(app)
      .post('/api/users/signin')
      .send({ email: victim.toUpperCase(), password })
      .expect(429);
    expect(blocked.body).toEqual({
      errors: [{ message: 'Too many failed sign-ins for this account, try again later' }],
    });
    await request(app).post('/api/users/signin').send({ email: other, password }).expect(200);
  });
});

describe('session', () => {
  it('currentuser returns the signed-in user, and null after sign-out clears the cookie', async () => {
    const agent = request.agent(appWith());
    const email = newEmail();
    const signup = await agent.post('/api/users/signup').send({ email, password }).expect(201);
    const me = await agent.get('/api/users/currentuser').expect(200);
    expect(me.body).toEqual({ currentUser: { id: signup.body.id, email } });
    const out = await agent.post('/api/users/signout').expect(204);
    expect(sessionCookieOf(out)).toMatch(/session=;/);
    await agent.get('/api/users/currentuser').expect(200, { currentUser: null });
  });

  it('treats an expired, over-age, tampered, wrongly signed, HS256, alg=none or wrong-alg token as signed out', async () => {
    const agent = request.agent(appWith());
    const signup = await agent.post('/api/users/signup').send({ email: newEmail(), password }).expect(201);
    const user = { id: signup.body.id, email: signup.body.email };
    const valid = tokenOf(signup);
    const [h, p, s] = valid.split('.');
    const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
    const now = Math.floor(Date.now() / 1000);
    const resigned = (changes: object, key = testSessionKeys.signing) => {
      const payload = Buffer.from(JSON.stringify({ ...claims, ...changes })).toString('base64url');
      return `${h}.${payload}.${jwsSignature(`${h}.${payload}`, key.privateKey)}`;
    };
    const resignedUnder = (header: object) => {
      const input = `${b64(header)}.${p}`;
      return `${input}.${jwsSignature(input, testSessionKeys.signing.privateKey)}`;
    };
    const otherKey = {
      kid: testSessionKeys.signing.kid,
      privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey,
    };
    const hs256With = (secret: string) => {
      const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: testSessionKeys.signing.kid })}.${p}`;
      return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    };
    const publicPem = createPublicKey(testSessionKeys.signing.privateKey).export({ format: 'pem', type: 'spki' });
    const tokens = {
      expired: resigned({ iat: now - 120, exp: now - 10 }),
      overAge: resigned({ iat: now - 3601, exp: now + 10 ** 9 }),
      tampered: `${h}.${b64({ ...claims, sub: randomUUID() })}.${s}`,
      anotherKey: resigned({}, otherKey),
      unknownKid: resignedUnder({ alg: 'RS256', typ: 'JWT', kid: 'not-a-published-kid' }),
      hs256: hs256With('any-key'),
      hs256WithThePublicKey: hs256With(publicPem.toString()),
      eddsaUnderTheRsaKid: resignedUnder({ alg: 'EdDSA', typ: 'JWT', kid: testSessionKeys.signing.kid }),
      none: `${b64({ alg: 'none', typ: 'JWT' })}.${p}.`,
      wrongIssuer: resigned({ iss: 'someone-else' }),
      unknownSession: resigned({ sid: randomUUID() }),
      ghostUser: resigned({ sub: randomUUID() }),
      garbage: 'garbage',
    };
    for (const [name, token] of Object.entries(tokens)) {
      const res = await request(appWith()).get('/api/users/currentuser').set('Cookie', `session=${token}`).expect(200);
      expect({ name, currentUser: res.body.currentUser }).toEqual({ name, currentUser: null });
    }
    expect(headerOf(valid)).toEqual({ alg: 'RS256', typ: 'JWT', kid: testSessionKeys.signing.kid });
    await request(appWith())
      .get('/api/users/currentuser')
      .set('Cookie', `session=${valid}`)
      .expect(200, { currentUser: user });
    // The same header re-signed by the real key passes: the refusals above are not about resigning.
    await request(appWith())
      .get('/api/users/currentuser')
      .set('Cookie', `session=${resignedUnder({ alg: 'RS256', typ: 'JWT', kid: testSessionKeys.signing.kid })}`)
      .expect(200, { currentUser: user });
  });

  it('refuses a copied cookie after sign-out, and publishes the revocation', async () => {
    const app = appWith();
    const signup = await request(app).post('/api/users/signup').send({ email: newEmail(), password }).expect(201);
    const copied = `session=${tokenOf(signup)}`;
    await request(app).get('/api/users/currentuser').set('Cookie', copied).expect(200, { currentUser: signup.body });
    await request(app).post('/api/users/signout').set('Cookie', copied).expect(204);
    await request(app).get('/api/users/currentuser').set('Cookie', copied).expect(200, { currentUser: null });
    await request(app)
      .put('/api/users/password')
      .set('Cookie', copied)
      .send({ currentPassword: password, newPassword: 'another long passphrase' })
      .expect(401);
    const { rows } = await db.pool.query("SELECT envelope FROM outbox WHERE subject = 'user.session-revoked'");
    expect(rows.map((r) => r.envelope.data)).toContainEqual({ userId: signup.body.id, sessionIds: [sidOf(copied)] });
  });

  it('publishes the keys sessions are signed with at /api/users/.well-known/jwks.json', async () => {
    const res = await request(appWith()).get('/api/users/.well-known/jwks.json').expect(200);
    expect(res.body).toEqual(testSessionKeys.jwks);
    expect(Object.keys(res.body.keys[0]).sort()).toEqual(['alg', 'e', 'kid', 'kty', 'n', 'use']);
    expect(res.body.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
  });

  it('keeps sessions signed with an Ed25519 key valid after a rotation to an RSA key that lists it as previous', async () => {
    const ed25519 = pkcs8('ed25519');
    const before = appWith({ AUTH_SIGNING_KEY: ed25519 });
    const email = newEmail();
    const signup = await request(before).post('/api/users/signup').send({ email, password }).expect(201);
    const oldCookie = `session=${tokenOf(signup)}`;
    expect(headerOf(tokenOf(signup)).alg).toBe('EdDSA');
    await request(before).get('/api/users/currentuser').set('Cookie', oldCookie).expect(200);

    const after = appWith({ AUTH_SIGNING_KEY: TEST_SIGNING_KEY_PEM, AUTH_PREVIOUS_SIGNING_KEYS: ed25519 });
    const jwks = await request(after).get('/api/users/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys.map((k: { kty: string; alg: string }) => [k.kty, k.alg])).toEqual([
      ['RSA', 'RS256'],
      ['OKP', 'EdDSA'],
    ]);
    await request(after)
      .get('/api/users/currentuser')
      .set('Cookie', oldCookie)
      .expect(200, { currentUser: { id: signup.body.id, email } });
    const signin = await request(after).post('/api/users/signin').send({ email, password }).expect(200);
    expect(headerOf(tokenOf(signin)).alg).toBe('RS256');
  });
});

describe('PUT /api/users/password', () => {
  const newPassword = 'a brand new passphrase';

  it('answers 204, revokes every other session of the user and keeps this one', async () => {
    const app = appWith();
    const email = newEmail();
    const first = await request(app).post('/api/users/signup').send({ email, password }).expect(201);
    const second = await request(app).post('/api/users/signin').send({ email, password }).expect(200);
    const [here, elsewhere] = [`session=${tokenOf(second)}`, `session=${tokenOf(first)}`];

    await request(app)
      .put('/api/users/password')
      .set('Cookie', here)
      .send({ currentPassword: password, newPassword })
      .expect(204);
    await request(app).get('/api/users/currentuser').set('Cookie', elsewhere).expect(200, { currentUser: null });
    await request(app).get('/api/users/currentuser').set('Cookie', here).expect(200, { currentUser: first.body });
    await request(app).post('/api/users/signin').send({ email, password }).expect(400);
    await request(app).post('/api/users/signin').send({ email, password: newPassword }).expect(200);
    const { rows } = await db.pool.query("SELECT envelope FROM outbox WHERE subject = 'user.session-revoked'");
    expect(rows.map((r) => r.envelope.data)).toContainEqual({ userId: first.body.id, sessionIds: [sidOf(elsewhere)] });
  });

  it('answers 400 "Invalid credentials" for a wrong current password and changes nothing', async () => {
    const app = appWith();
    const email = newEmail();
    const signup = await request(app).post('/api/users/signup').send({ email, password }).expect(201);
    const res = await request(app)
      .put('/api/users/password')
      .set('Cookie', `session=${tokenOf(signup)}`)
      .send({ currentPassword: 'not the password', newPassword })
      .expect(400);
    expect(res.body).toEqual({ errors: [{ message: 'Invalid credentials' }] });
    await request(app).post('/api/users/signin').send({ email, password }).expect(200);
  });

  it('answers 401 signed out and 400 for a new password that breaks the rules', async () => {
    const app = appWith();
    await request(app).put('/api/users/password').send({ currentPassword: password, newPassword }).expect(401);
    const email = `someone.special-${randomUUID().slice(0, 8)}@example.com`;
    const signup = await request(app).post('/api/users/signup').send({ email, password }).expect(201);
    for (const bad of ['eleven char', 'password1234', ` ${email.split('@')[0].toUpperCase()} `, 'x'.repeat(129)]) {
      const res = await request(app)
        .put('/api/users/password')
        .set('Cookie', `session=${tokenOf(signup)}`)
        .send({ currentPassword: password, newPassword: bad })
        .expect(400);
      expect(res.body.errors[0].field).toBe('newPassword');
    }
  });
});

describe('new password rules', () => {
  it.each([
    ['eleven char', /between 12 and 128/],
    ['aaaaaaaaaaaaaaaa', /one character repeated/],
    ['            ', /one character repeated/],
    ['password1234', /most common/],
  ])('refuses %j at sign-up', async (bad, message) => {
    const res = await request(appWith())
      .post('/api/users/signup')
      .send({ email: newEmail(), password: bad })
      .expect(400);
    expect(res.body.errors).toEqual([{ field: 'password', message: expect.stringMatching(message) }]);
  });

  it('refuses a password containing the email’s local part', async () => {
    const email = `marguerite-${randomUUID().slice(0, 6)}@example.com`;
    const res = await request(appWith())
      .post('/api/users/signup')
      .send({ email, password: `my ${email} pass` })
      .expect(400);
    expect(res.body.errors[0].message).toMatch(/email/);
  });

  it('still signs in an existing user whose password has only 8 characters', async () => {
    const email = newEmail();
    await db.pool.query('INSERT INTO users (email, password_hash) VALUES ($1, $2)', [
      email,
      await hashPassword('eight888'),
    ]);
    await request(appWith()).post('/api/users/signin').send({ email, password: 'eight888' }).expect(200);
  });
});

describe('limits shared by replicas', () => {
  it('counts sign-ins from one address across two instances sharing Redis: 429 with Retry-After', async () => {
    const [a, b] = auth.replicas(2, { AUTH_RATE_LIMIT: '4' });
    for (const app of [a, b, a, b]) {
      await request(app).post('/api/users/signin').send({ email: newEmail(), password }).expect(400);
    }
    const res = await request(a).post('/api/users/signin').send({ email: newEmail(), password }).expect(429);
    expect(res.body).toEqual({ errors: [{ message: 'Too many requests, try again later' }] });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(res.headers['ratelimit-policy']).toBe('4;w=900');
  });

  it('counts a user’s writes across two instances sharing Redis', async () => {
    const [a, b] = auth.replicas(2, { WRITE_RATE_LIMIT: '3' });
    const signup = await request(a).post('/api/users/signup').send({ email: newEmail(), password }).expect(201);
    const cookie = `session=${tokenOf(signup)}`;
    for (const app of [a, b, a]) {
      await request(app)
        .put('/api/users/password')
        .set('Cookie', cookie)
        .send({ currentPassword: 'wrong one', newPassword: 'whatever passphrase' })
        .expect(400);
    }
    const res = await request(b)
      .put('/api/users/password')
      .set('Cookie', cookie)
      .send({ currentPassword: password, newPassword: 'whatever passphrase' })
      .expect(429);
    expect(res.headers['retry-after']).toBeDefined();
  });
});

describe('hostile requests', () => {
  it('answers malformed JSON with 400 in the error shape', async () => {
    const res = await request(appWith())
      .post('/api/users/signup')
      .set('Content-Type', 'application/json')
      .send('{"email": ')
      .expect(400);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is not valid JSON' }] });
  });

  it('answers a non-JSON body with 415 and an oversized one with 413', async () => {
    await request(appWith()).post('/api/users/signup').set('Content-Type', 'text/plain').send('email=a').expect(415);
    await request(appWith()).post('/api/users/signup').type('form').send({ email: 'a', password: 'b' }).expect(415);
    const res = await request(appWith())
      .post('/api/users/signup')
      .send({ email: newEmail(), password, padding: 'x'.repeat(100_000) })
      .expect(413);
    expect(res.body.errors[0].message).toMatch(/too large/);
  });

  it('answers unknown routes with 404 in the error shape, without x-powered-by', async () => {
    const res = await request(appWith()).get('/api/users/nope').expect(404);
    expect(res.body).toEqual({ errors: [{ message: 'Route not found' }] });
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it('ignores prototype-pollution keys', async () => {
    const body = `{"email":"${newEmail()}","password":"${password}","__proto__":{"admin":true},"constructor":{"prototype":{"admin":true}}}`;
    await request(appWith()).post('/api/users/signup').set('Content-Type', 'application/json').send(body).expect(201);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });
});

describe('operations', () => {
  it('serves /alive, /health with the database status, and /metrics', async () => {
    await request(appWith()).get('/alive').expect(200, { status: 'ok' });
    await request(appWith())
      .get('/health')
      .expect(200, { status: 'ok', checks: { database: 'ok' } });
    const metrics = await request(appWith()).get('/metrics').expect(200);
    expect(metrics.text).toContain('http_request_duration_seconds');
  });

  it('refuses a signing key that is not an RSA key of 2048 bits or more or an Ed25519 key, naming it', () => {
    const env = { DATABASE_URL: db.url, NATS_URL: testNatsUrl(), ...testSessionEnv(), ...testMailEnv() };
    expect(() => readConfig({ ...env, AUTH_SIGNING_KEY: 'not a key' })).toThrow(/AUTH_SIGNING_KEY must be/);
    expect(() => readConfig({ ...env, AUTH_PREVIOUS_SIGNING_KEYS: 'not a key' })).toThrow(
      /AUTH_PREVIOUS_SIGNING_KEYS must be/,
    );
    const small = pkcs8('rsa', 1024);
    expect(() => readConfig({ ...env, AUTH_SIGNING_KEY: small })).toThrow(
      /AUTH_SIGNING_KEY must be an RSA private key of at least 2048 bits .*this one is rsa of 1024 bits/,
    );
    expect(() => readConfig({ ...env, AUTH_PREVIOUS_SIGNING_KEYS: small })).toThrow(
      /AUTH_PREVIOUS_SIGNING_KEYS must be .*this one is rsa of 1024 bits/,
    );
    // Both kinds a deployment may hold read as they are, also base64-encoded on one line.
    for (const key of [pkcs8('rsa'), pkcs8('ed25519')]) {
      expect(readConfig({ ...env, AUTH_SIGNING_KEY: key }).AUTH_SIGNING_KEY).toBe(key);
      const oneLine = Buffer.from(key).toString('base64');
      expect(readConfig({ ...env, AUTH_SIGNING_KEY: oneLine }).AUTH_SIGNING_KEY).toBe(oneLine);
    }
  });

  it('refuses to start without its configuration, naming what is missing', () => {
    expect(() => readConfig({})).toThrow(
      /DATABASE_URL is missing[\s\S]*NATS_URL is missing[\s\S]*REDIS_URL is missing[\s\S]*AUTH_SIGNING_KEY is missing/,
    );
  });
});
