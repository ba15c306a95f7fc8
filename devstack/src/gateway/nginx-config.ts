import path from 'node:path';
import { apiNotFoundBody, routes, type Upstreams } from './routes';

export interface GatewayConfigOptions {
  port: number;
  /** Each upstream's URL, or its replicas' URLs separated by commas. */
  upstreams: Upstreams;
  /** make up and browser tests only (the cluster has no such route): /dev/mail goes to the local mail server. */
  devMail?: string;
  /** nginx's prefix: its pid file and temporary files go here. */
  dir: string;
}

/** What no path of ours contains, matched against the raw request line's path: `..` (also percent-encoded) and `%2F`. */
export const REFUSED_PATH_PATTERN = '^[^?]*(/([.]|%2e)([.]|%2e)(/|%2f|[?]|$)|%2f)';

/** The error shape's body for a message; nginx's `return` sends it as it stands. */
const errorBody = (message: string) => `'${JSON.stringify({ errors: [{ message }] })}'`;

function hostPort(url: string): string {
  const { hostname, port } = new URL(url);
  if (!port) throw new Error(`an upstream URL needs a port: ${url}`);
  return `${hostname}:${port}`;
}

function upstreamBlock(name: string, urls: string): string {
  const servers = urls
    .split(',')
    .map((url) => url.trim())
    .filter(Boolean);
  if (servers.length === 0) throw new Error(`upstream ${name} needs at least one URL`);
  return [
    `  upstream ${name} {`,
    // A replica that refused a connection is left out for 2 s, so a rolling restart costs at most the request
    // that found it gone (nginx never leaves out the only server of an upstream).
    ...servers.map((url) => `    server ${hostPort(url)} max_fails=1 fail_timeout=2s;`),
    // Kept open between requests, as the cluster's gateway does; closed after 60 s idle, before the
    // services' own 65 s, so nginx never sends a request down a connection the service is closing.
    '    keepalive 512;',
    '    keepalive_timeout 60s;',
    '    keepalive_requests 100000;',
    '  }',
  ].join('\n');
}

/** A PathPrefix match on whole path segments, as the Gateway API's HTTPRoute does. */
const prefixLocations = (prefix: string, body: string) =>
  prefix === '/'
    ? [`    location / {${body}}`]
    : [`    location = ${prefix} {${body}}`, `    location ${prefix}/ {${body}}`];

/**
 * The local gateway's nginx.conf: one origin that routes like the cluster's HTTPRoute (the table in
 * routes.ts), with the X-Forwarded-* headers an ingress adds and answers of its own in the error shape.
 * nginx, not a Node proxy: a proxied request cost our Node gateway 0.25–0.41 ms of CPU and nginx
 * 0.065–0.085 ms (docs/performance.md, seventh round), and production's gateway is a native proxy too.
 */
export function nginxConfig({ port, upstreams, devMail, dir }: GatewayConfigOptions): string {
  const upstreamNames = Object.keys(upstreams) as (keyof Upstreams)[];
  const locations = routes.flatMap(({ prefix, to }) => {
    if (to === 'api-not-found')
      return prefixLocations(prefix, ` return 404 ${errorBody(JSON.parse(apiNotFoundBody).errors[0].message)}; `);
    // The client's pages stream (React server rendering): they go through as they come, not buffered whole.
    const buffering = to === 'client' ? ' proxy_buffering off;' : '';
    return prefixLocations(prefix, ` proxy_pass http://${to};${buffering} `);
  });
  if (devMail) locations.push(...prefixLocations('/dev/mail', ' proxy_pass http://dev_mail; '));
  const temp = (name: string) => path.join(dir, name);
  return `# Written by devstack at every start of the gateway (devstack/src/gateway/nginx-config.ts); edits are lost.
# One process in the foreground: the stack's supervisor starts, watches and stops it like the services, and
# no worker is left holding the port if it is killed.
daemon off;
master_process off;
pid ${temp('nginx.pid')};
error_log stderr warn;

events {
  worker_connections 8192;
}

http {
  access_log off;
  server_tokens off;
  default_type application/json;
  client_body_temp_path ${temp('client-body')};
  proxy_temp_path ${temp('proxy')};
  fastcgi_temp_path ${temp('fastcgi')};
  uwsgi_temp_path ${temp('uwsgi')};
  scgi_temp_path ${temp('scgi')};

  # Browsers keep their connection to the site open between requests (75 s, as an ingress lets them).
  keepalive_timeout 75s;
  keepalive_requests 100000;
  client_max_body_size 1m;
  client_body_buffer_size 1m;
  large_client_header_buffers 4 16k;

  proxy_http_version 1.1;
  proxy_set_header Connection "";
  proxy_set_header Host $http_host;
  proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
  proxy_set_header X-Forwarded-Proto $scheme;
  proxy_set_header X-Forwarded-Host $http_host;
  proxy_set_header X-Forwarded-Port $server_port;
  proxy_connect_timeout 30s;
  proxy_send_timeout 30s;
  proxy_read_timeout 30s;
  proxy_buffer_size 16k;
  proxy_buffers 16 16k;
  # Never to disk: an answer larger than the buffers goes through at the client's pace.
  proxy_max_temp_file_size 0;

${upstreamNames.map((name) => upstreamBlock(name, upstreams[name])).join('\n')}
${devMail ? upstreamBlock('dev_mail', devMail) : ''}

  server {
    listen 127.0.0.1:${port};

    # nginx's own refusals in the error shape, never its HTML pages. Internal URIs, not named locations: a
    # request whose request line nginx cannot read has no URI, and a named location needs one.
    error_page 400 /.gateway/malformed;
    error_page 494 =431 /.gateway/headers-too-large;
    error_page 413 /.gateway/body-too-large;
    error_page 502 503 504 /.gateway/unavailable;
    error_page 404 /.gateway/not-found;
    # nginx routes by the path after decoding and resolving dot segments, but passes the path on as sent:
    # /api/tickets/../../x would be routed as /x and reach the client as sent. A path with a dot segment or
    # an encoded slash is refused (browsers resolve dot segments before sending; no route has either).
    if ($request_uri ~* "${REFUSED_PATH_PATTERN}") { return 400 ${errorBody('Malformed request')}; }
    location = /.gateway/malformed { internal; return 400 ${errorBody('Malformed request')}; }
    location = /.gateway/headers-too-large { internal; return 431 ${errorBody('Request headers are too large')}; }
    location = /.gateway/body-too-large { internal; return 413 ${errorBody('Request body is too large')}; }
    location = /.gateway/not-found { internal; return 404 ${errorBody('Not found')}; }
    location = /.gateway/unavailable { internal; return 502 ${errorBody('Service unavailable, try again shortly')}; }

${locations.join('\n')}
  }
}
`;
}
