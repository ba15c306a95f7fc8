import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { browserSuite, listTicketInBrowser, signUpInBrowser } from '@microtick/devstack';

/**
 * The buyer's journey in a real browser on the real stack: status codes, the whole journey with
 * JavaScript turned off, the hold that follows the buyer, times in the viewer's zone, the phone layout,
 * and axe-core on every page at both widths. Needs `next build` first (make test does it).
 * Screenshots go to artifacts/screenshots/journey-*.png.
 */

/** Three minutes: long enough to walk through the journey, short enough to fast-forward to 2:30 left. */
const EXPIRATION_SECONDS = 180;
const PASSWORD = 'a good long password';
const VIEWPORTS = [
  { tag: 'desktop', width: 1280, height: 800 },
  { tag: 'phone', width: 390, height: 844 },
] as const;

const run = Date.now().toString(36);
const email = (who: string) => `${who}-${run}@example.com`;
const UUID = '00000000-0000-4000-8000-000000000000';

describe('the buyer journey in the browser, on the real stack', () => {
  const suite = browserSuite({
    env: { ORDER_EXPIRATION_SECONDS: String(EXPIRATION_SECONDS) },
    screenshotPrefix: 'journey-',
    screenshotIndex: 'journey-index.txt',
    viewports: VIEWPORTS,
  });
  const { newPage, pageErrors } = suite;

  /**
   * A full-page screenshot and an axe-core check at each width, then back to desktop. Pass `javaScript:
   * false` for a page opened without JavaScript: axe needs it, so that page is checked as shown (see
   * axeViolationsWithoutJavaScript).
   */
  async function check(page: Page, name: string, { javaScript = true } = {}): Promise<void> {
    await suite.shot(page, name, async (tag) => {
      const violations = javaScript ? await axeViolations(page) : await axeViolationsWithoutJavaScript(page);
      expect({ page: `${name} (${tag})`, violations }).toEqual({ page: `${name} (${tag})`, violations: [] });
    });
  }

  /**
   * axe runs in the page, and its timers do not run where JavaScript is off. So the page's document as the
   * browser shows it without JavaScript (scripts left out, <noscript> content shown) is served at the same
   * address, with the same styles, to a page that runs axe and nothing else.
   */
  async function axeViolationsWithoutJavaScript(page: Page): Promise<string[]> {
    const html = (await page.content())
      .replace(/<script\b[\s\S]*?<\/script>/gi, '')
      .replace(/<noscript>/gi, '<div data-noscript="">')
      .replace(/<\/noscript>/gi, '</div>');
    const address = page.url();
    const context = await suite.browser.newContext({ baseURL: suite.stack.url, viewport: page.viewportSize() });
    try {
      const checker = await context.newPage();
      await checker.route(
        (url) => url.href === address,
        (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }),
      );
      await checker.goto(address);
      return await axeViolations(checker);
    } finally {
      await context.close();
    }
  }

  const signUp = (page: Page, address: string) => signUpInBrowser(page, address, PASSWORD);

  /**
   * One press of Buy on the ticket page: the order's id, or the error the page shows. Waits (reloading)
   * until the page offers Buy: right after a cancellation the tickets service may not know it yet.
   */
  async function tryToBuy(page: Page, ticketId: string): Promise<{ orderId: string } | { error: string }> {
    for (let attempt = 0; ; attempt++) {
      await page.goto(`/tickets/${ticketId}`);
      const button = page.getByRole('button', { name: 'Buy ticket' });
      if ((await button.count()) === 0 && attempt < 20) {
        await page.waitForTimeout(300);
        continue;
      }
      await button.click();
      await Promise.race([
        page.waitForURL(/\/orders\//, { timeout: 15_000 }),
        page.getByTestId('form-error').waitFor({ timeout: 15_000 }),
      ]);
      if (/\/orders\//.test(page.url())) return { orderId: new URL(page.url()).pathname.split('/orders/')[1] };
      return { error: (await page.getByTestId('form-error').textContent()) ?? '' };
    }
  }

  /** Orders from the ticket page; right after listing, orders may not know the ticket yet (events). */
  async function buy(page: Page, ticketId: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const result = await tryToBuy(page, ticketId);
      if ('orderId' in result) return result.orderId;
      if (!/not found/i.test(result.error) || attempt >= 20) throw new Error(`could not order: ${result.error}`);
      await page.waitForTimeout(300);
    }
  }

  it('answers unknown pages, tickets and orders with 404, and unknown API paths with JSON 404', async () => {
    const get = (url: string, headers: Record<string, string> = {}) =>
      fetch(`${suite.stack.url}${url}`, { redirect: 'manual', headers });

    for (const url of ['/no-such-page', `/tickets/${UUID}`, '/tickets/not-an-id']) {
      const res = await get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(await res.text()).toContain('data-testid="not-found"');
    }

    for (const url of ['/api/nothing-here', '/api/ticketsfoo', '/api']) {
      const res = await get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 404 });
      expect(res.headers.get('content-type')).toMatch(/^application\/json/);
      expect(await res.json()).toEqual({ errors: [{ message: expect.any(String) }] });
    }

    // Signed out, a page that needs a user is a real redirect to sign in, not a page that refreshes itself.
    for (const url of ['/orders', `/orders/${UUID}`, '/tickets/new', '/get-paid']) {
      const res = await get(url);
      expect({ url, status: res.status }).toEqual({ url, status: 307 });
      expect(res.headers.get('location')).toBe(`/auth/signin?next=${encodeURIComponent(url)}`);
    }

    const visitor = await newPage();
    const response = await visitor.goto(`/orders/${UUID}`);
    expect(new URL(visitor.url()).pathname).toBe('/auth/signin');
    expect(response?.status()).toBe(200);
    const missing = await visitor.goto('/no-such-page');
    expect(missing?.status()).toBe(404);
    expect(await visitor.title()).toBe('Not found · MicroTick');
    await check(visitor, 'not-found');

    // Signed in, someone else's order or a made-up one is not found either, and says so without JavaScript.
    const member = await newPage({ javaScriptEnabled: false });
    await signUp(member, email('member-404'));
    for (const url of [`/orders/${UUID}`, '/orders/not-an-id', `/tickets/${UUID}/edit`]) {
      const res = await member.goto(url);
      expect({ url, status: res?.status() }).toEqual({ url, status: 404 });
      await member.getByTestId('not-found').waitFor();
      expect({ url, title: await member.title() }).toEqual({ url, title: 'Not found · MicroTick' });
    }
    await check(member, 'not-found-no-js', { javaScript: false });
    // About 12 s alone; over 60 s once in a clean-clone run while the shared host was loaded.
  }, 120_000);

  it.each([
    { how: 'with JavaScript', javaScriptEnabled: true },
    { how: 'without JavaScript', javaScriptEnabled: false },
  ])(
    'checks the sign-up and sign-in forms in the browser before they are sent, $how, and shows Show only where it works',
    async ({ javaScriptEnabled }) => {
      const page = await newPage({ javaScriptEnabled });
      const posts: string[] = [];
      page.on('request', (request) => {
        if (request.method() === 'POST') posts.push(request.url());
      });
      const revealCount = async (name: string) => {
        // With JavaScript the button comes with hydration: wait for it before counting.
        if (javaScriptEnabled) await page.getByTestId(`reveal-${name}`).waitFor();
        return page.getByTestId(`reveal-${name}`).count();
      };
      const invalid = (label: string, exact = false) =>
        page
          .getByLabel(label, { exact })
          .evaluate((input) => !(input as unknown as { validity: { valid: boolean } }).validity.valid);

      await page.goto('/auth/signup');
      expect(await revealCount('password')).toBe(javaScriptEnabled ? 1 : 0);
      await page.getByRole('button', { name: 'Create account' }).click();
      expect(await invalid('Email')).toBe(true);
      await page.getByLabel('Email').fill('not an email');
      await page.getByLabel('Password', { exact: true }).fill('short');
      await page.getByRole('button', { name: 'Create account' }).click();
      expect(await invalid('Email')).toBe(true);
      await page.getByLabel('Email').fill(email(`checked-${javaScriptEnabled ? 'js' : 'nojs'}`));
      await page.getByRole('button', { name: 'Create account' }).click();
      expect(await invalid('Password', true)).toBe(true); // under 12 characters
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('autocomplete')).toBe('new-password');

      await page.goto('/auth/signin');
      expect(await revealCount('password')).toBe(javaScriptEnabled ? 1 : 0);
      await page.getByRole('button', { name: 'Sign in' }).click();
      expect(await invalid('Email')).toBe(true);
      expect(await page.getByLabel('Password', { exact: true }).getAttribute('autocomplete')).toBe('current-password');

      await page.goto('/auth/reset-password?token=not-a-real-token');
      expect(await revealCount('newPassword')).toBe(javaScriptEnabled ? 1 : 0);

      await page.waitForTimeout(500);
      expect(posts).toEqual([]);
    },
    60_000,
  );

  it('lets a seller and a buyer do everything with JavaScript turned off', async () => {
    const seller = await newPage({ javaScriptEnabled: false });
    await seller.goto('/auth/signin');
    await seller.getByLabel('Email').fill(email('nobody'));
    await seller.getByLabel('Password', { exact: true }).fill('not the password');
    await seller.getByRole('button', { name: 'Sign in' }).click();
    await seller.getByTestId('form-error').filter({ hasText: 'Invalid credentials' }).waitFor();
    expect(await seller.getByLabel('Email').inputValue()).toBe(email('nobody'));
    await check(seller, 'signin-error-no-js', { javaScript: false });

    await signUp(seller, email('seller-nojs'));
    await seller.goto('/tickets/new');
    await seller.getByLabel('Title').fill('Quiet piano evening');
    await seller.getByLabel('Venue').fill('Salle Cortot, Paris');
    await seller.getByLabel('Date and time').fill('2031-05-01T20:00');
    await seller.getByLabel('Seat (optional)').fill('Row C, seat 7');
    await seller.getByLabel('Price (USD)').fill('0');
    await seller.getByRole('button', { name: 'List ticket' }).click();
    await seller
      .getByTestId('error-price')
      .filter({ hasText: /greater than 0/i })
      .waitFor();
    expect(await seller.getByLabel('Title').inputValue()).toBe('Quiet piano evening');
    expect(await seller.getByLabel('Venue').inputValue()).toBe('Salle Cortot, Paris');
    expect(await seller.getByLabel('Date and time').inputValue()).toBe('2031-05-01T20:00');
    expect(await seller.getByLabel('Seat (optional)').inputValue()).toBe('Row C, seat 7');
    await check(seller, 'sell-errors-no-js', { javaScript: false });
    await seller.getByLabel('Title').fill(`Quiet piano evening ${run}`);
    await seller.getByLabel('Price (USD)').fill('1,234.50');
    await seller.getByRole('button', { name: 'List ticket' }).click();
    await seller.getByTestId('ticket-detail').waitFor();
    const ticketId = new URL(seller.url()).pathname.split('/tickets/')[1];
    expect(await seller.getByTestId('ticket-price').textContent()).toBe('$1,234.50');
    expect(await seller.getByTestId('event-venue').textContent()).toBe('Salle Cortot, Paris');
    expect(await seller.getByTestId('event-seat').textContent()).toBe('Row C, seat 7');
    // Without JavaScript the browser's zone is unknown: the start is read in UTC, and shown so.
    expect(await seller.getByTestId('event-starts-at').getAttribute('datetime')).toBe('2031-05-01T20:00:00Z');
    expect(await seller.getByTestId('event-starts-at').textContent()).toBe('Thu, May 1, 2031, 8:00 PM (UTC)');
    await check(seller, 'ticket-seller-no-js', { javaScript: false });

    await seller.getByTestId('edit-ticket').click();
    await check(seller, 'edit-no-js', { javaScript: false });
    await seller.getByLabel('Price (USD)').fill('1,200');
    await seller.getByRole('button', { name: 'Save changes' }).click();
    await seller.getByTestId('ticket-price').filter({ hasText: '$1,200.00' }).waitFor();
    expect(await seller.getByTestId('event-starts-at').getAttribute('datetime')).toBe('2031-05-01T20:00:00Z');

    const buyer = await newPage({ javaScriptEnabled: false });
    await signUp(buyer, email('buyer-nojs'));
    const firstOrder = await buy(buyer, ticketId);
    await buyer.getByTestId('countdown').waitFor();
    await check(buyer, 'order-open-no-js', { javaScript: false });
    await buyer.getByTestId('cancel-order').click();
    await buyer.getByRole('button', { name: 'Yes, cancel order' }).click();
    await buyer.getByTestId('order-cancelled').waitFor();
    await check(buyer, 'order-cancelled-no-js', { javaScript: false });
    expect(new URL(buyer.url()).pathname).toBe(`/orders/${firstOrder}`);

    // The buyer who let it go waits out the re-order cool-down; the refusal is shown without JavaScript.
    expect(await tryToBuy(buyer, ticketId)).toEqual({
      error: expect.stringMatching(/let this ticket go less than \d+ seconds ago/),
    });
    await check(buyer, 'ticket-refused-no-js', { javaScript: false });
    await buyer.getByRole('button', { name: 'Sign out' }).click();
    await buyer.getByRole('link', { name: 'Sign in' }).first().waitFor();

    // Another buyer can order it at once, once the cancellation has reached the tickets service.
    const payer = await newPage({ javaScriptEnabled: false });
    await signUp(payer, email('payer-nojs'));
    const orderId = await buy(payer, ticketId);
    await payer.getByLabel(/0002/).check();
    await payer.getByRole('button', { name: 'Pay $1,200.00' }).click();
    await payer
      .getByTestId('payment-error')
      .filter({ hasText: /declined/i })
      .waitFor();
    await check(payer, 'payment-declined-no-js', { javaScript: false });
    await payer.getByLabel(/4242/).check();
    await payer.getByRole('button', { name: 'Pay $1,200.00' }).click();
    // Paid: straight to the receipt.
    await payer.getByTestId('receipt').waitFor({ timeout: 15_000 });
    expect(new URL(payer.url()).pathname).toBe(`/orders/${orderId}/receipt`);
    expect(await payer.getByTestId('receipt-ticket').textContent()).toBe(`Quiet piano evening ${run}`);
    expect(await payer.getByTestId('receipt-amount').textContent()).toBe('$1,200.00 USD');
    expect(await payer.getByTestId('receipt-reference').textContent()).toMatch(/\S{6,}/);
    expect(await payer.getByTestId('receipt-date').textContent()).toMatch(/ UTC$/);
    // The event, as the home card shows it: the venue, and the start at the venue's time.
    expect(await payer.getByTestId('receipt-venue').textContent()).toBe('Salle Cortot, Paris');
    expect(await payer.getByTestId('receipt-event-start').textContent()).toBe('Thu, May 1, 2031, 8:00 PM (UTC)');
    await check(payer, 'receipt-no-js', { javaScript: false });
    await payer.goto(`/orders/${orderId}`);
    await payer.getByTestId('order-complete').waitFor();
    await check(payer, 'order-complete-no-js', { javaScript: false });
    await payer.goto('/orders');
    const row = payer.getByTestId('my-order').filter({ has: payer.locator(`a[href="/orders/${orderId}"]`) });
    expect(await row.getByTestId('event-venue').textContent()).toBe('Salle Cortot, Paris');
    expect(await row.getByTestId('event-starts-at').textContent()).toBe('Thu, May 1, 2031, 8:00 PM (UTC)');
    await check(payer, 'my-orders-no-js', { javaScript: false });
    await payer.goto('/');
    await check(payer, 'home-no-js', { javaScript: false });

    // The seller gets paid: the sale waits for a payout account; one click on the sandbox's onboarding
    // page connects it, and the share is transferred ($1,200.00 less the 10% fee).
    const sale = seller.getByTestId('earning').filter({ hasText: `Quiet piano evening ${run}` });
    for (let attempt = 0; (await sale.count()) === 0 && attempt < 50; attempt++) {
      await seller.goto('/get-paid');
      if ((await sale.count()) === 0) await seller.waitForTimeout(200);
    }
    expect(await sale.getByTestId('earning-status').textContent()).toBe('Pending');
    expect(await sale.getByTestId('earning-reason').textContent()).toMatch(/payout account/);
    expect(await sale.getByTestId('earning-amount').textContent()).toBe('$1,080.00');
    await check(seller, 'get-paid-pending-no-js', { javaScript: false });
    await seller.getByRole('button', { name: 'Connect a payout account' }).click();
    await seller.getByTestId('complete-onboarding').waitFor();
    expect(new URL(seller.url()).pathname).toBe('/get-paid/sandbox-onboarding');
    await check(seller, 'sandbox-onboarding-no-js', { javaScript: false });
    await seller.getByRole('button', { name: 'Complete onboarding' }).click();
    await seller.getByTestId('payout-status').and(seller.locator('[data-status="active"]')).waitFor();
    for (let attempt = 0; (await sale.getByTestId('earning-status').textContent()) !== 'Transferred'; attempt++) {
      if (attempt >= 50) throw new Error('the sale was not transferred to the seller');
      await seller.waitForTimeout(200);
      await seller.reload();
    }
    expect(await seller.getByTestId('total-transferred').textContent()).toBe('$1,080.00');
    await check(seller, 'get-paid-no-js', { javaScript: false });

    await payer.getByRole('button', { name: 'Sign out' }).click();
    await payer.getByRole('link', { name: 'Sign in' }).first().waitFor();
    expect(await payer.getByTestId('current-user').count()).toBe(0);
  }, 360_000);

  it('shows the hold on every page, tells the holder it is theirs, and announces 2:30 left', async () => {
    const seller = await newPage();
    await signUp(seller, email('seller-hold'));
    const title = `Harbour lights festival ${run}`;
    const ticketId = await listTicketInBrowser(seller, title, '45');

    const buyer = await newPage();
    await signUp(buyer, email('buyer-hold'));
    await buyer.goto(`/tickets/${ticketId}`);
    const terms = buyer.getByTestId('hold-terms');
    await terms.filter({ hasText: '$45.00' }).filter({ hasText: 'for 3 minutes' }).waitFor();
    await check(buyer, 'ticket-before-ordering');

    const orderId = await buy(buyer, ticketId);
    await buyer.goto('/');
    const banner = buyer.getByTestId('hold-banner');
    await banner.filter({ hasText: title }).waitFor();
    expect(await banner.getByTestId('hold-banner-time').textContent()).toMatch(/^[23]:\d{2}$/);
    await check(buyer, 'home-with-hold');
    await buyer.goto('/tickets/mine');
    await banner.waitFor();

    await buyer.goto(`/tickets/${ticketId}`);
    await buyer.getByTestId('holding-notice').filter({ hasText: 'You are holding this ticket' }).waitFor();
    expect(await buyer.getByTestId('ticket-unavailable').count()).toBe(0);
    await check(buyer, 'ticket-holder');
    await buyer.getByRole('link', { name: 'Go to your order' }).click();
    await buyer.waitForURL(`**/orders/${orderId}`);
    expect(await buyer.title()).toContain(title);
    // Focus moved to the new page's heading.
    expect(await buyer.evaluate('document.activeElement && document.activeElement.tagName')).toBe('H1');

    // Someone else sees the usual notice, and no banner.
    const other = await newPage();
    await signUp(other, email('other-hold'));
    await other.goto(`/tickets/${ticketId}`);
    await other.getByTestId('ticket-unavailable').waitFor();
    expect(await other.getByTestId('hold-banner').count()).toBe(0);

    // Screen readers hear once that two and a half minutes are left (the browser's clock runs ahead).
    const clocked = await buyer.context().newPage();
    await clocked.clock.install();
    await clocked.goto('/');
    const announcement = clocked.getByTestId('hold-announcement');
    expect(await announcement.textContent()).toBe('');
    expect(await announcement.getAttribute('aria-live')).toBe('polite');
    await clocked.clock.fastForward(35_000);
    await announcement.filter({ hasText: '2 minutes 30 seconds left to pay' }).waitFor();
  }, 120_000);

  it('shows times in the viewer’s time zone, with the zone named, and in UTC without JavaScript', async () => {
    const seller = await newPage();
    await signUp(seller, email('seller-zone'));
    const ticketId = await listTicketInBrowser(seller, `Sunrise choir ${run}`, '20');

    const buyer = await newPage({ timezoneId: 'Asia/Kolkata' });
    await signUp(buyer, email('buyer-zone'));
    await buyer.goto(`/tickets/${ticketId}`);
    await buyer.getByTestId('hold-deadline').filter({ hasText: 'GMT+5:30' }).waitFor();
    const orderId = await buy(buyer, ticketId);
    const payBy = buyer.getByTestId('pay-by');
    await payBy.filter({ hasText: 'GMT+5:30' }).waitFor();
    const expiresAt = await payBy.getAttribute('datetime');
    const expected = new Date(expiresAt!).toLocaleString('en-US', {
      timeZone: 'Asia/Kolkata',
      hour: 'numeric',
      minute: '2-digit',
    });
    expect(await payBy.textContent()).toContain(expected);
    await check(buyer, 'order-open');

    await buyer.goto('/orders');
    const row = buyer.getByTestId('my-order').filter({ has: buyer.locator(`a[href="/orders/${orderId}"]`) });
    await row.getByTestId('order-date').filter({ hasText: 'GMT+5:30' }).waitFor();
    await row.getByTestId('pay-by').filter({ hasText: 'GMT+5:30' }).waitFor();

    await buyer.goto(`/orders/${orderId}`);
    await buyer.getByRole('button', { name: 'Pay $20.00' }).click();
    await buyer.getByTestId('order-complete').waitFor({ timeout: 15_000 });
    await buyer.getByTestId('receipt-link').click();
    await buyer.getByTestId('receipt-date').filter({ hasText: 'GMT+5:30' }).waitFor();
    expect(await buyer.getByTestId('receipt-amount').textContent()).toBe('$20.00 USD');
    expect(await buyer.title()).toContain(`Sunrise choir ${run}`);
    await check(buyer, 'receipt');

    await buyer.goto('/orders');
    await row.getByTestId('receipt-link').waitFor();
    await check(buyer, 'my-orders');

    // The server does not know the zone: without JavaScript the page says UTC.
    const plain = await newPage({ javaScriptEnabled: false, timezoneId: 'Asia/Kolkata' });
    await plain.context().addCookies(await buyer.context().cookies());
    await plain.goto('/orders');
    const plainRow = plain.getByTestId('my-order').filter({ has: plain.locator(`a[href="/orders/${orderId}"]`) });
    expect(await plainRow.getByTestId('order-date').textContent()).toMatch(/ UTC$/);
  }, 150_000);

  it('answers bad input with field errors: long or NUL searches, every sell-form error at once', async () => {
    const seller = await newPage();
    await signUp(seller, email('seller-input'));
    for (const [query, message] of [
      ['a'.repeat(201), /at most 200 characters/],
      ['jazz%00', /control characters/],
    ] as const) {
      await seller.goto(`/?q=${query}`);
      await seller.getByTestId('error-q').filter({ hasText: message }).waitFor();
      expect(await seller.getByLabel('Search tickets by event or venue').getAttribute('aria-invalid')).toBe('true');
      expect(await seller.getByTestId('error-page').count()).toBe(0);
    }
    await check(seller, 'home-search-error');

    await seller.goto('/tickets/new');
    await seller.getByLabel('Title').fill('Brass band');
    await seller.getByTestId('count-title').filter({ hasText: '10 / 200 characters' }).waitFor();
    await seller.getByLabel('Title').fill('   ');
    await seller.getByLabel('Price (USD)').fill('twelve');
    await seller.getByRole('button', { name: 'List ticket' }).click();
    await seller.getByTestId('error-title').waitFor();
    await seller
      .getByTestId('error-price')
      .filter({ hasText: /must be a number/ })
      .waitFor();
    await check(seller, 'sell-errors');
  }, 60_000);

  it('keeps the countdown and the Pay button on a phone’s first screen, even with a 200-character title', async () => {
    const seller = await newPage();
    await signUp(seller, email('seller-long'));
    const words = 'Grand symphony orchestra plays the complete cycle with guest soloists and choir ';
    const title = (words.repeat(4) + run).slice(-200).trim();
    const ticketId = await listTicketInBrowser(seller, title, '99');

    const buyer = await newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signUp(buyer, email('buyer-long'));
    await buy(buyer, ticketId);
    const pay = buyer.getByRole('button', { name: 'Pay $99.00' });
    await pay.waitFor();
    await check(buyer, 'order-long-title');
    const countdown = await buyer.getByTestId('countdown').boundingBox();
    const button = await pay.boundingBox();
    expect(countdown!.y + countdown!.height).toBeLessThanOrEqual(844);
    expect(button!.y + button!.height).toBeLessThanOrEqual(844);
    // Nothing is wider than the screen.
    expect(await buyer.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(pageErrors).toEqual([]);
  }, 90_000);
});

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(axe.source);
  const results = await page.evaluate<axe.AxeResults>(
    `axe.run(document, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} } })`,
  );
  return results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}
