import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { forEachLine, waitForPort } from '../processes';
import { nginxConfig, type GatewayConfigOptions } from './nginx-config';

/** Debian puts nginx in /usr/sbin, which is not on every user's PATH. */
export function nginxBinary(): string {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/usr/local/sbin']) {
    const candidate = path.join(dir, 'nginx');
    if (dir && existsSync(candidate)) return candidate;
  }
  throw new Error('nginx is not installed: run make deps (scripts/deps.sh installs it)');
}

/**
 * The local gateway: nginx with a configuration written for these upstreams into `dir`, in the foreground.
 * Resolves when it accepts connections; one that exits first (a port taken, a bad upstream URL) rejects.
 */
export async function spawnGateway(
  options: GatewayConfigOptions & { onLine?: (line: string) => void },
): Promise<ChildProcess> {
  mkdirSync(options.dir, { recursive: true });
  const config = path.join(options.dir, 'nginx.conf');
  writeFileSync(config, nginxConfig(options));
  const child = spawn(nginxBinary(), ['-p', options.dir, '-c', config], {
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  if (options.onLine) forEachLine(child, options.onLine);
  try {
    await waitForPort(options.port, 20_000, child);
    return child;
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
}
