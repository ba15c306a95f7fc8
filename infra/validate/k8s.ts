/**
 * Shared helpers for the offline deployment checks: render the kustomize overlays with kubectl
 * (no cluster needed) from a throw-away copy of infra/k8s whose git-ignored Secret env files are
 * generated from the committed templates, and walk the rendered objects.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- rendered manifests are untyped JSON; the tests check their shape. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { serviceNames } from '@microtick/devstack';
import { parseAllDocuments } from 'yaml';

export const repoRoot = path.resolve(__dirname, '../..');
export const k8sDir = path.join(repoRoot, 'infra/k8s');
export const overlays = ['local', 'production'] as const;
export type Overlay = (typeof overlays)[number];
/** The workloads built from this repository (image microtick-<name>). */
export const appServices = serviceNames;
export const appWorkloads = [...appServices, 'client'] as const;

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; [k: string]: any };
  [k: string]: any;
};

const kubectlBin = process.env.KUBECTL ?? 'kubectl';

/** Fails with an actionable message when kubectl is missing. */
export function requireKubectl(): string {
  const probe = spawnSync(kubectlBin, ['version', '--client'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `kubectl is needed to render infra/k8s (kubectl kustomize) but "${kubectlBin}" could not run` +
        ` (${probe.error?.message ?? probe.stderr}). Install Debian's kubernetes-client package` +
        ` (apt-get install kubernetes-client; \`make deps\` does it) or point KUBECTL at a kubectl binary.`,
    );
  }
  return kubectlBin;
}

/** Fake but well-formed values for the production Secret templates (CI passes real ones). */
export const fakeProductionEnv: Record<string, string> = {
  // A fixed key made for these offline checks only (Ed25519: auth still accepts one; new keys are RSA-2048).
  AUTH_SIGNING_KEY:
    'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tCk1DNENBUUF3QlFZREsyVndCQ0lFSUNDOVB1bHRDT2ZhZGZMR3p0Y09wUkZISmNEVkRYZ3JPN0YyZ2hXYmVxTEkKLS0tLS1FTkQgUFJJVkFURSBLRVktLS0tLQo=',
  AUTH_DATABASE_URL: `postgresql://auth:${'a1'.repeat(16)}@private-db.example.com:25060/auth?sslmode=no-verify`,
  TICKETS_DATABASE_URL: `postgresql://tickets:${'b2'.repeat(16)}@private-db.example.com:25060/tickets?sslmode=no-verify`,
  ORDERS_DATABASE_URL: `postgresql://orders:${'c3'.repeat(16)}@private-db.example.com:25060/orders?sslmode=no-verify`,
  PAYMENTS_DATABASE_URL: `postgresql://payments:${'d4'.repeat(16)}@private-db.example.com:25060/payments?sslmode=no-verify`,
  NOTIFICATIONS_DATABASE_URL: `postgresql://notifications:${'d5'.repeat(16)}@private-db.example.com:25060/notifications?sslmode=no-verify`,
  STRIPE_SECRET_KEY: 'sk_test_offline_checks',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_offline_checks',
  STRIPE_WEBHOOK_SECRET: 'whsec_offline_checks',
  SMTP_URL: 'smtps://offline-checks:not-a-password@smtp.example.com:465',
};

export function runNode(script: string, args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [script, ...args], {
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  if (result.status !== 0) {
    throw new Error(`node ${path.basename(script)} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
  return result;
}

/** A copy of infra/k8s without any local secret files, with Secrets generated as an operator would. */
export function prepareTree(): { dir: string; cleanup: () => void } {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'microtick-k8s-'));
  const dir = path.join(tmp, 'k8s');
  cpSync(k8sDir, dir, {
    recursive: true,
    filter: (src) => !/[/\\]secrets[/\\][^/\\]+\.env$/.test(src) && !/[/\\]pinned([/\\]|$)/.test(src),
  });
  const unset = Object.fromEntries(Object.keys(fakeProductionEnv).map((k) => [k, '']));
  runNode(path.join(dir, 'secrets.mjs'), ['local'], unset);
  runNode(path.join(dir, 'secrets.mjs'), ['production'], fakeProductionEnv);
  return { dir, cleanup: () => rmSync(tmp, { recursive: true, force: true }) };
}

export function render(kustomizationDir: string): K8sObject[] {
  const result = spawnSync(requireKubectl(), ['kustomize', kustomizationDir], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`kubectl kustomize ${kustomizationDir} failed:\n${result.stderr}`);
  const docs = parseAllDocuments(result.stdout);
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`unparsable render: ${doc.errors[0].message}`);
  return docs.map((d) => d.toJS()).filter((o): o is K8sObject => o !== null && typeof o === 'object');
}

export const id = (o: K8sObject) => `${o.kind}/${o.metadata.name}`;

export function find(objects: K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

/** Generated ConfigMaps/Secrets carry a content-hash suffix; this finds one by its base name. */
export function findGenerated(objects: K8sObject[], kind: string, baseName: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && new RegExp(`^${baseName}(-[a-z0-9]{10})?$`).test(o.metadata.name));
}

export const workloads = (objects: K8sObject[]) =>
  objects.filter((o) => ['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'].includes(o.kind));

export function podSpec(workload: K8sObject): any {
  return workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template.spec : workload.spec.template.spec;
}

export function containersOf(workload: K8sObject): any[] {
  const spec = podSpec(workload);
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** True when every label of the selector's matchLabels/matchExpressions holds for `labels`. */
export function selects(selector: any, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Renders every overlay from a fresh scratch tree (for a check file's beforeAll). */
export function renderOverlays(): {
  tree: { dir: string; cleanup: () => void };
  rendered: Record<Overlay, K8sObject[]>;
} {
  requireKubectl();
  const tree = prepareTree();
  const rendered = {} as Record<Overlay, K8sObject[]>;
  for (const overlay of overlays) rendered[overlay] = render(path.join(tree.dir, 'overlays', overlay));
  return { tree, rendered };
}

/** Duration in seconds from a NATS config value such as 30s, 2m or 1h. */
export function durationSeconds(value: string): number {
  const m = /^(\d+)(ms|s|m|h)$/.exec(value.trim());
  if (!m) throw new Error(`not a duration: ${value}`);
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}
