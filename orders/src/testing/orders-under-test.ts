// Test-only: the orders service wired to the harness's real PostgreSQL and NATS.
import type { Server } from 'node:http';
import type { Bus, Envelope, EventData, Pool } from '@microtick/common';
import {
  aTicketCreated,
  deliver,
  testSessionEnv,
  testSessionVerifier,
  testLogger,
  testStoreAndBus,
  sessionCookie,
} from '@microtick/devstack';
import request from 'supertest';
import { buildApp } from '../app';
import { paymentWindowClosedListener } from '../events/payment-window-closed';
import { readConfig } from '../config';
import { migrationsDir } from '../store/migrations';
import { insertTicket } from '../store/tickets';

export interface OrdersUnderTest {
  pool: Pool;
  /** The service's own bus connection. */
  bus: Bus;
  /** A second connection on the same namespace: the other services, publishing and listening. */
  otherServices: Bus;
  server: Server;
  stop(): Promise<void>;
}

/** A fresh database and bus namespace, and the orders app listening on a free port. */
export async function startOrdersUnderTest(
  env: Record<string, string> = {},
  options: { cancelVerdictWaitMs?: number } = {},
): Promise<OrdersUnderTest> {
  const infra = await testStoreAndBus('orders', [migrationsDir]);
  const { pool, bus } = infra;
  const otherServices = await infra.connect('other-services');
  const config = readConfig({ ...infra.env, ...testSessionEnv(), ...env });
  const server = buildApp({
    pool,
    bus,
    config,
    logger: testLogger,
    sessions: testSessionVerifier(),
    ...options,
  }).listen(0);
  return {
    pool,
    bus,
    otherServices,
    server,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await otherServices.close();
      await infra.close();
    },
  };
}

/** Puts a ticket straight into the replica, as if its ticket.created had been applied. */
export async function seedTicket(pool: Pool, overrides: Partial<EventData<'ticket.created'>> = {}) {
  const ticket = aTicketCreated(overrides);
  await insertTicket(pool, ticket);
  return ticket;
}

/** Events waiting in the outbox (recorded, not yet relayed) about one order. */
export async function outboxEventsFor(pool: Pool, orderId: string): Promise<Envelope[]> {
  const { rows } = await pool.query<{ envelope: Envelope }>(
    "SELECT envelope FROM outbox WHERE envelope->'data'->>'id' = $1 ORDER BY seq",
    [orderId],
  );
  return rows.map((r) => r.envelope);
}

type PlacedOrder = Awaited<ReturnType<typeof placeOrder>>;

/**
 * The order.updated the service records when a placed order first changes (version 1): every field,
 * so a test that compares with it checks the whole payload.
 */
export const firstUpdateOf = (
  { orderId, buyer, ticket }: Pick<PlacedOrder, 'orderId' | 'buyer' | 'ticket'>,
  change: Pick<EventData<'order.updated'>, 'status' | 'cancelReason'>,
): EventData<'order.updated'> => ({
  id: orderId,
  userId: buyer.user.id,
  status: change.status,
  ticket: { id: ticket.id },
  version: 1,
  cancelReason: change.cancelReason,
});

/** A buyer's order, placed through the API, for a ticket seeded in the replica. */
export async function placeOrder(
  orders: OrdersUnderTest,
  buyer = sessionCookie(),
  ticketOverrides: Partial<EventData<'ticket.created'>> = {},
) {
  const ticket = await seedTicket(orders.pool, ticketOverrides);
  const res = await request(orders.server)
    .post('/api/orders')
    .set('Cookie', buyer.cookie)
    .send({ ticketId: ticket.id })
    .expect(201);
  return { ticket, buyer, orderId: res.body.id as string, order: res.body };
}

/**
 * A buyer's DELETE with payments' verdict played: once orders has recorded the cancellation request,
 * payment.window-closed (reason buyer) is applied to orders as if payments had closed the window. An
 * answer that comes without a request (404, an order already cancelled or complete) is returned as it is.
 */
export async function cancelAsJudged(orders: OrdersUnderTest, cookie: string, orderId: string) {
  let answered = false;
  const answer = request(orders.server)
    .delete(`/api/orders/${orderId}`)
    .set('Cookie', cookie)
    .then((res) => ((answered = true), res));
  while (!answered) {
    const { rows } = await orders.pool.query<{ requested: boolean }>(
      "SELECT cancel_requested_at IS NOT NULL AND status = 'created' AS requested FROM orders WHERE id = $1",
      [orderId],
    );
    if (rows[0]?.requested) {
      await deliver(paymentWindowClosedListener(orders.pool, testLogger), { orderId, reason: 'buyer' });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return answer;
}

/** How many times orders asked payments to cancel this order (order.cancellation-requested in its outbox). */
export async function cancellationRequestsFor(pool: Pool, orderId: string): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    "SELECT count(*)::int AS n FROM outbox WHERE subject = 'order.cancellation-requested' AND envelope->'data'->>'orderId' = $1",
    [orderId],
  );
  return rows[0].n;
}
