import { randomUUID } from 'node:crypto';
import { defineListener, type Bus, type Envelope, type EventData, type Subject } from '@microtick/common';

export interface CollectedEvents<S extends Subject> {
  /** Every event of the subject received so far, in arrival order. */
  readonly received: Envelope<S>[];
  /** The envelopes about one record: the payload's id or orderId is `id`. */
  envelopesAbout(id: string): Envelope<S>[];
  /** The payloads about one record. */
  about(id: string): EventData<S>[];
}

const isAbout = (data: unknown, id: string) => {
  const { id: own, orderId } = data as { id?: string; orderId?: string };
  return own === id || orderId === id;
};

/** Starts a durable consumer of its own on `bus` that keeps every event of `subject` it receives. */
export async function collectEvents<S extends Subject>(bus: Bus, subject: S): Promise<CollectedEvents<S>> {
  const received: Envelope<S>[] = [];
  // A consumer of its own: the "service" part of its durable name is unique to this call.
  const listener = defineListener(`test.collect.${randomUUID().slice(0, 8)}`, subject, async (_data, envelope) => {
    received.push(envelope);
  });
  await bus.listen(listener);
  const envelopesAbout = (id: string) => received.filter((e) => isAbout(e.data, id));
  return { received, envelopesAbout, about: (id) => envelopesAbout(id).map((e) => e.data) };
}
