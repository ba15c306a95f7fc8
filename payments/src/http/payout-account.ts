import { requireAuth, type Logger, type Pool } from '@microtick/common';
import { Router } from 'express';
import type { PaymentGateway } from '../gateway';
import { findPayoutAccount, savePayoutAccount } from '../store/payout-accounts';
import { providerUnavailable } from './create-payment';

/** The client's "Get paid" page: onboarding returns there, or comes back for a fresh link when one expired. */
export const GET_PAID_PATH = '/get-paid';

/**
 * POST /api/payments/payout-account: 200 {url}, the seller's onboarding link (Stripe Connect Express; the
 * account is created on the first call, one per seller). GET: 200 {status: none | pending | active}.
 */
export function payoutAccountRouter(pool: Pool, gateway: PaymentGateway, appUrl: string, logger: Logger): Router {
  return Router()
    .get('/api/payments/payout-account', requireAuth, async (req, res) => {
      const account = await findPayoutAccount(pool, req.currentUser!.id);
      res.json({ status: account?.status ?? 'none' });
    })
    .post('/api/payments/payout-account', requireAuth, async (req, res) => {
      const userId = req.currentUser!.id;
      try {
        let account = await findPayoutAccount(pool, userId);
        if (!account) {
          const { providerAccountId } = await gateway.createPayoutAccount({
            userId,
            idempotencyKey: `payout-account-${userId}`,
          });
          account = await savePayoutAccount(pool, userId, providerAccountId);
        }
        const page = new URL(GET_PAID_PATH, appUrl);
        const link = await gateway.createOnboardingLink({
          providerAccountId: account.providerAccountId,
          returnUrl: `${page}?onboarding=done`,
          refreshUrl: `${page}?onboarding=expired`,
        });
        res.json({ url: link.url });
      } catch (err) {
        logger.error({ err, userId }, 'payout account onboarding failed at the payment provider');
        throw providerUnavailable();
      }
    });
}
