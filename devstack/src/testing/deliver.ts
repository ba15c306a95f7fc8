import { makeEnvelope, type EventData, type Listener, type Subject } from '@microtick/common';

/**
 * Hands one event straight to a listener, as the bus would after validating it: a test's way to deliver,
 * or redeliver, without a round trip through the stream. Resolves when the bus would ack.
 */
export function deliver<S extends Subject>(listener: Listener<S>, data: EventData<S>): Promise<void> {
  return listener.onMessage(data, makeEnvelope(listener.subject, data));
}
