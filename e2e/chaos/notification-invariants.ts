import { mailIn, type CaughtMail, type Stack } from '@microtick/devstack';
import { query as rows } from './invariants';

/**
 * The notifications service's invariants after a chaos run, read from the stack's SMTP server (what was
 * really sent) against the orders and auth databases (what should have been). Each email's Message-ID
 * names its kind and order (notifications/src/mail/compose.ts), so a repeat is recognisable as one.
 */

const NOTIFICATION_ID = /^<(receipt|sold|hold-expired)\.([0-9a-f-]{36})@/;

/** Each notification sent, by "<kind> <order id>", with the addresses it went to (once per copy). */
function sentNotifications(mail: CaughtMail[]): Map<string, string[]> {
  const sent = new Map<string, string[]>();
  for (const m of mail) {
    const match = NOTIFICATION_ID.exec(m.messageId ?? '');
    if (!match) continue;
    const key = `${match[1]} ${match[2]}`;
    sent.set(key, [...(sent.get(key) ?? []), ...m.to]);
  }
  return sent;
}

export async function notificationViolations(
  stack: Pick<Stack, 'databaseUrl' | 'infra'>,
): Promise<Record<string, string[]>> {
  const [mail, complete, users] = await Promise.all([
    mailIn(stack.infra.mailWeb),
    rows<{ id: string; user_id: string }>(
      stack.databaseUrl('orders'),
      "SELECT id, user_id FROM orders WHERE status = 'complete'",
    ),
    rows<{ id: string; email: string }>(stack.databaseUrl('auth'), 'SELECT id, email FROM users'),
  ]);
  const sent = sentNotifications(mail);
  const emailOf = new Map(users.map((u) => [u.id, u.email]));
  return {
    'no email was sent twice': [...sent]
      .filter(([, to]) => to.length > 1)
      .map(([key, to]) => `${key}: ${to.length} copies`),
    "every completed order's buyer got a receipt": complete
      .filter((order) => !(sent.get(`receipt ${order.id}`) ?? []).includes(emailOf.get(order.user_id) ?? ''))
      .map((order) => `${order.id}: no receipt to ${emailOf.get(order.user_id) ?? `unknown user ${order.user_id}`}`),
  };
}
