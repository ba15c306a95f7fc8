import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jetstreamManager } from '@nats-io/jetstream';
import pg from 'pg';
import {
  connectTestBus,
  eventually,
  freePort,
  startNats,
  testBusNamespace,
  testLogger,
  testNatsUrl,
} from '@microtick/devstack';
import type { Envelope, EventData } from '../events/catalog';
import { Bus } from './bus';
import { Listener, RetryLaterError } from './listener';

class RecordingListener extends Listener<'expiration.complete'> {
  readonly subject = 'expiration.complete' as const;
  readonly received: Envelope<'expiration.complete'>[] = [];
  failuresLeft = 0;
  /** Events whose id is here fail on every delivery. */
  readonly poisonIds = new Set<string>();
  override readonly maxDeliver: number;
  constructor(
    readonly durableName: string,
    maxDeliver = 10,
  ) {
    super();
    this.maxDeliver = maxDeliver;
  }
  async onMessage(_data: EventData<'expiration.complete'>, envelope: Envelope<'expiration.complete'>) {
    if (this.poisonIds.has(envelope.id)) throw new Error('poison');
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('handler failed');
    }
    this.received.push(envelope);
  }
}

describe('Bus', () => {
  let bus: Bus;
  beforeEach(async () => {
    bus = await connectTestBus(testBusNamespace());
  });
  afterEach(async () => {
    await bus.deleteStream();
    await bus.close();
  });

  it('creates the stream with one replica by default, and asks the server for NATS_STREAM_REPLICAS copies', async () => {
    const info = await (await jetstreamManager(bus.connection)).streams.info(bus.stream);
    expect(info.config.num_replicas).toBe(1);
    // The test server is a single node: it can only refuse three copies, which shows the number reached it.
    await expect(
      Bus.connect({ url: testNatsUrl(), name: 'test', logger: testLogger, ...testBusNamespace(), streamReplicas: 3 }),
    ).rejects.toThrow(/replicas/i);
  });

  it('delivers a published event to a durable listener and acks it once', async () => {
    const listener = new RecordingListener('test.once');
    await bus.listen(listener);
    const orderId = randomUUID();
    const sent = await bus.publish('expiration.complete', { orderId });
    await eventually(async () => listener.received.length === 1);
    expect(listener.received[0]).toEqual(sent);
    await new Promise((r) => setTimeout(r, 300));
    expect(listener.received).toHaveLength(1);
  });

  it('drops a second publish with the same event id (de-duplication)', async () => {
    const listener = new RecordingListener('test.dedupe');
    await bus.listen(listener);
    const id = randomUUID();
    await bus.publish('expiration.complete', { orderId: randomUUID() }, id);
    await bus.publish('expiration.complete', { orderId: randomUUID() }, id);
    await bus.publish('expiration.complete', { orderId: randomUUID() });
    await eventually(async () => listener.received.length === 2);
    await new Promise((r) => setTimeout(r, 300));
    expect(listener.received.map((e) => e.id).filter((x) => x === id)).toHaveLength(1);
  });

  it('redelivers a message whose handler throws, then acks it', async () => {
    const listener = new RecordingListener('test.retry');
    listener.failuresLeft = 2;
    await bus.listen(listener);
    await bus.publish('expiration.complete', { orderId: randomUUID() });
    await eventually(async () => listener.received.length === 1, 10_000);
    expect(listener.failuresLeft).toBe(0);
  });

  it('resumes a durable consumer where it left off after a reconnect', async () => {
    const first = new RecordingListener('test.durable');
    await bus.listen(first);
    await bus.publish('expiration.complete', { orderId: randomUUID() });
    await eventually(async () => first.received.length === 1);
    const namespace = { stream: bus.stream, subjectPrefix: bus.subjectPrefix };
    await bus.close();
    const publisher = await connectTestBus(namespace);
    await publisher.publish('expiration.complete', { orderId: randomUUID() });
    const second = new RecordingListener('test.durable');
    await publisher.listen(second);
    await eventually(async () => second.received.length === 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(second.received).toHaveLength(1);
    bus = publisher;
  });

  /** Runs `stumble` with the delivery's number before applying it: it throws to make that delivery fail. */
  class StumblingListener extends RecordingListener {
    deliveries = 0;
    constructor(
      durableName: string,
      maxDeliver: number,
      private readonly stumble: (delivery: number) => Promise<void>,
    ) {
      super(durableName, maxDeliver);
    }
    override async onMessage(data: EventData<'expiration.complete'>, envelope: Envelope<'expiration.complete'>) {
      this.deliveries += 1;
      await this.stumble(this.deliveries);
      await super.onMessage(data, envelope);
    }
  }

  it('counts waiting apart from failing: many RetryLater deliveries then one error still get the event applied', async () => {
    const listener = new StumblingListener('test.waits', 10, async (delivery) => {
      if (delivery <= 12) throw new RetryLaterError('not yet', 5);
      if (delivery === 13) throw new Error('a transient failure');
    });
    await bus.listen(listener);
    await bus.publish('expiration.complete', { orderId: randomUUID() });
    await eventually(async () => listener.received.length === 1, 15_000);
    expect(listener.deliveries).toBe(14);
  });

  it('counts its database being away as waiting, not failing: the event is applied once it is back', async () => {
    // A genuine connection error: a pool pointed at a port nothing listens on.
    const pool = new pg.Pool({ host: '127.0.0.1', port: await freePort(), connectionTimeoutMillis: 1000 });
    const listener = new StumblingListener('test.database-away', 2, async (delivery) => {
      if (delivery <= 4) await pool.query('SELECT 1');
    });
    await bus.listen(listener);
    await bus.publish('expiration.complete', { orderId: randomUUID() });
    await eventually(async () => listener.received.length === 1, 15_000);
    expect(listener.deliveries).toBe(5);
    await pool.end();
  });

  async function deadLetters(subject: string): Promise<{ data: string; reason: string | undefined }[]> {
    const { jetstream, jetstreamManager, AckPolicy } = await import('@nats-io/jetstream');
    const jsm = await jetstreamManager(bus.connection);
    const info = await jsm.consumers.add(bus.stream, {
      ack_policy: AckPolicy.None,
      filter_subject: bus.wireSubject(`deadletter.${subject}`),
      inactive_threshold: 60_000_000_000,
    });
    const consumer = await jetstream(bus.connection).consumers.get(bus.stream, info.name);
    const out: { data: string; reason: string | undefined }[] = [];
    for (;;) {
      const msg = await consumer.next({ expires: 1000 });
      if (!msg) return out;
      out.push({ data: msg.string(), reason: msg.headers?.get('MicroTick-Reason') });
    }
  }

  it('dead-letters an invalid payload without calling the handler', async () => {
    const listener = new RecordingListener('test.invalid');
    await bus.listen(listener);
    const bad = {
      id: randomUUID(),
      subject: 'expiration.complete',
      occurredAt: new Date().toISOString(),
      data: { orderId: 'nope' },
    };
    const { jetstream } = await import('@nats-io/jetstream');
    await jetstream(bus.connection).publish(bus.wireSubject('expiration.complete'), JSON.stringify(bad));
    await bus.publish('expiration.complete', { orderId: randomUUID() });
    await eventually(async () => listener.received.length === 1);
    const letters = await eventually(async () => {
      const found = await deadLetters('expiration.complete');
      return found.length > 0 && found;
    });
    expect(JSON.parse(letters[0].data)).toEqual(bad);
    expect(letters[0].reason).toMatch(/orderId/);
  });

  it('dead-letters a message that fails on every delivery, and goes on with the next', async () => {
    const listener = new RecordingListener('test.poison', 3);
    const poisonId = randomUUID();
    listener.poisonIds.add(poisonId);
    await bus.listen(listener);
    const poison = await bus.publish('expiration.complete', { orderId: randomUUID() }, poisonId);
    const next = await bus.publish('expiration.complete', { orderId: randomUUID() });
    await eventually(async () => listener.received.length === 1, 10_000);
    expect(listener.received[0].id).toBe(next.id);
    const letters = await eventually(async () => {
      const found = await deadLetters('expiration.complete');
      return found.length > 0 && found;
    });
    expect(JSON.parse(letters[0].data).id).toBe(poison.id);
  });
});

describe('Bus.follow across a nats-server restart', () => {
  const storeDir = mkdtempSync(path.join(os.tmpdir(), 'microtick-follow-'));
  afterAll(() => rmSync(storeDir, { recursive: true, force: true }));

  it('goes on delivering events published after the server came back, each once', async () => {
    let nats = await startNats({ storeDir });
    const bus = await Bus.connect({ url: nats.url, name: 'follow-test', logger: testLogger });
    try {
      const seen: string[] = [];
      await bus.follow('expiration.complete', new Date(), (data) => seen.push(data.orderId));
      const before = randomUUID();
      await bus.publish('expiration.complete', { orderId: before });
      await eventually(async () => seen.includes(before));

      nats.process.kill('SIGKILL');
      await new Promise((r) => nats.process.once('exit', r));
      nats = await startNats({ storeDir, port: nats.port });
      const after = randomUUID();
      await eventually(async () => {
        await bus.publish('expiration.complete', { orderId: after });
        return true;
      }, 15_000);
      await eventually(async () => seen.includes(after), 10_000);
      expect(seen.filter((id) => id === before)).toHaveLength(1);
    } finally {
      await bus.close();
      await nats.stop();
    }
  }, 40_000);
});
