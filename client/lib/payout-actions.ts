'use server';

import { redirect } from 'next/navigation';
import { signInPath } from './paths';
import { serverWrite } from './server-write';

/**
 * The "Get paid" page's forms, which need no JavaScript: each posts to a server action that calls
 * payments, then redirects (303) like a classic form: to the payout provider's onboarding, or back to
 * the page with what happened in its query.
 */

export async function connectPayoutAccountAction(): Promise<void> {
  const result = await serverWrite<{ url: string }>('payments', 'POST', '/api/payments/payout-account', {});
  if (!result.ok) redirect(result.status === 401 ? signInPath('/get-paid') : '/get-paid?error=connect');
  // Stripe's onboarding (or, in the sandbox, this site's own page).
  redirect(result.data.url);
}

export async function completeSandboxOnboardingAction(): Promise<void> {
  const result = await serverWrite('payments', 'POST', '/api/payments/payout-account/sandbox-onboarding', {});
  if (!result.ok) redirect(result.status === 401 ? signInPath('/get-paid') : '/get-paid?error=onboarding');
  redirect('/get-paid?onboarding=done');
}
