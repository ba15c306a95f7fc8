import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { currentUser, SESSION_COOKIE, signSession } from './session';

const jwtKey = 'a-test-key-of-enough-length-for-hs256';

function userFor(middleware: ReturnType<typeof currentUser>, token: string) {
  const req = { cookies: { [SESSION_COOKIE]: token } } as unknown as Request;
  middleware(req, {} as Response, () => undefined);
  return req.currentUser;
}

describe('currentUser', () => {
  afterEach(() => jest.useRealTimers());

  it('signs a session out when its token expires, also after the token was accepted before', () => {
    jest.useFakeTimers({ now: new Date('2026-11-26T12:00:00Z') });
    const user = { id: randomUUID(), email: 'buyer@example.com' };
    const token = signSession(user, { jwtKey, ttlSeconds: 60 });
    const middleware = currentUser(jwtKey);

    expect(userFor(middleware, token)).toEqual(user);
    jest.setSystemTime(new Date('2026-11-26T12:00:59Z'));
    expect(userFor(middleware, token)).toEqual(user);
    jest.setSystemTime(new Date('2026-11-26T12:01:00Z'));
    expect(userFor(middleware, token)).toBeUndefined();
  });

  it('refuses a token signed with another key and one that was tampered with', () => {
    const user = { id: randomUUID(), email: 'buyer@example.com' };
    const middleware = currentUser(jwtKey);
    const good = signSession(user, { jwtKey, ttlSeconds: 60 });
    expect(userFor(middleware, good)).toEqual(user);

    expect(userFor(middleware, signSession(user, { jwtKey: `${jwtKey}-other`, ttlSeconds: 60 }))).toBeUndefined();
    const [header, , signature] = good.split('.');
    const forgedPayload = Buffer.from(JSON.stringify({ ...user, id: randomUUID(), iss: 'microtick' })).toString(
      'base64url',
    );
    expect(userFor(middleware, `${header}.${forgedPayload}.${signature}`)).toBeUndefined();
  });
});
