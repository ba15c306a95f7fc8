import { frontends, routedServices } from '@microtick/devstack/src/roster';
import { buildGateway } from './app';
import type { Upstreams } from './routes';

const env = (name: string, fallback: string) => process.env[name] || fallback;
const port = Number(env('MICROTICK_PORT', env('PORT', '3000')));
const upstreams = Object.fromEntries(
  [...routedServices, { name: 'client', port: frontends.client.port }].map(({ name, port }) => [
    name,
    env(`${name.toUpperCase()}_URL`, `http://127.0.0.1:${port}`),
  ]),
) as Upstreams;

const log = (level: string, msg: string, extra: object = {}) =>
  console.log(JSON.stringify({ level, time: new Date().toISOString(), service: 'gateway', msg, ...extra }));

const server = buildGateway(
  upstreams,
  (err, target) =>
    log('warn', 'upstream unreachable', { target, err: err.message, code: (err as NodeJS.ErrnoException).code }),
  process.env.MAIL_WEB_URL || undefined,
);
server.listen(port, '127.0.0.1', () => log('info', 'gateway listening', { port, upstreams }));
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
