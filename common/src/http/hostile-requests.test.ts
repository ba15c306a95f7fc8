import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Router } from 'express';
import request from 'supertest';
import { sessionCookie, testLogger, testSessionKeys, testSessionVerifier } from '@microtick/devstack';
import { createServiceApp } from './create-app';
import { priceSchema } from '../money';
import { parseIdParam } from './validation';
import { jwsSignature, JWT_ISSUER, signSession, verifySessionToken } from './session';
import { localKeys } from './session-keys';

// Found by e2e/hostile-input: each of these answered 500 before.
/** Sends a Buffer as its bytes (supertest would serialise it as JSON). */
const raw = (body: Buffer) => body as unknown as string;
const keys = localKeys(testSessionKeys.jwks);
/** A token signed with the real key whose claims are whatever the test says. */
function signedClaims(claims: object): string {
  const valid = signSession(
    { id: randomUUID(), email: 'x@example.com' },
    { key: testSessionKeys.signing, sessionId: randomUUID(), ttlSeconds: 60 },
  );
  const [header] = valid.split('.');
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${header}.${payload}.${jwsSignature(`${header}.${payload}`, testSessionKeys.signing.privateKey)}`;
}

function appUnderTest() {
  const routes = Router()
    .get('/things/:id', (req, res) => {
      res.json({ id: parseIdParam(req.params.id) });
    })
    .post('/things', (req, res) => {
      res.status(201).json({ received: req.body });
    })
    .get('/me', (req, res) => {
      res.json({ currentUser: req.currentUser ?? null });
    });
  return createServiceApp({
    name: 'test',
    logger: testLogger,
    sessions: testSessionVerifier(),
    healthChecks: {},
    routes,
  });
}

describe('cross-site writes', () => {
  const app = appUnderTest();

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])(
    'refuses a %s that the browser says another site started with 403',
    async (method) => {
      const agent = request(app);
      const res = await agent[method.toLowerCase() as 'post']('/things')
        .set('Sec-Fetch-Site', 'cross-site')
        .set('Content-Type', 'application/json')
        .send('{}')
        .expect(403);
      expect(res.body).toEqual({ errors: [{ message: 'Cross-site requests are not allowed' }] });
    },
  );

  it.each([
    ['a sibling subdomain (same-site), whatever its Origin says', { 'Sec-Fetch-Site': 'same-site' }],
    ['another origin, by its Origin header, from a browser without Fetch Metadata', { Origin: 'https://evil.example' }],
    ['another port of the same host, by its Origin header', { Origin: 'http://shop.test:8080' }],
    ['an opaque origin ("null")', { Origin: 'null' }],
  ])('refuses a write from %s with 403', async (_case, headers) => {
    const res = await request(app)
      .post('/things')
      .set('Host', 'shop.test')
      .set(headers)
      .set('Content-Type', 'application/json')
      .send('{}')
      .expect(403);
    expect(res.body).toEqual({ errors: [{ message: 'Cross-site requests are not allowed' }] });
  });

  it.each([
    ['Sec-Fetch-Site same-origin', { 'Sec-Fetch-Site': 'same-origin', Origin: 'http://shop.test' }],
    ['Sec-Fetch-Site none (the user typed it)', { 'Sec-Fetch-Site': 'none' }],
    ['no Fetch Metadata, its Origin the host it came to', { Origin: 'http://shop.test' }],
    [
      'its Origin the host a trusted gateway says it came to',
      { Origin: 'https://tickets.example', 'X-Forwarded-Host': 'tickets.example' },
    ],
    ['neither header (server-side rendering, API clients, webhooks)', {}],
  ])('lets a write through with %s', async (_case, headers) => {
    await request(app)
      .post('/things')
      .set('Host', 'shop.test')
      .set(headers)
      .set('Content-Type', 'application/json')
      .send('{"a":1}')
      .expect(201);
  });

  it('lets a cross-site read through (links to listings must work)', async () => {
    await request(app).get('/me').set('Sec-Fetch-Site', 'cross-site').expect(200);
  });
});

describe('requests Express itself cannot read', () => {
  const app = appUnderTest();

  it.each(['%E0%A4%A', '%C0%AF', '%FF', '%'])(
    'answers a path id %s that is not valid percent-encoding with 404',
    async (id) => {
      const res = await request(app).get(`/things/${id}`).expect(404);
      expect(res.body).toEqual({ errors: [{ message: 'Not found' }] });
    },
  );

  it('answers a gzip body that does not inflate with 400 in the error shape', async () => {
    const res = await request(app)
      .post('/things')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(raw)
      .send(Buffer.from('not gzip at all'))
      .expect(400);
    expect(res.body).toEqual({ errors: [{ message: 'Request could not be read' }] });
  });

  it('still reads a valid gzip body', async () => {
    await request(app)
      .post('/things')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(raw)
      .send(gzipSync('{"a":1}'))
      .expect(201, { received: { a: 1 } });
  });

  it.each([
    ['an invalid byte', Buffer.from([0xff])],
    ['an overlong encoding of "/"', Buffer.from([0xc0, 0xaf])],
    ['a truncated sequence', Buffer.from([0xe2, 0x82])],
  ])('rejects a JSON body with %s with 400 instead of storing U+FFFD', async (_what, bytes) => {
    const body = Buffer.concat([Buffer.from('{"title":"'), bytes, Buffer.from('"}')]);
    const res = await request(app)
      .post('/things')
      .set('Content-Type', 'application/json')
      .serialize(raw)
      .send(body)
      .expect(400);
    expect(res.body).toEqual({ errors: [{ message: 'Request body is not valid UTF-8' }] });
  });

  it('accepts multi-byte UTF-8', async () => {
    await request(app).post('/things').set('Content-Type', 'application/json').send({ t: 'Ópera 東京 🎷' }).expect(201);
  });
});

describe('verifySessionToken', () => {
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: JWT_ISSUER, email: 'x@example.com', sid: randomUUID(), iat: now, exp: now + 60 };

  it('treats a correctly signed token whose subject is not a uuid as no session', async () => {
    expect(await verifySessionToken(signedClaims({ ...claims, sub: "1' OR '1'='1" }), keys, 3600)).toBeUndefined();
  });

  it('accepts a session it signed', async () => {
    const user = { id: randomUUID(), email: 'x@example.com' };
    const token = signSession(user, { key: testSessionKeys.signing, sessionId: claims.sid, ttlSeconds: 60 });
    expect((await verifySessionToken(token, keys, 3600))?.user).toEqual(user);
  });

  it('answers a request carrying such a token as signed out rather than failing', async () => {
    const token = signedClaims({ ...claims, sub: 'not-a-uuid' });
    await request(appUnderTest()).get('/me').set('Cookie', `session=${token}`).expect(200, { currentUser: null });
    const { cookie, user } = sessionCookie();
    await request(appUnderTest()).get('/me').set('Cookie', cookie).expect(200, { currentUser: user });
  });
});

describe('priceSchema', () => {
  it.each([1e-9, 5e-324, 0.000001])('rejects %s, which would round to 0 cents', (price) => {
    const result = priceSchema.safeParse(price);
    expect(result.success).toBe(false);
  });

  it.each([0.01, 19.99, 1_000_000])('accepts %s', (price) => {
    expect(priceSchema.safeParse(price).success).toBe(true);
  });
});
