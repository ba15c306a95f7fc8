import http from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { apiNotFoundBody, destinationFor, type Upstreams } from './routes';
import { isConnectionError, UpstreamPool } from './upstream-pool';

const UPSTREAM_IDLE_TIMEOUT_MS = 60_000;
const unavailable = JSON.stringify({ errors: [{ message: 'Service unavailable, try again shortly' }] });

const isDevMail = (url: string) => /^\/dev\/mail(\/|\?|$)/.test(url);

/**
 * A plain HTTP server that forwards each request to the upstream the cluster's HTTPRoute would choose.
 * An upstream may list several replicas, comma-separated: the gateway balances over them. With devMail
 * (make up and browser tests only; the cluster has no such route) /dev/mail goes to the local mail
 * server instead of the client.
 */
export function buildGateway(
  upstreams: Upstreams,
  onError: (err: Error, target: string) => void = () => undefined,
  devMail?: string,
) {
  const pools = new Map(Object.entries(upstreams).map(([name, urls]) => [name, new UpstreamPool(urls)]));
  const chosen = new WeakMap<http.IncomingMessage, { pool: UpstreamPool; target: string }>();
  const proxy = createProxyMiddleware<http.IncomingMessage, http.ServerResponse>({
    router: (req) => chosen.get(req)!.target,
    target: upstreams.client,
    changeOrigin: false,
    xfwd: true,
    proxyTimeout: 30_000,
    // Reuse upstream connections, as ingress-nginx does; a new TCP connection per request left sockets
    // in TIME_WAIT and stalled requests for seconds under load. Idle ones close after nginx's 60 s,
    // before the services' 65 s (listenHttp in common), so the gateway never sends down a closing one.
    agent: new http.Agent({ keepAlive: true, maxSockets: 512, timeout: UPSTREAM_IDLE_TIMEOUT_MS }),
    on: {
      error: (err, req, res) => {
        const upstream = chosen.get(req);
        if (upstream && isConnectionError(err as NodeJS.ErrnoException)) upstream.pool.eject(upstream.target);
        onError(err as Error, upstream?.target ?? 'gateway');
        if (res instanceof http.ServerResponse && !res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' }).end(unavailable);
        }
      },
    },
  });
  const mailProxy = devMail
    ? createProxyMiddleware<http.IncomingMessage, http.ServerResponse>({ target: devMail, changeOrigin: false })
    : undefined;
  const server = http.createServer((req, res) => {
    if (mailProxy && isDevMail(req.url ?? '/')) {
      void mailProxy(req, res, () => res.writeHead(404).end());
      return;
    }
    const destination = destinationFor(req.url ?? '/');
    if (destination === 'api-not-found') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(apiNotFoundBody);
      return;
    }
    const pool = pools.get(destination)!;
    chosen.set(req, { pool, target: pool.pick() });
    void proxy(req, res, () => {
      res.writeHead(404, { 'content-type': 'application/json' }).end(apiNotFoundBody);
    });
  });
  // Requests Node's parser rejects (headers too large, malformed HTTP) still get the error shape.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const body = JSON.stringify({
      errors: [{ message: tooLarge ? 'Request headers are too large' : 'Malformed request' }],
    });
    socket.end(
      `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}
