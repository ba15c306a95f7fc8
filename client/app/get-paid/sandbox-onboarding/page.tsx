import type { Metadata } from 'next';
import Link from 'next/link';
import { completeSandboxOnboardingAction } from '@/lib/payout-actions';
import { requireUser } from '@/lib/server-api';

export const metadata: Metadata = { title: 'Payout onboarding (test mode)' };

/**
 * Where the sandbox payment gateway's onboarding link points (no Stripe key configured): one click does
 * what finishing Stripe's onboarding does. With real Stripe, payments answers 404 and nothing changes.
 * The link's ?account= is not shown: anyone can write a link, and the button acts on the signed-in
 * seller's own account.
 */
export default async function SandboxOnboardingPage() {
  await requireUser('/get-paid/sandbox-onboarding');
  return (
    <div className="narrow">
      <article className="card sandbox-onboarding">
        <h1>Payout onboarding</h1>
        <p className="test-mode" data-testid="test-mode">
          <strong>TEST MODE</strong> — no real account is opened and no money moves.
        </p>
        <p>
          With Stripe, this is where you would give your details and bank account. Here, one click makes your payout
          account ready to receive transfers.
        </p>
        <form action={completeSandboxOnboardingAction}>
          <button type="submit" className="button button-primary" data-testid="complete-onboarding">
            Complete onboarding
          </button>
        </form>
        <p className="muted small">
          <Link href="/get-paid">← Back to Get paid</Link>
        </p>
      </article>
    </div>
  );
}
