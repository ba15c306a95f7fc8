import http from 'node:http';

/** Headers that belong to one connection (RFC 9110 §7.6.1), not to the request or the response. */
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

function endToEnd(raw: string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (!HOP_BY_HOP.has(raw[i].toLowerCase())) kept.push(raw[i], raw[i + 1]);
  }
  return kept;
}

const appended = (existing: string | string[] | undefined, value: string) =>
  existing ? `${Array.isArray(existing) ? existing.join(', ') : existing}, ${value}` : value;

export interface ForwardOptions {
  agent: http.Agent;
  timeoutMs: number;
  /** The upstream failed before answering (refused, reset, timed out); the response is still unsent or cut. */
  onError: (err: NodeJS.ErrnoException) => void;
}

/**
 * Sends the request on to `target` (an http://host:port origin) with the path unchanged and the
 * X-Forwarded-* headers an ingress adds, and streams the answer back. A thin replacement for
 * http-proxy-middleware, which cost the gateway about a third of its throughput (docs/performance.md).
 */
export function forward(req: http.IncomingMessage, res: http.ServerResponse, target: URL, options: ForwardOptions) {
  const headers: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(name)) headers[name] = value;
  const socket = req.socket;
  headers['x-forwarded-for'] = appended(req.headers['x-forwarded-for'], socket.remoteAddress ?? '');
  headers['x-forwarded-port'] = appended(req.headers['x-forwarded-port'], String(socket.localPort ?? ''));
  headers['x-forwarded-proto'] = appended(req.headers['x-forwarded-proto'], 'http');
  if (req.headers.host) headers['x-forwarded-host'] = appended(req.headers['x-forwarded-host'], req.headers.host);

  const upstream = http.request(
    {
      protocol: target.protocol,
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent: options.agent,
      timeout: options.timeoutMs,
    },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, endToEnd(answer.rawHeaders));
      answer.pipe(res);
      answer.on('error', () => res.destroy());
    },
  );
  upstream.on('timeout', () => upstream.destroy(Object.assign(new Error('upstream timed out'), { code: 'ETIMEDOUT' })));
  upstream.on('error', (err: NodeJS.ErrnoException) => {
    options.onError(err);
    // Headers sent: the answer was cut short, and the client must see that, not a complete response.
    if (res.headersSent) res.destroy();
  });
  // The client went away before the answer was complete: stop waiting for it.
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
