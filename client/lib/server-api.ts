import 'server-only';
import { headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { serviceUrl, type Service } from './config';
import { parseErrors } from './errors';
import { signInPath } from './paths';
import type { CurrentUser, Earnings, FieldError, Order, PayoutAccountStatus, Receipt, Ticket } from './types';

/**
 * Server-side calls to the services, forwarding the visitor's cookie (server-only: a client component
 * that imports this fails the build). The services serve the same paths as the public API, so `path`
 * is e.g. `/api/tickets`.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errors: FieldError[],
  ) {
    super(errors.map((e) => e.message).join('; '));
    this.name = 'ApiError';
  }
}

const TIMEOUT_MS = 5000;

export async function serverFetch<T>(service: Service, path: string): Promise<T> {
  const incoming = await headers();
  const cookie = incoming.get('cookie');
  let response: Response;
  try {
    response = await fetch(serviceUrl(service) + path, {
      headers: { accept: 'application/json', ...(cookie ? { cookie } : {}) },
      cache: 'no-store',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch {
    throw new ApiError(503, [{ message: `The ${service} service is unavailable. Please try again shortly.` }]);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new ApiError(response.status, parseErrors(body, response.status));
  return body as T;
}

/** The signed-in user, or null (also when the auth service cannot be reached: pages still render). */
export async function getCurrentUser(): Promise<CurrentUser | null> {
  try {
    const { currentUser } = await serverFetch<{ currentUser: CurrentUser | null }>('auth', '/api/users/currentuser');
    return currentUser ?? null;
  } catch {
    return null;
  }
}

/** The signed-in user, or a redirect to sign in that comes back to `next`. */
export async function requireUser(next: string): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) redirect(signInPath(next));
  return user;
}

/** 401 → sign in (then back to `next`), 404 → the not-found page; other errors go to the error boundary. */
async function guarded<T>(promise: Promise<T>, next: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) redirect(signInPath(next));
    if (error instanceof ApiError && error.status === 404) notFound();
    throw error;
  }
}

export const PAGE_SIZE = 12;

export interface TicketListQuery {
  q?: string;
  sort?: string;
  /** ISO-8601 date-times bounding the event's start. */
  from?: string;
  to?: string;
  cursor?: string;
}

export function listTickets(query: TicketListQuery) {
  const params = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const [key, value] of Object.entries(query)) if (value) params.set(key, value);
  return serverFetch<{ tickets: Ticket[]; nextCursor: string | null }>('tickets', `/api/tickets?${params}`);
}

/** Cached per request: the page and its title both ask. */
export const getTicket = cache((id: string) =>
  guarded(serverFetch<Ticket>('tickets', `/api/tickets/${encodeURIComponent(id)}`), `/tickets/${id}`),
);

/** `next`: the page to come back to after signing in (the seller's tickets, or the page that lists them). */
export function listMyTickets(next = '/tickets/mine') {
  return guarded(serverFetch<{ tickets: Ticket[] }>('tickets', '/api/tickets/mine'), next);
}

export function listMyOrders() {
  return guarded(serverFetch<{ orders: Order[] }>('orders', '/api/orders'), '/orders');
}

export function getReceipt(orderId: string) {
  return guarded(
    serverFetch<Receipt>('payments', `/api/payments/receipts/${encodeURIComponent(orderId)}`),
    `/orders/${orderId}/receipt`,
  );
}

/** Cached per request: the page and its title both ask. */
export const getOrder = cache((id: string) =>
  guarded(serverFetch<Order>('orders', `/api/orders/${encodeURIComponent(id)}`), `/orders/${id}`),
);

/** The "Get paid" page: the seller's payout account status and earnings (401 → sign in, back to the page). */
export function getPayoutAccount() {
  return guarded(serverFetch<{ status: PayoutAccountStatus }>('payments', '/api/payments/payout-account'), '/get-paid');
}

export function listEarnings() {
  return guarded(serverFetch<Earnings>('payments', '/api/payments/earnings'), '/get-paid');
}
