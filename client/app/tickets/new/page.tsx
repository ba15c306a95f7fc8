import type { Metadata } from 'next';
import { TicketForm } from '@/components/tickets/TicketForm';
import { requireUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Sell a ticket' };

export default async function NewTicketPage() {
  await requireUser('/tickets/new');
  return (
    <div className="narrow">
      <h1>Sell a ticket</h1>
      <p className="muted">Buyers see your ticket on the home page as soon as it is listed.</p>
      <TicketForm />
    </div>
  );
}
