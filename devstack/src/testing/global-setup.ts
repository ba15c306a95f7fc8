import { chmodSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  startMailServer,
  startNats,
  startPostgres,
  startRedis,
  type MailServer,
  type RunningServer,
} from '../processes';

/**
 * Jest global setup: one private PostgreSQL, nats-server (JetStream), redis-server and SMTP server (which
 * keeps every message) for the whole run, on free ports. Workers inherit their addresses through the environment; each test file then
 * takes its own database, stream and Redis prefix from the helpers in this folder.
 */
export default async function globalSetup(): Promise<void> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'microtick-test-'));
  chmodSync(root, 0o755); // PostgreSQL runs as an unprivileged user when we are root
  const started = await Promise.allSettled([
    startPostgres({ dataDir: path.join(root, 'pg'), fast: true }),
    startNats({ storeDir: path.join(root, 'nats') }),
    startRedis({ dataDir: path.join(root, 'redis') }),
    startMailServer({ dataDir: path.join(root, 'mail') }),
  ]);
  const servers = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failure) {
    // Do not leave the servers that did start running behind a failed run.
    await Promise.all(servers.map((server) => server.stop()));
    throw failure.reason;
  }
  const [pg, nats, redis, mail] = servers as [RunningServer, RunningServer, RunningServer, MailServer];
  process.env.TEST_PG_URL = pg.url;
  process.env.TEST_NATS_URL = nats.url;
  process.env.TEST_REDIS_URL = redis.url;
  process.env.TEST_SMTP_URL = mail.url;
  process.env.TEST_MAIL_WEB_URL = mail.webUrl;
  process.env.TEST_ROOT = root;
  process.env.LOG_LEVEL ??= 'silent';
  const state = globalThis as { __microtickServers?: RunningServer[]; __microtickRoot?: string };
  state.__microtickServers = servers;
  state.__microtickRoot = root;
  // If Jest dies without running teardown, do not leave servers behind.
  process.once('exit', () => {
    for (const server of servers) server.process.kill('SIGKILL');
  });
}
