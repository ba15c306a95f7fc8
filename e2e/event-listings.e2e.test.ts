import type { Page } from 'playwright-core';
import { browserSuite, expectText, signUpInBrowser } from '@microtick/devstack';

/**
 * Listings belong to an event, in a real browser on the real stack: the event fields from the sell form
 * to the home card to an order, sorting and the date filter, and withdrawing a listing (also without
 * JavaScript). The seller and the buyer are in different time zones. Needs `next build` first (make test
 * does it). Screenshots at desktop and phone width go to artifacts/screenshots/.
 */

const PASSWORD = 'a good long password';
const PHONE = { width: 375, height: 812 };

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

  /** Waits until the home page lists these titles, in this order (a filter applied in place renders later). */
  async function expectCards(page: Page, titles: string[]): Promise<void> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && JSON.stringify(await cardTitles(page)) !== JSON.stringify(titles)) {
      await page.waitForTimeout(100);
    }
    expect(await cardTitles(page)).toEqual(titles);
  }

  const sessionOf = async (page: Page) => page.context().cookies();

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

    // With JavaScript each control applies as it changes, keeping the search, and focus stays on it (here
    // from the keyboard: the next option).
    await buyer.getByTestId('sort').focus();
    await buyer.keyboard.press('ArrowDown');
    await buyer.waitForURL(/sort=startsAt/);
    await expectCards(buyer, [`${token} final`, `${token} semi`, `${token} opener`]);
    expect(new URL(buyer.url()).searchParams.get('q')).toBe(token);
    expect(await buyer.evaluate<string | null>("document.activeElement?.getAttribute('data-testid')")).toBe('sort');
    await shot(buyer, 'home-by-date');

    await buyer.getByTestId('sort').selectOption('price');
    await buyer.waitForURL(/sort=price/);
    await expectCards(buyer, [`${token} opener`, `${token} semi`, `${token} final`]);

    await buyer.getByTestId('from').fill(day(15));
    await buyer.waitForURL(new RegExp(`from=${day(15)}`));
    await expectCards(buyer, [`${token} opener`, `${token} semi`]);
    // Half a date typed from the keyboard is not applied; the whole one is.
    await buyer.getByTestId('to').focus();
    await buyer.keyboard.type('1');
    await buyer.waitForTimeout(1500);
    expect(new URL(buyer.url()).searchParams.get('to')).toBe('');
    await buyer.getByTestId('to').fill(day(25));
    await buyer.waitForURL(new RegExp(`to=${day(25)}`));
    await expectCards(buyer, [`${token} semi`]);
    expect(new URL(buyer.url()).searchParams.get('sort')).toBe('price');
    await shot(buyer, 'home-date-filter');

    // Without JavaScript nothing happens until Search, which applies them all.
    const noScript = await newPage({ javaScriptEnabled: false });
    await noScript.goto(`/?q=${encodeURIComponent(token)}`);
    await noScript.getByTestId('sort').selectOption('startsAt');
    await noScript.getByTestId('from').fill(day(15));
    await noScript.waitForTimeout(1000);
    expect(new URL(noScript.url()).searchParams.get('sort')).toBeNull();
    await noScript.getByRole('button', { name: 'Search' }).click();
    await noScript.waitForURL(/sort=startsAt/);
    expect(await cardTitles(noScript)).toEqual([`${token} semi`, `${token} opener`]);
  }, 60_000);

  it('gives the home page’s controls and the header’s links 44 px touch targets on a phone', async () => {
    const phone = await newPage({ viewport: PHONE }, async (context) => context.addCookies(await sessionOf(buyer)));
    await phone.goto('/');
    const targets = [
      phone.getByRole('link', { name: 'MicroTick', exact: true }),
      phone.getByRole('link', { name: 'Sell a ticket' }),
      phone.getByRole('link', { name: 'My tickets' }),
      phone.getByRole('link', { name: 'My orders' }),
      phone.getByRole('link', { name: 'Get paid' }),
      phone.getByRole('button', { name: 'Sign out' }),
      phone.getByLabel('Search tickets by event or venue'),
      phone.getByRole('button', { name: 'Search' }),
      phone.getByTestId('sort'),
      phone.getByTestId('from'),
      phone.getByTestId('to'),
    ];
    const heights: Record<string, number> = {};
    for (const target of targets) heights[String(target)] = (await target.boundingBox())?.height ?? 0;
    expect(Object.entries(heights).filter(([, height]) => height < 44)).toEqual([]);
    await shot(phone, 'home-phone-targets');
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

  it('wraps a title of one long word on the withdraw page at phone width, as on the ticket page', async () => {
    const ticket = await listByApi(seller, { title: `${'Supercalifragilistic'.repeat(8)}${run}`, price: 18 });
    expect(ticket.title.length).toBeGreaterThan(160);
    const phone = await newPage({ viewport: PHONE }, async (context) => context.addCookies(await sessionOf(seller)));
    for (const path of [`/tickets/${ticket.id}`, `/tickets/${ticket.id}/withdraw`]) {
      await phone.goto(path);
      await phone.getByTestId('ticket-title').waitFor();
      const width = await phone.evaluate<number>('document.documentElement.scrollWidth');
      expect({ path, width }).toEqual({ path, width: PHONE.width });
    }
    await shot(phone, 'withdraw-long-title');
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
