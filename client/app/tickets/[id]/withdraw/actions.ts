'use server';

import { headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { serviceUrl } from '@/lib/config';
import { parseErrors } from '@/lib/errors';
import { signInPath } from '@/lib/paths';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The confirm page's form posts here, with or without JavaScript (a server action); the tickets service
 * decides (seller only, available only). On success the seller lands on their tickets, where it shows as withdrawn.
 */
export async function withdrawTicket(formData: FormData): Promise<void> {
  const id = String(formData.get('ticketId') ?? '');
  if (!UUID.test(id)) redirect('/tickets/mine');
  const cookie = (await headers()).get('cookie');
  let status = 0;
  let message = 'The tickets service is unavailable. Please try again shortly.';
  try {
    const response = await fetch(`${serviceUrl('tickets')}/api/tickets/${id}`, {
      method: 'DELETE',
      headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) },
      cache: 'no-store',
      signal: AbortSignal.timeout(5000),
    });
    status = response.status;
    if (!response.ok) message = parseErrors(await response.json().catch(() => null), status)[0].message;
  } catch {
    // Unreachable: the message above.
  }
  if (status === 204) redirect('/tickets/mine');
  if (status === 401) redirect(signInPath(`/tickets/${id}/withdraw`));
  redirect(`/tickets/${id}/withdraw?${new URLSearchParams({ error: message })}`);
}
