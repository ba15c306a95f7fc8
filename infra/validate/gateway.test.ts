/**
 * The way in: the Gateway API objects (Envoy Gateway) route exactly the local gateway's table, HTTPS
 * and certificates work through them in production, the visitor's address survives the load balancer,
 * and the NetworkPolicies let the proxies, cert-manager's solver and Prometheus through, and no more.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { Router } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createServiceApp } from '../../common/src/http/create-app';
import { routedServices, serviceNames } from '@microtick/devstack';
import { apiNotFoundBody, destinationFor, routes } from '../../devstack/src/gateway/routes';
import {
  containersOf,
  durationSeconds,
  find,
  id,
  K8sObject,
  Overlay,
  overlays,
  render,
  renderOverlays,
  repoRoot,
  selects,
  workloads,
} from './k8s';

let tree: { dir: string; cleanup: () => void };
let rendered: Record<Overlay, K8sObject[]>;
beforeAll(() => ({ tree, rendered } = renderOverlays()));
afterAll(() => tree?.cleanup());

const appRoute = (overlay: Overlay) => find(rendered[overlay], 'HTTPRoute', 'microtick')!;
const podLabels = (w: K8sObject): Record<string, string> => w.spec.template.metadata.labels ?? {};

/** The HTTPRoute's rules as the local gateway's table: longest PathPrefix first, then where it goes. */
function tableOf(objects: K8sObject[], route: K8sObject) {
  return route.spec.rules.map((rule: K8sObject) => {
    expect(rule.matches).toHaveLength(1);
    const { path: match } = rule.matches[0];
    expect(match.type).toBe('PathPrefix');
    const extension = (rule.filters ?? []).find((f: K8sObject) => f.type === 'ExtensionRef')?.extensionRef;
    if (extension) {
      expect(rule.backendRefs ?? []).toEqual([]);
      const filter = find(objects, extension.kind, extension.name)!;
      expect(extension.group).toBe('gateway.envoyproxy.io');
      return { prefix: match.value, to: filter.metadata.name, response: filter.spec.directResponse };
    }
    expect(rule.backendRefs).toHaveLength(1);
    return { prefix: match.value, to: rule.backendRefs[0].name };
  });
}

describe('routing table', () => {
  test.each(overlays)('%s: the HTTPRoute is the local gateway table (devstack/src/gateway/routes.ts)', (overlay) => {
    const table = tableOf(rendered[overlay], appRoute(overlay));
    expect(table.map(({ prefix, to }: K8sObject) => ({ prefix, to }))).toEqual(
      routes.map(({ prefix, to }) => ({ prefix, to })),
    );
    const notFound = table.find((r: K8sObject) => r.to === 'api-not-found');
    expect(notFound.response).toEqual({
      statusCode: 404,
      contentType: 'application/json',
      body: { type: 'Inline', inline: apiNotFoundBody },
    });
  });

  test('the local table sends each DESIGN.md prefix where DESIGN.md says (longest prefix wins)', () => {
    expect(
      [
        '/api/users/signin',
        '/api/tickets',
        '/api/orders/1',
        '/api/payments/webhook',
        '/api/nope',
        '/',
        '/tickets/1',
      ].map(destinationFor),
    ).toEqual(['auth', 'tickets', 'orders', 'payments', 'api-not-found', 'client', 'client']);
  });

  test.each(overlays)('%s: every backend is a Service port whose pods expose the target port', (overlay) => {
    const objects = rendered[overlay];
    for (const route of objects.filter((o) => o.kind === 'HTTPRoute'))
      for (const backend of route.spec.rules.flatMap((r: K8sObject) => r.backendRefs ?? [])) {
        const svc = find(objects, 'Service', backend.name);
        expect({ backend: backend.name, service: !!svc }).toEqual({ backend: backend.name, service: true });
        const port = svc!.spec.ports.find((p: K8sObject) => p.port === backend.port);
        expect({ backend: backend.name, port: backend.port, found: !!port }).toEqual({
          backend: backend.name,
          port: backend.port,
          found: true,
        });
        const backing = workloads(objects).filter((w) => selects({ matchLabels: svc!.spec.selector }, podLabels(w)));
        expect(backing).toHaveLength(1);
        const ports = containersOf(backing[0]).flatMap((c) => c.ports ?? []);
        expect(ports.some((cp) => cp.name === port.targetPort || cp.containerPort === port.targetPort)).toBe(true);
      }
  });

  test.each(overlays)('%s: the proxies drop idle upstream connections before the services do (65 s)', (overlay) => {
    const policy = rendered[overlay].find(
      (o) => o.kind === 'BackendTrafficPolicy' && o.spec.targetRefs.some((t: K8sObject) => t.name === 'microtick'),
    )!;
    expect(durationSeconds(policy.spec.timeout.http.connectionIdleTimeout)).toBeLessThan(65);
  });

  test.each(overlays)('%s: no Ingress and no ingress-nginx left', (overlay) => {
    expect(rendered[overlay].filter((o) => o.kind === 'Ingress').map(id)).toEqual([]);
    const grep = spawnSync('grep', ['-rIl', 'ingress-nginx', 'infra/k8s', 'skaffold.yaml', 'docs/deploy.md'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(grep.stdout.split('\n').filter(Boolean)).toEqual([]);
  });
});

describe('HTTPS and certificates (production)', () => {
  const gateway = () => find(rendered.production, 'Gateway', 'microtick')!;

  test('an https listener serves the certificate cert-manager issues for the host name', () => {
    const gw = gateway();
    const issuerName = gw.metadata.annotations['cert-manager.io/cluster-issuer'];
    const issuers = render(path.join(tree.dir, 'cluster'));
    expect(issuers.map(id)).toContain(`ClusterIssuer/${issuerName}`);
    const https = gw.spec.listeners.find((l: K8sObject) => l.protocol === 'HTTPS');
    const http = gw.spec.listeners.find((l: K8sObject) => l.protocol === 'HTTP');
    expect(https).toEqual(
      expect.objectContaining({
        port: 443,
        hostname: expect.stringMatching(/^[a-z0-9.-]+\.[a-z]+$/),
        tls: { mode: 'Terminate', certificateRefs: [{ name: expect.any(String) }] },
      }),
    );
    expect(http).toEqual(expect.objectContaining({ port: 80, hostname: https.hostname }));
  });

  test("cert-manager answers HTTP-01 through the Gateway's http listener", () => {
    const gw = gateway();
    const issuer = render(path.join(tree.dir, 'cluster')).find((o) => o.kind === 'ClusterIssuer')!;
    const solvers = issuer.spec.acme.solvers.map((s: K8sObject) => s.http01);
    expect(solvers).toEqual([
      {
        gatewayHTTPRoute: {
          parentRefs: [
            {
              group: 'gateway.networking.k8s.io',
              kind: 'Gateway',
              name: gw.metadata.name,
              namespace: gw.metadata.namespace,
              sectionName: gw.spec.listeners.find((l: K8sObject) => l.protocol === 'HTTP').name,
            },
          ],
        },
      },
    ]);
  });

  test('plain HTTP redirects to HTTPS; the app is served on HTTPS only', () => {
    const routesOn = (section: string) =>
      rendered.production.filter(
        (o) => o.kind === 'HTTPRoute' && o.spec.parentRefs.some((p: K8sObject) => p.sectionName === section),
      );
    expect(routesOn('https').map(id)).toEqual(['HTTPRoute/microtick']);
    const redirects = routesOn('http');
    expect(redirects).toHaveLength(1);
    expect(redirects[0].spec.rules).toEqual([
      { filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] },
    ]);
    const local = rendered.local.find((o) => o.kind === 'Gateway')!;
    expect(local.spec.listeners.map((l: K8sObject) => l.protocol)).toEqual(['HTTP']);
    expect(appRoute('local').spec.parentRefs[0].sectionName).toBe('http');
  });
});

describe('proxy availability (production)', () => {
  test('two proxies spread over nodes, at most one evicted at a time', () => {
    const k8s = find(rendered.production, 'EnvoyProxy', 'microtick-gateway')!.spec.provider.kubernetes;
    expect(k8s.envoyDeployment.replicas).toBe(2);
    const byNode = k8s.envoyDeployment.pod.topologySpreadConstraints.find(
      (c: K8sObject) => c.topologyKey === 'kubernetes.io/hostname',
    );
    expect(byNode).toMatchObject({ maxSkew: 1, whenUnsatisfiable: 'DoNotSchedule' });
    expect(
      selects(byNode.labelSelector, {
        'app.kubernetes.io/component': 'proxy',
        'gateway.envoyproxy.io/owning-gateway-name': 'microtick',
      }),
    ).toBe(true);
    // A surge pod beside an old one is a skew of 1, so a rollout never waits for a free node.
    expect(k8s.envoyDeployment.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
    expect(k8s.envoyPDB).toEqual({ minAvailable: 1 });
  });
});

describe("the visitor's address", () => {
  test('production: PROXY protocol on the DigitalOcean load balancer, with its hostname, and accepted by Envoy', () => {
    const objects = rendered.production;
    const gw = find(objects, 'Gateway', 'microtick')!;
    const ref = gw.spec.infrastructure.parametersRef;
    const proxy = find(objects, ref.kind, ref.name)!;
    const annotations = proxy.spec.provider.kubernetes.envoyService.annotations;
    expect(annotations['service.beta.kubernetes.io/do-loadbalancer-enable-proxy-protocol']).toBe('true');
    // Without it the in-cluster HTTP-01 self-check bypasses the load balancer and fails.
    expect(annotations['service.beta.kubernetes.io/do-loadbalancer-hostname']).toBe(gw.spec.listeners[0].hostname);
    const policies = objects.filter(
      (o) =>
        o.kind === 'ClientTrafficPolicy' &&
        o.spec.targetRefs.some((t: K8sObject) => t.kind === 'Gateway' && t.name === gw.metadata.name),
    );
    expect(policies).toHaveLength(1);
    expect(policies[0].spec.enableProxyProtocol).toBe(true);
    // Envoy then appends the address to X-Forwarded-For; nothing makes it trust what visitors send.
    expect(policies[0].spec.clientIPDetection).toBeUndefined();
  });

  test('local: no PROXY protocol (nothing in front of the proxy speaks it)', () => {
    expect(rendered.local.filter((o) => o.kind === 'ClientTrafficPolicy')).toEqual([]);
    const proxy = find(rendered.local, 'EnvoyProxy', 'microtick-gateway')!;
    expect(proxy.spec.provider.kubernetes.envoyService.annotations).toBeUndefined();
  });

  test('the services trust exactly one proxy hop: the address Envoy appended', async () => {
    const app = createServiceApp({
      name: 'test',
      logger: pino({ level: 'silent' }),
      healthChecks: {},
      routes: Router().get('/api/ip', (req, res) => {
        res.json({ ip: req.ip });
      }),
    });
    const res = await request(app).get('/api/ip').set('X-Forwarded-For', '198.51.100.7, 203.0.113.9').expect(200);
    expect(res.body.ip).toBe('203.0.113.9');
  });
});

describe('network paths', () => {
  type Peer = { namespace: string; labels: Record<string, string> };
  const proxyPod: Peer = {
    namespace: 'envoy-gateway-system',
    labels: {
      'app.kubernetes.io/name': 'envoy',
      'app.kubernetes.io/component': 'proxy',
      'app.kubernetes.io/managed-by': 'envoy-gateway',
      'gateway.envoyproxy.io/owning-gateway-name': 'microtick',
      'gateway.envoyproxy.io/owning-gateway-namespace': 'microtick',
    },
  };
  const prometheus: Peer = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
  const stranger: Peer = { namespace: 'default', labels: { 'app.kubernetes.io/name': 'envoy' } };
  const solver = { 'acme.cert-manager.io/http01-solver': 'true' };

  function peerMatches(peer: K8sObject, from: Peer): boolean {
    if (peer.ipBlock) return false;
    const namespaceOk = peer.namespaceSelector
      ? selects(peer.namespaceSelector, { 'kubernetes.io/metadata.name': from.namespace })
      : from.namespace === 'microtick';
    const podOk = peer.podSelector ? selects(peer.podSelector, from.labels) : true;
    return namespaceOk && podOk;
  }

  /** What the NetworkPolicies of the microtick namespace admit, as the network plugin would decide. */
  function admits(objects: K8sObject[], from: Peer, to: Record<string, string>, port: number): boolean {
    const policies = objects.filter(
      (o) => o.kind === 'NetworkPolicy' && o.spec.policyTypes.includes('Ingress') && selects(o.spec.podSelector, to),
    );
    if (policies.length === 0) return true;
    return policies.some((p) =>
      (p.spec.ingress ?? []).some(
        (rule: K8sObject) =>
          (rule.from ?? [{}]).some((peer: K8sObject) => peerMatches(peer, from)) &&
          (!rule.ports || rule.ports.some((p: K8sObject) => p.port === port)),
      ),
    );
  }

  const stores = (objects: K8sObject[]) =>
    objects.filter((o) => o.kind === 'StatefulSet').map((s) => ({ name: s.metadata.name, labels: podLabels(s) }));

  test.each(overlays)("%s: the Gateway's proxies reach the client and the API services", (overlay) => {
    const objects = rendered[overlay];
    for (const name of [...routedServices.map((s) => s.name), 'client']) {
      const labels = podLabels(find(objects, 'Deployment', name)!);
      expect({
        name,
        proxy: admits(objects, proxyPod, labels, 3000),
        stranger: admits(objects, stranger, labels, 3000),
      }).toEqual({ name, proxy: true, stranger: false });
    }
  });

  test.each(overlays)("%s: the proxies reach cert-manager's HTTP-01 solver pods", (overlay) => {
    expect(admits(rendered[overlay], proxyPod, solver, 8089)).toBe(true);
    expect(admits(rendered[overlay], stranger, solver, 8089)).toBe(false);
  });

  test.each(overlays)('%s: Prometheus reaches every service for /metrics', (overlay) => {
    const objects = rendered[overlay];
    for (const name of serviceNames) {
      const w = find(objects, 'Deployment', name)!;
      const annotations = w.spec.template.metadata.annotations ?? {};
      expect({ name, annotations }).toEqual({
        name,
        annotations: expect.objectContaining({
          'prometheus.io/scrape': 'true',
          'prometheus.io/port': '3000',
          'prometheus.io/path': '/metrics',
        }),
      });
      expect({ name, admitted: admits(objects, prometheus, podLabels(w), 3000) }).toEqual({ name, admitted: true });
    }
  });

  test.each(overlays)('%s: neither the proxies nor Prometheus reach a database, the bus or Redis', (overlay) => {
    const objects = rendered[overlay];
    const reached = stores(objects).flatMap(({ name, labels }) =>
      [proxyPod, prometheus].flatMap((from) =>
        [5432, 4222, 6222, 6379, 8222].filter((port) => admits(objects, from, labels, port)).map((p) => `${name}:${p}`),
      ),
    );
    expect(reached).toEqual([]);
  });
});

test('docs/deploy.md installs what these objects need (Envoy Gateway, cert-manager with Gateway API, metrics-server)', () => {
  const deploy = readFileSync(path.join(repoRoot, 'docs/deploy.md'), 'utf8');
  expect(deploy).toMatch(/helm (upgrade --install|install) \S+ oci:\/\/docker\.io\/envoyproxy\/gateway-helm/);
  expect(deploy).toMatch(/enableGatewayAPI=true/);
  expect(deploy).toMatch(/metrics-server/);
  expect(deploy).toContain('kubectl apply -k infra/k8s/namespace');
});
