import { createUserFacingApp, type UserFacingAppDeps } from '@microtick/common';
import { Router } from 'express';
import type { TicketsConfig } from './config';
import { createTicketRouter } from './http/create-ticket';
import { listMyTicketsRouter } from './http/list-my-tickets';
import { listTicketsRouter } from './http/list-tickets';
import { showTicketRouter } from './http/show-ticket';
import { updateTicketRouter } from './http/update-ticket';
import { withdrawTicketRouter } from './http/withdraw-ticket';

export interface TicketsDeps extends UserFacingAppDeps {
  config: TicketsConfig;
}

export function buildApp(deps: TicketsDeps) {
  const { pool } = deps;
  return createUserFacingApp('tickets', deps, {
    routes: Router()
      .use(listTicketsRouter(pool))
      // Before /api/tickets/:id, which would otherwise answer "mine" with 404.
      .use(listMyTicketsRouter(pool))
      .use(showTicketRouter(pool))
      .use(createTicketRouter(pool))
      .use(updateTicketRouter(pool))
      .use(withdrawTicketRouter(pool)),
  });
}
