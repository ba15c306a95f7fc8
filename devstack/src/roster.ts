/**
 * The one list of MicroTick's services and what each needs: read by the local stack, the build, the
 * benchmarks, the chaos suite, the gateway's routing check and the Kubernetes checks.
 */
export const roster = [
  { name: 'auth', port: 4001, database: 'auth', bus: true, redis: true, routePrefix: '/api/users' },
  { name: 'tickets', port: 4002, database: 'tickets', bus: true, redis: true, routePrefix: '/api/tickets' },
  { name: 'orders', port: 4003, database: 'orders', bus: true, redis: true, routePrefix: '/api/orders' },
  { name: 'expiration', port: 4004, database: null, bus: true, redis: true, routePrefix: null },
  { name: 'payments', port: 4005, database: 'payments', bus: true, redis: true, routePrefix: '/api/payments' },
  // No API: it listens to the bus and writes email over SMTP (SMTP_URL, like auth's reset emails).
  { name: 'notifications', port: 4006, database: 'notifications', bus: true, redis: false, routePrefix: null },
] as const;

export type ServiceEntry = (typeof roster)[number];
export type ServiceName = ServiceEntry['name'];
export type ServiceWithDatabase = Extract<ServiceEntry, { database: string }>['name'];
export type RoutedService = Extract<ServiceEntry, { routePrefix: string }>['name'];

/** The server-rendered client and the one-origin gateway in front of everything (make up's ports). */
export const frontends = { client: { port: 4000 }, gateway: { port: 3000 } } as const;

export const serviceNames: ServiceName[] = roster.map((s) => s.name);
export const servicesWithDatabase = roster.flatMap((s) =>
  s.database ? [s as Extract<ServiceEntry, { database: string }>] : [],
);
export const routedServices = roster.flatMap((s) =>
  s.routePrefix ? [s as Extract<ServiceEntry, { routePrefix: string }>] : [],
);

/** One process of a service in a stack: `orders` is its first replica, `orders-2` its second, and so on. */
export type ReplicaName = ServiceName | `${ServiceName}-${number}`;

export const replicaNames = (service: ServiceName, count = 1): ReplicaName[] =>
  Array.from({ length: Math.max(1, count) }, (_, i) => (i === 0 ? service : (`${service}-${i + 1}` as const)));
