import http from 'node:http';
import { createProxyMiddleware } from 'http-proxy-middleware';
import { upstreamFor, type Upstreams } from './routes';

const unavailable = JSON.stringify({ errors: [{ message: 'Service unavailable, try again shortly' }] });

/** A plain HTTP server that forwards each request to the upstream the ingress would choose. */
export function buildGateway(upstreams: Upstreams, onError: (err: Error, target: string) => void = () => undefined) {
  const proxy = createProxyMiddleware<http.IncomingMessage, http.ServerResponse>({
    router: (req) => upstreamFor(req.url ?? '/', upstreams),
    target: upstreams.client,
    changeOrigin: false,
    xfwd: true,
    proxyTimeout: 30_000,
    on: {
      error: (err, req, res) => {
        onError(err as Error, upstreamFor(req.url ?? '/', upstreams));
        if (res instanceof http.ServerResponse && !res.headersSent) {
          res.writeHead(502, { 'content-type': 'application/json' }).end(unavailable);
        }
      },
    },
  });
  return http.createServer((req, res) => {
    void proxy(req, res, () => {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ errors: [{ message: 'Not found' }] }));
    });
  });
}
