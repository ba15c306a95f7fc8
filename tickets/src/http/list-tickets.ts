import { parseRequest, type Pool } from '@microtick/common';
import { Router } from 'express';
import { z } from 'zod';
import { listAvailableTickets } from '../store/tickets';
import { decodeCursor, encodeCursor } from './list-cursor';
import { presentTicket } from './present';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const limitMessage = `Limit must be a whole number from 1 to ${MAX_LIMIT}`;

const listQuerySchema = z.object({
  q: z
    .string({ error: 'Search must be a single string' })
    .trim()
    .max(200, 'Search must be at most 200 characters')
    // PostgreSQL rejects NUL in a text parameter; no title contains control characters.
    .refine((q) => !/[\p{Cc}\p{Cs}]/u.test(q), 'Search must not contain control characters')
    .optional(),
  limit: z
    .string({ error: limitMessage })
    .regex(/^\d{1,3}$/, limitMessage)
    .transform(Number)
    .pipe(z.number().min(1, limitMessage).max(MAX_LIMIT, limitMessage))
    .optional(),
  cursor: z.string({ error: 'Cursor is invalid' }).optional(),
});

export function listTicketsRouter(pool: Pool): Router {
  return Router().get('/api/tickets', async (req, res) => {
    const query = parseRequest(listQuerySchema, req.query);
    const page = await listAvailableTickets(pool, {
      search: query.q || undefined,
      limit: query.limit ?? DEFAULT_LIMIT,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor),
    });
    res.json({ tickets: page.tickets.map(presentTicket), nextCursor: page.next ? encodeCursor(page.next) : null });
  });
}
