import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { buildGateway } from './app';
import { routedServices } from '@microtick/devstack';
import type { Upstreams } from './routes';

/** Stand-in upstreams that answer with their own name, so the test sees where each request went. */
function echoServer(name: string): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ upstream: name, url: req.url, forwardedFor: req.headers['x-forwarded-for'] ?? null }));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const routedUpstreams = (url: string) =>
  Object.fromEntries([...routedServices.map((s) => s.name), 'client'].map((name) => [name, url])) as Upstreams;

describe('gateway', () => {
  const servers: http.Server[] = [];
  let gateway: http.Server;
  const upstreams = {} as Upstreams;
  beforeAll(async () => {
    for (const name of [...routedServices.map((s) => s.name), 'client'] as const) {
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
    ['/', 'client'],
    ['/tickets/new', 'client'],
    ['/_next/static/chunk.js', 'client'],
  ])('routes %s to %s with the path unchanged', async (path, upstream) => {
    const res = await request(gateway).get(path).expect(200);
    expect(res.body).toEqual(expect.objectContaining({ upstream, url: path }));
    expect(res.body.forwardedFor).toEqual(expect.any(String));
  });

  it.each(['/api', '/api/', '/api/unknown', '/api/ticketsfoo', '/api/users-x/1', '/api/user/currentuser?x=1'])(
    'answers %s itself: 404 in the error shape, not the client page',
    async (path) => {
      for (const method of ['GET', 'POST'] as const) {
        const res = await request(gateway)[method === 'GET' ? 'get' : 'post'](path).expect(404);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        expect(res.body).toEqual({ errors: [{ message: 'Not found' }] });
      }
    },
  );

  it('sends /dev/mail to the local mail server when it has one, and to the client otherwise', async () => {
    const mail = await echoServer('mail');
    servers.push(mail);
    const withMail = buildGateway(upstreams, undefined, `http://127.0.0.1:${(mail.address() as AddressInfo).port}`);
    for (const path of ['/dev/mail', '/dev/mail/api/messages?to=a%40b.c', '/dev/mail/0b8e/html']) {
      const res = await request(withMail).get(path).expect(200);
      expect(res.body).toEqual(expect.objectContaining({ upstream: 'mail', url: path }));
    }
    await request(withMail)
      .get('/dev/mailbox')
      .expect(200, /"upstream":"client"/);
    await request(gateway)
      .get('/dev/mail')
      .expect(200, /"upstream":"client"/);
  });

  it('answers 502 in the error shape when an upstream is down', async () => {
    const down = buildGateway(routedUpstreams('http://127.0.0.1:1'));
    const res = await request(down).get('/api/users/currentuser').expect(502);
    expect(res.body).toEqual({ errors: [{ message: expect.any(String) }] });
  });

  it('balances over the replicas of an upstream and leaves out one that stopped', async () => {
    const replicas = [await echoServer('orders-1'), await echoServer('orders-2')];
    servers.push(...replicas);
    const urls = replicas.map((r) => `http://127.0.0.1:${(r.address() as AddressInfo).port}`);
    const balanced = buildGateway({ ...routedUpstreams(urls[0]), orders: urls.join(',') });
    const served = async (n: number) => {
      const names: string[] = [];
      for (let i = 0; i < n; i += 1) {
        const res = await request(balanced).get('/api/orders');
        names.push(res.status === 200 ? res.body.upstream : String(res.status));
      }
      return names;
    };
    expect((await served(4)).sort()).toEqual(['orders-1', 'orders-1', 'orders-2', 'orders-2']);

    replicas[1].closeAllConnections();
    await new Promise((r) => replicas[1].close(r));
    // At most the one request that found it gone is refused; the rest go to the replica still up.
    const afterStop = await served(6);
    expect(afterStop.filter((name) => name !== 'orders-1').length).toBeLessThanOrEqual(1);
    expect(afterStop.filter((name) => name === 'orders-1').length).toBeGreaterThanOrEqual(5);
  });

  it('answers oversized headers and malformed HTTP in the error shape', async () => {
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', () => resolve()));
    const { port } = gateway.address() as AddressInfo;
    const raw = (payload: string) =>
      new Promise<string>((resolve) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(payload));
        let data = '';
        socket.on('data', (chunk) => (data += chunk));
        socket.on('close', () => resolve(data));
      });
    const big = await raw(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(big).toMatch(/^HTTP\/1.1 431/);
    expect(big).toContain('{"errors":[{"message":"Request headers are too large"}]}');
    const malformed = await raw('NONSENSE\r\n\r\n');
    expect(malformed).toMatch(/^HTTP\/1.1 400/);
    expect(malformed).toContain('"errors"');
    await new Promise((r) => gateway.close(r));
  });
});
