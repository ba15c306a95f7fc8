'use client';

import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api } from '@/lib/browser-api';
import { formatPrice } from '@/lib/format';
import { loadStripe, type StripeCardElement, type StripeClient } from '@/lib/stripe';
import { useSubmit } from '@/lib/use-submit';
import type { Payment } from '@/lib/types';
import { FormAlert } from '../ui/FormAlert';
import type { PaymentFormProps } from './SandboxPaymentForm';
import { SubmitButton } from '../ui/SubmitButton';

/** Stripe Elements card field → a PaymentMethod id → POST /api/payments (the server confirms the PaymentIntent). */
export function StripePaymentForm({
  publishableKey,
  orderId,
  amount,
  onAccepted,
  onRejected,
}: PaymentFormProps & { publishableKey: string }) {
  const mountRef = useRef<HTMLDivElement>(null);
  const stripeRef = useRef<{ stripe: StripeClient; card: StripeCardElement } | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [ready, setReady] = useState(false);
  const { pending, run, reset, formRef, generalErrors } = useSubmit([]);

  useEffect(() => {
    let cancelled = false;
    let card: StripeCardElement | null = null;
    loadStripe()
      .then((Stripe) => {
        if (cancelled || !mountRef.current) return;
        const stripe = Stripe(publishableKey);
        card = stripe.elements().create('card', { hidePostalCode: true });
        card.mount(mountRef.current);
        card.on('ready', () => setReady(true));
        stripeRef.current = { stripe, card };
      })
      .catch(() => setLoadError('The card form could not be loaded. Check your connection and reload the page.'));
    return () => {
      cancelled = true;
      card?.destroy();
      stripeRef.current = null;
    };
  }, [publishableKey]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const elements = stripeRef.current;
      if (!elements) return [{ message: 'The card form is not ready yet.' }];
      const { paymentMethod, error } = await elements.stripe.createPaymentMethod({ type: 'card', card: elements.card });
      if (error || !paymentMethod) return [{ message: error?.message ?? 'Check your card details.' }];
      const result = await api<Payment>('POST', '/api/payments', { orderId, paymentMethod: paymentMethod.id });
      if (!result.ok) {
        onRejected(result.status);
        return result.errors;
      }
      // 202: Stripe needs the buyer (e.g. 3-D Secure); the webhook settles the payment afterwards.
      if (result.status === 202 && result.data.clientSecret) {
        const next = await elements.stripe.handleNextAction({ clientSecret: result.data.clientSecret });
        if (next.error) return [{ message: next.error.message ?? 'Card authentication failed.' }];
      }
      reset();
      onAccepted(result.data);
    });
  }

  return (
    <form ref={formRef} className="form payment-form" onSubmit={onSubmit} data-testid="payment-form">
      <FormAlert messages={loadError ? [loadError, ...generalErrors] : generalErrors} testId="payment-error" />
      <div className="field">
        <span className="label" id="card-label">
          Card
        </span>
        <div ref={mountRef} className="stripe-card" role="group" aria-labelledby="card-label" />
      </div>
      <SubmitButton pending={pending} pendingLabel="Paying…" className="button-large" disabled={!ready}>
        Pay {formatPrice(amount)}
      </SubmitButton>
    </form>
  );
}
