import { fromCents } from '@microtick/common';
import type { listEarnings } from '../store/earnings';
import type { PaymentRow, Receipt } from '../store/payments';

/** A payment as the API shows it. */
export function presentPayment(payment: Pick<PaymentRow, 'id' | 'orderId' | 'status'>) {
  return { id: payment.id, orderId: payment.orderId, status: payment.status };
}

/** A receipt as the API shows it: money in dollars, the provider's reference. */
export function presentReceipt(receipt: Receipt) {
  return {
    orderId: receipt.orderId,
    amount: fromCents(receipt.amountCents),
    currency: receipt.currency,
    reference: receipt.providerPaymentId,
    paidAt: receipt.paidAt.toISOString(),
  };
}

/** A seller's earnings as the API shows them: the share (amount) and the platform's fee in dollars. */
export function presentEarnings({ earnings, totals }: Awaited<ReturnType<typeof listEarnings>>) {
  return {
    earnings: earnings.map((e) => ({
      orderId: e.orderId,
      ticketId: e.ticketId,
      amount: fromCents(e.shareCents),
      fee: fromCents(e.feeCents),
      currency: e.currency,
      status: e.status,
      ...(e.status === 'pending' ? { pendingReason: e.pendingReason } : {}),
      createdAt: e.createdAt.toISOString(),
    })),
    totals: {
      pending: fromCents(totals.pending),
      transferred: fromCents(totals.transferred),
      reversed: fromCents(totals.reversed),
    },
  };
}
