import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { forEachLine, waitForPort, which } from '../processes';
import { haproxyConfig, type GatewayConfigOptions } from './haproxy-config';

/** The configuration file of a gateway started with `dir`. */
export const gatewayConfigPath = (dir: string) => path.join(dir, 'haproxy.cfg');

/**
 * The local gateway: HAProxy with a configuration written for these upstreams into `dir`, in the
 * foreground (-db: one process, no daemon, so the supervisor starts, watches and stops it like a service).
 * Resolves when it accepts connections; one that exits first (a port taken, a bad upstream URL) rejects.
 */
export async function spawnGateway(
  options: GatewayConfigOptions & { dir: string; onLine?: (line: string) => void },
): Promise<ChildProcess> {
  mkdirSync(options.dir, { recursive: true });
  const config = gatewayConfigPath(options.dir);
  writeFileSync(config, haproxyConfig(options));
  const child = spawn(which('haproxy'), ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (options.onLine) forEachLine(child, options.onLine);
  try {
    await waitForPort(options.port, 20_000, child);
    return child;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
