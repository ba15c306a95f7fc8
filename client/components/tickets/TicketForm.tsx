'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/browser-api';
import { fromDateTimeLocal, toDateTimeLocal } from '@/lib/event-time';
import { useSubmit } from '@/lib/use-submit';
import type { FieldError, Ticket } from '@/lib/types';
import { Field } from '../ui/Field';
import { FormAlert } from '../ui/FormAlert';
import { SubmitButton } from '../ui/SubmitButton';

const FIELDS = ['title', 'price', 'venue', 'startsAt', 'seat'] as const;

/** "12.5" → 12.5; the API checks the range and the two decimal places and answers with field errors. */
function parsePrice(raw: string): number | FieldError {
  const value = raw.trim().replace(/^\$/, '');
  if (value === '') return { field: 'price', message: 'Enter a price' };
  if (!/^-?\d+(\.\d+)?$/.test(value) && !/^-?\.\d+$/.test(value)) {
    return { field: 'price', message: 'Price must be a number, like 25 or 12.50' };
  }
  return Number(value);
}

export function TicketForm({ ticket }: { ticket?: Ticket }) {
  const router = useRouter();
  const editing = !!ticket;
  const [title, setTitle] = useState(ticket?.title ?? '');
  const [price, setPrice] = useState(ticket ? ticket.price.toFixed(2) : '');
  const [venue, setVenue] = useState(ticket?.venue ?? '');
  const initialStart = ticket?.startsAt ? toDateTimeLocal(ticket.startsAt) : '';
  const [startsAt, setStartsAt] = useState(initialStart);
  const [seat, setSeat] = useState(ticket?.seat ?? '');
  const { pending, run, formRef, fieldErrors, generalErrors } = useSubmit(FIELDS);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const errors: FieldError[] = [];
      const parsed = parsePrice(price);
      if (typeof parsed !== 'number') errors.push(parsed);
      // An unchanged start is left out, so it keeps the offset it was given (and an edit still saves once it passed).
      let start: string | null | undefined = startsAt === initialStart && editing ? undefined : null;
      if (startsAt && (startsAt !== initialStart || !editing)) {
        start = fromDateTimeLocal(startsAt);
        if (!start) errors.push({ field: 'startsAt', message: 'Enter a date and time, like 2027-05-01 20:00' });
      }
      if (errors.length > 0 || typeof parsed !== 'number') return errors;
      const body = {
        title: title.trim(),
        price: parsed,
        venue: venue.trim() || null,
        startsAt: start,
        seat: seat.trim() || null,
      };
      const result = editing
        ? await api<Ticket>('PUT', `/api/tickets/${ticket.id}`, body)
        : await api<Ticket>('POST', '/api/tickets', body);
      if (!result.ok) return result.errors;
      router.push(`/tickets/${result.data.id}`);
      router.refresh();
    });
  }

  return (
    <form ref={formRef} className="form card" onSubmit={onSubmit} noValidate data-testid="ticket-form">
      <FormAlert messages={generalErrors} />
      <Field
        name="title"
        label="Title"
        hint="The event, e.g. “Arctic Monkeys — The Car tour”."
        required
        maxLength={200}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        error={fieldErrors.title}
      />
      <Field
        name="venue"
        label="Venue"
        hint="Where the event is, e.g. “Olympia, Paris”."
        maxLength={120}
        value={venue}
        onChange={(e) => setVenue(e.target.value)}
        error={fieldErrors.venue}
      />
      <Field
        name="startsAt"
        label="Date and time"
        hint="When the event starts, in your time zone."
        type="datetime-local"
        value={startsAt}
        onChange={(e) => setStartsAt(e.target.value)}
        error={fieldErrors.startsAt}
      />
      <Field
        name="seat"
        label="Seat (optional)"
        hint="Section, row and seat, e.g. “Balcony B, row 2, seat 14”."
        maxLength={60}
        value={seat}
        onChange={(e) => setSeat(e.target.value)}
        error={fieldErrors.seat}
      />
      <Field
        name="price"
        label="Price (USD)"
        hint="Up to 1,000,000.00, at most two decimals."
        inputMode="decimal"
        autoComplete="off"
        required
        value={price}
        onChange={(e) => setPrice(e.target.value)}
        error={fieldErrors.price}
      />
      <div className="form-actions">
        <SubmitButton pending={pending} pendingLabel={editing ? 'Saving…' : 'Listing…'}>
          {editing ? 'Save changes' : 'List ticket'}
        </SubmitButton>
        <Link className="button button-secondary" href={editing ? `/tickets/${ticket.id}` : '/'}>
          Cancel
        </Link>
      </div>
    </form>
  );
}
