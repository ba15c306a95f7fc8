import { priceSchema, toCents } from '@microtick/common';
import { z } from 'zod';

// PostgreSQL cannot store NUL, and no title, venue or seat needs control characters or unpaired surrogates,
// nor the bidirectional embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make text
// read in another order than it is stored ("Trojan Source"); the marks U+200E and U+200F stay allowed.
const noControlCharacters = (text: string) => !/[\p{Cc}\p{Cs}\u202A-\u202E\u2066-\u2069]/u.test(text);

/**
 * Whether text shows anything: a character other than whitespace and format characters (\p{Cf}: zero-width
 * space and joiner, BOM, …). Text of those alone makes an empty heading and an empty link, so it counts as
 * blank; they are left in text that has more, as a joiner inside an emoji sequence.
 */
export const isVisibleText = (text: string) => /[^\s\p{Cf}]/u.test(text);

const text = (name: string, max: number) =>
  z
    .string({ error: `${name} must be a string` })
    .trim()
    .max(max, `${name} must be at most ${max} characters`)
    .refine(noControlCharacters, `${name} must not contain control characters`);

// venue, startsAt and seat are optional so that older clients keep working: absent leaves them as they
// are (none, for a new ticket), null clears them.
export const ticketBodySchema = z
  .object({
    title: z
      .string({ error: 'Title must be a string' })
      .trim()
      .refine(isVisibleText, 'Title is required')
      .max(200, 'Title must be at most 200 characters')
      .refine(noControlCharacters, 'Title must not contain control characters'),
    price: priceSchema,
    venue: text('Venue', 120).pipe(z.string().refine(isVisibleText, 'Venue must not be empty')).nullable().optional(),
    startsAt: z
      .string({ error: 'Start must be a date-time' })
      .pipe(
        z.iso.datetime({
          offset: true,
          error: 'Start must be an ISO-8601 date-time with an offset, like 2027-05-01T20:00:00+02:00',
        }),
      )
      .refine((startsAt) => new Date(startsAt).getTime() > Date.now(), 'Start must be in the future')
      .nullable()
      .optional(),
    // A blank seat is no seat: forms send the empty field.
    seat: text('Seat', 60)
      .transform((seat) => (isVisibleText(seat) ? seat : null))
      .nullable()
      .optional(),
  })
  .transform(({ title, price, venue, startsAt, seat }) => ({
    title,
    priceCents: toCents(price),
    venue,
    startsAt,
    seat,
  }));

export type TicketBody = z.infer<typeof ticketBodySchema>;
