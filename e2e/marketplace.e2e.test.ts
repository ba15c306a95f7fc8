import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { browserSuite, expectText, listTicketInBrowser, signUpInBrowser } from '@microtick/devstack';

/**
 * The web client in a real browser against the real stack (every service, NATS, PostgreSQL, Redis,
 * the Next.js client and the gateway): a seller and buyers in separate browser contexts.
 * Needs `next build` first (make test does it). Screenshots of every page, at desktop and phone
 * width, go to artifacts/screenshots/.
 */

/** Short enough to watch an order expire, long enough to pay in the happy path. */
const EXPIRATION_SECONDS = 25;
const PASSWORD = 'a good long password';

const run = Date.now().toString(36);
const email = (who: string) => `${who}-${run}@example.com`;
const title = (what: string) => `${what} ${run}`;

describe('web client: a seller and buyers in the browser, on the real stack', () => {
  const suite = browserSuite({
    env: { ORDER_EXPIRATION_SECONDS: String(EXPIRATION_SECONDS) },
    screenshotIndex: 'index.txt',
  });
  const { newPage, shot, pageErrors } = suite;
  const signUp = (page: Page, address: string) => signUpInBrowser(page, address, PASSWORD);

  /** Buy from the ticket page. Right after listing, the orders service may not know the ticket yet (events are async). */
  async function buy(page: Page): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      await page.getByRole('button', { name: 'Buy ticket' }).click();
      const outcome = await Promise.race([
        page.waitForURL(/\/orders\//, { timeout: 15_000 }).then(
          () => 'order' as const,
          () => 'timeout' as const,
        ),
        page
          .getByTestId('form-error')
          .waitFor({ timeout: 15_000 })
          .then(
            () => 'error' as const,
            () => 'timeout' as const,
          ),
      ]);
      if (outcome === 'order') return;
      if (outcome === 'timeout') throw new Error('ordering neither opened the order page nor showed an error');
      const message = (await page.getByTestId('form-error').textContent()) ?? '';
      if (!/not found/i.test(message) || attempt >= 10) throw new Error(`could not order: ${message}`);
      await page.waitForTimeout(300);
    }
  }

  let seller: Page;
  let buyer: Page;
  let soldTicketId = '';
  const concert = title('Arctic Lights live');

  it('shows the home page to a visitor, and an error for a bad sign-in', async () => {
    const visitor = await newPage();
    await visitor.goto('/');
    await visitor.getByRole('heading', { name: 'Tickets for sale' }).waitFor();
    await shot(visitor, 'home-visitor');

    await visitor.goto('/auth/signin');
    await visitor.getByLabel('Email').fill(email('nobody'));
    await visitor.getByLabel('Password').fill('not the password');
    await visitor.getByRole('button', { name: 'Sign in' }).click();
    await expectText(visitor.getByTestId('form-error'), 'Invalid credentials');
    expect(visitor.url()).toMatch(/\/auth\/signin$/); // the password never lands in the URL
    await shot(visitor, 'signin-error');
  }, 60_000);

  it('lets a seller sign up and list a ticket, with field errors for an invalid price', async () => {
    seller = await newPage();
    await seller.goto('/auth/signup');
    await shot(seller, 'signup');
    await signUp(seller, email('seller'));

    await seller.goto('/tickets/new');
    await seller.getByLabel('Title').fill(concert);
    await seller.getByLabel('Price (USD)').fill('0');
    await seller.getByRole('button', { name: 'List ticket' }).click();
    await expectText(seller.getByTestId('error-price'), /greater than 0/i);
    expect(await seller.getByLabel('Price (USD)').getAttribute('aria-invalid')).toBe('true');
    await shot(seller, 'sell-invalid-price');

    await seller.getByLabel('Price (USD)').fill('12.5');
    await seller.getByRole('button', { name: 'List ticket' }).click();
    await seller.getByTestId('ticket-detail').waitFor();
    soldTicketId = seller.url().split('/tickets/')[1];
    await expectText(seller.getByTestId('ticket-price'), '$12.50');
    await seller.getByTestId('edit-ticket').waitFor();
    await shot(seller, 'ticket-seller');

    await seller.getByTestId('edit-ticket').click();
    await seller.getByRole('button', { name: 'Save changes' }).waitFor();
    await shot(seller, 'ticket-edit');
  }, 60_000);

  it('lets a buyer find it, order it, watch the countdown, be declined, pay and see the order complete', async () => {
    buyer = await newPage();
    await signUp(buyer, email('buyer'));

    await buyer.goto(`/?q=${encodeURIComponent(concert)}`);
    const card = buyer.getByTestId('ticket-card').filter({ hasText: concert });
    await expectText(card, '$12.50');
    await shot(buyer, 'home-search');
    await card.getByRole('link', { name: concert }).click();
    await buyer.getByTestId('ticket-detail').waitFor();
    await shot(buyer, 'ticket-buyer');

    await buy(buyer);
    const countdown = buyer.getByTestId('countdown');
    const first = await countdown.textContent();
    expect(first).toMatch(/^\d+:\d{2}$/);
    expect(seconds(first!)).toBeLessThanOrEqual(EXPIRATION_SECONDS);
    await buyer.waitForTimeout(1100);
    expect(seconds((await countdown.textContent())!)).toBeLessThan(seconds(first!));
    await expectText(buyer.getByTestId('test-mode'), 'TEST MODE');
    await shot(buyer, 'order-open');

    await buyer.getByLabel(/0002/).check();
    await buyer.getByRole('button', { name: 'Pay $12.50' }).click();
    await expectText(buyer.getByTestId('payment-error'), /declined/i);
    await shot(buyer, 'order-declined');

    await buyer.getByLabel(/4242/).check();
    await buyer.getByRole('button', { name: 'Pay $12.50' }).click();
    await buyer.getByTestId('order-complete').waitFor({ timeout: 15_000 });
    await expectText(buyer.getByTestId('order-status'), 'Complete');
    await shot(buyer, 'order-complete');

    await buyer.goto('/orders');
    await expectText(buyer.getByTestId('my-order').filter({ hasText: concert }), 'Complete');
    await shot(buyer, 'my-orders');
  }, 90_000);

  it('no longer lets the seller edit the sold ticket', async () => {
    await seller.goto(`/tickets/${soldTicketId}`);
    await expectText(seller.getByTestId('ticket-status'), 'Sold');
    await expectText(seller.getByTestId('edit-locked'), /sold/i);
    expect(await seller.getByTestId('edit-ticket').count()).toBe(0);
    await shot(seller, 'ticket-sold-seller');

    await seller.goto(`/tickets/${soldTicketId}/edit`);
    await expectText(seller.getByTestId('edit-locked'), /sold/i);
    expect(await seller.getByRole('button', { name: 'Save changes' }).count()).toBe(0);

    await seller.goto('/tickets/mine');
    await expectText(seller.getByTestId('my-ticket').filter({ hasText: concert }), 'Sold');
    await shot(seller, 'my-tickets');
  }, 60_000);

  it('tells a second buyer that a ticket someone else just ordered is reserved', async () => {
    const contested = title('Late-night jazz trio');
    const ticketId = await listTicketInBrowser(seller, contested, '40');
    const rival = await newPage();
    await signUp(rival, email('rival'));

    await buyer.goto(`/tickets/${ticketId}`);
    await rival.goto(`/tickets/${ticketId}`);
    await buy(buyer);
    await rival.getByRole('button', { name: 'Buy ticket' }).click();
    await expectText(rival.getByTestId('form-error'), 'Ticket is already reserved');
    // The page catches up with the ticket's new status and keeps the message.
    await expectText(rival.getByTestId('ticket-status'), 'Reserved');
    await expectText(rival.getByTestId('form-error'), 'Ticket is already reserved');
    expect(await rival.getByRole('button', { name: 'Buy ticket' }).count()).toBe(0);
    await shot(rival, 'ticket-reserved-conflict');

    // The buyer changes their mind: the order is cancelled and the ticket is for sale again.
    await buyer.getByTestId('cancel-order').click();
    await buyer.getByRole('button', { name: 'Yes, cancel order' }).click();
    await buyer.getByTestId('order-cancelled').waitFor();
    await shot(buyer, 'order-cancelled');
    await waitForHome(rival, contested);
  }, 60_000);

  it(
    'expires an unpaid order and puts the ticket back on the home page',
    async () => {
      const unpaid = title('Matinee, row F');
      const ticketId = await listTicketInBrowser(seller, unpaid, '19.99');
      await buyer.goto(`/tickets/${ticketId}`);
      await buy(buyer);
      await buyer.getByTestId('countdown').waitFor();
      await buyer.getByTestId('order-expired').waitFor({ timeout: (EXPIRATION_SECONDS + 15) * 1000 });
      await expectText(buyer.getByTestId('order-expired'), 'This order expired', 10_000);
      await expectText(buyer.getByTestId('order-status'), 'Expired');
      expect(await buyer.getByRole('button', { name: /Pay/ }).count()).toBe(0);
      await shot(buyer, 'order-expired');

      await waitForHome(buyer, unpaid);
      await shot(buyer, 'home-after-expiry');
    },
    (EXPIRATION_SECONDS + 60) * 1000,
  );

  it('serves pages with security headers that forbid framing', async () => {
    const res = await fetch(`${suite.stack.url}/`);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('signs a user out only when they ask: not by visiting /auth/signout, not from another site', async () => {
    const member = await newPage();
    await member.goto('/auth/signup');
    await member.getByLabel('Email').fill(email('member'));
    await member.getByLabel('Password').fill(PASSWORD);
    await member.getByRole('button', { name: 'Create account' }).click();
    await expectText(member.getByTestId('current-user'), email('member'));

    // Another site (127.0.0.1 is a different site from localhost) posts a form to the sign-out endpoint.
    const hostile = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<form id="f" method="post" action="${suite.stack.url}/api/users/signout"></form>
        <script>document.getElementById('f').submit()</script>`);
    });
    await new Promise<void>((resolve) => hostile.listen(0, '127.0.0.1', resolve));
    try {
      const signout = member.waitForResponse((res) => res.url().endsWith('/api/users/signout'));
      await member.goto(`http://127.0.0.1:${(hostile.address() as AddressInfo).port}/`);
      expect((await signout).status()).toBe(403);
    } finally {
      hostile.close();
    }
    await member.goto('/');
    await expectText(member.getByTestId('current-user'), email('member'));

    // A link to /auth/signout asks first.
    await member.goto('/auth/signout');
    await member.getByTestId('confirm-signout').waitFor();
    await shot(member, 'signout-confirm');
    await member.goto('/');
    await expectText(member.getByTestId('current-user'), email('member'));
    await member.goto('/auth/signout');
    await member.getByTestId('confirm-signout').click();
    await member.waitForURL((url) => url.pathname === '/');
    await member.getByRole('link', { name: 'Sign in' }).first().waitFor();
  }, 60_000);

  it('renders the empty states and the not-found page', async () => {
    const newcomer = await newPage();
    // Keyboard only: the fields follow each other in tab order and Enter submits.
    await newcomer.goto('/auth/signup');
    await newcomer.getByLabel('Email').focus();
    await newcomer.keyboard.type(email('newcomer'));
    await newcomer.keyboard.press('Tab');
    await newcomer.keyboard.type(PASSWORD);
    await newcomer.locator('button[type=submit]:enabled').waitFor(); // hydrated
    // The password can be shown to check it, and hidden again.
    const passwordField = newcomer.getByLabel('Password');
    await newcomer.getByTestId('reveal-password').click();
    expect(await passwordField.getAttribute('type')).toBe('text');
    expect(await passwordField.inputValue()).toBe(PASSWORD);
    await newcomer.getByTestId('reveal-password').click();
    expect(await passwordField.getAttribute('type')).toBe('password');
    await passwordField.focus();
    await newcomer.keyboard.press('Enter');
    await expectText(newcomer.getByTestId('current-user'), email('newcomer'));
    await newcomer.goto('/orders');
    await newcomer.getByTestId('empty-orders').waitFor();
    await shot(newcomer, 'my-orders-empty');
    await newcomer.goto('/tickets/mine');
    await newcomer.getByTestId('empty-my-tickets').waitFor();
    await newcomer.goto('/?q=' + encodeURIComponent(`nothing matches ${run}`));
    await newcomer.getByTestId('empty-tickets').waitFor();
    await shot(newcomer, 'home-no-results');
    await newcomer.goto('/orders/not-an-order');
    await newcomer.getByTestId('not-found').waitFor();
    await shot(newcomer, 'not-found');
    expect(pageErrors).toEqual([]);
  }, 60_000);
});

function seconds(clock: string): number {
  return clock.split(':').reduce((total, part) => total * 60 + Number(part), 0);
}

/** The ticket is listed on the home page again (the release is event-driven: reload until it is). */
async function waitForHome(page: Page, ticketTitle: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    await page.goto(`/?q=${encodeURIComponent(ticketTitle)}`);
    if ((await page.getByTestId('ticket-card').filter({ hasText: ticketTitle }).count()) > 0) return;
    if (Date.now() > deadline) throw new Error(`${ticketTitle} did not come back on the home page`);
    await page.waitForTimeout(250);
  }
}
