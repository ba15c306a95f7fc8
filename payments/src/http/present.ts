import { fromCents } from '@microtick/common';
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
