import { isVisibleText, ticketBodySchema } from './ticket-body';

const FAMILY = '\u{1F468}\u200D\u{1F469}\u200D\u{1F467}'; // 👨‍👩‍👧: three emoji joined by ZWJ
const SCOTLAND = '\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}'; // a flag of tag characters (Cf)

/** The first error the API would answer for a body (parseRequest keeps one per field). */
function firstError(body: Record<string, unknown>): { field: string; message: string } | undefined {
  const result = ticketBodySchema.safeParse({ title: 'Gig', price: 10, ...body });
  if (result.success) return undefined;
  const [issue] = result.error.issues;
  return { field: issue.path.join('.'), message: issue.message };
}

describe('text a reader can see', () => {
  it.each([
    ['empty', ''],
    ['spaces', '   '],
    ['a no-break space', '\u00A0'],
    ['two zero-width spaces', '\u200B\u200B'],
    ['a zero-width joiner and non-joiner', '\u200D\u200C'],
    ['a byte order mark', '\uFEFF'],
    ['word joiner, soft hyphen and direction marks among spaces', ' \u2060\u00AD\u200E\u200F '],
  ])('is blank when it is %s', (_what, text) => {
    expect(isVisibleText(text)).toBe(false);
  });

  it.each([
    ['a letter', 'a'],
    ['a digit between zero-width spaces', '\u200B1\u200B'],
    ['an emoji joined by ZWJ', FAMILY],
    ['a flag made of tag characters', SCOTLAND],
    ['a CJK title', '東京'],
  ])('is visible when it has %s', (_what, text) => {
    expect(isVisibleText(text)).toBe(true);
  });
});

describe('a ticket body', () => {
  it.each([
    ['empty', ''],
    ['all spaces', '   '],
    ['two zero-width spaces', '\u200B\u200B'],
    ['a BOM and a zero-width joiner between spaces', ' \uFEFF\u200D '],
  ])('refuses a title that is %s as required', (_what, title) => {
    expect(firstError({ title })).toEqual({ field: 'title', message: 'Title is required' });
  });

  it.each([
    ['a right-to-left override', 'Gig a\u202Eb'],
    ['a left-to-right embedding', 'Gig \u202Aa'],
    ['a first-strong isolate', 'Gig \u2068a\u2069'],
  ])('refuses a title with %s, which reorders what a reader sees', (_what, title) => {
    expect(firstError({ title })).toEqual({ field: 'title', message: 'Title must not contain control characters' });
  });

  it('takes the direction marks U+200E and U+200F inside a title (mixed-direction names need them)', () => {
    expect(firstError({ title: 'Gig \u200Fשלום\u200E live' })).toBeUndefined();
  });

  it('refuses a venue of format characters alone as empty', () => {
    expect(firstError({ venue: '\u200B \u2060' })).toEqual({ field: 'venue', message: 'Venue must not be empty' });
  });

  it('reads a seat of format characters alone as no seat, like a blank one', () => {
    expect(ticketBodySchema.parse({ title: 'Gig', price: 10, seat: '\u200B\u200B' }).seat).toBeNull();
  });

  it('keeps format characters inside visible text, an emoji sequence unchanged', () => {
    const title = `Family day ${FAMILY} at the zoo ${SCOTLAND}`;
    const body = ticketBodySchema.parse({ title: `  ${title} `, price: 10, venue: `Hall ${FAMILY}`, seat: 'A\u200B1' });
    expect(body).toEqual(expect.objectContaining({ title, venue: `Hall ${FAMILY}`, seat: 'A\u200B1' }));
  });
});
