import { withTransaction, type Pool } from '@microtick/common';
import type { EmailKind } from '../rules';

/**
 * Sends an email at most once per (kind, order), as far as a crash allows: the sent-log row is inserted
 * and the email handed to SMTP inside one transaction, which commits only once SMTP has accepted it.
 * Returns false, sending nothing, when the row exists already. Another process sending the same email at
 * the same moment waits on the uncommitted row, then finds it (or, if that send failed, sends itself).
 * A crash before the commit leaves no row, so the redelivered event sends again: see docs/decisions.md.
 */
export async function sendOnce(
  pool: Pool,
  key: { kind: EmailKind; orderId: string; recipientId: string },
  send: () => Promise<void>,
): Promise<boolean> {
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      'INSERT INTO sent_emails (kind, order_id, recipient_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
      [key.kind, key.orderId, key.recipientId],
    );
    if (rowCount === 0) return false;
    await send();
    return true;
  });
}

export const SENT_ABOUT = 'SELECT kind FROM sent_emails WHERE order_id = $1';

/** The emails already sent about an order. */
export async function sentAbout(pool: Pool, orderId: string): Promise<EmailKind[]> {
  const { rows } = await pool.query<{ kind: EmailKind }>(SENT_ABOUT, [orderId]);
  return rows.map((r) => r.kind);
}
