import { afterCommit, withTransaction, type Pool } from '@microtick/common';
import { earningWaitReason } from '../rules';
import { payoutSignal, QUEUED } from './earnings';

export interface PayoutAccountRow {
  userId: string;
  providerAccountId: string;
  status: 'pending' | 'active';
}

const columns = 'user_id AS "userId", provider_account_id AS "providerAccountId", status';

export async function findPayoutAccount(pool: Pool, userId: string): Promise<PayoutAccountRow | undefined> {
  const { rows } = await pool.query<PayoutAccountRow>(`SELECT ${columns} FROM payout_accounts WHERE user_id = $1`, [
    userId,
  ]);
  return rows[0];
}

/**
 * Keeps the seller's account as created at the provider. Two first calls racing create the same account
 * (one idempotency key per seller) and store it once; the stored row is returned either way.
 */
export async function savePayoutAccount(pool: Pool, userId: string, providerAccountId: string) {
  const reason = (account: 'none' | 'pending') =>
    earningWaitReason({ sellerKnown: true, paymentStanding: true, account });
  // The seller's waiting earnings now wait for the onboarding, and say so.
  const { rows } = await pool.query<PayoutAccountRow>(
    `WITH inserted AS (
       INSERT INTO payout_accounts (user_id, provider_account_id) VALUES ($1, $2)
       ON CONFLICT (user_id) DO NOTHING RETURNING ${columns}
     ), reasons AS (
       UPDATE earnings SET pending_reason = $4
       WHERE seller_id = $1 AND status = 'pending' AND pending_reason = $3 AND EXISTS (SELECT 1 FROM inserted)
     )
     SELECT * FROM inserted UNION ALL SELECT ${columns} FROM payout_accounts WHERE user_id = $1`,
    [userId, providerAccountId, reason('none'), reason('pending')],
  );
  // A racing first call committed after this statement's snapshot: its row is read now.
  return rows[0] ?? (await findPayoutAccount(pool, userId))!;
}

/**
 * The provider says what the account can do as of `asOf` (account.updated's creation time, or now for the
 * sandbox's onboarding page); a report older than the one applied is ignored (Stripe does not deliver
 * events in order). Becoming active makes the seller's waiting earnings due, in the same transaction.
 * False for an account that is not ours, or a stale report.
 */
export async function setPayoutAccountStatus(
  pool: Pool,
  providerAccountId: string,
  status: 'pending' | 'active',
  asOf: Date = new Date(),
): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ userId: string }>(
      `UPDATE payout_accounts SET status = $2, status_as_of = $3, updated_at = now()
       WHERE provider_account_id = $1 AND (status_as_of IS NULL OR status_as_of <= $3)
       RETURNING user_id AS "userId"`,
      [providerAccountId, status, asOf],
    );
    if (!rows[0]) return false;
    if (status === 'active') {
      const due = await client.query(
        `UPDATE earnings SET next_attempt_at = now(), pending_reason = $2
         WHERE seller_id = $1 AND status = 'pending' AND next_attempt_at = 'infinity' AND payment_id IS NOT NULL`,
        [rows[0].userId, QUEUED],
      );
      if (due.rowCount) afterCommit(client, () => payoutSignal.emit('due'));
    }
    return true;
  });
}
