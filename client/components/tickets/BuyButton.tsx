'use client';

import { useRouter } from 'next/navigation';
import { useActionState } from 'react';
import { orderAction } from '@/lib/actions';
import { api } from '@/lib/browser-api';
import { signInPath } from '@/lib/paths';
import { useSubmit } from '@/lib/use-submit';
import type { TicketDisplayStatus } from '@/lib/format';
import type { Order, TicketStatus } from '@/lib/types';
import { FormAlert } from '../ui/FormAlert';
import { SubmitButton } from '../ui/SubmitButton';

const unavailable: Partial<Record<TicketDisplayStatus, string>> = {
  sold: 'This ticket has been sold.',
  started: 'This event has started, so the ticket is no longer for sale.',
};

export function UnavailableNotice({ status }: { status: TicketDisplayStatus }) {
  return (
    <p className="notice" data-testid="ticket-unavailable">
      {unavailable[status] ??
        'Someone is buying this ticket right now. If they do not pay in time, it goes back on sale.'}
    </p>
  );
}

/**
 * POST /api/orders, then the order page (where the hold countdown runs). When someone else was
 * faster (409) the error stays and the page refreshes to show the ticket's new status.
 */
export function BuyButton({ ticketId, status }: { ticketId: string; status: TicketStatus }) {
  const router = useRouter();
  const [state, formAction] = useActionState(orderAction, null);
  const { pending, run, formRef, generalErrors } = useSubmit([], state?.errors);

  return (
    <form
      ref={formRef}
      action={formAction}
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
      <input type="hidden" name="ticketId" value={ticketId} />
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
