// Test-only helpers for the orders service's own tests; never imported by production code.
import type { Server } from 'node:http';
import type { Bus, Envelope, EventData, Pool } from '@microtick/common';
import {
  aTicketCreated,
  connectTestBus,
  createTestDatabase,
  testSessionEnv,
  testSessionVerifier,
  testBusNamespace,
  testLogger,
  testNatsUrl,
} from '@microtick/devstack';
import { buildApp } from '../app';
import { readConfig } from '../config';
import { migrationsDir } from '../store/migrations';
import { insertTicket } from '../store/tickets';

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
