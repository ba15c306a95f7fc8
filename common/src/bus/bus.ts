import { randomUUID } from 'node:crypto';
import {
  AckPolicy,
  DeliverPolicy,
  jetstream,
  jetstreamManager,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
} from '@nats-io/jetstream';
import { headers, nanos, type NatsConnection } from '@nats-io/nats-core';
import { connect } from '@nats-io/transport-node';
import {
  InvalidEventError,
  parseEnvelope,
  validateEventData,
  type Envelope,
  type EventData,
  type Subject,
} from '../events/catalog';
import { isDependencyUnreachable } from '../db/unreachable';
import type { Logger } from '../logger';
import { RetryLaterError, type Listener } from './listener';

export const DEFAULT_STREAM = 'MICROTICK';
/** The first wait of an event whose handler could not reach its database; later ones grow to 5 s. */
const UNREACHABLE_RETRY_MS = 200;
const STREAM_FAMILIES = ['ticket', 'order', 'expiration', 'payment', 'deadletter', 'user'];

export interface BusOptions {
  url: string;
  /** Connection name shown by the server, usually the service name. */
  name: string;
  logger: Logger;
  /** Tests isolate themselves with their own stream and subject prefix on a shared server. */
  stream?: string;
  subjectPrefix?: string;
  /** How long the stream keeps events so a new service can replay history (default 365 days). */
  maxAgeDays?: number;
  /** Copies of the stream kept by a NATS cluster (NATS_STREAM_REPLICAS; 1 on a single server). */
  streamReplicas?: number;
}

export function makeEnvelope<S extends Subject>(
  subject: S,
  data: EventData<S>,
  id: string = randomUUID(),
): Envelope<S> {
  return { id, subject, occurredAt: new Date().toISOString(), data: validateEventData(subject, data) };
}

/**
 * The connection to NATS JetStream: stream set-up, de-duplicated publishing and durable listeners.
 * Publishing sets the envelope id as Nats-Msg-Id, so a re-publish inside the duplicate window is dropped.
 */
export class Bus {
  readonly stream: string;
  readonly subjectPrefix: string;
  private readonly running: { messages?: ConsumerMessages; done: Promise<void> }[] = [];
  private readonly onReconnect = new Set<() => void>();
  private stopping = false;

  private constructor(
    readonly connection: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly options: BusOptions,
  ) {
    this.stream = options.stream ?? DEFAULT_STREAM;
    this.subjectPrefix = options.subjectPrefix ?? '';
  }

  static async connect(options: BusOptions): Promise<Bus> {
    const connection = await connect({
      servers: options.url.split(','),
      name: options.name,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: true,
      // Otherwise the client builds an Error (with its stack trace) for every publish, in case it times
      // out: 5% of the orders service's CPU when placing orders (docs/performance.md).
      noAsyncTraces: true,
    });
    const bus = new Bus(connection, jetstream(connection), await jetstreamManager(connection), options);
    bus.watchStatus();
    try {
      await bus.ensureStream();
    } catch (err) {
      // The server refused the stream (e.g. more replicas than nodes): do not leave a connection reconnecting forever.
      await connection.close();
      throw err;
    }
    return bus;
  }

  private watchStatus(): void {
    void (async () => {
      for await (const status of this.connection.status()) {
        if (status.type === 'disconnect' || status.type === 'reconnect') {
          this.options.logger.warn({ status: status.type }, 'bus connection status');
        }
        if (status.type === 'reconnect') for (const callback of this.onReconnect) callback();
      }
    })();
  }

  /** Creates the stream, or brings an existing one to the expected configuration. Idempotent. */
  async ensureStream(): Promise<void> {
    const config = {
      name: this.stream,
      subjects: STREAM_FAMILIES.map((family) => `${this.subjectPrefix}${family}.>`),
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      max_age: nanos((this.options.maxAgeDays ?? 365) * 24 * 3600 * 1000),
      duplicate_window: nanos(2 * 60 * 1000),
      num_replicas: this.options.streamReplicas ?? 1,
    };
    try {
      await this.jsm.streams.info(this.stream);
      await this.jsm.streams.update(this.stream, config);
    } catch (err) {
      if (err instanceof JetStreamApiError && err.status === 404) {
        try {
          await this.jsm.streams.add(config);
        } catch (addErr) {
          // Another replica created it first; if the stream is still missing, the server's own refusal says why.
          if (!(addErr instanceof JetStreamApiError)) throw addErr;
          await this.jsm.streams.info(this.stream).catch(() => {
            throw addErr;
          });
        }
      } else {
        throw err;
      }
    }
  }

  wireSubject(subject: string): string {
    return `${this.subjectPrefix}${subject}`;
  }

  async publish<S extends Subject>(subject: S, data: EventData<S>, id?: string): Promise<Envelope<S>> {
    const envelope = makeEnvelope(subject, data, id);
    await this.publishEnvelope(envelope);
    return envelope;
  }

  /** Publishes an already-built envelope; returns true when the server had seen this id before. */
  async publishEnvelope(envelope: Envelope): Promise<boolean> {
    const ack = await this.js.publish(this.wireSubject(envelope.subject), JSON.stringify(envelope), {
      msgID: envelope.id,
      timeout: 5000,
    });
    return ack.duplicate;
  }

  /**
   * Starts a durable consumer for the listener. Messages are handled one at a time in stream order and
   * acked only after the handler resolves. Invalid payloads, and messages that fail maxDeliver times,
   * are copied to deadletter.<subject> and terminated so they never block the stream.
   */
  async listen<S extends Subject>(listener: Listener<S>): Promise<void> {
    const logger = this.options.logger.child({ listener: listener.durableName, subject: listener.subject });
    const limits = { failures: listener.maxDeliver ?? 10, waits: listener.maxWaits ?? 120 };
    const durable = listener.durableName.replace(/[^\w-]/g, '_');
    const consumerConfig = {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      filter_subject: this.wireSubject(listener.subject),
      ack_wait: nanos(listener.ackWaitMs ?? 10_000),
      // Unlimited on the server: handle() decides when a message has failed for good (see there).
      max_deliver: -1,
      max_ack_pending: 1000,
    };
    try {
      await this.jsm.consumers.info(this.stream, durable);
      await this.jsm.consumers.update(this.stream, durable, consumerConfig);
    } catch (err) {
      if (!(err instanceof JetStreamApiError && err.status === 404)) throw err;
      await this.jsm.consumers.add(this.stream, consumerConfig);
    }
    const consumer = await this.js.consumers.get(this.stream, durable);
    // Handler failures per stream sequence, counted apart from "not yet" waits (in memory: a restart
    // starts the count again, which only delays a dead letter).
    const failures = new Map<number, number>();
    const entry: { messages?: ConsumerMessages; done: Promise<void> } = { done: Promise.resolve() };
    entry.messages = await consumer.consume({ max_messages: 256 });
    entry.done = (async () => {
      // A consume loop that ends while we are not stopping (the server lost the consumer, an error) is
      // started again: a listener must never go quiet for the rest of the process's life.
      while (!this.stopping) {
        try {
          for await (const msg of entry.messages!) await this.handle(listener, msg, limits, failures, logger);
        } catch (err) {
          logger.error({ err }, 'listener stopped');
        }
        if (this.stopping) break;
        logger.error('listener ended unexpectedly; restarting it');
        await new Promise((r) => setTimeout(r, 1000));
        try {
          entry.messages = await consumer.consume({ max_messages: 256 });
        } catch (err) {
          logger.error({ err }, 'could not restart the listener; will retry');
        }
      }
    })();
    this.running.push(entry);
  }

  /**
   * Two budgets: a handler that throws is retried with exponential backoff until it has failed `failures`
   * times; a RetryLaterError ("an event it depends on has not arrived yet") waits much longer, up to
   * `waits` deliveries at most 5 s apart (about ten minutes), because what it waits for may be held up by
   * a restarting service or bus. The two are counted apart: many waits followed by one transient error
   * (a deadlock, a dropped connection) must not dead-letter. Past either budget the message is
   * dead-lettered and terminated.
   */
  private async handle<S extends Subject>(
    listener: Listener<S>,
    msg: JsMsg,
    limits: { failures: number; waits: number },
    failures: Map<number, number>,
    logger: Logger,
  ) {
    let envelope: Envelope<S>;
    try {
      envelope = parseEnvelope(msg.json(), listener.subject);
    } catch (err) {
      const reason = err instanceof InvalidEventError ? err.reason : 'not JSON';
      logger.error({ reason, seq: msg.seq }, 'invalid event dead-lettered');
      await this.deadLetter(listener, msg, reason);
      msg.term(reason);
      return;
    }
    try {
      await listener.onMessage(envelope.data, envelope);
      failures.delete(msg.seq);
      msg.ack();
    } catch (err) {
      const attempt = msg.info.deliveryCount;
      // The database away (a restart, a failover) is not the event's fault: it waits, as for an event it
      // depends on, instead of spending the failure budget, which an outage of 45 s used up.
      const waiting = err instanceof RetryLaterError || isDependencyUnreachable(err);
      const failed = waiting ? 0 : (failures.get(msg.seq) ?? 0) + 1;
      if (!waiting) failures.set(msg.seq, failed);
      if (waiting ? attempt >= limits.waits : failed >= limits.failures) {
        logger.error({ err, eventId: envelope.id, attempt }, 'event failed too often, dead-lettered');
        failures.delete(msg.seq);
        await this.deadLetter(listener, msg, err instanceof Error ? err.message : String(err));
        msg.term('max deliveries');
        return;
      }
      const waitMs = err instanceof RetryLaterError ? err.delayMs : UNREACHABLE_RETRY_MS;
      const delay = waiting ? Math.min(waitMs * 1.5 ** (attempt - 1), 5_000) : Math.min(100 * 2 ** failed, 10_000);
      (err instanceof RetryLaterError ? logger.debug.bind(logger) : logger.warn.bind(logger))(
        { err, eventId: envelope.id, attempt, retryInMs: Math.round(delay) },
        'event not applied yet, will be redelivered',
      );
      msg.nak(Math.round(delay));
    }
  }

  /**
   * Every event of one subject published since `since`, to this process alone: an ordered, non-durable
   * consumer, so each replica sees every event and nothing is left on the server when it goes. Resolves
   * once the history up to now has been handed to `onEvent`, then keeps following. After a reconnect
   * (nats-server restarted) it follows again from the event after the last one it saw: the client's
   * ordered consumer alone went quiet for good after a restart (chaos run, December 2026).
   */
  async follow<S extends Subject>(
    subject: S,
    since: Date,
    onEvent: (data: EventData<S>, envelope: Envelope<S>) => void,
  ): Promise<void> {
    const logger = this.options.logger.child({ follows: subject });
    const wire = this.wireSubject(subject);
    let replayUpTo = 0;
    try {
      const last = await this.jsm.streams.getMessage(this.stream, { last_by_subj: wire });
      if (last && last.time >= since) replayUpTo = last.seq;
    } catch (err) {
      if (!(err instanceof JetStreamApiError)) throw err; // none published yet
    }
    let lastSeq = 0;
    const open = async () => {
      const from = lastSeq
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: lastSeq + 1 }
        : { deliver_policy: DeliverPolicy.StartTime, opt_start_time: since.toISOString() };
      const consumer = await this.js.consumers.get(this.stream, { filter_subjects: wire, ...from });
      return consumer.consume();
    };
    let replayed!: () => void;
    const caughtUp = new Promise<void>((resolve) => (replayed = resolve));
    if (replayUpTo === 0) replayed();
    const entry: { messages?: ConsumerMessages; done: Promise<void> } = { done: Promise.resolve() };
    entry.messages = await open();
    const reopen = () => void entry.messages?.close();
    this.onReconnect.add(reopen);
    entry.done = (async () => {
      while (!this.stopping) {
        try {
          for await (const msg of entry.messages!) {
            try {
              const envelope = parseEnvelope(msg.json(), subject);
              onEvent(envelope.data, envelope);
            } catch (err) {
              logger.error({ err, seq: msg.seq }, 'could not apply a followed event');
            }
            lastSeq = msg.seq;
            if (msg.seq >= replayUpTo) replayed();
          }
        } catch (err) {
          logger.warn({ err }, 'follower stopped; following again');
        }
        while (!this.stopping) {
          try {
            entry.messages = await open();
            if (this.stopping) await entry.messages.close();
            break;
          } catch (err) {
            logger.warn({ err }, 'could not follow again yet; will retry');
            await new Promise((r) => setTimeout(r, 500));
          }
        }
      }
      this.onReconnect.delete(reopen);
    })();
    this.running.push(entry);
    await caughtUp;
  }

  private async deadLetter(listener: Listener<Subject>, msg: JsMsg, reason: string): Promise<void> {
    const h = headers();
    h.set('MicroTick-Consumer', listener.durableName);
    h.set('MicroTick-Reason', reason.slice(0, 512).replace(/[\r\n]+/g, ' '));
    h.set('MicroTick-Stream-Seq', String(msg.seq));
    try {
      await this.js.publish(this.wireSubject(`deadletter.${listener.subject}`), msg.data, {
        headers: h,
        msgID: `dlq-${listener.durableName}-${msg.seq}`,
      });
    } catch (err) {
      this.options.logger.error({ err }, 'could not publish to dead-letter subject');
    }
  }

  async ping(): Promise<void> {
    await this.connection.flush();
    await this.jsm.getAccountInfo();
  }

  /** Stops taking messages; resolves when every listener has finished (and acked) its current one. */
  async stopListeners(): Promise<void> {
    this.stopping = true;
    for (const { messages } of this.running) await messages?.close();
    await Promise.allSettled(this.running.map((r) => r.done));
  }

  /** Stops listeners after their current message, then drains and closes the connection. */
  async close(): Promise<void> {
    await this.stopListeners();
    if (!this.connection.isClosed()) await this.connection.drain();
  }

  /** Deletes this bus's stream: for tests that own a private stream. */
  async deleteStream(): Promise<void> {
    await this.jsm.streams.delete(this.stream).catch(() => undefined);
  }
}
