import { BadRequestError } from '@microtick/common';
import { z } from 'zod';
import type { ListPosition, ListSort } from '../store/tickets';

const positionSchema = z.object({
  sort: z.enum(['newest', 'startsAt', 'price']),
  key: z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER).nullable(),
  id: z.uuid(),
});

/** The opaque `cursor` of GET /api/tickets: the order it belongs to and where the previous page ended. */
export const encodeCursor = (position: ListPosition): string =>
  Buffer.from(JSON.stringify([position.sort, position.key, position.id])).toString('base64url');

/** Prices are compared as PostgreSQL's 32-bit integers: a key past them is no price at all. */
const INT4 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** A cursor from another order of the list would skip or repeat tickets, so it is refused like a forged one. */
export function decodeCursor(cursor: string, sort: ListSort): ListPosition {
  try {
    const [cursorSort, key, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const position = positionSchema.parse({ sort: cursorSort, key, id });
    if (position.sort !== sort || (position.key === null && sort !== 'startsAt')) throw new Error('other order');
    if (sort === 'price' && (position.key! < INT4.min || position.key! > INT4.max)) throw new Error('not a price');
    return position;
  } catch {
    throw new BadRequestError('Cursor is invalid', 'cursor');
  }
}
