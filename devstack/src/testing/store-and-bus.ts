import type { Bus, Pool } from '@microtick/common';
import { connectTestBus, createTestDatabase, testBusNamespace, testNatsUrl } from './harness';

export type TestDatabase = Awaited<ReturnType<typeof createTestDatabase>>;

export interface TestStoreAndBus {
  db: TestDatabase;
  pool: Pool;
  /** The service's own connection, in a namespace of its own. */
  bus: Bus;
  /** DATABASE_URL and NATS_URL as the service's readConfig wants them. */
  env: { DATABASE_URL: string; NATS_URL: string };
  /** Another connection on the same namespace: other services publishing and listening. */
  connect(name: string): Promise<Bus>;
  /** Deletes the namespace's stream, closes the service's connection and drops the database. */
  close(): Promise<void>;
}

/**
 * What a service under test with a database and the bus stands on: a fresh database with its
 * migrations and a fresh bus namespace, connected as the service. Its `*-under-test.ts` builds the app,
 * relay and listeners on top, stops those first, and calls `close` last.
 */
export async function testStoreAndBus(service: string, migrationDirs: string[]): Promise<TestStoreAndBus> {
  const db = await createTestDatabase(migrationDirs);
  const namespace = testBusNamespace();
  const bus = await connectTestBus(namespace, service);
  return {
    db,
    pool: db.pool,
    bus,
    env: { DATABASE_URL: db.url, NATS_URL: testNatsUrl() },
    connect: (name) => connectTestBus(namespace, name),
    async close() {
      await bus.deleteStream();
      await bus.close();
      await db.drop();
    },
  };
}
