import { apiNotFoundBody, routes, type Upstreams } from './routes';

export interface GatewayConfigOptions {
  port: number;
  /** Each upstream's URL, or its replicas' URLs separated by commas. */
  upstreams: Upstreams;
  /** make up and browser tests only (the cluster has no such route): /dev/mail goes to the local mail server. */
  devMail?: string;
}

/**
 * Connections to each upstream replica at most; requests past them wait in the gateway's queue, which
 * serves them in arrival order. Connections to a service are not served in arrival order, so the fewer
 * there are, the fairer an on-sale: the first on-sale after 70 s without traffic (every connection
 * closed, so the burst opens them anew) gave 39 and 40 of 100 tickets to their first asker with 512,
 * 60 with 128 and 80 with 64 (docs/performance.md, eighth round). A request that waits holds one (a
 * payment waits up to a second for its order's events), so not fewer.
 */
export const UPSTREAM_CONNECTIONS = 64;

/** The error shape as a quoted HAProxy string. */
const errorBody = (message: string) => `'${JSON.stringify({ errors: [{ message }] })}'`;

const GATEWAY_ERRORS: [status: number, message: string][] = [
  [400, 'Malformed request'],
  [403, 'Forbidden'],
  [408, 'The request took too long to arrive'],
  [500, 'Something went wrong, try again shortly'],
  [501, 'Not implemented'],
  [502, 'Service unavailable, try again shortly'],
  [503, 'Service unavailable, try again shortly'],
  [504, 'The service took too long to answer, try again'],
];

function hostPort(url: string): string {
  const { hostname, port } = new URL(url);
  if (!port) throw new Error(`an upstream URL needs a port: ${url}`);
  return `${hostname}:${port}`;
}

/** HAProxy names may hold letters, digits, '-', '_', '.' and ':'. */
const backendName = (name: string) => name.replace(/[^\w.:-]/g, '_');

function backend(name: string, urls: string): string {
  const servers = urls
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (servers.length === 0) throw new Error(`upstream ${name} needs at least one URL`);
  return [
    `backend ${backendName(name)}`,
    '  balance roundrobin',
    // A replica that refuses a connection (stopped, restarting): the request goes to another one at once.
    // With one replica there is none to try, and HAProxy would wait a second before trying it again.
    servers.length > 1 ? '  retries 2\n  option redispatch 1' : '  retries 0',
    // Idle connections are kept for any client's next request; every 5 s half of those not needed lately
    // are closed (HAProxy's pool-purge-delay), so they are gone long before the services' own 65 s.
    ...servers.map(
      (url, i) => `  server ${backendName(name)}-${i + 1} ${hostPort(url)} maxconn ${UPSTREAM_CONNECTIONS}`,
    ),
  ].join('\n');
}

/** A PathPrefix match on whole path segments, as the Gateway API's HTTPRoute does. */
const prefixCondition = (prefix: string) => `{ path ${prefix} } || { path_beg ${prefix}/ }`;

/**
 * The local gateway's haproxy.cfg: one origin that routes like the cluster's HTTPRoute (the table in
 * routes.ts), by the path as sent (never decoded or resolved, so what is routed is what the service sees),
 * with the X-Forwarded-* headers an ingress adds and answers of its own in the error shape.
 *
 * HAProxy rather than a Node proxy of our own: a proxied request cost our Node gateway 0.24–0.41 ms of CPU
 * and HAProxy 0.06–0.07 ms (docs/performance.md, eighth round); production's gateway is a native proxy
 * too. Rather than nginx (tried in the seventh round): HAProxy keeps at most UPSTREAM_CONNECTIONS per
 * replica and queues the rest, where nginx opened a connection to the service for every waiting buyer
 * of an on-sale.
 */
export function haproxyConfig({ port, upstreams, devMail }: GatewayConfigOptions): string {
  const upstreamNames = Object.keys(upstreams) as (keyof Upstreams)[];
  const apiNotFound = JSON.parse(apiNotFoundBody).errors[0].message as string;
  // Longest prefix first: HAProxy takes the first rule that matches.
  const byLength = [...routes].filter((r) => r.prefix !== '/').sort((a, b) => b.prefix.length - a.prefix.length);
  const rules = byLength.map(({ prefix, to }) => `  use_backend ${backendName(to)} if ${prefixCondition(prefix)}`);
  if (devMail) rules.unshift(`  use_backend dev_mail if ${prefixCondition('/dev/mail')}`);
  const fallback = routes.find((r) => r.prefix === '/')!.to;
  return `# Written by devstack at every start of the gateway (devstack/src/gateway/haproxy-config.ts); edits are lost.
global
  # One thread: the gateway shares two cores with everything else, as the Node gateway did.
  nbthread 1
  # The connection limit follows the open-files limit (HAProxy derives it when none is set).

defaults
  mode http
  # Browsers keep their connection to the site open between requests (75 s, as an ingress lets them).
  timeout client 75s
  timeout http-keep-alive 75s
  timeout http-request 30s
  timeout connect 5s
  timeout server 30s
  # A buyer queued for a connection to a busy service waits as long as for its answer.
  timeout queue 30s
  # Requests of every buyer share the gateway's open connections to a service.
  http-reuse always
${GATEWAY_ERRORS.map(([status, message]) => `  http-error status ${status} content-type application/json string ${errorBody(message)}`).join('\n')}

frontend gateway
  bind 127.0.0.1:${port} backlog 4096
  option forwardfor
  http-request set-header X-Forwarded-Proto http
  http-request set-header X-Forwarded-Host %[req.hdr(host)]
  http-request set-header X-Forwarded-Port %[dst_port]
${rules.join('\n')}
  default_backend ${backendName(fallback)}

${upstreamNames.map((name) => backend(name, upstreams[name])).join('\n\n')}

# Any other /api/... path: 404 in the error shape, never the client's HTML page.
backend ${backendName('api-not-found')}
  http-request return status 404 content-type application/json string ${errorBody(apiNotFound)}
${devMail ? `\n${backend('dev_mail', devMail)}\n` : ''}`;
}
