import http from 'node:http';
import { forward } from './forward';
import { apiNotFoundBody, destinationFor, type Upstreams } from './routes';
import { isConnectionError, UpstreamPool } from './upstream-pool';

const UPSTREAM_IDLE_TIMEOUT_MS = 60_000;
/** Connections to each upstream replica at most. */
const UPSTREAM_SOCKETS = 512;
const PROXY_TIMEOUT_MS = 30_000;
const CLIENT_KEEP_ALIVE_TIMEOUT_MS = 75_000;
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
  // Reuse upstream connections, as the cluster's gateway does; a new TCP connection per request left
  // sockets in TIME_WAIT and stalled requests for seconds under load. Idle ones close after 60 s, before
  // the services' 65 s (listenHttp in common), so the gateway never sends down a closing one. Every socket
  // opened is kept (Node keeps 256 idle ones by default): in an on-sale burst more than 256 requests wait
  // at one upstream, and the sockets past 256 were closed and opened again for the next burst.
  const agent = new http.Agent({
    keepAlive: true,
    maxSockets: UPSTREAM_SOCKETS,
    maxFreeSockets: UPSTREAM_SOCKETS,
    timeout: UPSTREAM_IDLE_TIMEOUT_MS,
  });
  const pools = new Map(Object.entries(upstreams).map(([name, urls]) => [name, new UpstreamPool(urls)]));
  const parsed = new Map<string, URL>();
  const urlOf = (target: string) => parsed.get(target) ?? parsed.set(target, new URL(target)).get(target)!;
  const server = http.createServer((req, res) => {
    if (devMail && isDevMail(req.url ?? '/')) {
      forward(req, res, urlOf(devMail), {
        agent,
        timeoutMs: PROXY_TIMEOUT_MS,
        onError: (err) => {
          onError(err, devMail);
          if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(unavailable);
        },
      });
      return;
    }
    const destination = destinationFor(req.url ?? '/');
    if (destination === 'api-not-found') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(apiNotFoundBody);
      return;
    }
    const pool = pools.get(destination)!;
    const target = pool.pick();
    forward(req, res, urlOf(target), {
      agent,
      timeoutMs: PROXY_TIMEOUT_MS,
      onError: (err) => {
        if (isConnectionError(err)) pool.eject(target);
        onError(err, target);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' }).end(unavailable);
      },
    });
  });
  // Browsers keep their connection to the site open between requests, and an ingress lets them (nginx
  // 75 s): Node's default of 5 s closed the connections of buyers waiting on an event's page for its sale
  // to open, and their orders met a closing socket.
  server.keepAliveTimeout = CLIENT_KEEP_ALIVE_TIMEOUT_MS;
  server.headersTimeout = CLIENT_KEEP_ALIVE_TIMEOUT_MS + 1000;
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
