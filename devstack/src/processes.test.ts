import { spawn } from 'node:child_process';
import path from 'node:path';
import { freePort } from './processes';

const tsx = path.join(__dirname, '..', '..', 'node_modules', '.bin', 'tsx');

/** A process like another checkout's test run: it prints one free port, then waits. */
function otherRun(): Promise<{ port: number; stop: () => void }> {
  const script = `import { freePort } from ${JSON.stringify(path.join(__dirname, 'processes'))};
freePort().then((p) => { console.log(p); setInterval(() => undefined, 1000); });`;
  const child = spawn(tsx, ['--eval', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve({ port: Number(chunk.toString()), stop: () => child.kill() }));
    child.once('exit', (code) => reject(new Error(`the other run exited ${code}`)));
  });
}

describe('freePort', () => {
  it('gives a concurrent run ports from another block', async () => {
    const ours = await freePort();
    const other = await otherRun();
    try {
      expect(Math.floor((other.port - 10_000) / 500)).not.toBe(Math.floor((ours - 10_000) / 500));
    } finally {
      other.stop();
    }
  });
});
