'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { safeNext, signInPath } from './paths';
import { parsePrice, withPriceError } from './price';
import { serverWrite } from './server-write';
import type { CurrentUser, Order, Payment, Ticket } from './types';
import type { FormState } from './form-state';

/**
 * Server actions: every form posts here when JavaScript is off (or not loaded yet), and redirects like a
 * classic web form (303). With JavaScript the same forms submit through the browser API client instead.
 * Next.js refuses a server action whose Origin is not this host, and the services refuse cross-site writes.
 */

function text(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}

export async function authAction(_previous: FormState, form: FormData): Promise<FormState> {
  const mode = text(form, 'mode') === 'signup' ? 'signup' : 'signin';
  const email = text(form, 'email').trim();
  const result = await serverWrite<CurrentUser>('auth', 'POST', `/api/users/${mode}`, {
    email,
    password: text(form, 'password'),
  });
  if (!result.ok) return { errors: result.errors, values: { email } };
  redirect(safeNext(text(form, 'next')));
}

export async function signOutAction(): Promise<void> {
  await serverWrite('auth', 'POST', '/api/users/signout');
  // Whatever the service answered, this browser is signed out.
  (await cookies()).delete('session');
  redirect('/');
}

export async function saveTicketAction(_previous: FormState, form: FormData): Promise<FormState> {
  const id = text(form, 'id');
  const title = text(form, 'title').trim();
  const rawPrice = text(form, 'price');
  const values = { title, price: rawPrice };
  const parsed = parsePrice(rawPrice);
  const body = { title, price: typeof parsed === 'number' ? parsed : null };
  const result = id
    ? await serverWrite<Ticket>('tickets', 'PUT', `/api/tickets/${encodeURIComponent(id)}`, body)
    : await serverWrite<Ticket>('tickets', 'POST', '/api/tickets', body);
  if (typeof parsed !== 'number') return { errors: withPriceError(result.ok ? [] : result.errors, parsed), values };
  if (!result.ok) {
    if (result.status === 401) redirect(signInPath(id ? `/tickets/${id}/edit` : '/tickets/new'));
    return { errors: result.errors, values };
  }
  redirect(`/tickets/${result.data.id}`);
}

export async function orderAction(_previous: FormState, form: FormData): Promise<FormState> {
  const ticketId = text(form, 'ticketId');
  const result = await serverWrite<Order>('orders', 'POST', '/api/orders', { ticketId });
  if (!result.ok) {
    if (result.status === 401) redirect(signInPath(`/tickets/${ticketId}`));
    return { errors: result.errors };
  }
  redirect(`/orders/${result.data.id}`);
}

export async function cancelOrderAction(_previous: FormState, form: FormData): Promise<FormState> {
  const orderId = text(form, 'orderId');
  const result = await serverWrite('orders', 'DELETE', `/api/orders/${encodeURIComponent(orderId)}`);
  if (!result.ok && result.status !== 409) return { errors: result.errors };
  redirect(`/orders/${orderId}`);
}

const CONFIRM_WAIT_MS = 10_000;

export async function payAction(_previous: FormState, form: FormData): Promise<FormState> {
  const orderId = text(form, 'orderId');
  const result = await serverWrite<Payment>('payments', 'POST', '/api/payments', {
    orderId,
    paymentMethod: text(form, 'paymentMethod'),
  });
  if (!result.ok) return { errors: result.errors };
  // The order completes asynchronously (events); wait a little so the page after the redirect shows it.
  const deadline = Date.now() + CONFIRM_WAIT_MS;
  while (Date.now() < deadline) {
    const order = await serverWrite<Order>('orders', 'GET', `/api/orders/${encodeURIComponent(orderId)}`);
    if (order.ok && order.data.status === 'complete') redirect(`/orders/${orderId}/receipt`);
    if (order.ok && order.data.status !== 'created') break;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  redirect(`/orders/${orderId}`);
}
