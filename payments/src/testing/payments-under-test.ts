// Test-only: the payments service wired to the harness's real PostgreSQL and NATS.
import { OutboxRelay, type Bus, type EventData, type Logger, type Pool } from '@microtick/common';
import {
  anOrderCreated,
  eventually,
  testLogger,
  testSessionEnv,
  testSessionVerifier,
  testStoreAndBus,
  type TestDatabase,
} from '@microtick/devstack';
import type { Express } from 'express';
import { buildApp } from '../app';
import { readConfig } from '../config';
import { startListeners } from '../events';
import { createGateway, type PaymentGateway } from '../gateway';
import { migrationsDir } from '../store/migrations';
import { findOrder, insertOrder, markTicketHeld } from '../store/orders';
import { PayoutWorker } from '../store/payout-worker';

export interface PaymentsUnderTest {
  app: Express;
  db: TestDatabase;
  pool: Pool;
  /** The service's own bus connection in a fresh namespace; tests publish other services' events on it. */
  bus: Bus;
  gateway: PaymentGateway;
  relay: OutboxRelay;
  config: ReturnType<typeof readConfig>;
  /** Transfers and reverses sellers' earnings; started only with `payouts: true` (tests may run it by hand). */
  payouts: PayoutWorker;
  /** Publishes the order.created the orders service would, and waits until the replica has it. */
  announceOrder(overrides?: Partial<EventData<'order.created'>>): Promise<EventData<'order.created'>>;
  stop(): Promise<void>;
}

/**
 * A fresh database and bus namespace with the service's app, its relay and listeners (unless turned
 * off), charging through `gateway` or else the one its configuration picks (logging to `gatewayLogger`).
 */
export async function startPaymentsUnderTest(
  options: {
    env?: Record<string, string>;
    gateway?: PaymentGateway;
    gatewayLogger?: Logger;
    relay?: boolean;
    listeners?: boolean;
    payouts?: boolean;
    /** The payout worker's lease (default: the gateway's longest charge call). */
    payoutLeaseMs?: number;
  } = {},
): Promise<PaymentsUnderTest> {
  const infra = await testStoreAndBus('payments', [migrationsDir]);
  const { db, pool, bus } = infra;
  const config = readConfig({ ...infra.env, ...testSessionEnv(), ...options.env });
  const gateway = options.gateway ?? createGateway(config, options.gatewayLogger ?? testLogger);
  const app = buildApp({ pool, bus, gateway, config, logger: testLogger, sessions: testSessionVerifier() });
  const relay = new OutboxRelay({ pool, bus, logger: testLogger });
  if (options.relay ?? true) await relay.start();
  if (options.listeners ?? true)
    await startListeners(bus, pool, gateway, testLogger, { platformFeeBps: config.PLATFORM_FEE_BPS });
  const payouts = new PayoutWorker({
    pool,
    gateway,
    logger: testLogger,
    leaseMs: options.payoutLeaseMs ?? gateway.maxChargeMs,
    pollIntervalMs: 100,
  });
  if (options.payouts) payouts.start();
  return {
    app,
    db,
    pool,
    bus,
    gateway,
    relay,
    config,
    payouts,
    async announceOrder(overrides = {}) {
      const order = anOrderCreated(overrides);
      await bus.publish('order.created', order);
      await eventually(() => findOrder(pool, order.id));
      await markTicketHeld(pool, order.id);
      return order;
    },
    async stop() {
      await payouts.stop();
      await relay.stop();
      await infra.close();
    },
  };
}

/** Puts an order straight into the replica, as if its order.created had been applied and tickets had reserved its ticket. */
export async function seedOrder(pool: Pool, overrides: Partial<EventData<'order.created'>> = {}) {
  const order = anOrderCreated(overrides);
  await insertOrder(pool, order);
  await markTicketHeld(pool, order.id);
  return order;
}

/** An expiry `ms` from now (in the past when negative), as order.created carries it. */
export const expiresIn = (ms: number) => new Date(Date.now() + ms).toISOString();
