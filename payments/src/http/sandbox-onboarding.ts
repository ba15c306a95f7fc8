import { NotFoundError, requireAuth, type Pool } from '@microtick/common';
import { Router } from 'express';
import type { PaymentGateway } from '../gateway';
import { findPayoutAccount, setPayoutAccountStatus } from '../store/payout-accounts';

/**
 * POST /api/payments/payout-account/sandbox-onboarding: what finishing Stripe's onboarding does, for the
 * sandbox gateway only (the client's sandbox onboarding page posts it): the signed-in seller's account
 * becomes active, and their waiting earnings due. 404 with real Stripe, or without an account.
 */
export function sandboxOnboardingRouter(pool: Pool, gateway: Pick<PaymentGateway, 'name'>): Router {
  return Router().post('/api/payments/payout-account/sandbox-onboarding', requireAuth, async (req, res) => {
    const account = gateway.name === 'sandbox' ? await findPayoutAccount(pool, req.currentUser!.id) : undefined;
    if (!account) throw new NotFoundError('No sandbox payout account to onboard');
    await setPayoutAccountStatus(pool, account.providerAccountId, 'active');
    res.json({ status: 'active' });
  });
}
