import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { eventually } from './eventually';

const running = new Set<ChildProcess>();

/** Kills what spawnService started and is still running (a failed test must not leave a service behind). */
export function killSpawnedServices(): void {
  for (const child of running) child.kill('SIGKILL');
}

/** Runs a service's source entry point (e.g. "auth/src/index.ts") as its own process, as a deployment would. */
export function spawnService(entry: string, env: Record<string, string>, args: string[] = []) {
  const root = path.resolve(__dirname, '../../..');
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, entry), ...args], {
    cwd: root,
    env: { ...process.env, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    output: () => output,
    exited,
    /** Resolves once the output contains `text`. */
    logged: (text: string, timeoutMs = 20_000) => eventually(async () => output.includes(text), timeoutMs),
    signal: (name: NodeJS.Signals) => child.kill(name),
  };
}
