import type { ChildProcess } from 'node:child_process';
import { stopProcess, type RunningServer } from '../processes';
import type { ReplicaName } from '../roster';
import type { InfraName } from './launch-infrastructure';

export type ProcessName = ReplicaName | 'client' | 'gateway' | InfraName;
export type Launched = ChildProcess | RunningServer;
export type Launch = () => Promise<Launched>;

const processOf = (c: Launched): ChildProcess => ('process' in c ? c.process : c);

interface Managed {
  launch: Launch;
  child?: Launched;
  stopping: boolean;
  /** Restarted after an unexpected exit (make up's services; never the servers holding data). */
  restart: boolean;
}

/**
 * Keeps track of the stack's processes: starts them, notices unexpected exits (and restarts the ones
 * that should be), and stops them one at a time or all at once.
 */
export class Supervisor {
  private readonly managed = new Map<ProcessName, Managed>();
  private shuttingDown = false;

  constructor(private readonly log: (name: string, line: string) => void) {}

  register(name: ProcessName, launch: Launch, options: { restart?: boolean } = {}): void {
    this.managed.set(name, { launch, stopping: false, restart: options.restart ?? false });
  }

  has(name: ProcessName): boolean {
    return this.managed.has(name);
  }

  async start(name: ProcessName): Promise<void> {
    const entry = this.managed.get(name);
    if (!entry) throw new Error(`${name} is not part of this stack`);
    entry.child = await entry.launch();
    entry.stopping = false;
    const child = processOf(entry.child);
    child.once('exit', (code, signal) => {
      if (this.shuttingDown || entry.stopping || entry.child === undefined || processOf(entry.child) !== child) return;
      this.log(name, `exited unexpectedly (${code ?? signal})`);
      if (!entry.restart) return;
      setTimeout(() => {
        if (!entry.stopping && !this.shuttingDown)
          this.start(name).catch((err) => this.log(name, `restart failed: ${String(err)}`));
      }, 1000);
    });
  }

  /** Starts all of them together; all settle before the first failure is thrown, so stopAll finds every one. */
  async startAll(names: ProcessName[]): Promise<void> {
    const started = await Promise.allSettled(names.map((name) => this.start(name)));
    const failed = started.find((result): result is PromiseRejectedResult => result.status === 'rejected');
    if (failed) throw failed.reason;
  }

  async stop(name: ProcessName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const entry = this.managed.get(name);
    if (!entry?.child) return;
    entry.stopping = true;
    const child = entry.child;
    if ('stop' in child && signal === 'SIGTERM') await child.stop();
    else await stopProcess(processOf(child), signal, 15_000);
  }

  /** Stops every process, group by group in the order given (each group's members together). */
  async stopAll(groups: ProcessName[][]): Promise<void> {
    this.shuttingDown = true;
    for (const group of groups) await Promise.all(group.map((name) => this.stop(name)));
  }

  pid(name: ProcessName): number | undefined {
    const child = this.managed.get(name)?.child;
    return child ? processOf(child).pid : undefined;
  }
}
