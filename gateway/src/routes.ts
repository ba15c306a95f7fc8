import { routedServices, type RoutedService } from '@microtick/devstack/src/roster';

/** The routing table of the Kubernetes HTTPRoutes (infra/k8s), reproduced for one machine from the roster. */
export type Upstreams = Record<RoutedService | 'client', string>;

/** Prefix match on whole path segments, like the HTTPRoutes' PathPrefix; the rest goes to the client. */
export function upstreamFor(url: string, upstreams: Upstreams): string {
  const path = url.split('?')[0];
  for (const { routePrefix, name } of routedServices) {
    if (path === routePrefix || path.startsWith(`${routePrefix}/`)) return upstreams[name];
  }
  return upstreams.client;
}
