'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { api } from '@/lib/browser-api';
import { useSubmit } from '@/lib/use-submit';
import type { FieldError, Ticket } from '@/lib/types';
import { Field } from '../ui/Field';
import { FormAlert } from '../ui/FormAlert';
import { SubmitButton } from '../ui/SubmitButton';

const FIELDS = ['title', 'price'] as const;

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
  const { pending, run, formRef, fieldErrors, generalErrors } = useSubmit(FIELDS);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const parsed = parsePrice(price);
      if (typeof parsed !== 'number') return [parsed];
      const body = { title: title.trim(), price: parsed };
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
        hint="The event, date and seat, e.g. “Arctic Monkeys — Sat 14 June, Row F”."
        required
        maxLength={200}
        value={title}
        onChange={(e) => setTitle(e.target.value)}
        error={fieldErrors.title}
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
