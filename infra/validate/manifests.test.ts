/**
 * Offline checks of the Kubernetes manifests: every overlay renders with kubectl kustomize, every
 * object validates against the Kubernetes OpenAPI schemas (kubernetes-models), and the properties
 * the deployment relies on hold in the rendered output (routes, probes, limits, security, secrets,
 * network isolation, scaling, persistence).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { loadSigningKeys, sessionAlgorithmOf, userFacingConfig } from '@microtick/common';
import { roster, servicesWithDatabase } from '@microtick/devstack';
import {
  appServices,
  appWorkloads,
  containersOf,
  find,
  findGenerated,
  id,
  K8sObject,
  Overlay,
  overlays,
  podSpec,
  prepareTree,
  render,
  repoRoot,
  requireKubectl,
  selects,
  workloads,
} from './k8s';

let tree: { dir: string; cleanup: () => void };
const rendered = {} as Record<Overlay, K8sObject[]>;

beforeAll(() => {
  requireKubectl();
  tree = prepareTree();
  for (const overlay of overlays) rendered[overlay] = render(path.join(tree.dir, 'overlays', overlay));
});
afterAll(() => tree?.cleanup());

/** Custom resources kubernetes-models has no class for, with the fields that must be there. */
const required = (o: K8sObject, ...paths: string[]) =>
  paths.filter((p) => p.split('.').reduce<any>((v, k) => v?.[k], o) === undefined).map((p) => `${p} missing`);
const oneOf = (value: unknown, allowed: unknown[], where: string) =>
  allowed.includes(value) ? [] : [`${where}: ${String(value)} is not one of ${allowed.join(', ')}`];

/** Gateway API and Envoy Gateway kinds: the fields they need and their enumerations, checked structurally. */
const customResources: Record<string, (o: K8sObject) => string[]> = {
  'gateway.networking.k8s.io/v1/GatewayClass': (o) => required(o, 'spec.controllerName'),
  'gateway.networking.k8s.io/v1/Gateway': (o) => [
    ...required(o, 'spec.gatewayClassName', 'spec.listeners'),
    ...(o.spec?.listeners ?? []).flatMap((l: K8sObject, i: number) => [
      ...required(l, 'name', 'port', 'protocol').map((p) => `listeners[${i}].${p}`),
      ...oneOf(l.protocol, ['HTTP', 'HTTPS'], `listeners[${i}].protocol`),
      ...(l.protocol === 'HTTPS' ? required(l, 'tls.certificateRefs').map((p) => `listeners[${i}].${p}`) : []),
    ]),
  ],
  'gateway.networking.k8s.io/v1/HTTPRoute': (o) => [
    ...required(o, 'spec.parentRefs', 'spec.rules'),
    ...(o.spec?.rules ?? []).flatMap((r: K8sObject, i: number) => [
      ...(r.matches ?? []).flatMap((m: K8sObject) =>
        oneOf(m.path?.type, ['Exact', 'PathPrefix', 'RegularExpression'], `rules[${i}].path.type`),
      ),
      ...(r.filters ?? []).flatMap((f: K8sObject) =>
        oneOf(f.type, ['RequestRedirect', 'ExtensionRef', 'RequestHeaderModifier', 'URLRewrite'], `rules[${i}].filter`),
      ),
      ...(r.backendRefs ?? []).flatMap((b: K8sObject) =>
        typeof b.port === 'number' && b.name ? [] : [`rules[${i}]: backendRef needs name and numeric port`],
      ),
    ]),
  ],
  'gateway.envoyproxy.io/v1alpha1/EnvoyProxy': (o) => [
    ...required(o, 'spec.provider.kubernetes'),
    ...oneOf(o.spec?.provider?.type, ['Kubernetes'], 'spec.provider.type'),
  ],
  'gateway.envoyproxy.io/v1alpha1/ClientTrafficPolicy': (o) => required(o, 'spec.targetRefs'),
  'gateway.envoyproxy.io/v1alpha1/BackendTrafficPolicy': (o) => required(o, 'spec.targetRefs'),
  'gateway.envoyproxy.io/v1alpha1/HTTPRouteFilter': (o) => [
    ...required(o, 'spec.directResponse.statusCode', 'spec.directResponse.body.inline'),
    ...oneOf(o.spec?.directResponse?.body?.type, ['Inline', 'ValueRef'], 'spec.directResponse.body.type'),
  ],
  'cert-manager.io/v1/ClusterIssuer': (o) => {
    const problems: string[] = [];
    if (!o.spec?.acme?.server) problems.push('spec.acme.server missing');
    if (!o.spec?.acme?.privateKeySecretRef?.name) problems.push('spec.acme.privateKeySecretRef.name missing');
    if (!Array.isArray(o.spec?.acme?.solvers) || o.spec.acme.solvers.length === 0) problems.push('no solvers');
    for (const solver of o.spec?.acme?.solvers ?? [])
      if (!solver.http01?.gatewayHTTPRoute?.parentRefs?.length)
        problems.push('solver without gatewayHTTPRoute parentRefs');
    return problems;
  },
};

function schemaProblems(o: K8sObject): string[] {
  const custom = customResources[`${o.apiVersion}/${o.kind}`];
  if (custom) return custom(o);
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  let Model: (new (data: unknown) => { validate(): void }) | undefined;
  try {
    Model = require(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`)[o.kind];
  } catch {
    Model = undefined;
  }
  if (!Model) return [`no schema for ${o.apiVersion} ${o.kind}`];
  if (o.kind === 'Secret' && o.data) {
    // kustomize 5 folds long base64 values over several lines; the API server's decoder ignores
    // the newlines, the schema's "byte" format does not, so compare the unfolded value.
    o = { ...o, data: Object.fromEntries(Object.entries(o.data).map(([k, v]) => [k, String(v).replace(/\s+/g, '')])) };
  }
  try {
    new Model(o).validate();
    return [];
  } catch (e) {
    return [(e as Error).message];
  }
}

describe('kustomize renders', () => {
  test('kubectl is installed', () => {
    expect(requireKubectl()).toBeTruthy();
  });

  test.each(overlays)('%s: renders, with unique object names', (overlay) => {
    const objects = rendered[overlay];
    expect(objects.length).toBeGreaterThan(40);
    const ids = objects.map((o) => `${o.metadata.namespace ?? ''}/${id(o)}`);
    expect(ids.filter((x, i) => ids.indexOf(x) !== i)).toEqual([]);
  });

  test.each(overlays)('%s: every namespaced object lives in the microtick namespace', (overlay) => {
    const clusterScoped = ['ClusterIssuer', 'ClusterRole', 'ClusterRoleBinding'];
    const stray = rendered[overlay]
      .filter((o) => !clusterScoped.includes(o.kind) && o.metadata.namespace !== 'microtick')
      .map(id);
    expect(stray).toEqual([]);
  });

  test.each(overlays)(
    '%s: the Namespace is not part of the overlay (deleting the app never deletes the volumes)',
    (overlay) => {
      expect(rendered[overlay].filter((o) => ['Namespace', 'GatewayClass'].includes(o.kind)).map(id)).toEqual([]);
    },
  );

  test('infra/k8s/namespace holds the Namespace and the GatewayClass, applied on their own', () => {
    const objects = render(path.join(tree.dir, 'namespace'));
    expect(objects.map(id).sort()).toEqual(['GatewayClass/microtick', 'Namespace/microtick']);
    expect(objects.flatMap(schemaProblems)).toEqual([]);
    const gateways = overlays.map((o) => find(rendered[o], 'Gateway', 'microtick')!.spec.gatewayClassName);
    expect(gateways).toEqual(['microtick', 'microtick']);
  });

  test('infra/k8s/cluster (cert-manager ClusterIssuer) renders', () => {
    const objects = render(path.join(tree.dir, 'cluster'));
    expect(objects.map(id)).toEqual(['ClusterIssuer/letsencrypt-prod']);
    expect(objects.flatMap(schemaProblems)).toEqual([]);
  });
});

describe('Kubernetes schemas (kubernetes-models)', () => {
  test.each(overlays)('%s: every object validates', (overlay) => {
    const problems = rendered[overlay].flatMap((o) => schemaProblems(o).map((p) => `${id(o)}: ${p}`));
    expect(problems).toEqual([]);
  });

  test('the validation does reject a malformed object (control)', () => {
    const deployment = structuredClone(find(rendered.production, 'Deployment', 'auth')!);
    deployment.spec.replicas = 'two';
    deployment.spec.template.spec.containers[0].ports[0].containerPort = 'http';
    expect(schemaProblems(deployment).join('\n')).toMatch(/replicas|containerPort/);
    expect(schemaProblems({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } })).toEqual([
      'no schema for example.com/v1 Widget',
    ]);
  });
});

function podLabels(w: K8sObject): Record<string, string> {
  return w.spec.template.metadata.labels ?? {};
}

describe('workloads', () => {
  test.each(overlays)(
    '%s: every container has readiness and liveness probes; the apps use /health and /alive',
    (overlay) => {
      const problems: string[] = [];
      for (const w of workloads(rendered[overlay])) {
        const app = appWorkloads.includes(w.metadata.name as never);
        for (const c of podSpec(w).containers) {
          const where = `${id(w)}/${c.name}`;
          if (!c.readinessProbe) problems.push(`${where}: no readinessProbe`);
          if (!c.livenessProbe) problems.push(`${where}: no livenessProbe`);
          if (app) {
            if (c.readinessProbe?.httpGet?.path !== '/health') problems.push(`${where}: readiness is not GET /health`);
            if (c.livenessProbe?.httpGet?.path !== '/alive') problems.push(`${where}: liveness is not GET /alive`);
          }
          for (const probe of [c.readinessProbe, c.livenessProbe, c.startupProbe].filter(Boolean)) {
            const port = probe.httpGet?.port ?? probe.tcpSocket?.port;
            if (port === undefined) continue;
            const declared = (c.ports ?? []).some((p: K8sObject) => p.name === port || p.containerPort === port);
            if (!declared) problems.push(`${where}: probe port ${port} is not a container port`);
          }
        }
      }
      expect(problems).toEqual([]);
    },
  );

  test.each(overlays)('%s: every container has CPU and memory requests and limits', (overlay) => {
    const problems: string[] = [];
    for (const w of workloads(rendered[overlay])) {
      for (const c of containersOf(w)) {
        for (const kind of ['requests', 'limits'])
          for (const r of ['cpu', 'memory'])
            if (!c.resources?.[kind]?.[r]) problems.push(`${id(w)}/${c.name}: no resources.${kind}.${r}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(overlays)('%s: pods run as non-root, without privilege escalation or capabilities', (overlay) => {
    const problems: string[] = [];
    for (const w of workloads(rendered[overlay])) {
      const pod = podSpec(w);
      if (pod.hostNetwork || pod.hostPID || pod.hostIPC) problems.push(`${id(w)}: uses host namespaces`);
      if (pod.automountServiceAccountToken !== false) problems.push(`${id(w)}: mounts a service account token`);
      for (const c of containersOf(w)) {
        const where = `${id(w)}/${c.name}`;
        const sc = { ...pod.securityContext, ...c.securityContext };
        if (sc.runAsNonRoot !== true) problems.push(`${where}: runAsNonRoot is not true`);
        if (sc.runAsUser === 0) problems.push(`${where}: runs as uid 0`);
        if (c.securityContext?.allowPrivilegeEscalation !== false)
          problems.push(`${where}: privilege escalation allowed`);
        if (c.securityContext?.privileged) problems.push(`${where}: privileged`);
        if (!(c.securityContext?.capabilities?.drop ?? []).includes('ALL'))
          problems.push(`${where}: capabilities not dropped`);
        if (c.securityContext?.capabilities?.add?.length) problems.push(`${where}: adds capabilities`);
        if (sc.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${where}: no RuntimeDefault seccomp profile`);
        // Only the local overlay relaxes this, for the services skaffold syncs sources into.
        const mayWrite = overlay === 'local' && appServices.includes(w.metadata.name as never);
        if (!mayWrite && c.securityContext?.readOnlyRootFilesystem !== true)
          problems.push(`${where}: root file system is writable`);
      }
    }
    expect(problems).toEqual([]);
    const ns = find(render(path.join(tree.dir, 'namespace')), 'Namespace', 'microtick')!;
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test.each(overlays)('%s: every Deployment spreads its pods over nodes and zones', (overlay) => {
    for (const w of rendered[overlay].filter((o) => o.kind === 'Deployment')) {
      const spread = podSpec(w).topologySpreadConstraints ?? [];
      const keys = spread
        .filter((c: K8sObject) => selects(c.labelSelector, podLabels(w)) && c.maxSkew === 1)
        .map((c: K8sObject) => c.topologyKey)
        .sort();
      expect({ deployment: w.metadata.name, keys }).toEqual({
        deployment: w.metadata.name,
        keys: ['kubernetes.io/hostname', 'topology.kubernetes.io/zone'],
      });
    }
  });

  test.each(overlays)(
    '%s: migrations run in an initContainer of the same image, outside the start-up probe',
    (overlay) => {
      for (const { name } of servicesWithDatabase) {
        const pod = podSpec(find(rendered[overlay], 'Deployment', name)!);
        const app = pod.containers[0];
        expect((pod.initContainers ?? []).map((c: K8sObject) => c.name)).toEqual(['migrate']);
        const migrate = pod.initContainers[0];
        expect({ name, image: migrate.image, workingDir: migrate.workingDir }).toEqual({
          name,
          image: app.image,
          workingDir: '/app',
        });
        const command = migrate.command.join(' ');
        expect(command).toBe(
          overlay === 'local'
            ? `node_modules/.bin/tsx ${name}/src/index.ts migrate`
            : `node ${name}/dist/index.js migrate`,
        );
        const url = (c: K8sObject) => c.env.find((e: K8sObject) => e.name === 'DATABASE_URL');
        expect(url(migrate)).toEqual(url(app));
      }
    },
  );

  test.each(overlays)('%s: the app images come from this repository and never run as :latest', (overlay) => {
    const images = workloads(rendered[overlay]).flatMap((w) => containersOf(w).map((c) => c.image as string));
    for (const name of appWorkloads) expect(images).toContain(`microtick-${name}`);
    const thirdParty = images.filter((i) => !i.startsWith('microtick-'));
    expect(thirdParty.filter((i) => !/:[\w.-]+$/.test(i) || i.endsWith(':latest'))).toEqual([]);
  });
});

describe('Secrets and ConfigMaps', () => {
  // What each workload reads from its environment (the contract the services were built against).
  const requiredEnv: Record<string, string[]> = {
    auth: [
      'NODE_ENV',
      'PORT',
      'HOST',
      'LOG_LEVEL',
      'DATABASE_URL',
      'NATS_URL',
      'REDIS_URL',
      'AUTH_SIGNING_KEY',
      'AUTH_PREVIOUS_SIGNING_KEYS',
      'SESSION_TTL_SECONDS',
      'COOKIE_SECURE',
      'SMTP_URL',
      'APP_URL',
    ],
    tickets: [
      'NODE_ENV',
      'PORT',
      'HOST',
      'LOG_LEVEL',
      'DATABASE_URL',
      'NATS_URL',
      'REDIS_URL',
      'AUTH_JWKS_URL',
      'SESSION_TTL_SECONDS',
    ],
    orders: [
      'NODE_ENV',
      'PORT',
      'HOST',
      'LOG_LEVEL',
      'DATABASE_URL',
      'NATS_URL',
      'REDIS_URL',
      'AUTH_JWKS_URL',
      'SESSION_TTL_SECONDS',
      'ORDER_EXPIRATION_SECONDS',
    ],
    expiration: ['NODE_ENV', 'PORT', 'HOST', 'LOG_LEVEL', 'NATS_URL', 'REDIS_URL'],
    payments: [
      'NODE_ENV',
      'PORT',
      'LOG_LEVEL',
      'HOST',
      'DATABASE_URL',
      'NATS_URL',
      'REDIS_URL',
      'AUTH_JWKS_URL',
      'SESSION_TTL_SECONDS',
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
      'STRIPE_CONNECT_WEBHOOK_SECRET',
      'PLATFORM_FEE_BPS',
      'APP_URL',
    ],
    client: ['NODE_ENV', 'PORT', 'AUTH_URL', 'TICKETS_URL', 'ORDERS_URL', 'PAYMENTS_URL', 'ORDER_EXPIRATION_SECONDS'],
  };

  /** A container's environment as the kubelet builds it: envFrom in order, then env on top. */
  function resolvedEnv(objects: K8sObject[], c: K8sObject): Record<string, string | undefined> {
    const valuesOf = (kind: 'ConfigMap' | 'Secret', name: string): Record<string, string> =>
      Object.fromEntries(
        Object.entries<string>(find(objects, kind, name)?.data ?? {}).map(([k, v]) => [
          k,
          kind === 'Secret' ? Buffer.from(String(v).replace(/\s+/g, ''), 'base64').toString() : String(v),
        ]),
      );
    const env: Record<string, string | undefined> = {};
    for (const source of c.envFrom ?? []) {
      const values = source.configMapRef
        ? valuesOf('ConfigMap', source.configMapRef.name)
        : valuesOf('Secret', source.secretRef.name);
      for (const [k, v] of Object.entries(values)) env[`${source.prefix ?? ''}${k}`] = v;
    }
    for (const e of c.env ?? []) {
      const cm = e.valueFrom?.configMapKeyRef;
      const secret = e.valueFrom?.secretKeyRef;
      if (cm) env[e.name] = valuesOf('ConfigMap', cm.name)[cm.key];
      else if (secret) env[e.name] = valuesOf('Secret', secret.name)[secret.key];
      else env[e.name] = e.valueFrom ? `(${Object.keys(e.valueFrom)[0]})` : (e.value ?? '');
    }
    return env;
  }

  // Settings several workloads read, which must agree: the client shows the hold window orders keeps,
  // and tickets, orders and payments refuse sessions older than auth issues them for. Both come from
  // marketplace-config; a per-service ConfigMap (or an overlay) setting one of them again would drift.
  const sharedSettings = ['ORDER_EXPIRATION_SECONDS', 'SESSION_TTL_SECONDS'];
  /** The workloads whose configuration reads a variable: by name, or through common's userFacingConfig. */
  function readersOf(key: string): string[] {
    return appWorkloads.filter((name) => {
      const file = name === 'client' ? 'client/lib/config.ts' : `${name}/src/config.ts`;
      const source = readFileSync(path.join(repoRoot, file), 'utf8');
      return source.includes(key) || (key in userFacingConfig && /\.\.\.userFacingConfig\b/.test(source));
    });
  }

  function keysOf(o: K8sObject | undefined): string[] {
    return Object.keys({ ...(o?.data ?? {}), ...(o?.stringData ?? {}), ...(o?.binaryData ?? {}) });
  }

  test.each(overlays)('%s: every Secret/ConfigMap key a pod references is declared', (overlay) => {
    const objects = rendered[overlay];
    const problems: string[] = [];
    for (const w of workloads(objects)) {
      const pod = podSpec(w);
      for (const c of containersOf(w)) {
        const where = `${id(w)}/${c.name}`;
        const defined: string[] = [];
        for (const source of c.envFrom ?? []) {
          const ref = source.configMapRef ?? source.secretRef;
          const kind = source.configMapRef ? 'ConfigMap' : 'Secret';
          if (!find(objects, kind, ref.name) && !ref.optional)
            problems.push(`${where}: envFrom ${kind} ${ref.name} missing`);
        }
        for (const env of c.env ?? []) {
          for (const [refField, kind] of [
            ['secretKeyRef', 'Secret'],
            ['configMapKeyRef', 'ConfigMap'],
          ] as const) {
            const ref = env.valueFrom?.[refField];
            if (!ref) continue;
            const target = find(objects, kind, ref.name);
            if (!target) problems.push(`${where}: ${env.name} needs ${kind} ${ref.name}, not rendered`);
            else if (!keysOf(target).includes(ref.key))
              problems.push(`${where}: ${env.name} needs key ${ref.key} of ${kind} ${ref.name}, not declared`);
          }
          // $(VAR) only expands variables defined earlier in the list (or by envFrom).
          for (const m of String(env.value ?? '').matchAll(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g))
            if (!defined.includes(m[1])) problems.push(`${where}: ${env.name} uses $(${m[1]}) before it is defined`);
          defined.push(env.name);
        }
      }
      for (const v of pod.volumes ?? []) {
        if (v.configMap && !find(objects, 'ConfigMap', v.configMap.name))
          problems.push(`${id(w)}: volume ${v.name} needs ConfigMap ${v.configMap.name}`);
        if (v.secret && !find(objects, 'Secret', v.secret.secretName))
          problems.push(`${id(w)}: volume ${v.name} needs Secret ${v.secret.secretName}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test.each(overlays)('%s: each workload gets every variable it reads', (overlay) => {
    const objects = rendered[overlay];
    for (const [name, required] of Object.entries(requiredEnv)) {
      const w = find(objects, 'Deployment', name)!;
      const c = podSpec(w).containers[0];
      const names = new Set<string>((c.env ?? []).map((e: K8sObject) => e.name));
      for (const source of c.envFrom ?? []) {
        if (source.configMapRef)
          keysOf(find(objects, 'ConfigMap', source.configMapRef.name)).forEach((k) => names.add(k));
        if (source.secretRef) keysOf(find(objects, 'Secret', source.secretRef.name)).forEach((k) => names.add(k));
      }
      expect({ name, missing: required.filter((k) => !names.has(k)) }).toEqual({ name, missing: [] });
    }
  });

  test('the shared settings have the readers the services were built with', () => {
    expect(readersOf('ORDER_EXPIRATION_SECONDS')).toEqual(expect.arrayContaining(['orders', 'client']));
    expect(readersOf('SESSION_TTL_SECONDS')).toEqual(expect.arrayContaining(['auth', 'tickets', 'orders', 'payments']));
  });

  test.each(overlays)('%s: a setting several workloads read has one value in all of them', (overlay) => {
    const objects = rendered[overlay];
    for (const key of sharedSettings) {
      const values = Object.fromEntries(
        readersOf(key).map((name) => [
          name,
          resolvedEnv(objects, podSpec(find(objects, 'Deployment', name)!).containers[0])[key] ?? '(unset)',
        ]),
      );
      const agree = new Set(Object.values(values)).size === 1 && !Object.values(values).includes('(unset)');
      expect({ key, values, agree }).toEqual({ key, values, agree: true });
    }
    const elsewhere = objects
      .filter((o) => o.kind === 'ConfigMap' && !/^marketplace-config(-|$)/.test(o.metadata.name))
      .flatMap((o) => sharedSettings.filter((k) => k in (o.data ?? {})).map((k) => `${o.metadata.name}: ${k}`));
    expect(elsewhere).toEqual([]);
  });

  test('cluster settings: PORT 3000, NODE_ENV, COOKIE_SECURE and Stripe keys per overlay', () => {
    for (const overlay of overlays) {
      for (const name of appWorkloads) {
        const cm = findGenerated(rendered[overlay], 'ConfigMap', `${name}-config`)!;
        // Locally the services run in development mode: payments' sandbox gateway needs it.
        const nodeEnv = overlay === 'local' && name !== 'client' ? 'development' : 'production';
        expect({ overlay, name, PORT: cm.data.PORT, NODE_ENV: cm.data.NODE_ENV }).toEqual({
          overlay,
          name,
          PORT: '3000',
          NODE_ENV: nodeEnv,
        });
      }
    }
    expect(findGenerated(rendered.local, 'ConfigMap', 'auth-config')!.data.COOKIE_SECURE).toBe('false');
    expect(findGenerated(rendered.production, 'ConfigMap', 'auth-config')!.data.COOKIE_SECURE).toBe('true');
    // The client (a production build) accepts an empty publishable key only when told payments runs
    // its sandbox gateway: a local cluster's case, never production's.
    expect(findGenerated(rendered.local, 'ConfigMap', 'client-config')!.data.PAYMENTS_SANDBOX).toBe('true');
    expect(findGenerated(rendered.production, 'ConfigMap', 'client-config')!.data.PAYMENTS_SANDBOX).toBeUndefined();
    // payments refuses to start in production without both Stripe keys.
    const stripe = findGenerated(rendered.production, 'Secret', 'stripe-keys')!;
    for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_WEBHOOK_SECRET'])
      expect(Buffer.from(String(stripe.data[key]).replace(/\s+/g, ''), 'base64').toString().length).toBeGreaterThan(0);
  });

  test('Secrets are generated from git-ignored files, never committed', () => {
    for (const overlay of overlays) {
      const secrets = rendered[overlay].filter((o) => o.kind === 'Secret');
      expect(secrets.length).toBeGreaterThanOrEqual(6);
      // A generated name carries the content hash: a hand-written (committed) Secret would not.
      for (const s of secrets) expect(s.metadata.name).toMatch(/-[a-z0-9]{10}$/);
    }
    const gitignore = readFileSync(path.join(repoRoot, 'infra/k8s/.gitignore'), 'utf8').split('\n');
    expect(gitignore).toContain('overlays/*/secrets/*.env');
    // Where git works here (it may refuse a checkout owned by another user), ask git itself too.
    if (spawnSync('git', ['rev-parse', '--git-dir'], { cwd: repoRoot }).status === 0) {
      for (const file of [
        'infra/k8s/overlays/production/secrets/session-signing-keys.env',
        'infra/k8s/overlays/local/secrets/x.env',
      ]) {
        const ignored = spawnSync('git', ['check-ignore', '-q', file], { cwd: repoRoot });
        expect({ file, ignored: ignored.status }).toEqual({ file, ignored: 0 });
      }
      const tracked = spawnSync('git', ['ls-files', 'infra/k8s'], { cwd: repoRoot, encoding: 'utf8' });
      expect(tracked.stdout.split('\n').filter((f) => /\/secrets\/[^/]+\.env$/.test(f))).toEqual([]);
    }
  });

  test('production refuses to invent passwords', () => {
    // Exits before writing anything, so the shared rendered tree is left as it was.
    const result = spawnSync(process.execPath, [path.join(tree.dir, 'secrets.mjs'), 'production', '--force'], {
      encoding: 'utf8',
      env: { ...process.env, AUTH_SIGNING_KEY: '', AUTH_DATABASE_URL: '', STRIPE_SECRET_KEY: '', SMTP_URL: '' },
    });
    expect(result.status).toBe(1);
    for (const name of ['AUTH_SIGNING_KEY', 'AUTH_DATABASE_URL', 'STRIPE_SECRET_KEY', 'SMTP_URL'])
      expect(result.stderr).toContain(name);
  });

  test('a local cluster gets a session key auth accepts: RSA-2048, so sessions are signed RS256', () => {
    const secret = findGenerated(rendered.local, 'Secret', 'session-signing-keys')!;
    const value = Buffer.from(String(secret.data.AUTH_SIGNING_KEY).replace(/\s+/g, ''), 'base64').toString();
    const { signing } = loadSigningKeys(value);
    expect(sessionAlgorithmOf(signing.privateKey)).toBe('RS256');
    expect(signing.privateKey.asymmetricKeyDetails?.modulusLength).toBe(2048);
  });
});

describe('network isolation', () => {
  function allowedSources(objects: K8sObject[], labels: Record<string, string>): any[] {
    return objects
      .filter((o) => o.kind === 'NetworkPolicy' && selects(o.spec.podSelector, labels))
      .flatMap((p) => (p.spec.ingress ?? []).flatMap((rule: K8sObject) => rule.from ?? [{ everywhere: true }]));
  }

  test.each(overlays)('%s: ingress is denied by default', (overlay) => {
    const deny = rendered[overlay].filter(
      (o) =>
        o.kind === 'NetworkPolicy' &&
        Object.keys(o.spec.podSelector ?? {}).length === 0 &&
        o.spec.policyTypes.includes('Ingress') &&
        !o.spec.ingress,
    );
    expect(deny).toHaveLength(1);
  });

  test.each(overlays)('%s: each database is reachable only from its own service', (overlay) => {
    const objects = rendered[overlay];
    const stores: Record<string, string[]> = {
      // In-cluster PostgreSQL locally only (production: DigitalOcean Managed PostgreSQL).
      ...(overlay === 'local'
        ? Object.fromEntries(servicesWithDatabase.map((s) => [`${s.database}-db`, [s.name]]))
        : {}),
      'expiration-redis': roster.filter((s) => s.redis).map((s) => s.name),
      // and the other NATS nodes (cluster routes)
      nats: [...roster.filter((s) => s.bus).map((s) => s.name), 'nats'],
    };
    for (const [store, clients] of Object.entries(stores)) {
      const sts = find(objects, 'StatefulSet', store)!;
      const sources = allowedSources(objects, podLabels(sts));
      expect(sources.length).toBeGreaterThan(0);
      const allowedApps = new Set<string>();
      for (const source of sources) {
        // Only pod selectors in the same namespace: no namespaceSelector, no ipBlock, no "from anywhere".
        expect({ store, source }).toEqual({ store, source: { podSelector: expect.any(Object) } });
        for (const w of workloads(objects))
          if (selects(source.podSelector, podLabels(w))) allowedApps.add(w.metadata.name);
      }
      expect({ store, clients: [...allowedApps].sort() }).toEqual({ store, clients: [...clients].sort() });
    }
  });
});

describe('scaling and persistence', () => {
  test.each(overlays)('%s: each stateless workload has an HPA and a PodDisruptionBudget', (overlay) => {
    const objects = rendered[overlay];
    for (const name of appWorkloads) {
      const deployment = find(objects, 'Deployment', name)!;
      expect(deployment.spec.replicas).toBeUndefined(); // the HPA owns it
      const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec.scaleTargetRef.name === name);
      expect({ name, hpa: hpa?.spec.scaleTargetRef.kind }).toEqual({ name, hpa: 'Deployment' });
      if (overlay === 'local') expect([hpa!.spec.minReplicas, hpa!.spec.maxReplicas]).toEqual([1, 1]);
      else expect(hpa!.spec.minReplicas).toBeGreaterThanOrEqual(2);
      const pdbs = objects.filter(
        (o) => o.kind === 'PodDisruptionBudget' && selects(o.spec.selector, podLabels(deployment)),
      );
      expect({ name, pdbs: pdbs.length }).toEqual({ name, pdbs: 1 });
    }
  });

  test.each(overlays)('%s: stateful stores keep their data on persistent volumes', (overlay) => {
    const objects = rendered[overlay];
    const statefulSets = objects.filter((o) => o.kind === 'StatefulSet');
    const databases = overlay === 'local' ? servicesWithDatabase.map((s) => `${s.name}-db`) : [];
    expect(statefulSets.map((s) => s.metadata.name).sort()).toEqual([...databases, 'expiration-redis', 'nats'].sort());
    for (const sts of statefulSets) {
      const claims = (sts.spec.volumeClaimTemplates ?? []).map((t: K8sObject) => t.metadata.name);
      const mounts = podSpec(sts).containers[0].volumeMounts.map((m: K8sObject) => m.name);
      expect({ sts: sts.metadata.name, mounted: claims.filter((c: string) => mounts.includes(c)).length }).toEqual({
        sts: sts.metadata.name,
        mounted: 1,
      });
    }
    const redis = podSpec(find(objects, 'StatefulSet', 'expiration-redis')!).containers[0];
    const args = [...(redis.command ?? []), ...(redis.args ?? [])].join(' ');
    expect(args).toMatch(/--appendonly yes/);
    expect(args).toMatch(/--maxmemory-policy noeviction/);
    const dataMount = redis.volumeMounts.find((m: K8sObject) => m.name === 'data').mountPath;
    expect(args).toContain(`--dir ${dataMount}`);

    const nats = podSpec(find(objects, 'StatefulSet', 'nats')!).containers[0];
    const natsConf = findGenerated(objects, 'ConfigMap', 'nats-config')!.data['nats.conf'] as string;
    const storeDir = /store_dir:\s*(\S+)/.exec(natsConf)?.[1];
    expect(natsConf).toMatch(/jetstream\s*\{/);
    expect(nats.volumeMounts.find((m: K8sObject) => m.name === 'data').mountPath).toBe(storeDir);
    for (const { database: db } of servicesWithDatabase) {
      // Both overlays: the connection string comes from the database's Secret.
      const app = podSpec(find(objects, 'Deployment', db)!).containers[0];
      const ref = app.env.find((e: K8sObject) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef;
      expect(ref).toEqual({ name: expect.stringMatching(new RegExp(`^${db}-database-`)), key: 'DATABASE_URL' });
      const url = Buffer.from(String(find(objects, 'Secret', ref.name)!.data.DATABASE_URL), 'base64').toString();
      if (overlay === 'production') {
        expect(url).toMatch(new RegExp(`^postgresql://${db}:[^@]+@[^/]+:25060/${db}\\?sslmode=`));
        continue;
      }
      const pg = podSpec(find(objects, 'StatefulSet', `${db}-db`)!).containers[0];
      const pgdata = pg.env.find((e: K8sObject) => e.name === 'PGDATA').value as string;
      const mount = pg.volumeMounts.find((m: K8sObject) => m.name === 'data').mountPath as string;
      expect(pgdata.startsWith(`${mount}/`)).toBe(true);
      const password = pg.env.find((e: K8sObject) => e.name === 'POSTGRES_PASSWORD').valueFrom.secretKeyRef;
      expect(password.name).toBe(ref.name);
      const secret = find(objects, 'Secret', ref.name)!;
      const value = Buffer.from(String(secret.data.POSTGRES_PASSWORD), 'base64').toString();
      expect(url).toBe(`postgres://${db}:${value}@${db}-db:5432/${db}`);
    }
  });
});
