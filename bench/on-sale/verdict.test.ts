import { faults, isClearConflict, judge, type Attempt } from './verdict';

const conflict = (atMs: number) => ({
  status: 409,
  body: { errors: [{ message: 'Ticket is already reserved' }] },
  atMs,
});
const created = (atMs: number) => ({ status: 201, body: { id: 'order' }, atMs });
const paidAt = (sentMs: number, atMs: number) => ({ status: 201, body: {}, atMs, sentMs, tries: 1 });

/** Two tickets, five buyers: the first asker of each gets it and pays. */
function fairRun(): Attempt[] {
  return [
    { buyer: 0, ticketId: 'a', arrivedMs: 0, order: created(20), payment: paidAt(20, 50) },
    { buyer: 1, ticketId: 'b', arrivedMs: 1, order: created(30), payment: paidAt(30, 70) },
    { buyer: 2, ticketId: 'a', arrivedMs: 2, order: conflict(25) },
    { buyer: 3, ticketId: 'b', arrivedMs: 3, order: conflict(35) },
    { buyer: 4, ticketId: 'a', arrivedMs: 4, order: conflict(40) },
  ];
}

describe('the on-sale verdict', () => {
  it('finds a fair, correct run: one holder per ticket, clear 409s for the rest, all paid', () => {
    const verdict = judge(['a', 'b'], fairRun());

    expect(verdict).toMatchObject({
      buyers: 5,
      ordersAnswered: 5,
      held: 2,
      clearConflicts: 3,
      otherAnswers: {},
      serverErrors: 0,
      doubleSold: 0,
      unsold: 0,
      paid: 2,
      allHeldMs: 30,
      allPaidMs: 70,
      allAnsweredMs: 40,
      firstComeWins: 2,
      contested: 2,
      worstOvertaking: 0,
    });
    expect(verdict.orderLatencyMs).toEqual({ p50: 29, p99: 36 });
    expect(verdict.paymentLatencyMs).toEqual({ p50: 30, p99: 40 });
    expect(faults(verdict, 2)).toEqual([]);
  });

  it('counts a ticket held by two buyers as double-sold and a ticket nobody got as unsold', () => {
    const run = fairRun();
    run[2] = { ...run[2], order: created(25), payment: paidAt(25, 60) };
    const verdict = judge(['a', 'b', 'c'], run);

    expect(verdict).toMatchObject({ held: 3, doubleSold: 1, unsold: 1, clearConflicts: 2 });
    expect(verdict.allHeldMs).toBeNaN();
    expect(faults(verdict, 3)).toEqual(['1 tickets double-sold', '1 tickets unsold']);
  });

  it('does not count a 409 without the error shape, nor a 5xx, as a clear answer', () => {
    const run = fairRun();
    run[2] = { ...run[2], order: { status: 409, body: 'Conflict', atMs: 25 } };
    run[3] = { ...run[3], order: { status: 502, body: { errors: [{ message: 'Service unavailable' }] }, atMs: 35 } };
    run[4] = { ...run[4], order: { status: 409, body: { errors: [] }, atMs: 40 } };
    const verdict = judge(['a', 'b'], run);

    expect(verdict).toMatchObject({ clearConflicts: 0, serverErrors: 1, otherAnswers: { 409: 2, 502: 1 } });
    expect(faults(verdict, 2)).toEqual(['0 clear 409s, not 3', '1 5xx']);
  });

  it('notices a holder who was overtaken: later arrivals served before earlier ones', () => {
    const run = fairRun();
    run[0] = { ...run[0], order: conflict(60), payment: undefined };
    run[4] = { ...run[4], order: created(15), payment: paidAt(15, 45) };
    const verdict = judge(['a', 'b'], run);

    expect(verdict).toMatchObject({ firstComeWins: 1, contested: 2, worstOvertaking: 2 });
    expect(faults(verdict, 2)).toEqual([]);
  });

  it('reports a declined or missing payment', () => {
    const run = fairRun();
    run[1] = { ...run[1], payment: { ...paidAt(30, 70), status: 404 } };
    const verdict = judge(['a', 'b'], run);

    expect(verdict).toMatchObject({ paid: 1, otherAnswers: { 'payment 404': 1 } });
    expect(verdict.allPaidMs).toBeNaN();
    expect(faults(verdict, 2)).toEqual(['1 paid, not 2']);
  });

  it('takes only a non-empty message list as the error shape', () => {
    expect(isClearConflict(conflict(1))).toBe(true);
    expect(isClearConflict({ status: 409, body: { errors: [{ message: '' }] }, atMs: 1 })).toBe(false);
    expect(isClearConflict({ status: 409, body: null, atMs: 1 })).toBe(false);
    expect(isClearConflict({ ...conflict(1), status: 400 })).toBe(false);
  });
});
