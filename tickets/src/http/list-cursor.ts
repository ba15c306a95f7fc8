import { BadRequestError } from '@microtick/common';
import { z } from 'zod';
import type { ListPosition } from '../store/tickets';

const positionSchema = z.object({
  createdAtMicros: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
  id: z.uuid(),
});

/** The opaque `cursor` of GET /api/tickets: where the previous page ended. */
export const encodeCursor = (position: ListPosition): string =>
  Buffer.from(JSON.stringify([position.createdAtMicros, position.id])).toString('base64url');

export function decodeCursor(cursor: string): ListPosition {
  try {
    const [createdAtMicros, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    return positionSchema.parse({ createdAtMicros, id });
  } catch {
    throw new BadRequestError('Cursor is invalid', 'cursor');
  }
}
