import { randomUUID } from 'node:crypto';
import { makeEnvelope, withTransaction, type Email, type EventData } from '@microtick/common';
import {
  aTicketCreated,
  anOrderCreated,
  anOrderUpdated,
  eventData,
  eventually,
  mailTo,
  type CaughtMail,
} from '@microtick/devstack';
import request from 'supertest';
import { sendDue } from './mail/send-due';
import { applyOrderUpdate, insertOrder } from './store/orders';
import { keepTicket } from './store/tickets';
import { addUser } from './store/users';
import { startNotificationsUnderTest, type NotificationsUnderTest } from './testing/notifications-under-test';

let n: NotificationsUnderTest;
beforeAll(async () => {
  n = await startNotificationsUnderTest();
});
afterAll(() => n.stop());

const subjectsOf = (mail: CaughtMail[]) => mail.map((m) => m.subject).sort();
const orderStatus = async (id: string) =>
  (await n.db.pool.query<{ status: string }>('SELECT status FROM orders WHERE id = $1', [id])).rows[0]?.status;
const sentCount = async (orderId: string) =>
  (await n.db.pool.query('SELECT 1 FROM sent_emails WHERE order_id = $1', [orderId])).rowCount;

async function announce(...users: EventData<'user.created'>[]) {
  for (const user of users) await n.bus.publish('user.created', user);
}

/** A buyer and a seller, both in the address book. */
async function announcedPair() {
  const buyer = n.aUser();
  const seller = n.aUser();
  await announce(buyer, seller);
  return { buyer, seller };
}

/** The payment and the completion orders would publish for `order` (each a new event, as a repeat is). */
async function complete(order: EventData<'order.created'>) {
  const payment = eventData('payment.created', { orderId: order.id, amount: order.ticket.price });
  await n.bus.publish('payment.created', payment);
  await n.bus.publish('order.updated', anOrderUpdated(order, 'complete'));
  return payment;
}

it('answers /health while its database and bus are up', async () => {
  await request(n.app).get('/health').expect(200);
});

it('sends the buyer one receipt and the seller one "sold" email, even when order.updated and payment.created come twice', async () => {
  const { buyer, seller } = await announcedPair();
  const order = await n.anOrder(buyer, seller);
  const payment = await complete(order);
  // The same facts again, as new events (a republish) and as the same events (a redelivery).
  await n.bus.publish('order.updated', anOrderUpdated(order, 'complete'));
  await n.bus.publish('payment.created', payment);
  await n.bus.publishEnvelope(makeEnvelope('payment.created', payment));

  const [receipt] = await eventually(async () => (await mailTo(buyer.email)).length > 0 && mailTo(buyer.email));
  const [sold] = await eventually(async () => (await mailTo(seller.email)).length > 0 && mailTo(seller.email));
  expect(receipt.subject).toBe('Your receipt for Rolling Stones, Row F');
  expect(receipt.text).toContain('Paid: $45.50');
  expect(receipt.text).toContain(`See your order: http://localhost:3000/orders/${order.id}`);
  expect(receipt.html).toContain(`href="http://localhost:3000/orders/${order.id}"`);
  expect(sold.subject).toBe('Your ticket sold: Rolling Stones, Row F');
  expect(sold.text).toContain('your ticket sold for $45.50');
  expect(sold.html).toContain('<td>$45.50</td>');

  // A marker behind the repeats on the same consumers: once its emails are out, the repeats were handled.
  const marker = await n.anOrder(buyer, seller);
  await complete(marker);
  await eventually(async () => (await mailTo(seller.email)).length === 2, 10_000);
  await new Promise((r) => setTimeout(r, 300));
  expect(subjectsOf(await mailTo(buyer.email))).toEqual([
    'Your receipt for Rolling Stones, Row F',
    'Your receipt for Rolling Stones, Row F',
  ]);
  expect(await sentCount(order.id)).toBe(2);
});

it('emails the buyer once when their hold expired, and nothing when they cancelled it themselves', async () => {
  const { buyer, seller } = await announcedPair();
  const cancelled = await n.anOrder(buyer, seller);
  await n.bus.publish('order.updated', anOrderUpdated(cancelled, 'cancelled', 1, 'buyer'));
  const expired = await n.anOrder(buyer, seller);
  await n.bus.publish('order.updated', anOrderUpdated(expired, 'cancelled', 1, 'expired'));
  await n.bus.publish('order.updated', anOrderUpdated(expired, 'cancelled', 1, 'expired'));

  const [mail] = await eventually(async () => (await mailTo(buyer.email)).length > 0 && mailTo(buyer.email));
  expect(mail.subject).toBe('Your hold on Rolling Stones, Row F expired');
  expect(mail.text).toContain(`http://localhost:3000/tickets/${expired.ticket.id}`);
  await eventually(async () => (await orderStatus(cancelled.id)) === 'cancelled');
  await new Promise((r) => setTimeout(r, 300));
  expect(await mailTo(buyer.email)).toHaveLength(1);
  expect(await mailTo(seller.email)).toEqual([]);
  expect(await sentCount(cancelled.id)).toBe(0);
});

it('keeps an email whose recipient is not in the address book yet, and sends it once user.created arrives', async () => {
  const buyer = n.aUser();
  const seller = n.aUser();
  await announce(seller);
  const order = await n.anOrder(buyer, seller);
  await complete(order);
  await eventually(async () => (await mailTo(seller.email)).length === 1);
  await new Promise((r) => setTimeout(r, 500));
  expect(await mailTo(buyer.email)).toEqual([]);

  await announce(buyer);
  const [receipt] = await eventually(async () => (await mailTo(buyer.email)).length > 0 && mailTo(buyer.email));
  expect(receipt.subject).toBe('Your receipt for Rolling Stones, Row F');
  await new Promise((r) => setTimeout(r, 1500)); // the waiting order.updated and payment.created come back
  expect(await mailTo(buyer.email)).toHaveLength(1);
  expect(await mailTo(seller.email)).toHaveLength(1);
});

it('sends nothing about an order closed longer ago than MAIL_MAX_AGE_HOURS (history replayed to a new deployment)', async () => {
  const { buyer, seller } = await announcedPair();
  const order = await n.anOrder(buyer, seller);
  const old = makeEnvelope('order.updated', anOrderUpdated(order, 'cancelled', 1, 'expired'));
  await n.bus.publishEnvelope({ ...old, occurredAt: new Date(Date.now() - 25 * 3600_000).toISOString() });
  await eventually(async () => (await orderStatus(order.id)) === 'cancelled');
  expect(await sendDue(n.postman, order.id)).toEqual([]);
  expect(await mailTo(buyer.email)).toEqual([]);
});

describe('a crash while sending', () => {
  it('after the sent-log committed: the event handled again sends nothing', async () => {
    const { buyer, seller } = await announcedPair();
    const order = await n.anOrder(buyer, seller);
    await n.bus.publish('order.updated', anOrderUpdated(order, 'cancelled', 1, 'expired'));
    await eventually(async () => (await mailTo(buyer.email)).length === 1);
    // What a redelivery after a crash before the ack does: the same work again.
    expect(await sendDue(n.postman, order.id)).toEqual([]);
    expect(await mailTo(buyer.email)).toHaveLength(1);
  });

  it('after SMTP accepted but before the sent-log committed: sent again, with the same Message-ID', async () => {
    // Straight into the store, so that no listener of this test's bus sends it meanwhile.
    const buyer = n.aUser();
    const ticket = aTicketCreated();
    const order = anOrderCreated({ userId: buyer.id, ticket: { id: ticket.id, price: 900, sellerId: ticket.userId } });
    await addUser(n.db.pool, buyer);
    await keepTicket(n.db.pool, ticket);
    await insertOrder(n.db.pool, order);
    await withTransaction(n.db.pool, (client) =>
      applyOrderUpdate(client, anOrderUpdated(order, 'cancelled', 1, 'expired'), new Date().toISOString()),
    );
    const messageIds: string[] = [];
    const mailer = (crash: boolean) => ({
      send: async (email: Email) => {
        await n.postman.mailer.send(email);
        messageIds.push(email.messageId!);
        if (crash) throw new Error('killed before the commit');
      },
    });
    await expect(sendDue({ ...n.postman, mailer: mailer(true) }, order.id)).rejects.toThrow('killed before the commit');
    expect(await sentCount(order.id)).toBe(0);
    expect(await sendDue({ ...n.postman, mailer: mailer(false) }, order.id)).toEqual([]);
    expect(await sendDue({ ...n.postman, mailer: mailer(false) }, order.id)).toEqual([]);
    expect(await sentCount(order.id)).toBe(1);
    expect(messageIds).toEqual([`<hold-expired.${order.id}@localhost>`, `<hold-expired.${order.id}@localhost>`]);
    expect(await mailTo(buyer.email)).toHaveLength(2);
  });
});

describe('the tickets it keeps for the emails', () => {
  const kept = async (id: string) =>
    (
      await n.db.pool.query<{ title: string; version: number }>('SELECT title, version FROM tickets WHERE id = $1', [
        id,
      ])
    ).rows[0];

  it('writes nothing for a version that changes none of what the emails say, and still takes the newest words', async () => {
    const ticket = aTicketCreated({ title: 'Opening night' });
    await keepTicket(n.db.pool, ticket);
    const reserved = eventData('ticket.updated', { ...ticket, version: 1, status: 'reserved', orderId: randomUUID() });
    await keepTicket(n.db.pool, reserved);
    expect(await kept(ticket.id)).toEqual({ title: 'Opening night', version: 0 });

    await keepTicket(
      n.db.pool,
      eventData('ticket.updated', {
        ...ticket,
        version: 3,
        title: 'Closing night',
        status: 'available',
        orderId: null,
      }),
    );
    await keepTicket(
      n.db.pool,
      eventData('ticket.updated', { ...ticket, version: 2, title: 'Matinee', status: 'available', orderId: null }),
    );
    expect(await kept(ticket.id)).toEqual({ title: 'Closing night', version: 3 });
  });
});
