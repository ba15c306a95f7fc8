import type { Metadata } from 'next';
import Link from 'next/link';
import { LocalTime } from '@/components/ui/LocalTime';
import { connectPayoutAccountAction } from '@/lib/payout-actions';
import { getPayoutAccount, listEarnings, listMyTickets } from '@/lib/server-api';
import { earningStatusLabel, formatPrice } from '@/lib/format';
import type { PayoutAccountStatus } from '@/lib/types';

export const metadata: Metadata = { title: 'Get paid' };

const statusText: Record<PayoutAccountStatus, string> = {
  none: 'You have not set up a payout account yet. Connect one to receive the money from your sales.',
  pending: 'Your payout account is not ready yet: finish the onboarding to receive your earnings.',
  active: 'Your payout account is active: your share of each sale is transferred when the order completes.',
};

const problems: Record<string, string> = {
  connect: 'The payout provider is unavailable. Please try again shortly.',
  onboarding: 'The onboarding could not be completed. Please try again.',
};

export default async function GetPaidPage({ searchParams }: { searchParams: Promise<Record<string, string>> }) {
  const query = await searchParams;
  const [{ status }, { earnings, totals }, { tickets }] = await Promise.all([
    getPayoutAccount(),
    listEarnings(),
    listMyTickets('/get-paid'),
  ]);
  const titles = new Map(tickets.map((t) => [t.id, t.title]));
  const problem = problems[query.error ?? ''];
  return (
    <>
      <h1>Get paid</h1>
      {problem && (
        <div className="alert alert-error" role="alert" data-testid="payout-error">
          <p>{problem}</p>
        </div>
      )}
      <section className="card payout-account" aria-labelledby="payout-account-heading">
        <h2 id="payout-account-heading">Payout account</h2>
        <p data-testid="payout-status" data-status={status}>
          {statusText[status]}
        </p>
        {query.onboarding === 'done' && status !== 'active' && (
          <p className="muted small" role="status">
            Thanks! The payout provider is checking your details; this page shows the account as active once it can
            receive money.
          </p>
        )}
        {query.onboarding === 'expired' && status !== 'active' && (
          <p className="muted small" role="status" data-testid="onboarding-expired">
            That onboarding link has expired. Continue onboarding to get a fresh one; what you already gave is kept.
          </p>
        )}
        {status !== 'active' && (
          <form action={connectPayoutAccountAction}>
            <button type="submit" className="button button-primary" data-testid="connect-payouts">
              {status === 'none' ? 'Connect a payout account' : 'Continue onboarding'}
            </button>
          </form>
        )}
      </section>

      <h2 id="earnings-heading">Earnings</h2>
      <dl className="totals" aria-label="Totals" data-testid="earnings-totals">
        <div>
          <dt>Transferred</dt>
          <dd data-testid="total-transferred">{formatPrice(totals.transferred)}</dd>
        </div>
        <div>
          <dt>Pending</dt>
          <dd data-testid="total-pending">{formatPrice(totals.pending)}</dd>
        </div>
        <div>
          <dt>Reversed</dt>
          <dd data-testid="total-reversed">{formatPrice(totals.reversed)}</dd>
        </div>
      </dl>
      {earnings.length === 0 ? (
        <div className="empty card" data-testid="empty-earnings">
          <p>No sales yet. When a ticket of yours sells, your share shows here.</p>
          <Link href="/tickets/new" className="button button-primary">
            Sell a ticket
          </Link>
        </div>
      ) : (
        <ul className="rows" aria-labelledby="earnings-heading">
          {earnings.map((earning) => (
            <li key={earning.orderId} className="row card" data-testid="earning" data-status={earning.status}>
              <span className="row-title">{(earning.ticketId && titles.get(earning.ticketId)) ?? 'Ticket sale'}</span>
              <span className="row-price" data-testid="earning-amount">
                {formatPrice(earning.amount)}
              </span>
              <span className={`badge badge-earning-${earning.status}`} data-testid="earning-status">
                {earningStatusLabel[earning.status]}
              </span>
              <span className="row-date muted small">
                Sold <LocalTime iso={earning.createdAt} /> · fee {formatPrice(earning.fee)}
              </span>
              {earning.status === 'pending' && earning.pendingReason && (
                <span className="row-action muted small" data-testid="earning-reason">
                  Waiting: {earning.pendingReason}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
