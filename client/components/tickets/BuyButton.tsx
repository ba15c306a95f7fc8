'use client';

import { useRouter } from 'next/navigation';
import { api } from '@/lib/browser-api';
import { signInPath } from '@/lib/paths';
import { useSubmit } from '@/lib/use-submit';
import type { Order, TicketStatus } from '@/lib/types';
import { FormAlert } from '../ui/FormAlert';
import { SubmitButton } from '../ui/SubmitButton';

export function UnavailableNotice({ status }: { status: TicketStatus }) {
  return (
    <p className="notice" data-testid="ticket-unavailable">
      {status === 'sold'
        ? 'This ticket has been sold.'
        : 'Someone is buying this ticket right now. If they do not pay in time, it goes back on sale.'}
    </p>
  );
}

/**
 * POST /api/orders, then the order page (where the hold countdown runs). When someone else was
 * faster (409) the error stays and the page refreshes to show the ticket's new status.
 */
export function BuyButton({ ticketId, status }: { ticketId: string; status: TicketStatus }) {
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
            // The ticket's new status reaches the tickets service within a second (events).
            if (result.status === 409) setTimeout(() => router.refresh(), 1000);
            return result.errors;
          }
          router.push(`/orders/${result.data.id}`);
        });
      }}
    >
      <FormAlert messages={generalErrors} />
      {status === 'available' ? (
        <SubmitButton pending={pending} pendingLabel="Reserving…" className="button-large">
          Buy ticket
        </SubmitButton>
      ) : (
        <UnavailableNotice status={status} />
      )}
    </form>
  );
}
