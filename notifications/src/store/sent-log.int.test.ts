import { randomUUID } from 'node:crypto';
import { rowsRead, testDatabase } from '@microtick/devstack';
import { migrationsDir } from './migrations';
import { SENT_ABOUT, sendOnce, sentAbout } from './sent-log';

const db = testDatabase([migrationsDir]);

it('sends each kind of email about an order once, and says which were sent', async () => {
  const orderId = randomUUID();
  const sends: string[] = [];
  const send = (kind: 'receipt' | 'sold') =>
    sendOnce(db.pool, { kind, orderId, recipientId: randomUUID() }, async () => void sends.push(kind));
  expect([await send('receipt'), await send('receipt'), await send('sold')]).toEqual([true, false, true]);
  expect(sends).toEqual(['receipt', 'sold']);
  expect((await sentAbout(db.pool, orderId)).sort()).toEqual(['receipt', 'sold']);
});

it('reads only the order in question from the sent-log, however many emails went out before', async () => {
  await db.pool.query(
    `INSERT INTO sent_emails (kind, order_id, recipient_id)
     SELECT kind, gen_random_uuid(), gen_random_uuid()
     FROM generate_series(1, 1000), unnest(ARRAY['receipt', 'sold']) AS kind`,
  );
  await db.pool.query('ANALYZE sent_emails');
  const read = await rowsRead(db.pool, SENT_ABOUT, [randomUUID()]);
  expect(read.sent_emails ?? 0).toBeLessThan(100);
});
