/**
 * Waits, for a bounded time, until something the service learns from the bus has arrived for a key (an
 * order in a replica, say), checking every waiting key with one query per interval instead of one per
 * key: however many requests wait, the database sees one small read every `intervalMs`.
 *
 * `ready` answers which of the keys it was given are there now.
 */
export class BatchedWait<Key> {
  private readonly waiting = new Map<Key, { resolvers: ((ready: boolean) => void)[]; untilMs: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly ready: (keys: Key[]) => Promise<Iterable<Key>>,
    private readonly options: { intervalMs: number; timeoutMs: number },
  ) {}

  /** Resolves true once `ready` names the key, false when `timeoutMs` passed first (or a check failed). */
  until(key: Key): Promise<boolean> {
    return new Promise((resolve) => {
      const entry = this.waiting.get(key);
      if (entry) entry.resolvers.push(resolve);
      else this.waiting.set(key, { resolvers: [resolve], untilMs: Date.now() + this.options.timeoutMs });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.timer || this.waiting.size === 0) return;
    this.timer = setTimeout(() => void this.check(), this.options.intervalMs);
    this.timer.unref();
  }

  private settle(key: Key, ready: boolean): void {
    for (const resolve of this.waiting.get(key)?.resolvers ?? []) resolve(ready);
    this.waiting.delete(key);
  }

  private async check(): Promise<void> {
    let found: Set<Key>;
    try {
      found = new Set(await this.ready([...this.waiting.keys()]));
    } catch {
      found = new Set(); // the caller answers as if nothing arrived; the ones still in time are asked again
    }
    for (const key of found) this.settle(key, true);
    const now = Date.now();
    for (const [key, { untilMs }] of this.waiting) if (now >= untilMs) this.settle(key, false);
    this.timer = undefined;
    this.schedule();
  }
}
