import { Writable } from 'node:stream';
import express, { Router, type RequestHandler } from 'express';
import helmet from 'helmet';
import pino from 'pino';
import request from 'supertest';
import { createServiceApp, inSequence } from './create-app';
import { ConflictError } from './errors';

function appLoggingTo(lines: string[]) {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().trim().split('\n'));
      done();
    },
  });
  const routes = Router().post('/api/things', (_req, res) => {
    res.status(201).json({ ok: true });
  });
  return createServiceApp({
    name: 'test',
    logger: pino({ level: 'info' }, sink),
    healthChecks: {},
    routes,
  });
}

describe('request log', () => {
  it('writes one line per request with its id, method, path, status and time, and never its cookie or body', async () => {
    const lines: string[] = [];
    const res = await request(appLoggingTo(lines))
      .post('/api/things?page=2')
      .set('Cookie', 'session=secret-session-token')
      .send({ password: 'hunter2-password' })
      .expect(201);

    for (let waited = 0; lines.length === 0 && waited < 1000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    const logged = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(logged).toEqual([
      expect.objectContaining({
        msg: 'request completed',
        req: { id: res.headers['x-request-id'], method: 'POST', url: '/api/things?page=2' },
        res: { statusCode: 201 },
        responseTime: expect.any(Number),
      }),
    ]);
    expect(lines.join('\n')).not.toMatch(/secret-session-token|hunter2/);
  });
});

describe('the shared request pipeline', () => {
  const silent = pino({ level: 'silent' });

  it("sets exactly helmet's own security headers on an answer", async () => {
    const ours = await request(
      createServiceApp({
        name: 'test',
        logger: silent,
        healthChecks: {},
        routes: Router().get('/api/things', (_req, res) => {
          res.json({ ok: true });
        }),
      }),
    ).get('/api/things');
    const reference = await request(
      express()
        .use(helmet())
        .get('/api/things', (_req, res) => {
          res.json({ ok: true });
        }),
    ).get('/api/things');
    const securityHeaders = (headers: Record<string, unknown>) =>
      Object.fromEntries(Object.entries(helmetHeaderNames(reference.headers)).map(([name]) => [name, headers[name]]));
    expect(Object.keys(helmetHeaderNames(reference.headers)).length).toBeGreaterThan(8);
    expect(securityHeaders(ours.headers)).toEqual(securityHeaders(reference.headers));
  });

  it('answers an error thrown or rejected inside the pipeline in the error shape', async () => {
    const app = (step: RequestHandler) =>
      createServiceApp({
        name: 'test',
        logger: silent,
        healthChecks: {},
        routes: Router().get('/api/things', inSequence([step]), (_req, res) => {
          res.json({ reached: true });
        }),
      });
    const thrown = await request(
      app(() => {
        throw new ConflictError('thrown');
      }),
    ).get('/api/things');
    expect([thrown.status, thrown.body]).toEqual([409, { errors: [{ message: 'thrown' }] }]);
    const rejected = await request(app(async () => Promise.reject(new ConflictError('rejected')))).get('/api/things');
    expect([rejected.status, rejected.body]).toEqual([409, { errors: [{ message: 'rejected' }] }]);
    const passed = await request(app((_req, _res, next) => next())).get('/api/things');
    expect([passed.status, passed.body]).toEqual([200, { reached: true }]);
  });

  it('makes HTTP errors without a stack trace: they are answers, not faults', () => {
    const err = new ConflictError('Ticket is already reserved');
    expect(err.stack?.split('\n')).toEqual(['ConflictError: Ticket is already reserved']);
    expect(err).toBeInstanceOf(Error);
    expect(err.name).toBe('ConflictError');
    expect(new Error('a fault').stack?.split('\n').length).toBeGreaterThan(1);
  });
});

/** The headers helmet sets (everything but the ones any Express answer has). */
function helmetHeaderNames(headers: Record<string, unknown>): Record<string, unknown> {
  const ordinary = new Set([
    'content-type',
    'content-length',
    'etag',
    'date',
    'connection',
    'x-powered-by',
    'keep-alive',
    'x-request-id',
  ]);
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !ordinary.has(name)));
}
