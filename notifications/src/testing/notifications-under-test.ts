// Test-only: the notifications service wired to the harness's real PostgreSQL, NATS and SMTP server.
import { createMailer, type Bus, type EventData, type Mailer } from '@microtick/common';
import {
  aTicketCreated,
  anOrderCreated,
  eventData,
  testLogger,
  testMailEnv,
  testStoreAndBus,
  type TestDatabase,
} from '@microtick/devstack';
import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import { buildApp } from '../app';
import { readConfig } from '../config';
import { startListeners } from '../events';
import type { Postman } from '../mail/send-due';
import { migrationsDir } from '../store/migrations';

export interface NotificationsUnderTest {
  app: Express;
  db: TestDatabase;
  /** The service's own bus connection in a fresh namespace; tests publish other services' events on it. */
  bus: Bus;
  postman: Postman;
  startListeners(): Promise<void>;
  /** A user with a fresh address (so the shared SMTP server's mailbox is theirs alone), not yet announced. */
  aUser(): EventData<'user.created'>;
  /** Publishes a ticket sold by `seller` and an order of it by `buyer`; returns the order.created. */
  anOrder(buyer: { id: string }, seller: { id: string }): Promise<EventData<'order.created'>>;
  stop(): Promise<void>;
}

export async function startNotificationsUnderTest(
  options: { listeners?: boolean } = {},
): Promise<NotificationsUnderTest> {
  const infra = await testStoreAndBus('notifications', [migrationsDir]);
  const { db, bus } = infra;
  const config = readConfig({ ...infra.env, ...testMailEnv() });
  const mailer: Mailer = createMailer({ url: config.SMTP_URL, from: config.MAIL_FROM, logger: testLogger });
  const postman: Postman = {
    pool: db.pool,
    mailer,
    appUrl: config.APP_URL,
    maxAgeMs: config.MAIL_MAX_AGE_HOURS * 3600 * 1000,
    logger: testLogger,
  };
  const listen = () => startListeners(bus, postman);
  if (options.listeners ?? true) await listen();
  return {
    app: buildApp({ pool: db.pool, bus, logger: testLogger }),
    db,
    bus,
    postman,
    startListeners: listen,
    aUser: () => eventData('user.created', { email: `someone-${randomUUID()}@example.com` }),
    async anOrder(buyer, seller) {
      const ticket = aTicketCreated({ userId: seller.id, title: 'Rolling Stones, Row F' });
      await bus.publish('ticket.created', ticket);
      const order = anOrderCreated({ userId: buyer.id, ticket: { id: ticket.id, price: 4550, sellerId: seller.id } });
      await bus.publish('order.created', order);
      return order;
    },
    async stop() {
      await bus.stopListeners();
      await mailer.close();
      await infra.close();
    },
  };
}
