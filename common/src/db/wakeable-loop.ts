import type { EventEmitter } from 'node:events';

export interface WakeableLoopOptions {
  /** Wakes the loop at once when `signal` emits `event` (a commit that recorded work); none: it only polls. */
  wakeOn?: { signal: EventEmitter; event: string };
  /** Runs anyway this often, for work nobody signalled (other replicas, a restart, a back-off ending). */
  pollIntervalMs: number;
  /** One round: does what is due and returns; called again at once if a wake came meanwhile. */
  round: () => Promise<void>;
  onError: (err: unknown) => void;
}

/**
 * The rhythm of a worker that drains a table: woken after a commit in this process and polling for the
 * rest, never running two rounds at once (a wake during a round asks for one more). The outbox relay and
 * payments' payout worker run on it; tickets' started-events sweep only polls.
 */
export class WakeableLoop {
  private readonly onSignal = () => this.wake();
  private timer?: NodeJS.Timeout;
  private current?: Promise<void>;
  private again = false;
  running = false;

  constructor(private readonly options: WakeableLoopOptions) {}

  start(): void {
    this.running = true;
    this.options.wakeOn?.signal.on(this.options.wakeOn.event, this.onSignal);
    this.schedule();
    this.wake();
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.wake();
      this.schedule();
    }, this.options.pollIntervalMs);
    this.timer.unref();
  }

  /** Starts a round, or asks the running one to go round again. */
  wake(): void {
    if (!this.running) return;
    if (this.current) {
      this.again = true;
      return;
    }
    this.current = this.rounds().finally(() => {
      this.current = undefined;
    });
  }

  private async rounds(): Promise<void> {
    do {
      this.again = false;
      try {
        await this.options.round();
      } catch (err) {
        this.options.onError(err);
      }
    } while (this.again && this.running);
  }

  /** Stops polling and listening, and waits for the round under way. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.options.wakeOn?.signal.off(this.options.wakeOn.event, this.onSignal);
    await this.current;
  }
}
