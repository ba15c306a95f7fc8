import { randomUUID } from 'node:crypto';
import {
  collectEvents,
  connectTestBus,
  createTestDatabase,
  eventually,
  testBusNamespace,
  testLogger,
} from '@microtick/devstack';
import { Bus, makeEnvelope } from '../bus/bus';
import { withTransaction, type Pool } from '../db/pool';
import { applyOnce } from './inbox';
import { recordEvent, recordInStatement } from './outbox';
import { OutboxRelay } from './relay';

describe('outbox', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let pool: Pool;
  let bus: Bus;
  beforeEach(async () => {
    db = await createTestDatabase([]);
    pool = db.pool;
    bus = await connectTestBus(testBusNamespace());
  });
  afterEach(async () => {
    await bus.deleteStream();
    await bus.close();
    await db.drop();
  });

  it('publishes an event recorded in a committed transaction even when the process died before publishing', async () => {
    // The "process" that committed the event never ran a relay: it died right after COMMIT.
    const recorded = await withTransaction(pool, (client) =>
      recordEvent(client, 'expiration.complete', { orderId: randomUUID() }),
    );
    const collector = await collectEvents(bus, 'expiration.complete');
    // A new process starts its relay and finds the pending row.
    const relay = new OutboxRelay({ pool, bus, logger: testLogger });
    await relay.start();
    await eventually(async () => collector.received.length === 1);
    await relay.stop();
    expect(collector.received[0]).toEqual(recorded);
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM outbox');
    expect(rows[0].n).toBe(0);
  });

  it('records nothing when the transaction rolls back', async () => {
    await expect(
      withTransaction(pool, async (client) => {
        await recordEvent(client, 'expiration.complete', { orderId: randomUUID() });
        throw new Error('business rule failed');
      }),
    ).rejects.toThrow('business rule failed');
    const { rows } = await pool.query('SELECT count(*)::int AS n FROM outbox');
    expect(rows[0].n).toBe(0);
  });

  it('wakes on commit and publishes within milliseconds, in order', async () => {
    const collector = await collectEvents(bus, 'expiration.complete');
    const relay = new OutboxRelay({ pool, bus, logger: testLogger, pollIntervalMs: 60_000 });
    await relay.start();
    const ids: string[] = [];
    for (let i = 0; i < 20; i += 1) {
      const env = await withTransaction(pool, (c) => recordEvent(c, 'expiration.complete', { orderId: randomUUID() }));
      ids.push(env.id);
    }
    await eventually(async () => collector.received.length === 20, 3000);
    await relay.stop();
    expect(collector.received.map((e) => e.id)).toEqual(ids);
  });

  it('wakes the relay when a single statement that recorded events returns', async () => {
    const collector = await collectEvents(bus, 'expiration.complete');
    const relay = new OutboxRelay({ pool, bus, logger: testLogger, pollIntervalMs: 60_000 });
    await relay.start();
    const event = makeEnvelope('expiration.complete', { orderId: randomUUID() });
    await recordInStatement([event], (outbox) =>
      pool.query(
        'INSERT INTO outbox (id, subject, envelope) SELECT * FROM unnest($1::uuid[], $2::text[], $3::jsonb[])',
        [outbox.ids, outbox.subjects, outbox.envelopes],
      ),
    );
    await eventually(async () => collector.received.length === 1, 3000);
    await relay.stop();
    expect(collector.received[0]).toEqual(event);
  });

  it('a re-publish after a crash between publish and delete is de-duplicated by the bus', async () => {
    const env = await withTransaction(pool, (c) => recordEvent(c, 'expiration.complete', { orderId: randomUUID() }));
    await bus.publishEnvelope(env); // published, then "crashed" before deleting the row
    const collector = await collectEvents(bus, 'expiration.complete');
    const relay = new OutboxRelay({ pool, bus, logger: testLogger });
    expect(await relay.publishBatch()).toBe(1);
    await eventually(async () => collector.received.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(collector.received).toHaveLength(1);
  });

  it('applyOnce applies an event id once per consumer', async () => {
    await pool.query('CREATE TABLE counter (n INT NOT NULL)');
    await pool.query('INSERT INTO counter VALUES (0)');
    const eventId = randomUUID();
    const bump = (client: { query: (sql: string) => Promise<unknown> }) =>
      client.query('UPDATE counter SET n = n + 1').then(() => undefined);
    expect(await applyOnce(pool, 'c1', eventId, bump)).toBe(true);
    expect(await applyOnce(pool, 'c1', eventId, bump)).toBe(false);
    expect(await applyOnce(pool, 'c2', eventId, bump)).toBe(true);
    await expect(applyOnce(pool, 'c3', eventId, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await applyOnce(pool, 'c3', eventId, bump)).toBe(true);
    const { rows } = await pool.query('SELECT n FROM counter');
    expect(rows[0].n).toBe(3);
  });
});
