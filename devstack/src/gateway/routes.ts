import { routedServices, type RoutedService } from '../roster';

/**
 * The one routing table of DESIGN.md, built from the roster: the local gateway (HAProxy) is configured from it, and
 * infra/validate checks that the cluster's HTTPRoute (infra/k8s/base/gateway.yaml) is the same table,
 * 404 body included.
 */
/** Each upstream's URL, or its replicas' URLs separated by commas. */
export type Upstreams = Record<RoutedService | 'client', string>;

export type Destination = keyof Upstreams | 'api-not-found';

export const routes: readonly { prefix: string; to: Destination }[] = [
  ...routedServices.map(({ routePrefix, name }) => ({ prefix: routePrefix, to: name })),
  // Any other /api/... path answers 404 in the error shape, never the client's HTML page.
  { prefix: '/api', to: 'api-not-found' },
  { prefix: '/', to: 'client' },
];

export const apiNotFoundBody = JSON.stringify({ errors: [{ message: 'Not found' }] });

/** Longest prefix on whole path segments, like the Gateway API's PathPrefix. */
export function destinationFor(url: string): Destination {
  const path = url.split('?')[0];
  let best = routes[routes.length - 1];
  for (const route of routes) {
    const matches = route.prefix === '/' || path === route.prefix || path.startsWith(`${route.prefix}/`);
    if (matches && route.prefix.length > best.prefix.length) best = route;
  }
  return best.to;
}
