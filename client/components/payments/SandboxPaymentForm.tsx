'use client';

import { useState, type FormEvent } from 'react';
import { api } from '@/lib/browser-api';
import { formatPrice } from '@/lib/format';
import { useSubmit } from '@/lib/use-submit';
import type { Payment } from '@/lib/types';
import { FormAlert } from '../ui/FormAlert';
import { SubmitButton } from '../ui/SubmitButton';

export interface PaymentFormProps {
  orderId: string;
  amount: number;
  /** 201: the payment was taken; the order completes asynchronously. */
  onAccepted: (payment: Payment) => void;
  /** Any refusal; 409 means the order changed (expired, cancelled, paid) and should be reloaded. */
  onRejected: (status: number) => void;
}

const TEST_CARDS = [
  { id: 'pm_card_visa', label: 'Visa •••• 4242', note: 'payment succeeds' },
  { id: 'pm_card_chargeDeclined', label: 'Visa •••• 0002', note: 'card is declined' },
] as const;

/** No Stripe key configured: the server's sandbox gateway accepts Stripe's test payment methods. */
export function SandboxPaymentForm({ orderId, amount, onAccepted, onRejected }: PaymentFormProps) {
  const [method, setMethod] = useState<string>(TEST_CARDS[0].id);
  const { pending, run, reset, formRef, generalErrors } = useSubmit([]);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const result = await api<Payment>('POST', '/api/payments', { orderId, paymentMethod: method });
      if (!result.ok) {
        onRejected(result.status);
        return result.errors;
      }
      reset();
      onAccepted(result.data);
    });
  }

  return (
    <form ref={formRef} className="form payment-form" onSubmit={onSubmit} data-testid="payment-form">
      <p className="test-mode" data-testid="test-mode">
        <strong>TEST MODE</strong> — no real card is charged. Pick a test card.
      </p>
      <FormAlert messages={generalErrors} testId="payment-error" />
      <fieldset className="card-choices">
        <legend>Test card</legend>
        {TEST_CARDS.map((card) => (
          <label key={card.id} className="card-choice">
            <input
              type="radio"
              name="paymentMethod"
              value={card.id}
              checked={method === card.id}
              onChange={() => setMethod(card.id)}
            />
            <span>
              {card.label} <span className="muted">— {card.note}</span>
            </span>
          </label>
        ))}
      </fieldset>
      <SubmitButton pending={pending} pendingLabel="Paying…" className="button-large">
        Pay {formatPrice(amount)}
      </SubmitButton>
    </form>
  );
}
