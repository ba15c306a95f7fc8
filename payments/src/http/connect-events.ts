import type { Logger, Pool } from '@microtick/common';
import type Stripe from 'stripe';
import { payoutAccountStatus } from '../rules';
import { recordReversal, recordTransfer } from '../store/earnings';
import { setPayoutAccountStatus } from '../store/payout-accounts';

/**
 * Stripe Connect's events at the signed webhook. account.updated: the account's status, unless a newer
 * report was applied already (becoming able to receive transfers makes its seller's waiting earnings due). transfer.created: records a transfer whose
 * result the worker lost (it would find it again by its idempotency key anyway). transfer.reversed: a
 * reversal made outside payments (the Dashboard) shows as reversed. Returns false for other events.
 */
export async function handleConnectEvent(pool: Pool, event: Stripe.Event, logger: Logger): Promise<boolean> {
  switch (event.type) {
    case 'account.updated': {
      const account = event.data.object;
      const status = payoutAccountStatus({ transfersCapability: account.capabilities?.transfers });
      if (await setPayoutAccountStatus(pool, account.id, status, new Date(event.created * 1000)))
        logger.info({ account: account.id, status }, 'payout account updated');
      return true;
    }
    case 'transfer.created':
    case 'transfer.updated': {
      const transfer = event.data.object;
      const earningId = transfer.metadata?.earningId;
      if (earningId && (await recordTransfer(pool, earningId, transfer.id)))
        logger.info({ earningId, transferId: transfer.id }, 'transfer recorded from its webhook');
      return true;
    }
    case 'transfer.reversed': {
      const transfer = event.data.object;
      const reversal = transfer.reversals?.data?.[0];
      if (
        transfer.reversed &&
        reversal &&
        (await recordReversal(pool, { providerTransferId: transfer.id }, reversal.id))
      )
        logger.info(
          { transferId: transfer.id, reversalId: reversal.id },
          'transfer reversal recorded from its webhook',
        );
      return true;
    }
    default:
      return false;
  }
}
