import type { Redis } from 'ioredis';
import { HttpError } from './http/errors';

/** How long a cancelled or paid order stays marked: far longer than any bus outage we recover from. */
const MARK_TTL_MS = 24 * 3600 * 1000;

const BEGIN_CHARGE = `
if redis.call('HGET', KEYS[1], 'cancelled') then return 0 end
redis.call('HINCRBY', KEYS[1], 'charging', 1)
if not redis.call('HGET', KEYS[1], 'paid') then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 1`;

const END_CHARGE = `
local left = redis.call('HINCRBY', KEYS[1], 'charging', -1)
if left <= 0 then redis.call('HDEL', KEYS[1], 'charging') end
if ARGV[1] == '1' then redis.call('HSET', KEYS[1], 'paid', 1) end
if redis.call('HGET', KEYS[1], 'paid') then redis.call('PEXPIRE', KEYS[1], ARGV[2])
elseif left <= 0 then redis.call('DEL', KEYS[1]) end
return left`;

const CLAIM_CANCEL = `
if redis.call('HGET', KEYS[1], 'paid') then return 'paid' end
if tonumber(redis.call('HGET', KEYS[1], 'charging') or '0') > 0 then return 'charging' end
redis.call('HSET', KEYS[1], 'cancelled', 1)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return 'cancel'`;

export type CancelClaim = 'cancel' | 'charging' | 'paid';

/**
 * Where a buyer's cancel (decided in orders) meets the same buyer's payment (decided in payments) for one
 * order, so that a payment answered 201 is never followed by a cancel: one record per order in the
 * stack's Redis, changed only by atomic scripts. Payments counts a charge in flight before it charges and
 * marks the order paid when the charge is recorded; orders claims the cancel inside its transaction and
 * refuses it while a charge is in flight or after one succeeded (orders learns "paid" over the bus, later).
 * A cancel claimed first makes payments refuse before charging. docs/decisions.md.
 */
export class ChargeGuard {
  constructor(private readonly redis: Redis) {}

  private key(orderId: string) {
    return `charge-guard:${orderId}`;
  }

  /** Redis away: the request is refused with 503 before anything is decided, and can be retried. */
  private async run(script: string, orderId: string, ...args: (string | number)[]): Promise<unknown> {
    try {
      return await this.redis.eval(script, 1, this.key(orderId), ...args);
    } catch {
      throw new HttpError(503, [{ message: 'Service unavailable, try again shortly' }]);
    }
  }

  /** Payments, before charging: false when the buyer has cancelled. `maxChargeMs` frees it after a crash. */
  async beginCharge(orderId: string, maxChargeMs: number): Promise<boolean> {
    return (await this.run(BEGIN_CHARGE, orderId, maxChargeMs)) === 1;
  }

  /** Payments, after the charge was recorded (paid), declined or failed. */
  async endCharge(orderId: string, paid: boolean): Promise<void> {
    await this.run(END_CHARGE, orderId, paid ? '1' : '0', MARK_TTL_MS);
  }

  /** Orders, inside the cancel's transaction: 'cancel' when it may go ahead (then it is marked). */
  async claimCancel(orderId: string): Promise<CancelClaim> {
    return (await this.run(CLAIM_CANCEL, orderId, MARK_TTL_MS)) as CancelClaim;
  }

  /** Orders: a claimed cancel did not commit. */
  async releaseCancel(orderId: string): Promise<void> {
    await this.redis.hdel(this.key(orderId), 'cancelled');
  }
}
