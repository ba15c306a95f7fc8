import { runService, startUserFacing } from '@microtick/common';
import { buildApp } from './app';
import { readConfig } from './config';
import { migrationsDir } from './store/migrations';
import { startListeners } from './events';
import { createGateway } from './gateway';
import { PayoutWorker } from './store/payout-worker';

void runService({
  name: 'payments',
  readConfig,
  needs: { db: { migrationsDir }, bus: true, redis: true },
  async start({ pool, bus, redis, config, logger }) {
    const gateway = createGateway(config, logger);
    logger.info({ gateway: gateway.name }, 'payment gateway');
    await startListeners(bus, pool, gateway, logger, { platformFeeBps: config.PLATFORM_FEE_BPS });
    const payouts = new PayoutWorker({ pool, gateway, logger, leaseMs: gateway.maxChargeMs });
    payouts.start();
    const { shutdown, ...userFacing } = await startUserFacing('payments', { bus, redis }, config, logger);
    return {
      app: buildApp({ pool, bus, gateway, config, logger, ...userFacing }),
      shutdown: [['payout worker', () => payouts.stop()], ...shutdown],
    };
  },
});
