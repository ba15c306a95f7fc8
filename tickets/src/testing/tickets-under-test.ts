// Test-only: the tickets service wired to the harness's real PostgreSQL and NATS.
import { randomUUID } from 'node:crypto';
import { Listener, OutboxRelay, type Bus, type Envelope, type EventData, type Subject } from '@microtick/common';
import {
  connectTestBus,
  createTestDatabase,
  sessionCookie,
  testSessionEnv,
  testSessionVerifier,
  testBusNamespace,
  testLogger,
  testNatsUrl,
} from '@microtick/common/testing';
import type { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../app';
import { readConfig } from '../config';
import { migrationsDir } from '../db/migrations';
import { startListeners } from '../events/listeners';

export interface TicketsUnderTest {
  app: Express;
  db: Awaited<ReturnType<typeof createTestDatabase>>;
  /** The service's own bus connection: its listeners consume here. */
  serviceBus: Bus;
  /** Another connection on the same namespace, as other services would publish and listen. */
  otherBus: Bus;
  relay: OutboxRelay;
  stop(): Promise<void>;
}

/** A fresh database and bus namespace with the service's app, and optionally its relay and listeners. */
export async function startTicketsUnderTest(
  options: { relay?: boolean; listeners?: boolean } = {},
): Promise<TicketsUnderTest> {
  const db = await createTestDatabase([migrationsDir]);
  const namespace = testBusNamespace();
  const serviceBus = await connectTestBus(namespace, 'tickets');
  const otherBus = await connectTestBus(namespace, 'other-service');
  const relay = new OutboxRelay({ pool: db.pool, bus: serviceBus, logger: testLogger });
  if (options.relay ?? true) await relay.start();
  if (options.listeners ?? true) await startListeners(serviceBus, db.pool);
  const config = readConfig({ DATABASE_URL: db.url, NATS_URL: testNatsUrl(), ...testSessionEnv() });
  const app = buildApp({ pool: db.pool, bus: serviceBus, config, logger: testLogger, sessions: testSessionVerifier() });
  return {
    app,
    db,
    serviceBus,
    otherBus,
    relay,
    async stop() {
      await serviceBus.close();
      await relay.stop();
      await otherBus.deleteStream();
      await otherBus.close();
      await db.drop();
    },
  };
}

/** Records every event of one subject it receives. */
export class EventCollector<S extends Subject> extends Listener<S> {
  readonly durableName: string;
  readonly received: Envelope<S>[] = [];

  constructor(readonly subject: S) {
    super();
    this.durableName = `test.collector.${subject}.${randomUUID().slice(0, 8)}`;
  }

  async onMessage(_data: EventData<S>, envelope: Envelope<S>): Promise<void> {
    this.received.push(envelope);
  }

  about(id: string): EventData<S>[] {
    return this.received.map((e) => e.data).filter((data) => (data as { id?: string }).id === id);
  }
}

export const aSeller = () => sessionCookie();
export const uniqueTitle = (prefix = 'Concert') => `${prefix} ${randomUUID()}`;

export async function createTicketAs(
  app: Express,
  cookie: string,
  body: { title?: string; price?: number } = {},
): Promise<{
  id: string;
  title: string;
  price: number;
  userId: string;
  version: number;
  status: string;
  orderId: string | null;
}> {
  const res = await request(app)
    .post('/api/tickets')
    .set('Cookie', cookie)
    .send({ title: uniqueTitle(), price: 25, ...body })
    .expect(201);
  return res.body;
}

export function anOrderCreated(
  ticket: { id: string; price: number },
  overrides: Partial<EventData<'order.created'>> = {},
): EventData<'order.created'> {
  return {
    id: randomUUID(),
    userId: randomUUID(),
    status: 'created',
    expiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
    ticket: { id: ticket.id, price: Math.round(ticket.price * 100) },
    version: 0,
    ...overrides,
  };
}

export function anOrderUpdated(
  order: EventData<'order.created'>,
  status: 'cancelled' | 'complete',
  version = 1,
): EventData<'order.updated'> {
  return { id: order.id, userId: order.userId, status, ticket: { id: order.ticket.id }, version };
}
