import { buildGateway } from './app';

const env = (name: string, fallback: string) => process.env[name] || fallback;
const port = Number(env('MICROTICK_PORT', env('PORT', '3000')));
const upstreams = {
  auth: env('AUTH_URL', 'http://127.0.0.1:4001'),
  tickets: env('TICKETS_URL', 'http://127.0.0.1:4002'),
  orders: env('ORDERS_URL', 'http://127.0.0.1:4003'),
  payments: env('PAYMENTS_URL', 'http://127.0.0.1:4005'),
  client: env('CLIENT_URL', 'http://127.0.0.1:4000'),
};

const log = (level: string, msg: string, extra: object = {}) =>
  console.log(JSON.stringify({ level, time: new Date().toISOString(), service: 'gateway', msg, ...extra }));

const server = buildGateway(upstreams, (err, target) =>
  log('warn', 'upstream unreachable', { target, err: err.message, code: (err as NodeJS.ErrnoException).code }),
);
server.listen(port, '127.0.0.1', () => log('info', 'gateway listening', { port, upstreams }));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
