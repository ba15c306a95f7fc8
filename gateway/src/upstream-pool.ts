/** How long an upstream that refused or dropped a connection is left out of the rotation. */
export const EJECT_MS = 2000;

/** Errors that say the upstream process is not there (stopped, restarting), not that a request was bad. */
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'EHOSTUNREACH']);

export const isConnectionError = (err: NodeJS.ErrnoException) => CONNECTION_ERRORS.has(err.code ?? '');

/**
 * The replicas of one upstream (a comma-separated list of URLs, like a Kubernetes Service's endpoints):
 * requests go round-robin; a replica that refused a connection is skipped for a while, so a rolling
 * restart costs the one request that found it gone, not one in N until it is back.
 */
export class UpstreamPool {
  private readonly targets: string[];
  private readonly ejectedUntil = new Map<string, number>();
  private next = 0;

  constructor(urls: string) {
    this.targets = urls
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean);
    if (this.targets.length === 0) throw new Error('an upstream needs at least one URL');
  }

  pick(now = Date.now()): string {
    for (let i = 0; i < this.targets.length; i += 1) {
      const target = this.targets[this.next++ % this.targets.length];
      if ((this.ejectedUntil.get(target) ?? 0) <= now) return target;
    }
    // Every replica is out: try them anyway rather than refuse outright.
    return this.targets[this.next++ % this.targets.length];
  }

  eject(target: string, now = Date.now()): void {
    if (this.targets.length > 1) this.ejectedUntil.set(target, now + EJECT_MS);
  }
}
