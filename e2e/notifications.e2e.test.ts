import { ApiClient, eventually, mailTo, startTestStack } from '@microtick/devstack';

/**
 * The notifications service in the whole stack: a sale through the gateway ends with exactly one receipt
 * in the buyer's mailbox and one "sold" email in the seller's, on the stack's own SMTP server; a hold
 * left to expire, with one "your hold expired".
 */
describe('emails of a sale and of an expired hold, on the real stack', () => {
  const WINDOW_SECONDS = 3;
  let stack: Awaited<ReturnType<typeof startTestStack>>;
  beforeAll(async () => {
    stack = await startTestStack({ env: { ORDER_EXPIRATION_SECONDS: String(WINDOW_SECONDS) } });
  }, 120_000);
  afterAll(() => stack?.cleanup(), 60_000);

  const mailbox = (user: ApiClient) => mailTo(user.email, stack.infra.mailWeb);
  const onlyMail = async (user: ApiClient) => {
    const [mail] = await eventually(async () => (await mailbox(user)).length > 0 && mailbox(user), 15_000);
    return mail;
  };

  async function orderOf(buyer: ApiClient, seller: ApiClient, title: string, price: number) {
    const ticket = (await seller.request('POST', '/api/tickets', { title, price })).body as { id: string };
    return eventually(async () => {
      const res = await buyer.request('POST', '/api/orders', { ticketId: ticket.id });
      return res.status === 201 && (res.body as { id: string });
    });
  }

  it('a full sale: the buyer finds one receipt linking to the order, the seller one "sold" email with the amount', async () => {
    const seller = await new ApiClient(stack.url).signUp();
    const buyer = await new ApiClient(stack.url).signUp();
    const order = await orderOf(buyer, seller, 'Opera night', 1234.5);
    await eventually(async () => {
      const res = await buyer.request('POST', '/api/payments', { orderId: order.id, paymentMethod: 'pm_card_visa' });
      return res.status === 201;
    }, 10_000);

    const receipt = await onlyMail(buyer);
    expect(receipt.subject).toBe('Your receipt for Opera night');
    expect(receipt.text).toContain('Paid: $1,234.50');
    expect(receipt.text).toContain(`See your order: ${stack.url}/orders/${order.id}`);
    expect(receipt.html).toContain(`/orders/${order.id}"`);
    const sold = await onlyMail(seller);
    expect(sold.subject).toBe('Your ticket sold: Opera night');
    expect(sold.text).toContain('your ticket sold for $1,234.50');

    await new Promise((r) => setTimeout(r, 1000));
    expect(await mailbox(buyer)).toHaveLength(1);
    expect(await mailbox(seller)).toHaveLength(1);
  });

  it('a hold left to expire: one "your hold expired" to the buyer; a hold the buyer cancelled: nothing', async () => {
    const seller = await new ApiClient(stack.url).signUp();
    const buyer = await new ApiClient(stack.url).signUp();
    const canceller = await new ApiClient(stack.url).signUp();
    const cancelled = await orderOf(canceller, seller, 'Cancelled show', 20);
    expect((await canceller.request('DELETE', `/api/orders/${cancelled.id}`)).status).toBe(204);
    await orderOf(buyer, seller, 'Late show', 30);

    const expired = await onlyMail(buyer);
    expect(expired.subject).toBe('Your hold on Late show expired');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await mailbox(buyer)).toHaveLength(1);
    expect(await mailbox(canceller)).toEqual([]);
    expect(await mailbox(seller)).toEqual([]);
  });
});
