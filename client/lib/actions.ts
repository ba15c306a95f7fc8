'use server';

import { cookies } from 'next/headers';
import { redirect } from 'next/navigation';
import { safeNext, signInPath } from './paths';
import { fromDateTimeLocalAt, parseOffset, startToSend } from './event-time';
import { parsePrice, withLocalErrors } from './price';
import { serverWrite } from './server-write';
import type { CurrentUser, FieldError, Order, Payment, Ticket } from './types';
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

/**
 * The sell and edit form. Its date-and-time field is read at the offset TimeZoneField puts in `tz` (the
 * browser's offset now, once JavaScript ran); without JavaScript the seller's zone is unknown, so it is read
 * in UTC, like the home page's date filter, and the ticket page then shows it as UTC. An edit that leaves the
 * start as it was (`startsAtInitial`) does not send it, so it keeps its offset.
 */
export async function saveTicketAction(_previous: FormState, form: FormData): Promise<FormState> {
  const id = text(form, 'id');
  const title = text(form, 'title').trim();
  const rawPrice = text(form, 'price');
  const venue = text(form, 'venue').trim();
  const rawStart = text(form, 'startsAt').trim();
  const seat = text(form, 'seat').trim();
  const values = { title, price: rawPrice, venue, startsAt: rawStart, seat };
  const local: FieldError[] = [];
  const parsed = parsePrice(rawPrice);
  if (typeof parsed !== 'number') local.push(parsed);
  const offset = parseOffset(text(form, 'tz'));
  const start = startToSend(rawStart, text(form, 'startsAtInitial'), Boolean(id), (value) =>
    fromDateTimeLocalAt(value, offset),
  );
  if (start.error) local.push(start.error);
  const body = {
    title,
    price: typeof parsed === 'number' ? parsed : null,
    venue: venue || null,
    startsAt: start.startsAt,
    seat: seat || null,
  };
  const result = id
    ? await serverWrite<Ticket>('tickets', 'PUT', `/api/tickets/${encodeURIComponent(id)}`, body)
    : await serverWrite<Ticket>('tickets', 'POST', '/api/tickets', body);
  if (!result.ok && result.status === 401) redirect(signInPath(id ? `/tickets/${id}/edit` : '/tickets/new'));
  if (local.length > 0) return { errors: withLocalErrors(result.ok ? [] : result.errors, local), values };
  if (!result.ok) return { errors: result.errors, values };
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
const PAY_UNKNOWN_RETRIES = 10;

export async function payAction(_previous: FormState, form: FormData): Promise<FormState> {
  const orderId = text(form, 'orderId');
  const pay = () =>
    serverWrite<Payment>('payments', 'POST', '/api/payments', { orderId, paymentMethod: text(form, 'paymentMethod') });
  let result = await pay();
  // Payments learns of a fresh order over the bus (the order, then tickets' reservation of its ticket):
  // for a moment it answers 404.
  for (let tries = 0; !result.ok && result.status === 404 && tries < PAY_UNKNOWN_RETRIES; tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    result = await pay();
  }
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
