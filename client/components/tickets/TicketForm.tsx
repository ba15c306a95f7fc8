'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { saveTicketAction } from '@/lib/actions';
import { api } from '@/lib/browser-api';
import { fromDateTimeLocal, startToSend, toDateTimeLocal } from '@/lib/event-time';
import { parsePrice, withLocalErrors } from '@/lib/price';
import { useActionForm } from '@/lib/use-action-form';
import type { FieldError, Ticket } from '@/lib/types';
import { Field } from '../ui/Field';
import { FormCard } from '../ui/FormCard';
import { SubmitButton } from '../ui/SubmitButton';
import { TimeZoneField } from './TimeZoneField';

export function TicketForm({ ticket }: { ticket?: Ticket }) {
  const router = useRouter();
  const editing = !!ticket;
  const initialStart = ticket?.startsAt ? toDateTimeLocal(ticket.startsAt) : '';
  const { form, field, pending } = useActionForm({
    action: saveTicketAction,
    fields: ['title', 'price', 'venue', 'startsAt', 'seat'],
    // After a refused post without JavaScript, the form comes back with what was typed.
    initial: (typed) => ({
      title: typed?.title ?? ticket?.title ?? '',
      price: typed?.price ?? (ticket ? ticket.price.toFixed(2) : ''),
      venue: typed?.venue ?? ticket?.venue ?? '',
      startsAt: typed?.startsAt ?? initialStart,
      seat: typed?.seat ?? ticket?.seat ?? '',
    }),
    async submit({ title, price, venue, startsAt, seat }) {
      const local: FieldError[] = [];
      const parsed = parsePrice(price);
      if (typeof parsed !== 'number') local.push(parsed);
      const start = startToSend(startsAt, initialStart, editing, fromDateTimeLocal);
      if (start.error) local.push(start.error);
      const body = {
        title: title.trim(),
        price: typeof parsed === 'number' ? parsed : null,
        venue: venue.trim() || null,
        startsAt: start.startsAt,
        seat: seat.trim() || null,
      };
      const result = editing
        ? await api<Ticket>('PUT', `/api/tickets/${ticket.id}`, body)
        : await api<Ticket>('POST', '/api/tickets', body);
      if (local.length > 0) return withLocalErrors(result.ok ? [] : result.errors, local);
      if (!result.ok) return result.errors;
      router.push(`/tickets/${result.data.id}`);
      router.refresh();
    },
  });

  return (
    <FormCard form={form} testId="ticket-form">
      {ticket && <input type="hidden" name="id" value={ticket.id} />}
      {ticket && <input type="hidden" name="startsAtInitial" value={initialStart} />}
      <TimeZoneField />
      <Field
        {...field('title')}
        label="Title"
        hint="The event, e.g. “Arctic Monkeys — The Car tour”."
        required
        maxLength={200}
        counter
      />
      <Field {...field('venue')} label="Venue" hint="Where the event is, e.g. “Olympia, Paris”." maxLength={120} />
      <Field
        {...field('startsAt')}
        label="Date and time"
        hint="When the event starts, in your time zone (in UTC if JavaScript is off)."
        type="datetime-local"
      />
      <Field
        {...field('seat')}
        label="Seat (optional)"
        hint="Section, row and seat, e.g. “Balcony B, row 2, seat 14”."
        maxLength={60}
      />
      <Field
        {...field('price')}
        label="Price (USD)"
        hint="Up to 1,000,000.00, at most two decimals."
        inputMode="decimal"
        autoComplete="off"
        required
      />
      <div className="form-actions">
        <SubmitButton pending={pending} pendingLabel={editing ? 'Saving…' : 'Listing…'}>
          {editing ? 'Save changes' : 'List ticket'}
        </SubmitButton>
        <Link className="button button-secondary" href={editing ? `/tickets/${ticket.id}` : '/'}>
          Cancel
        </Link>
      </div>
    </FormCard>
  );
}
