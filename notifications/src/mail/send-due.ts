import { RetryLaterError, type Logger, type Mailer, type Pool } from '@microtick/common';
import { emailsDue, missingFor, recipientOf, type EmailKind } from '../rules';
import { findOrderStory } from '../store/orders';
import { sendOnce, sentAbout } from '../store/sent-log';
import { composeEmail, type ReadyStory } from './compose';

export interface Postman {
  pool: Pool;
  mailer: Pick<Mailer, 'send'>;
  appUrl: string;
  maxAgeMs: number;
  logger: Logger;
  now?: () => Date;
}

/**
 * Sends the emails an order calls for that have not been sent yet, each once (sendOnce). Answers what
 * the unsent ones still wait for (an address, the ticket, the payment): the listener that asked makes
 * its event wait, and the event that brings the missing fact sends them.
 */
export async function sendDue(postman: Postman, orderId: string): Promise<string[]> {
  const story = await findOrderStory(postman.pool, orderId);
  if (!story) return [];
  const due = emailsDue(story, postman.now?.() ?? new Date(), postman.maxAgeMs);
  if (due.length === 0) return [];
  const sent = await sentAbout(postman.pool, orderId);
  const waiting: string[] = [];
  for (const kind of due.filter((k) => !sent.includes(k))) {
    const to = recipientOf(kind) === 'buyer' ? story.buyer : story.seller;
    const missing = missingFor(kind, {
      recipientEmail: Boolean(to?.email),
      ticket: story.ticket !== null,
      payment: story.payment !== null,
    });
    if (missing.length > 0) {
      waiting.push(`${kind} waits for ${missing.join(', ')}`);
      continue;
    }
    await send(postman, kind, story as ReadyStory, to!.id, to!.email!);
  }
  return waiting;
}

/** sendDue for a listener: its event waits (comes back later) while an email it calls for cannot be written yet. */
export async function sendDueOrWait(postman: Postman, orderId: string): Promise<void> {
  const waiting = await sendDue(postman, orderId);
  if (waiting.length > 0) throw new RetryLaterError(`order ${orderId}: ${waiting.join('; ')}`, 1000);
}

/** An SMTP server that is down or refuses makes the event wait (minutes), not fail towards a dead letter. */
async function send(postman: Postman, kind: EmailKind, story: ReadyStory, recipientId: string, to: string) {
  const email = composeEmail(kind, story, to, postman.appUrl);
  const sent = await sendOnce(postman.pool, { kind, orderId: story.id, recipientId }, () =>
    postman.mailer.send(email).catch((err: unknown) => {
      throw new RetryLaterError(
        `the ${kind} email was not sent: ${err instanceof Error ? err.message : String(err)}`,
        5000,
      );
    }),
  );
  if (sent) postman.logger.info({ kind, orderId: story.id, recipientId }, 'notification sent');
}
