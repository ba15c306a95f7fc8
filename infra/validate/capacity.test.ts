/**
 * Database connections: every pod the HorizontalPodAutoscalers allow, plus the extra pod a rolling
 * update starts, opens DATABASE_POOL_SIZE connections. Their sum must fit the database's limit, or
 * new pods fail to connect exactly when the site is busiest.
 */
import { servicesWithDatabase } from '@microtick/devstack';
import { find, findGenerated, K8sObject, Overlay, overlays, renderOverlays } from './k8s';

/**
 * Production: one DigitalOcean Managed PostgreSQL cluster holds the five databases. DigitalOcean sets
 * its connection limit by memory (25 per GiB, 3 of them reserved): the db-s-2vcpu-4gb plan allows 97.
 * A bigger plan raises it (docs/deploy.md "Databases"); change both together.
 * Locally each database is its own in-cluster PostgreSQL with the default max_connections (100, of
 * which 3 are reserved for superusers).
 */
const limits: Record<Overlay, { shared: boolean; connections: number }> = {
  production: { shared: true, connections: 97 },
  local: { shared: false, connections: 100 - 3 },
};
/** Kept free for a backup (pg_dump), a restore check and an operator's psql. */
const headroom = 3;
const databaseServices = servicesWithDatabase.map((s) => s.name);

let tree: { dir: string; cleanup: () => void };
let rendered: Record<Overlay, K8sObject[]>;
beforeAll(() => ({ tree, rendered } = renderOverlays()));
afterAll(() => tree?.cleanup());

/** The most connections a service can hold at once: pool size × (HPA maximum + rolling-update surge). */
function peakConnections(objects: K8sObject[], name: string) {
  const deployment = find(objects, 'Deployment', name)!;
  const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === name)!;
  const surge = deployment.spec.strategy.rollingUpdate.maxSurge;
  expect({ name, surge: typeof surge }).toEqual({ name, surge: 'number' }); // a percentage would round up
  const pool = Number(findGenerated(objects, 'ConfigMap', `${name}-config`)!.data.DATABASE_POOL_SIZE);
  expect({ name, pool: Number.isInteger(pool) && pool > 0 }).toEqual({ name, pool: true });
  return { name, pool, pods: hpa.spec.maxReplicas + surge, connections: pool * (hpa.spec.maxReplicas + surge) };
}

test.each(overlays)('%s: pool size × (maximum replicas + surge) fits the databases’ connection limit', (overlay) => {
  const peaks = databaseServices.map((name) => peakConnections(rendered[overlay], name));
  const { shared, connections } = limits[overlay];
  const budget = connections - headroom;
  if (shared) {
    const total = peaks.reduce((sum, p) => sum + p.connections, 0);
    expect({ peaks, total, fits: total <= budget }).toEqual({ peaks, total, fits: true });
  } else {
    for (const peak of peaks) expect({ peak, fits: peak.connections <= budget }).toEqual({ peak, fits: true });
  }
});

test('the check counts what the services would open (control: the old pools of 20 do not fit)', () => {
  const objects = structuredClone(rendered.production);
  for (const name of databaseServices)
    findGenerated(objects, 'ConfigMap', `${name}-config`)!.data.DATABASE_POOL_SIZE = '20';
  const total = databaseServices.reduce((sum, name) => sum + peakConnections(objects, name).connections, 0);
  expect(total).toBeGreaterThan(limits.production.connections);
});
