/** The routing table of the Kubernetes Ingress (infra/k8s), reproduced for one machine. */
export interface Upstreams {
  auth: string;
  tickets: string;
  orders: string;
  payments: string;
  client: string;
}

const prefixes: [prefix: string, upstream: keyof Upstreams][] = [
  ['/api/users', 'auth'],
  ['/api/tickets', 'tickets'],
  ['/api/orders', 'orders'],
  ['/api/payments', 'payments'],
];

/** Prefix match on whole path segments, like ingress-nginx's pathType: Prefix; the rest goes to the client. */
export function upstreamFor(url: string, upstreams: Upstreams): string {
  const path = url.split('?')[0];
  for (const [prefix, name] of prefixes) {
    if (path === prefix || path.startsWith(`${prefix}/`)) return upstreams[name];
  }
  return upstreams.client;
}

/** An `/api` path that no service serves: answered with a JSON 404, never the client's HTML page. */
export function isUnknownApiPath(url: string): boolean {
  const path = url.split('?')[0];
  return (
    (path === '/api' || path.startsWith('/api/')) && !prefixes.some(([p]) => path === p || path.startsWith(`${p}/`))
  );
}
