import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildGateway } from './app';
import type { Upstreams } from './routes';

/** Stand-in upstreams that answer with their own name, so the test sees where each request went. */
function echoServer(name: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ upstream: name, url: req.url, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('gateway', () => {
  const servers: http.Server[] = [];
  let gateway: http.Server;
  beforeAll(async () => {
    const upstreams = {} as Upstreams;
    for (const name of ['auth', 'tickets', 'orders', 'payments', 'client'] as const) {
      const server = await echoServer(name);
      servers.push(server);
      upstreams[name] = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    }
    gateway = buildGateway(upstreams);
  });
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  it.each([
    ['/api/users/currentuser', 'auth'],
    ['/api/tickets?q=jazz', 'tickets'],
    ['/api/tickets/mine', 'tickets'],
    ['/api/orders/123', 'orders'],
    ['/api/payments/webhook', 'payments'],
    ['/api/ticketsfoo', 'client'],
    ['/', 'client'],
    ['/tickets/new', 'client'],
    ['/_next/static/chunk.js', 'client'],
  ])('routes %s to %s with the path unchanged', async (path, upstream) => {
    const res = await request(gateway).get(path).expect(200);
    expect(res.body).toEqual(expect.objectContaining({ upstream, url: path }));
    expect(res.body.forwardedFor).toEqual(expect.any(String));
  });

  it('answers 502 in the error shape when an upstream is down', async () => {
    const down = buildGateway({
      auth: 'http://127.0.0.1:1',
      tickets: 'http://127.0.0.1:1',
      orders: 'http://127.0.0.1:1',
      payments: 'http://127.0.0.1:1',
      client: 'http://127.0.0.1:1',
    });
    const res = await request(down).get('/api/users/currentuser').expect(502);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String) }] });
  });
});
