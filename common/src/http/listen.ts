import type { Server } from 'node:http';
import type { Express } from 'express';

/**
 * How long the proxy in front of a service keeps an idle connection to it: ingress-nginx's default
 * upstream keep-alive timeout, which the local gateway copies.
 */
export const PROXY_IDLE_TIMEOUT_MS = 60_000;

/**
 * Node closes an idle keep-alive connection after 5 s. A proxy that keeps it longer can send a request
 * down a connection at the moment the service closes it; the request dies with a reset and the user
 * gets a 502 (a CI run under load saw two). So the service waits longer than the proxy, and the proxy
 * is always the side that closes.
 */
export const SERVICE_KEEP_ALIVE_TIMEOUT_MS = PROXY_IDLE_TIMEOUT_MS + 5_000;

/**
 * Connections the kernel queues for a service before it accepts them (capped by net.core.somaxconn, 4096
 * on current kernels); Node's default is 511. A proxy opens a new connection for each request past its idle
 * ones, up to its own limit (Envoy's default circuit breaker: 1,024 per upstream cluster). With nginx as
 * the local gateway, which has no such limit, an on-sale's 2,000 requests within a second overflowed 511:
 * the kernel dropped the SYNs and those buyers waited for TCP's retransmissions (1, 3, 7 s, ...), and
 * the on-sale took 18 s instead of 6 (docs/performance.md, seventh round).
 */
export const LISTEN_BACKLOG = 4096;

export function listenHttp(app: Express, port: number, onListening: () => void, host = '127.0.0.1'): Server {
  const server = app.listen({ port, host, backlog: LISTEN_BACKLOG }, onListening);
  server.keepAliveTimeout = SERVICE_KEEP_ALIVE_TIMEOUT_MS;
  // Node's own advice: a headers timeout above the keep-alive one, so neither cuts the other short.
  server.headersTimeout = SERVICE_KEEP_ALIVE_TIMEOUT_MS + 1_000;
  return server;
}
