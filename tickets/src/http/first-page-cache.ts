import { createHash } from 'node:crypto';
import { outboxSignal } from '@microtick/common';

export interface CachedPage {
  body: string;
  etag: string;
}

/**
 * The first pages of the public list, as sent, for `ttlMs`: during an on-sale thousands of buyers load
 * the same page in the same second. The list is the same for every visitor, so one copy serves all.
 *
 * Never stale for long: every ticket change this process commits records an event, and the outbox's
 * signal empties the cache at once; a change committed by another replica shows within `ttlMs` plus
 * the event's propagation, inside the second DESIGN.md allows.
 */
export class FirstPageCache {
  private readonly pages = new Map<string, CachedPage & { until: number }>();
  /** Bumped by every clear: a page read before a change committed is not kept after it. */
  private generation = 0;

  constructor(
    private readonly ttlMs = 250,
    private readonly maxPages = 100,
  ) {
    outboxSignal.on('recorded', this.clear);
  }

  readonly clear = () => {
    this.generation += 1;
    this.pages.clear();
  };

  /** Call before reading a page from the database; pass the answer to `set`. */
  version(): number {
    return this.generation;
  }

  get(key: string, now = Date.now()): CachedPage | undefined {
    const page = this.pages.get(key);
    return page && page.until > now ? page : undefined;
  }

  set(key: string, body: string, readAt: number, now = Date.now()): CachedPage {
    const page = { body, etag: etagOf(body) };
    if (readAt !== this.generation) return page;
    // Searches make many keys; the cache stays small by starting over rather than tracking use.
    if (this.pages.size >= this.maxPages) this.pages.clear();
    this.pages.set(key, { ...page, until: now + this.ttlMs });
    return page;
  }

  close(): void {
    outboxSignal.off('recorded', this.clear);
    this.clear();
  }
}

export const etagOf = (body: string) => `W/"${createHash('sha1').update(body).digest('base64url')}"`;
