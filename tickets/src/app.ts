import { createServiceApp, type Bus, type Logger, type Pool, type SessionVerifier } from '@microtick/common';
import { Router, type RequestHandler } from 'express';
import type { TicketsConfig } from './config';
import { createTicketRouter } from './http/create-ticket';
import { listMyTicketsRouter } from './http/list-my-tickets';
import { listTicketsRouter } from './http/list-tickets';
import { showTicketRouter } from './http/show-ticket';
import { updateTicketRouter } from './http/update-ticket';
import { withdrawTicketRouter } from './http/withdraw-ticket';

export interface TicketsDeps {
  pool: Pool;
  bus: Pick<Bus, 'ping'>;
  config: TicketsConfig;
  logger: Logger;
  sessions: SessionVerifier;
  /** The per-user write limit (production: userWriteLimit over Redis). */
  writeLimit?: RequestHandler;
}

export function buildApp({ pool, bus, logger, sessions, writeLimit }: TicketsDeps) {
  const routes = Router()
    .use(listTicketsRouter(pool))
    // Before /api/tickets/:id, which would otherwise answer "mine" with 404.
    .use(listMyTicketsRouter(pool))
    .use(showTicketRouter(pool))
    .use(createTicketRouter(pool))
    .use(updateTicketRouter(pool))
    .use(withdrawTicketRouter(pool));
  return createServiceApp({
    name: 'tickets',
    logger,
    sessions,
    writeLimit,
    healthChecks: { database: () => pool.query('SELECT 1'), bus: () => bus.ping() },
    routes,
  });
}
