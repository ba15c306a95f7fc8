'use client';

import { Elements, PaymentElement, useElements, useStripe } from '@stripe/react-stripe-js';
// The pure entry adds Stripe's script only when loadStripe is called: pages without a key never load it.
import { loadStripe } from '@stripe/stripe-js/pure';
import type { Stripe, StripeElementsOptions } from '@stripe/stripe-js';
import { useMemo, useState, type FormEvent } from 'react';
import { api } from '@/lib/browser-api';
import { formatPrice } from '@/lib/format';
import { useSubmit } from '@/lib/use-submit';
import type { FieldError, Payment } from '@/lib/types';
import { FormAlert } from '../ui/FormAlert';
import type { PaymentFormProps } from './SandboxPaymentForm';
import { SubmitButton } from '../ui/SubmitButton';

const LOAD_ERROR = 'The payment form could not be loaded. Check your connection and reload the page.';

const loaded = new Map<string, Promise<Stripe | null>>();

/** One Stripe instance per key for the page's lifetime; a failed load is forgotten so a remount retries. */
function stripeFor(publishableKey: string): Promise<Stripe | null> {
  let stripe = loaded.get(publishableKey);
  if (!stripe) {
    stripe = loadStripe(publishableKey).catch((err: unknown) => {
      loaded.delete(publishableKey);
      throw err;
    });
    loaded.set(publishableKey, stripe);
  }
  return stripe;
}

/**
 * Stripe's Payment Element (cards and wallets) with the PaymentIntent confirmed on the server: the element
 * collects the details, they become a PaymentMethod, POST /api/payments creates and confirms the intent,
 * and when Stripe asks for the buyer (3-D Secure: 202 with the intent's client secret) handleNextAction
 * finishes it in the browser; a webhook then settles the payment.
 */
export function StripePaymentForm({ publishableKey, ...props }: PaymentFormProps & { publishableKey: string }) {
  const [loadFailed, setLoadFailed] = useState(false);
  const stripe = useMemo(() => {
    // Rendered on the server too, where there is no Stripe to load.
    if (typeof window === 'undefined') return null;
    // Elements gets null when Stripe.js cannot load (offline, blocked): the form says so instead.
    return stripeFor(publishableKey).catch(() => {
      setLoadFailed(true);
      return null;
    });
  }, [publishableKey]);
  const options: StripeElementsOptions = useMemo(
    () => ({
      mode: 'payment',
      amount: Math.round(props.amount * 100),
      currency: 'usd',
      // The server confirms the intent with a PaymentMethod id (DESIGN.md), so the element creates none itself.
      paymentMethodCreation: 'manual',
      // Cards, and the wallets that pay with one; redirect-based methods cannot be confirmed server-side here.
      paymentMethodTypes: ['card'],
    }),
    [props.amount],
  );
  return (
    <Elements stripe={stripe} options={options}>
      <PaymentElementForm {...props} loadFailed={loadFailed} />
    </Elements>
  );
}

function PaymentElementForm({
  orderId,
  amount,
  onAccepted,
  onRejected,
  loadFailed,
}: PaymentFormProps & { loadFailed: boolean }) {
  const stripe = useStripe();
  const elements = useElements();
  const [ready, setReady] = useState(false);
  const [elementFailed, setElementFailed] = useState(false);
  const { pending, run, reset, formRef, generalErrors } = useSubmit([]);

  async function pay(): Promise<FieldError[] | void> {
    if (!stripe || !elements) return [{ message: 'The payment form is not ready yet.' }];
    // Validates the element's fields (shown inside it) and starts a wallet's payment sheet.
    const submitted = await elements.submit();
    if (submitted.error) return [{ message: submitted.error.message ?? 'Check your payment details.' }];
    const created = await stripe.createPaymentMethod({ elements });
    if (created.error) return [{ message: created.error.message ?? 'Check your payment details.' }];
    const result = await api<Payment>('POST', '/api/payments', { orderId, paymentMethod: created.paymentMethod.id });
    if (!result.ok) {
      onRejected(result.status);
      return result.errors;
    }
    if (result.status === 202 && result.data.status === 'requires_action') {
      if (!result.data.clientSecret) return [{ message: 'Your bank asked to confirm the payment; try again.' }];
      const next = await stripe.handleNextAction({ clientSecret: result.data.clientSecret });
      if (next.error) return [{ message: next.error.message ?? 'Card authentication failed.' }];
      if (next.paymentIntent?.status === 'requires_payment_method')
        return [{ message: 'Card authentication failed. Try again or use another card.' }];
    }
    reset();
    onAccepted(result.data);
  }

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(pay);
  }

  const failed = loadFailed || elementFailed;
  return (
    <form ref={formRef} className="form payment-form" onSubmit={onSubmit} data-testid="payment-form">
      <FormAlert messages={failed ? [LOAD_ERROR, ...generalErrors] : generalErrors} testId="payment-error" />
      <noscript>
        <p className="alert alert-warning">Card payment needs JavaScript: turn it on to pay for this order.</p>
      </noscript>
      <PaymentElement
        id="payment-element"
        className="payment-element"
        onReady={() => setReady(true)}
        onLoadError={() => setElementFailed(true)}
      />
      <SubmitButton pending={pending} pendingLabel="Paying…" className="button-large" disabled={!ready || failed}>
        Pay {formatPrice(amount)}
      </SubmitButton>
    </form>
  );
}
