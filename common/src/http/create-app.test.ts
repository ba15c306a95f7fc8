import { Writable } from 'node:stream';
import { Router } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createServiceApp } from './create-app';

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
