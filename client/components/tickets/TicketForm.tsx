'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useActionState, useState, type FormEvent } from 'react';
import { saveTicketAction } from '@/lib/actions';
import { api } from '@/lib/browser-api';
import { parsePrice, withPriceError } from '@/lib/price';
import { useSubmit } from '@/lib/use-submit';
import type { Ticket } from '@/lib/types';
import { Field } from '../ui/Field';
import { FormAlert } from '../ui/FormAlert';
import { SubmitButton } from '../ui/SubmitButton';

const FIELDS = ['title', 'price'] as const;

export function TicketForm({ ticket }: { ticket?: Ticket }) {
  const router = useRouter();
  const editing = !!ticket;
  const [state, formAction] = useActionState(saveTicketAction, null);
  const [title, setTitle] = useState(state?.values?.title ?? ticket?.title ?? '');
  const [price, setPrice] = useState(state?.values?.price ?? (ticket ? ticket.price.toFixed(2) : ''));
  const { pending, run, formRef, fieldErrors, generalErrors } = useSubmit(FIELDS, state?.errors);

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    void run(async () => {
      const parsed = parsePrice(price);
      const body = { title: title.trim(), price: typeof parsed === 'number' ? parsed : null };
      const result = editing
        ? await api<Ticket>('PUT', `/api/tickets/${ticket.id}`, body)
        : await api<Ticket>('POST', '/api/tickets', body);
      if (typeof parsed !== 'number') return withPriceError(result.ok ? [] : result.errors, parsed);
      if (!result.ok) return result.errors;
      router.push(`/tickets/${result.data.id}`);
      router.refresh();
    });
  }

  return (
    <form
      ref={formRef}
      action={formAction}
      className="form card"
      onSubmit={onSubmit}
      noValidate
      data-testid="ticket-form"
    >
      {ticket && <input type="hidden" name="id" value={ticket.id} />}
      <FormAlert messages={generalErrors} />
      <Field
        name="title"
        label="Title"
        hint="The event, date and seat, e.g. “Arctic Monkeys — Sat 14 June, Row F”."
        required
        maxLength={200}
        counter
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
