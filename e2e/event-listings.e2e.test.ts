import type { Page } from 'playwright-core';
import { browserSuite, expectText, signUpInBrowser } from '@microtick/devstack';

/**
 * Listings belong to an event, in a real browser on the real stack: the event fields from the sell form
 * to the home card to an order, sorting and the date filter, and withdrawing a listing (also without
 * JavaScript). The seller and the buyer are in different time zones. Needs `next build` first (make test
 * does it). Screenshots at desktop and phone width go to artifacts/screenshots/.
 */

const PASSWORD = 'a good long password';

const run = Date.now().toString(36);
const email = (who: string) => `${who}-events-${run}@example.com`;
/** A calendar day `days` from now, "YYYY-MM-DD". */
const day = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

describe('web client: tickets for events, on the real stack', () => {
  const suite = browserSuite({ screenshotPrefix: 'events-', screenshotIndex: 'events-index.txt' });
  const { newPage, shot, pageErrors } = suite;
  const signUp = (page: Page, address: string) => signUpInBrowser(page, address, PASSWORD);

  /** Lists a ticket through the API with the page's session, for the tests that are not about the form. */
  async function listByApi(page: Page, body: Record<string, unknown>): Promise<{ id: string; title: string }> {
    const res = await page.request.post('/api/tickets', { data: body });
    expect(res.status()).toBe(201);
    return res.json();
  }

  const cardTitles = async (page: Page) =>
    page.getByTestId('ticket-card').locator('.ticket-card-title').allTextContents();

  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  let seller: Page;
  let buyer: Page;

  it('takes venue, date and time and seat on the sell form, shows them on the home card and the ticket, and orders it', async () => {
    seller = await newPage({ timezoneId: 'America/New_York' });
    await signUp(seller, email('seller'));
    const venue = `Théâtre du Châtelet ${run}`;
    const concert = `La Traviata ${run}`;

    await seller.goto('/tickets/new');
    await seller.getByLabel('Title').fill(concert);
    await seller.getByLabel('Venue').fill(venue);
    await seller.getByLabel('Date and time').fill(`${day(-2)}T20:00`);
    await seller.getByLabel('Price (USD)').fill('30');
    await seller.getByLabel('Seat (optional)').evaluate((input) => input.removeAttribute('maxlength'));
    await seller.getByLabel('Seat (optional)').fill('s'.repeat(61));
    await seller.getByRole('button', { name: 'List ticket' }).click();
    await expectText(seller.getByTestId('error-startsAt'), 'Start must be in the future');
    await expectText(seller.getByTestId('error-seat'), 'Seat must be at most 60 characters');
    await shot(seller, 'sell-errors');

    await seller.getByLabel('Date and time').fill(`${day(40)}T20:00`);
    await seller.getByLabel('Seat (optional)').fill('Balcony B, row 2, seat 14');
    await seller.getByRole('button', { name: 'List ticket' }).click();
    await seller.getByTestId('ticket-detail').waitFor();
    await expectText(seller.getByTestId('event-venue'), venue);
    await expectText(seller.getByTestId('event-seat'), 'Balcony B, row 2, seat 14');
    // Stored with New York's offset on that date, and shown at the time the seller gave.
    const startsAt = await seller.getByTestId('event-starts-at').getAttribute('datetime');
    expect(startsAt).toMatch(new RegExp(`^${day(40)}T20:00:00-0[45]:00$`));
    await expectText(seller.getByTestId('event-starts-at'), /8:00 PM \(UTC−0[45]:00\)/);
    await shot(seller, 'ticket-seller');

    buyer = await newPage({ timezoneId: 'Europe/Paris' });
    await signUp(buyer, email('buyer'));
    await buyer.goto('/');
    await buyer.getByLabel('Search tickets by event or venue').fill(`theatre du chatelet ${run}`);
    await buyer.getByRole('button', { name: 'Search' }).click();
    const card = buyer.getByTestId('ticket-card').filter({ hasText: concert });
    await expectText(card.getByTestId('event-venue'), venue);
    await expectText(card.getByTestId('event-starts-at'), /8:00 PM \(UTC−0[45]:00\)/);
    await expectText(card, '$30.00');
    await shot(buyer, 'home-card');

    await card.getByRole('link', { name: concert }).click();
    await buyer.getByTestId('ticket-detail').waitFor();
    await expectText(buyer.getByTestId('event-venue'), venue);
    for (let attempt = 0; ; attempt++) {
      await buyer.getByRole('button', { name: 'Buy ticket' }).click();
      const ordered = await buyer.waitForURL(/\/orders\//, { timeout: 3000 }).then(
        () => true,
        () => false,
      );
      if (ordered) break;
      if (attempt >= 10) throw new Error('could not order the ticket');
    }
    await expectText(buyer.getByTestId('order-view'), concert);
    await expectText(buyer.getByTestId('order-price'), '$30.00');
    await shot(buyer, 'order');
  }, 120_000);

  it('sorts the home page by date, price or newest, and filters it by a date range', async () => {
    const token = `Cup ${run}`;
    const at = (days: number) => `${day(days)}T12:00:00Z`;
    await listByApi(seller, { title: `${token} final`, price: 50, venue: 'Stade', startsAt: at(10) });
    await listByApi(seller, { title: `${token} opener`, price: 20, venue: 'Stade', startsAt: at(30) });
    await listByApi(seller, { title: `${token} semi`, price: 35, venue: 'Stade', startsAt: at(20) });

    await buyer.goto(`/?q=${encodeURIComponent(token)}`);
    expect(await cardTitles(buyer)).toEqual([`${token} semi`, `${token} opener`, `${token} final`]);

    await buyer.getByTestId('sort').selectOption('startsAt');
    await buyer.getByRole('button', { name: 'Search' }).click();
    await buyer.waitForURL(/sort=startsAt/);
    expect(await cardTitles(buyer)).toEqual([`${token} final`, `${token} semi`, `${token} opener`]);
    await shot(buyer, 'home-by-date');

    await buyer.getByTestId('sort').selectOption('price');
    await buyer.getByRole('button', { name: 'Search' }).click();
    await buyer.waitForURL(/sort=price/);
    expect(await cardTitles(buyer)).toEqual([`${token} opener`, `${token} semi`, `${token} final`]);

    await buyer.getByTestId('from').fill(day(15));
    await buyer.getByTestId('to').fill(day(25));
    await buyer.getByRole('button', { name: 'Search' }).click();
    await buyer.waitForURL(/from=/);
    expect(await cardTitles(buyer)).toEqual([`${token} semi`]);
    await shot(buyer, 'home-date-filter');
  }, 60_000);

  it('withdraws a listing after a confirm step: gone for buyers, shown as withdrawn to the seller', async () => {
    const ticket = await listByApi(seller, { title: `Jazz brunch ${run}`, price: 15, venue: 'Blue Note' });
    await seller.goto(`/tickets/${ticket.id}`);
    await seller.getByTestId('withdraw-ticket').click();
    await seller.getByTestId('withdraw-confirm').waitFor();
    await shot(seller, 'withdraw-confirm');
    await seller.getByTestId('confirm-withdraw').click();
    await seller.waitForURL(/\/tickets\/mine$/);
    await expectText(seller.getByTestId('my-ticket').filter({ hasText: ticket.title }), 'Withdrawn');
    await shot(seller, 'my-tickets-withdrawn');

    await buyer.goto(`/?q=${encodeURIComponent(ticket.title)}`);
    await buyer.getByTestId('empty-tickets').waitFor();
    expect((await buyer.request.get(`/api/tickets/${ticket.id}`)).status()).toBe(404);
  }, 60_000);

  it('shows a ticket whose event has started as no longer for sale, to buyers with or without JavaScript, and its seller the way out', async () => {
    const startsAt = new Date(Date.now() + 3000).toISOString();
    const ticket = await listByApi(seller, { title: `Matinee ${run}`, price: 12, startsAt });
    await new Promise((resolve) => setTimeout(resolve, 3500));

    for (const page of [buyer, await newPage({ javaScriptEnabled: false })]) {
      await page.goto(`/tickets/${ticket.id}`);
      await expectText(page.getByTestId('ticket-status'), 'Event started');
      await expectText(page.getByTestId('ticket-unavailable'), 'This event has started');
      expect(await page.getByRole('button', { name: 'Buy ticket' }).count()).toBe(0);
      expect(await page.getByTestId('hold-terms').count()).toBe(0);
    }
    await shot(buyer, 'ticket-event-started');

    await seller.goto(`/tickets/${ticket.id}`);
    await expectText(seller.getByTestId('event-started-seller'), 'edit its start');
    await seller.getByTestId('withdraw-ticket').waitFor();
    await seller.goto('/tickets/mine');
    await expectText(seller.getByTestId('my-ticket').filter({ hasText: ticket.title }), 'Event started');
    await shot(seller, 'my-tickets-event-started');
  }, 60_000);

  it('withdraws a listing without JavaScript', async () => {
    const noScript = await newPage({ javaScriptEnabled: false });
    // The session comes from the seller's browser: signing in without JavaScript is another branch's work.
    await noScript.context().addCookies(await seller.context().cookies());
    const ticket = await listByApi(seller, { title: `Quartet ${run}`, price: 25 });
    await noScript.goto(`/tickets/${ticket.id}/withdraw`);
    await noScript.getByTestId('confirm-withdraw').click();
    await noScript.waitForURL(/\/tickets\/mine$/);
    await expectText(noScript.getByTestId('my-ticket').filter({ hasText: ticket.title }), 'Withdrawn');
  }, 60_000);
});
