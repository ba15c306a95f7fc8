import pg from 'pg';
import type { Stack } from '@microtick/devstack';

/**
 * Sellers get paid (issue 17), read from the payments and orders databases after a run: no earning is
 * transferred (or reversed) twice, and every completed order's seller is paid, or waits with a reason
 * that is not "the transfer is due". Kept apart from the marketplace's other invariants (invariants.ts).
 */
export async function payoutViolations(
  stack: Pick<Stack, 'databaseUrl'>,
): Promise<{ violations: Record<string, string[]>; counts: Record<string, number> }> {
  const read = async <T extends pg.QueryResultRow>(service: 'orders' | 'payments', sql: string) => {
    const client = new pg.Client({ connectionString: stack.databaseUrl(service) });
    await client.connect();
    try {
      return (await client.query<T>(sql)).rows;
    } finally {
      await client.end();
    }
  };
  const [complete, earnings] = await Promise.all([
    read<{ id: string }>('orders', "SELECT id FROM orders WHERE status = 'complete'"),
    read<{
      order_id: string;
      status: string;
      pending_reason: string | null;
      provider_transfer_id: string | null;
      provider_reversal_id: string | null;
      share_cents: number;
      fee_cents: number;
      price_cents: number;
      transfer_due: boolean;
      charge_standing: boolean | null;
      charge_refunded: boolean;
    }>(
      'payments',
      `SELECT e.order_id, e.status, e.pending_reason, e.provider_transfer_id, e.provider_reversal_id,
         e.share_cents, e.fee_cents, o.price_cents,
         (a.status = 'active' AND p.status = 'succeeded') AS transfer_due,
         p.status = 'succeeded' AS charge_standing, e.charge_refunded
       FROM earnings e JOIN orders o ON o.id = e.order_id
       LEFT JOIN payments p ON p.id = e.payment_id
       LEFT JOIN payout_accounts a ON a.user_id = e.seller_id`,
    ),
  ]);

  const twice: string[] = [];
  const byOrder = new Map<string, typeof earnings>();
  for (const e of earnings) byOrder.set(e.order_id, [...(byOrder.get(e.order_id) ?? []), e]);
  for (const [orderId, list] of byOrder) if (list.length > 1) twice.push(`${orderId}: ${list.length} earnings`);
  for (const column of ['provider_transfer_id', 'provider_reversal_id'] as const) {
    const seen = new Map<string, string>();
    for (const e of earnings) {
      const id = e[column];
      if (!id) continue;
      if (seen.has(id)) twice.push(`${column} ${id} on orders ${seen.get(id)} and ${e.order_id}`);
      seen.set(id, e.order_id);
    }
  }
  for (const e of earnings) {
    if (e.share_cents + e.fee_cents !== e.price_cents)
      twice.push(`${e.order_id}: share ${e.share_cents} + fee ${e.fee_cents} is not the price ${e.price_cents}`);
  }

  const unpaid: string[] = [];
  for (const { id } of complete) {
    const earning = byOrder.get(id)?.[0];
    if (!earning) unpaid.push(`${id}: no earning`);
    else if (earning.status === 'transferred' && !earning.provider_transfer_id) unpaid.push(`${id}: no transfer id`);
    else if (earning.status === 'pending' && !earning.pending_reason) unpaid.push(`${id}: pending without a reason`);
    else if (earning.status === 'pending' && earning.transfer_due)
      unpaid.push(`${id}: pending (${earning.pending_reason}) though the seller can be paid`);
  }

  // The worker finds earnings to reverse by their mark alone: a refunded charge whose earning is unmarked
  // would leave the seller paid for a sale the buyer got back.
  const unmarked = earnings
    .filter((e) => e.charge_standing === false && e.status !== 'reversed' && !e.charge_refunded)
    .map((e) => `${e.order_id}: ${e.status}, its charge refunded, not marked for reversal`);

  return {
    violations: {
      'no transfer made twice (one earning per order, share + fee = price)': twice,
      "every completed order's seller is paid or pending with a reason": unpaid,
      'every earning of a refunded charge is reversed or marked to be': unmarked,
    },
    counts: {
      'earnings transferred': earnings.filter((e) => e.status === 'transferred').length,
      'earnings pending': earnings.filter((e) => e.status === 'pending').length,
    },
  };
}
