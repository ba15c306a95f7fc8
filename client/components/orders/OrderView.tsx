'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useCallback, useEffect, useState } from 'react';
import { cancelOrderAction } from '@/lib/actions';
import { api } from '@/lib/browser-api';
import { formatPrice, orderDisplayStatus } from '@/lib/format';
import { useNow } from '@/lib/use-now';
import { useSubmit } from '@/lib/use-submit';
import type { Order } from '@/lib/types';
import { SandboxPaymentForm } from '../payments/SandboxPaymentForm';
import { StripePaymentForm } from '../payments/StripePaymentForm';
import { FormAlert } from '../ui/FormAlert';
import { OrderStatusBadge } from '../ui/StatusBadge';
import { SubmitButton } from '../ui/SubmitButton';
import { Countdown } from './Countdown';

type Phase = 'idle' | 'confirming' | 'slow-confirm';

const POLL_MS = 1000;
const CONFIRM_TIMEOUT_MS = 20_000;

/** The order page's live part: countdown, pay, cancel, and the states the order moves through. */
export function OrderView({
  initialOrder,
  serverNow,
  stripeKey,
}: {
  initialOrder: Order;
  serverNow: number;
  stripeKey: string | null;
}) {
  const router = useRouter();
  const now = useNow(serverNow);
  const [order, setOrder] = useState(initialOrder);
  const [phase, setPhase] = useState<Phase>('idle');
  const [sawExpiry, setSawExpiry] = useState(false);
  const [cancelState, cancelAction] = useActionState(cancelOrderAction, null);
  const cancel = useSubmit([], cancelState?.errors);

  const status = orderDisplayStatus(order, now, sawExpiry);
  const open = order.status === 'created';
  const expiredWhileOpen = open && status === 'expired';

  const reload = useCallback(async () => {
    const result = await api<Order>('GET', `/api/orders/${order.id}`);
    if (result.ok) setOrder(result.data);
    return result.ok ? result.data : null;
  }, [order.id]);

  // The window ran out while the page was open: remember it, and wait for the server to release the ticket.
  useEffect(() => {
    if (!expiredWhileOpen || phase !== 'idle') return;
    setSawExpiry(true);
    const timer = setInterval(() => void reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [expiredWhileOpen, phase, reload]);

  // After a payment is accepted the order completes asynchronously: poll until it does.
  useEffect(() => {
    if (phase !== 'confirming') return;
    const started = Date.now();
    const timer = setInterval(async () => {
      const latest = await reload();
      if (latest && latest.status !== 'created') {
        clearInterval(timer);
        setPhase('idle');
        router.refresh();
      } else if (Date.now() - started > CONFIRM_TIMEOUT_MS) {
        clearInterval(timer);
        setPhase('slow-confirm');
      }
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [phase, reload, router]);

  const paymentProps = {
    orderId: order.id,
    amount: order.ticket.price,
    onAccepted: () => setPhase('confirming'),
    onRejected: (code: number) => {
      if (code === 409) void reload();
    },
  };

  return (
    <div className="order-view" data-testid="order-view">
      <div className="card order-summary">
        <div className="order-summary-row">
          <h1 className="order-title">
            <Link href={`/tickets/${order.ticket.id}`}>{order.ticket.title}</Link>
          </h1>
          <OrderStatusBadge status={phase === 'idle' ? status : 'awaiting-payment'} />
        </div>
        <p className="price-large" data-testid="order-price">
          {formatPrice(order.ticket.price)}
        </p>
      </div>

      {phase === 'confirming' && (
        <div className="alert alert-info" role="status" data-testid="payment-confirming">
          <span className="spinner" aria-hidden="true" /> Payment received, confirming your order…
        </div>
      )}
      {phase === 'slow-confirm' && (
        <div className="alert alert-info" role="status" data-testid="payment-confirming">
          <p>Payment received. Your order is being confirmed — this can take a moment.</p>
          <button
            type="button"
            className="button button-secondary"
            onClick={() => void reload().then(() => setPhase('idle'))}
          >
            Check again
          </button>
        </div>
      )}

      {phase === 'idle' && status === 'awaiting-payment' && (
        <>
          <Countdown expiresAt={order.expiresAt} now={now} title={order.ticket.title} />
          <div className="card">
            <h2 className="section-title">Payment</h2>
            {stripeKey ? (
              <StripePaymentForm publishableKey={stripeKey} {...paymentProps} />
            ) : (
              <SandboxPaymentForm {...paymentProps} />
            )}
          </div>
          <details className="cancel-confirm">
            {/* A native disclosure: the confirmation step works without JavaScript too. */}
            <summary className="button button-secondary" data-testid="cancel-order">
              Cancel order
            </summary>
            <p>Cancel this order? The ticket is no longer held for you and goes back on sale.</p>
            <form
              ref={cancel.formRef}
              action={cancelAction}
              className="cancel-order"
              onSubmit={(event) => {
                event.preventDefault();
                void cancel.run(async () => {
                  const result = await api('DELETE', `/api/orders/${order.id}`);
                  if (!result.ok) {
                    void reload();
                    return result.errors;
                  }
                  cancel.reset();
                  setOrder({ ...order, status: 'cancelled', cancelReason: 'buyer' });
                  router.refresh();
                });
              }}
            >
              <input type="hidden" name="orderId" value={order.id} />
              <FormAlert messages={cancel.generalErrors} testId="cancel-error" />
              <SubmitButton variant="danger" pending={cancel.pending} pendingLabel="Cancelling…">
                Yes, cancel order
              </SubmitButton>
            </form>
          </details>
        </>
      )}

      {phase === 'idle' && status === 'complete' && (
        <div className="alert alert-success" role="status" data-testid="order-complete">
          <strong>Payment complete.</strong> The ticket is yours — enjoy the show!{' '}
          <Link href={`/orders/${order.id}/receipt`} data-testid="receipt-link">
            View your receipt
          </Link>
        </div>
      )}
      {phase === 'idle' && status === 'expired' && (
        <div className="alert alert-warning" role="status" data-testid="order-expired">
          {open ? (
            <>
              <strong>Time is up.</strong> Releasing the ticket…
            </>
          ) : (
            <>
              <strong>This order expired.</strong> It was not paid in time, so the ticket went back on sale.{' '}
              <Link href={`/tickets/${order.ticket.id}`}>See the ticket</Link>
            </>
          )}
        </div>
      )}
      {phase === 'idle' && status === 'withdrawn' && (
        <div className="alert alert-neutral" role="status" data-testid="order-withdrawn">
          <strong>The seller withdrew this ticket</strong> while your order was being placed, so the order was
          cancelled. Nothing was charged.
        </div>
      )}
      {phase === 'idle' && status === 'cancelled' && (
        <div className="alert alert-neutral" role="status" data-testid="order-cancelled">
          <strong>This order was cancelled.</strong> The ticket is no longer held for you.{' '}
          <Link href={`/tickets/${order.ticket.id}`}>See the ticket</Link>
        </div>
      )}
    </div>
  );
}
