import type { Server } from 'node:http';
import type { Logger } from './logger';

export type ShutdownStep = [name: string, run: () => Promise<unknown> | unknown];

/**
 * On SIGTERM or SIGINT runs the steps in order (stop taking requests, finish in-flight work, drain the
 * bus, close pools), then exits. A step that hangs past the deadline does not keep the process alive.
 * Steps given as a function are read when the signal arrives, so a start-up still under way closes
 * only what it has opened so far.
 */
export function onShutdown(logger: Logger, steps: ShutdownStep[] | (() => ShutdownStep[]), timeoutMs = 15_000): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error('shutdown timed out, exiting');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    let failed = false;
    for (const [name, run] of typeof steps === 'function' ? steps() : steps) {
      try {
        await run();
      } catch (err) {
        failed = true;
        logger.error({ err, step: name }, 'shutdown step failed');
      }
    }
    logger.info('stopped');
    process.exit(failed ? 1 : 0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

/** Stops accepting connections and resolves when in-flight requests have finished. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
  });
}

/** Logs a start-up failure (a ConfigError prints its list) and exits non-zero. */
export function exitOnStartupError(logger: Logger) {
  return (err: unknown) => {
    if (err instanceof Error && err.name === 'ConfigError') {
      // A human reads this: print it plainly as well as in the JSON log.
      console.error(err.message);
    }
    logger.fatal({ err }, 'failed to start');
    process.exit(1);
  };
}
