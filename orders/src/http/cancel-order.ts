import {
  ConflictError,
  NotFoundError,
  parseIdParam,
  requireAuth,
  ServiceUnavailableError,
  withTransaction,
  type Pool,
} from '@microtick/common';
import { Router } from 'express';
import { cancellationStep } from '../rules';
import { currentStatus, lockOrder, requestCancellation } from '../store/orders';

export interface CancelOrderOptions {
  /**
   * How long a cancel waits for payments' verdict: two hops on the bus when no charge is in flight; a
   * charge in flight (a card being charged) is waited for, since its outcome decides.
   */
  verdictWaitMs?: number;
}

const COMPLETED = 'Cannot cancel a completed order';

/**
 * DELETE /api/orders/:id: asks payments, the window's judge, to close the order's payment window (once),
 * then answers with its verdict: 204 once the order is cancelled, 409 when a payment won. A verdict that
 * takes longer than verdictWaitMs (payments or the bus away) answers 503; the request stands and is
 * carried out when payments decides, and asking again waits again.
 */
export function cancelOrderRouter(pool: Pool, { verdictWaitMs = 5_000 }: CancelOrderOptions = {}): Router {
  return Router().delete('/api/orders/:id', requireAuth, async (req, res) => {
    const id = parseIdParam(req.params.id, 'Order not found');
    const step = await withTransaction(pool, async (client) => {
      const order = await lockOrder(client, id);
      if (!order || order.userId !== req.currentUser!.id) throw new NotFoundError('Order not found');
      const next = cancellationStep(order);
      if (next === 'ask the judge') await requestCancellation(client, order);
      return next;
    });
    if (step === 'refused') throw new ConflictError(COMPLETED);
    if (step !== 'cancelled') {
      const status = await verdictFor(pool, id, verdictWaitMs);
      if (status === 'complete') throw new ConflictError(COMPLETED);
      if (status !== 'cancelled') {
        throw new ServiceUnavailableError(
          'The cancellation is not confirmed yet (a payment may still be going through); look at the order again in a moment',
        );
      }
    }
    res.status(204).end();
  });
}

/** The order's status once it is no longer open, or 'created' when waitMs passed first. */
async function verdictFor(pool: Pool, id: string, waitMs: number) {
  const deadline = Date.now() + waitMs;
  for (let pauseMs = 5; ; pauseMs = Math.min(pauseMs * 2, 100)) {
    const status = await currentStatus(pool, id);
    if (status !== 'created' || Date.now() >= deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, deadline - Date.now())));
  }
}
