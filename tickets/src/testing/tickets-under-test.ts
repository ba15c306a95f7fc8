// Test-only: the tickets service wired to the harness's real PostgreSQL and NATS.
import { randomUUID } from 'node:crypto';
import { OutboxRelay, toCents, type Bus, type EventData, type Pool } from '@microtick/common';
import {
  anOrderCreated,
  sessionCookie,
  testSessionEnv,
  testSessionVerifier,
  testLogger,
  testStoreAndBus,
  type TestDatabase,
} from '@microtick/devstack';
import type { Express } from 'express';
import request from 'supertest';
import { buildApp } from '../app';
import { readConfig } from '../config';
import { migrationsDir } from '../store/migrations';
import { startListeners } from '../events';

export interface TicketsUnderTest {
  app: Express;
  db: TestDatabase;
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
  const infra = await testStoreAndBus('tickets', [migrationsDir]);
  const { db, pool, bus: serviceBus } = infra;
  const otherBus = await infra.connect('other-service');
  const relay = new OutboxRelay({ pool, bus: serviceBus, logger: testLogger });
  if (options.relay ?? true) await relay.start();
  if (options.listeners ?? true) await startListeners(serviceBus, pool);
  const config = readConfig({ ...infra.env, ...testSessionEnv() });
  const app = buildApp({ pool, bus: serviceBus, config, logger: testLogger, sessions: testSessionVerifier() });
  return {
    app,
    db,
    serviceBus,
    otherBus,
    relay,
    async stop() {
      await relay.stop();
      await otherBus.close();
      await infra.close();
    },
  };
}

/**
 * The service for the tests of one file without its relay and listeners, so every recorded event stays
 * in the outbox where they can read it: started before them, stopped after them.
 */
export function useTicketsWithoutBus() {
  let service: TicketsUnderTest | undefined;
  beforeAll(async () => {
    service = await startTicketsUnderTest({ relay: false, listeners: false });
  });
  afterAll(() => service?.stop());
  const started = () => {
    if (!service) throw new Error('the service starts in beforeAll');
    return service;
  };
  return { app: () => started().app, pool: () => started().db.pool, databaseUrl: () => started().db.url };
}

/** The events recorded about one ticket, oldest first. */
export async function outboxEventsAbout(pool: Pool, ticketId: string) {
  const { rows } = await pool.query<{ subject: string; data: Record<string, unknown> }>(
    "SELECT subject, envelope->'data' AS data FROM outbox WHERE envelope->'data'->>'id' = $1 ORDER BY seq",
    [ticketId],
  );
  return rows;
}

/** Arranges a state only an order event can produce, without going through the bus. */
export async function holdByOrder(pool: Pool, ticketId: string, status: 'reserved' | 'sold') {
  await pool.query('UPDATE tickets SET status = $2, order_id = $3, version = version + 1 WHERE id = $1', [
    ticketId,
    status,
    randomUUID(),
  ]);
}

export const aSeller = () => sessionCookie();
/**
 * An event start `days` from now at 20:00 in the given offset, as a seller would write it
 * (and as the API answers it: seconds, no milliseconds).
 */
export function eventStart(days: number, offset = '+02:00'): string {
  const date = new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
  return `${date}T20:00:00${offset}`;
}

export const inAYear = (offset = '+02:00') => eventStart(365, offset);

export const uniqueTitle = (prefix = 'Concert') => `${prefix} ${randomUUID()}`;

export async function createTicketAs(
  app: Express,
  cookie: string,
  body: { title?: string; price?: number; venue?: string | null; startsAt?: string | null; seat?: string | null } = {},
): Promise<{
  id: string;
  title: string;
  price: number;
  userId: string;
  version: number;
  status: string;
  orderId: string | null;
  venue: string | null;
  startsAt: string | null;
  seat: string | null;
}> {
  const res = await request(app)
    .post('/api/tickets')
    .set('Cookie', cookie)
    .send({ title: uniqueTitle(), price: 25, ...body })
    .expect(201);
  return res.body;
}

/** A seller's edit of a listing through the API (PUT /api/tickets/:id); the caller says what it expects. */
export const editTicketAs = (app: Express, cookie: string, ticketId: string, body: Record<string, unknown>) =>
  request(app).put(`/api/tickets/${ticketId}`).set('Cookie', cookie).send(body);

/** The order.created the orders service would publish for a ticket as the API shows it (price in dollars). */
export const anOrderCreatedFor = (
  ticket: { id: string; price: number },
  overrides: Partial<EventData<'order.created'>> = {},
) => anOrderCreated({ ticket: { id: ticket.id, price: toCents(ticket.price), sellerId: null }, ...overrides });
