import { parseRequest, type Pool } from '@microtick/common';
import { Router, type Response } from 'express';
import { z } from 'zod';
import { listAvailableTickets } from '../store/tickets';
import { decodeCursor, encodeCursor } from './list-cursor';
import { etagOf, FirstPageCache, type CachedPage } from './first-page-cache';
import { presentTicket } from './present';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;
const limitMessage = `Limit must be a whole number from 1 to ${MAX_LIMIT}`;

const dateTimeParam = (name: string) =>
  z
    .string({ error: `${name} must be a single date-time` })
    .pipe(z.iso.datetime({ offset: true, error: `${name} must be an ISO-8601 date-time with an offset` }))
    .transform((text) => new Date(text));

const listQuerySchema = z
  .object({
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
    sort: z
      .enum(['newest', 'startsAt', 'price'], { error: 'Sort must be one of newest, startsAt, price' })
      .default('newest'),
    from: dateTimeParam('From').optional(),
    to: dateTimeParam('To').optional(),
  })
  .refine((query) => !query.from || !query.to || query.from <= query.to, {
    message: 'To must not be before from',
    path: ['to'],
  });

/** With the ETag set, Express answers 304 to a matching If-None-Match: a polling browser gets no body. */
function send(res: Response, page: CachedPage): void {
  res.set('ETag', page.etag).set('Cache-Control', 'no-cache').type('json').send(page.body);
}

export function listTicketsRouter(pool: Pool, cache = new FirstPageCache()): Router {
  return Router().get('/api/tickets', async (req, res) => {
    const query = parseRequest(listQuerySchema, req.query);
    // Keyed by the validated query, so `?limit=20` and `?` share a page but junk parameters make no keys.
    const limit = query.limit ?? DEFAULT_LIMIT;
    const key =
      query.cursor === undefined ? JSON.stringify([query.q, limit, query.sort, query.from, query.to]) : undefined;
    const cached = key === undefined ? undefined : cache.get(key);
    if (cached) return send(res, cached);
    const readAt = cache.version();
    const page = await listAvailableTickets(pool, {
      search: query.q || undefined,
      sort: query.sort,
      from: query.from,
      to: query.to,
      limit,
      after: query.cursor === undefined ? undefined : decodeCursor(query.cursor, query.sort),
    });
    const body = JSON.stringify({
      tickets: page.tickets.map(presentTicket),
      nextCursor: page.next ? encodeCursor(page.next) : null,
    });
    send(res, key === undefined ? { body, etag: etagOf(body) } : cache.set(key, body, readAt));
  });
}
