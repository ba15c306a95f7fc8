import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { ApiClient, browserSuite, eventually } from '@microtick/devstack';
import { startFakeStripe, type FakeStripe } from '../payments/src/testing/fake-stripe';
import { STRIPE_JS_STAND_IN, type StripeStandInCalls } from './stripe/stripe-js-stand-in';

/**
 * The order page with real Stripe keys (test mode): the client loads Stripe.js through @stripe/stripe-js
 * and renders the Payment Element; payments talks to a Stripe-compatible fake through the real SDK. The
 * browser's request for Stripe.js is answered with a small stand-in (see stripe/stripe-js-stand-in.ts),
 * and any other request that would leave this machine is refused and counted. Screenshots go to
 * artifacts/screenshots/stripe-*.png.
 */

const PUBLISHABLE_KEY = `pk_test_${randomBytes(12).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_${randomBytes(16).toString('hex')}`;

describe('paying with Stripe’s Payment Element (test-mode keys, Stripe.js stood in)', () => {
  let fakeStripe: FakeStripe;
  const leftTheMachine: string[] = [];
  // Registered before the suite's own beforeAll, so the fake is up when the stack reads its address.
  beforeAll(async () => {
    fakeStripe = await startFakeStripe();
  });
  const suite = browserSuite({
    env: () => ({
      STRIPE_SECRET_KEY: `sk_test_${randomBytes(12).toString('hex')}`,
      STRIPE_PUBLISHABLE_KEY: PUBLISHABLE_KEY,
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_BASE: fakeStripe.url,
    }),
    screenshotPrefix: 'stripe-',
  });
  afterAll(() => fakeStripe?.close());
  const { pageErrors, shot } = suite;

  /** A signed-in buyer's page on an open order for a fresh $42.50 ticket. */
  async function buyerOnOpenOrder({ javaScriptEnabled = true, stripeJsLoads = true } = {}): Promise<{
    page: Page;
    orderId: string;
  }> {
    const seller = await new ApiClient(suite.stack.url).signUp();
    const buyer = await new ApiClient(suite.stack.url).signUp();
    const ticket = await seller.request('POST', '/api/tickets', {
      title: `Cello recital ${randomUUID()}`,
      price: 42.5,
    });
    expect(ticket.status).toBe(201);
    const order = await eventually(async () => {
      const res = await buyer.request('POST', '/api/orders', { ticketId: ticket.body.id });
      return res.status === 201 && (res.body as { id: string });
    });

    const page = await suite.newPage({ javaScriptEnabled }, async (context) => {
      const session = (buyer as unknown as { cookie: string }).cookie.replace(/^session=/, '');
      await context.addCookies([{ name: 'session', value: session, url: suite.stack.url }]);
      await context.route(
        (url) => url.hostname !== 'localhost' && url.hostname !== '127.0.0.1',
        (route) => {
          const url = new URL(route.request().url());
          if (url.origin === 'https://js.stripe.com' && /\/stripe\.js$/.test(url.pathname)) {
            if (!stripeJsLoads) return route.abort('internetdisconnected');
            return route.fulfill({ contentType: 'text/javascript', body: STRIPE_JS_STAND_IN });
          }
          leftTheMachine.push(url.href);
          return route.abort();
        },
      );
    });
    await page.exposeFunction('__standInAuthenticate', (clientSecret: string) => authenticate(clientSecret));
    await page.goto(`/orders/${order.id}`);
    return { page, orderId: order.id };
  }

  /** The bank's 3-D Secure step succeeds: Stripe marks the intent paid and sends the signed webhook. */
  async function authenticate(clientSecret: string) {
    const intent = fakeStripe.completeAuthentication(clientSecret.split('_secret_')[0]);
    const payload = JSON.stringify({
      id: `evt_${randomUUID()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: intent },
    });
    const at = Math.floor(Date.now() / 1000);
    const signature = createHmac('sha256', WEBHOOK_SECRET).update(`${at}.${payload}`).digest('hex');
    const res = await fetch(`${suite.stack.url}/api/payments/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${at},v1=${signature}` },
      body: payload,
    });
    if (res.status !== 200) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    return { paymentIntent: { id: intent.id, status: intent.status } };
  }

  const standIn = (page: Page) => page.evaluate<StripeStandInCalls>('window.__stripeStandIn');

  it('mounts the Payment Element instead of the sandbox form, and finishes 3-D Secure with handleNextAction', async () => {
    const { page, orderId } = await buyerOnOpenOrder();
    const pay = page.getByRole('button', { name: 'Pay $42.50' });
    await page.locator('#payment-element').getByTestId('stripe-stand-in').waitFor();
    await expect(pay.isEnabled()).resolves.toBe(true);
    expect(await page.getByTestId('test-mode').count()).toBe(0);
    const loaded = await standIn(page);
    expect(loaded.keys).toEqual([PUBLISHABLE_KEY]);
    expect(loaded.created).toEqual(['payment']);
    expect(loaded.mounted).toEqual(['payment-element']);
    expect(loaded.elementsOptions[0]).toEqual(
      expect.objectContaining({ mode: 'payment', amount: 4250, currency: 'usd', paymentMethodCreation: 'manual' }),
    );
    await shot(page, 'order-payment-element');

    // A declined card: the server's 402 is shown, nothing is charged, and the buyer can try again.
    await page.evaluate("window.__standInPaymentMethod = 'pm_card_chargeDeclined'");
    await pay.click();
    await page
      .getByTestId('payment-error')
      .filter({ hasText: /declined/i })
      .waitFor();
    expect(fakeStripe.charges()).toEqual([]);

    // A card that needs 3-D Secure: payments answers 202 with the intent's client secret, the form hands it
    // to Stripe.js, and the webhook that follows completes the order.
    await page.evaluate("window.__standInPaymentMethod = 'pm_card_threeDSecure2Required'");
    await pay.click();
    await page.getByTestId('order-complete').waitFor({ timeout: 20_000 });
    const paid = await standIn(page);
    expect(paid.submits).toBe(2);
    expect(paid.paymentMethods).toBe(2);
    const intent = [...fakeStripe.intents.values()].find(
      (i) => i.metadata.orderId === orderId && i.status === 'succeeded',
    );
    expect(paid.nextActions).toEqual([intent?.client_secret]);
    expect(fakeStripe.charges().map((i) => i.metadata.orderId)).toEqual([orderId]);
    await shot(page, 'order-paid');
    expect(pageErrors).toEqual([]);
    expect(leftTheMachine).toEqual([]);
  }, 90_000);

  it('says the payment form could not be loaded when Stripe.js does not load, and keeps Pay disabled', async () => {
    const { page } = await buyerOnOpenOrder({ stripeJsLoads: false });
    await page.getByTestId('payment-error').filter({ hasText: 'The payment form could not be loaded' }).waitFor();
    await expect(page.getByRole('button', { name: 'Pay $42.50' }).isDisabled()).resolves.toBe(true);
    expect(await page.getByTestId('test-mode').count()).toBe(0);
    expect(leftTheMachine).toEqual([]);
  }, 60_000);

  it('tells a buyer without JavaScript that card payment needs it, and shows no sandbox cards', async () => {
    const { page } = await buyerOnOpenOrder({ javaScriptEnabled: false });
    // Playwright's text locators skip <noscript>, where the browser shows this note.
    expect(await page.getByTestId('payment-form').locator('noscript').textContent()).toMatch(
      /^Card payment needs JavaScript/,
    );
    expect(await page.getByTestId('test-mode').count()).toBe(0);
    await expect(page.getByRole('button', { name: 'Pay $42.50' }).isDisabled()).resolves.toBe(true);
    await shot(page, 'order-no-js');
    expect(leftTheMachine).toEqual([]);
  }, 60_000);
});
