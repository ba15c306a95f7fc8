// Test-only helpers for the orders service's own tests; never imported by production code.
import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { Listener, type Bus, type Envelope, type EventData, type Pool, type Subject } from '@microtick/common';
import {
  connectTestBus,
  createTestDatabase,
  testSessionEnv,
  testSessionVerifier,
  testBusNamespace,
  testLogger,
  testNatsUrl,
} from '@microtick/common/testing';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './db/migrations';
import { insertTicket } from './db/tickets';

export interface OrdersUnderTest {
  pool: Pool;
  /** The service's own bus connection; tests publish other services' events on it (same namespace). */
  bus: Bus;
  server: Server;
  stop(): Promise<void>;
}

/** A fresh database and bus namespace, and the orders app listening on a free port. */
export async function startOrders(env: Record<string, string> = {}): Promise<OrdersUnderTest> {
  const db = await createTestDatabase([migrationsDir]);
  const bus = await connectTestBus(testBusNamespace(), 'orders');
  const config = readConfig({ DATABASE_URL: db.url, NATS_URL: testNatsUrl(), ...testSessionEnv(), ...env });
  const server = buildApp({ pool: db.pool, bus, config, logger: testLogger, sessions: testSessionVerifier() }).listen(
    0,
  );
  return {
    pool: db.pool,
    bus,
    server,
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      await bus.deleteStream();
      await bus.close();
      await db.drop();
    },
  };
}

export const ticketCreated = (overrides: Partial<EventData<'ticket.created'>> = {}): EventData<'ticket.created'> => ({
  id: randomUUID(),
  title: `Concert ${randomUUID().slice(0, 8)}`,
  price: 2500,
  userId: randomUUID(),
  version: 0,
  ...overrides,
});

export const ticketUpdated = (
  ticket: EventData<'ticket.created'>,
  overrides: Partial<EventData<'ticket.updated'>> & { version: number },
): EventData<'ticket.updated'> => ({ ...ticket, orderId: null, status: 'available', ...overrides });

/** Puts a ticket straight into the replica, as if its ticket.created had been applied. */
export async function seedTicket(pool: Pool, overrides: Partial<EventData<'ticket.created'>> = {}) {
  const ticket = ticketCreated(overrides);
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

/** A durable consumer that keeps every event of one subject it receives. */
export class EventCollector<S extends Subject> extends Listener<S> {
  readonly received: Envelope<S>[] = [];
  readonly durableName: string;
  constructor(readonly subject: S) {
    super();
    this.durableName = `test.collect.${subject}`;
  }
  async onMessage(_data: EventData<S>, envelope: Envelope<S>): Promise<void> {
    this.received.push(envelope);
  }
}
