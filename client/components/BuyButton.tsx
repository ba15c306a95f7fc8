'use client';

import { useRouter } from 'next/navigation';
import { api } from '@/lib/client-api';
import { signInPath } from '@/lib/paths';
import { useSubmit } from '@/lib/use-submit';
import type { Order } from '@/lib/types';
import { FormAlert } from './FormAlert';
import { SubmitButton } from './SubmitButton';

/** POST /api/orders, then the order page (where the hold countdown runs). */
export function BuyButton({ ticketId }: { ticketId: string }) {
  const router = useRouter();
  const { pending, run, formRef, generalErrors } = useSubmit([]);

  return (
    <form
      ref={formRef}
      className="buy"
      onSubmit={(event) => {
        event.preventDefault();
        void run(async () => {
          const result = await api<Order>('POST', '/api/orders', { ticketId });
          if (!result.ok) {
            if (result.status === 401) router.push(signInPath(`/tickets/${ticketId}`));
            return result.errors;
          }
          router.push(`/orders/${result.data.id}`);
        });
      }}
    >
      <FormAlert messages={generalErrors} />
      <SubmitButton pending={pending} pendingLabel="Reserving…" className="button-large">
        Buy ticket
      </SubmitButton>
    </form>
  );
}
