import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { forEachLine, waitForPort } from '../processes';
import { haproxyConfig, type GatewayConfigOptions } from './haproxy-config';

/** Debian puts haproxy in /usr/sbin, which is not on every user's PATH. */
export function haproxyBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    const candidate = path.join(dir, 'haproxy');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('haproxy is not installed: run make deps (scripts/deps.sh installs it)');
}

/** The configuration file of a gateway started with `dir`. */
export const gatewayConfigPath = (dir: string) => path.join(dir, 'haproxy.cfg');

/**
 * The local gateway: HAProxy with a configuration written for these upstreams into `dir`, in the
 * foreground (-db: one process, no daemon, so the supervisor starts, watches and stops it like a service).
 * Resolves when it accepts connections; one that exits first (a port taken, a bad upstream URL) rejects.
 */
export async function spawnGateway(
  options: GatewayConfigOptions & { onLine?: (line: string) => void },
): Promise<ChildProcess> {
  mkdirSync(options.dir, { recursive: true });
  const config = gatewayConfigPath(options.dir);
  writeFileSync(config, haproxyConfig(options));
  const child = spawn(haproxyBinary(), ['-db', '-f', config], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  if (options.onLine) forEachLine(child, options.onLine);
  try {
    await waitForPort(options.port, 20_000, child);
    return child;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
