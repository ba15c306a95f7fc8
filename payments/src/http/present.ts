import type { PaymentRow } from '../store/payments';

/** A payment as the API shows it. */
export function presentPayment(payment: Pick<PaymentRow, 'id' | 'orderId' | 'status'>) {
  return { id: payment.id, orderId: payment.orderId, status: payment.status };
}
