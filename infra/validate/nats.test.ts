/**
 * The NATS configuration each overlay deploys: nats-server itself accepts it (`nats-server -t`), the
 * StatefulSet matches it (node count, routes, grace period) and the services create the stream with
 * as many replicas as there are nodes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { roster } from '@microtick/devstack';
import { durationSeconds, find, findGenerated, K8sObject, Overlay, overlays, podSpec, renderOverlays } from './k8s';

let tree: { dir: string; cleanup: () => void };
let rendered: Record<Overlay, K8sObject[]>;
beforeAll(() => ({ tree, rendered } = renderOverlays()));
afterAll(() => tree?.cleanup());

const natsConf = (overlay: Overlay) =>
  findGenerated(rendered[overlay], 'ConfigMap', 'nats-config')!.data['nats.conf'] as string;
const natsSet = (overlay: Overlay) => find(rendered[overlay], 'StatefulSet', 'nats')!;

/** Runs `nats-server -t` on a config with the environment the pod gives it. */
function natsServerTest(conf: string, env: Record<string, string>) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'microtick-nats-conf-'));
  try {
    writeFileSync(path.join(dir, 'nats.conf'), conf);
    return spawnSync('nats-server', ['-t', '-c', path.join(dir, 'nats.conf')], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, ...env },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The variables the StatefulSet's container defines, with a pod's own name for fieldRefs. */
function podEnv(overlay: Overlay): Record<string, string> {
  const container = podSpec(natsSet(overlay)).containers[0];
  return Object.fromEntries(
    (container.env ?? []).map((e: K8sObject) => [
      e.name,
      e.valueFrom?.fieldRef?.fieldPath === 'metadata.name' ? 'nats-0' : String(e.value ?? ''),
    ]),
  );
}

describe('NATS configuration', () => {
  test.each(overlays)('%s: nats-server -t accepts the rendered nats.conf', (overlay) => {
    const result = natsServerTest(natsConf(overlay), podEnv(overlay));
    expect({ overlay, status: result.status, output: result.stdout + result.stderr }).toEqual({
      overlay,
      status: 0,
      output: expect.stringContaining('is valid'),
    });
  });

  test('the check does reject a configuration nats-server refuses (control)', () => {
    const result = natsServerTest(natsConf('local').replace(/lame_duck_duration: \S+/, 'lame_duck_duration: 20s'), {
      POD_NAME: 'nats-0',
    });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/lame_duck_duration/);
  });

  test.each(overlays)('%s: the grace period outlasts lame duck mode', (overlay) => {
    const conf = natsConf(overlay);
    const duration = durationSeconds(/lame_duck_duration:\s*(\S+)/.exec(conf)![1]);
    const grace = durationSeconds(/lame_duck_grace_period:\s*(\S+)/.exec(conf)?.[1] ?? '10s');
    expect(podSpec(natsSet(overlay)).terminationGracePeriodSeconds).toBeGreaterThan(duration + grace);
    const preStop = podSpec(natsSet(overlay)).containers[0].lifecycle?.preStop?.exec?.command ?? [];
    const pidFile = /pid_file:\s*(\S+)/.exec(conf)?.[1];
    expect(preStop.join(' ')).toBe(`nats-server --signal ldm=${pidFile}`);
  });

  test('local runs one node; production a three-node cluster routed over the headless Service', () => {
    expect(natsSet('local').spec.replicas).toBe(1);
    expect(natsConf('local')).not.toMatch(/cluster\s*\{/);
    const sts = natsSet('production');
    expect(sts.spec.replicas).toBe(3);
    const headless = find(rendered.production, 'Service', sts.spec.serviceName)!;
    expect(headless.spec.clusterIP).toBe('None');
    const conf = natsConf('production');
    const port = Number(/cluster\s*\{[^}]*?port:\s*(\d+)/.exec(conf)![1]);
    expect(headless.spec.ports.map((p: K8sObject) => p.port)).toContain(port);
    const routes = [...conf.matchAll(/nats:\/\/([\w.-]+):(\d+)/g)].map((m) => `${m[1]}:${m[2]}`);
    expect(routes.sort()).toEqual([0, 1, 2].map((i) => `nats-${i}.${sts.spec.serviceName}:${port}`));
  });

  test.each(overlays)('%s: the services create the stream with one replica per NATS node', (overlay) => {
    const nodes = natsSet(overlay).spec.replicas;
    for (const { name } of roster.filter((s) => s.bus)) {
      const cm = findGenerated(rendered[overlay], 'ConfigMap', `${name}-config`)!;
      expect({ name, replicas: cm.data.NATS_STREAM_REPLICAS }).toEqual({ name, replicas: String(nodes) });
    }
  });
});
