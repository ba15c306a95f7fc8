import { chargeDecision, judgeWindow as judge, type WindowState } from './rules';

const ABANDON_MS = 10_000;
const judgeWindow = (state: WindowState, at: Date) => judge(state, at, ABANDON_MS);

const now = new Date('2026-12-02T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const open: WindowState = {
  status: 'created',
  expiresAt: ago(1),
  windowClosedAt: null,
  paid: false,
  chargesInFlight: 0,
  chargeStartedAt: null,
};

describe('judgeWindow', () => {
  it('closes an unpaid window with no charge in flight once expiresAt has passed', () => {
    expect(judgeWindow(open, now)).toEqual({ action: 'close' });
  });

  it('closes a paid window without expiring the order', () => {
    expect(judgeWindow({ ...open, paid: true, chargesInFlight: 1, chargeStartedAt: ago(10) }, now)).toEqual({
      action: 'close paid',
    });
  });

  it('waits while a charge is in flight, so a charge accepted in time always completes the order', () => {
    expect(judgeWindow({ ...open, chargesInFlight: 1, chargeStartedAt: ago(50) }, now)).toMatchObject({
      action: 'wait',
    });
  });

  it('stops waiting for a charge whose request never reported back', () => {
    const abandoned = { ...open, chargesInFlight: 1, chargeStartedAt: ago(ABANDON_MS) };
    expect(judgeWindow(abandoned, now)).toEqual({ action: 'close' });
  });

  it('waits until expiresAt on its own clock, however early the expiration arrives', () => {
    expect(judgeWindow({ ...open, expiresAt: new Date(now.getTime() + 250) }, now)).toEqual({
      action: 'wait',
      retryInMs: 250,
    });
  });

  it('does nothing for a window already closed or an order no longer open', () => {
    expect(judgeWindow({ ...open, windowClosedAt: ago(5) }, now)).toEqual({ action: 'none' });
    expect(judgeWindow({ ...open, status: 'cancelled' }, now)).toEqual({ action: 'none' });
    expect(judgeWindow({ ...open, status: 'complete' }, now)).toEqual({ action: 'none' });
  });
});

describe("judgeWindow for a buyer's cancel", () => {
  const cancel = (state: WindowState) => judge(state, now, ABANDON_MS, 'buyer');
  const stillOpen = { ...open, expiresAt: new Date(now.getTime() + 600_000) };

  it('closes an unpaid window at once, long before its end', () => {
    expect(cancel(stillOpen)).toEqual({ action: 'close' });
  });

  it('loses to a payment that stands: the window closes paid and the order completes', () => {
    expect(cancel({ ...stillOpen, paid: true })).toEqual({ action: 'close paid' });
  });

  it('waits for a charge in flight, whose outcome decides', () => {
    expect(cancel({ ...stillOpen, chargesInFlight: 1, chargeStartedAt: ago(50) })).toMatchObject({ action: 'wait' });
  });

  it('does nothing for a window already closed or an order no longer open', () => {
    expect(cancel({ ...stillOpen, windowClosedAt: ago(5) })).toEqual({ action: 'none' });
    expect(cancel({ ...stillOpen, status: 'complete' })).toEqual({ action: 'none' });
  });
});

describe('chargeDecision', () => {
  it('refunds a charge recorded after its window closed, as cancelled when its buyer closed it', () => {
    const order = { status: 'created', paidByAnotherCharge: false } as const;
    expect(chargeDecision({ ...order, windowClosed: 'buyer' })).toBe('refund: cancelled');
    expect(chargeDecision({ ...order, windowClosed: 'expired' })).toBe('refund: expired');
    expect(chargeDecision({ ...order, windowClosed: false })).toBe('keep');
  });
});
