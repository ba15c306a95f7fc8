import { escapeHtml, formatEventStart, formatInZone, formatPrice, fromCents, type Email } from '@microtick/common';
import type { EmailKind } from '../rules';
import type { OrderStory } from '../store/orders';

/** A story whose recipient, ticket and (for a receipt) payment are known: see missingFor in rules.ts. */
export type ReadyStory = OrderStory & { ticket: NonNullable<OrderStory['ticket']> };

interface Message {
  subject: string;
  lines: string[];
  details: [label: string, value: string][];
  link: { href: string; label: string };
  closing: string;
}

/** Amounts and times exactly as the web client shows them (common/src/display, shared with it). */
const money = (cents: number) => formatPrice(fromCents(cents));
const when = (date: Date) => formatInZone(date.toISOString(), 'UTC');

function eventDetails(ticket: ReadyStory['ticket']): [string, string][] {
  return [
    ['Ticket', ticket.title],
    ...(ticket.venue ? [['Venue', ticket.venue] as [string, string]] : []),
    ...(ticket.startsAt ? [['Starts', formatEventStart(ticket.startsAt)] as [string, string]] : []),
    ...(ticket.seat ? [['Seat', ticket.seat] as [string, string]] : []),
  ];
}

function message(kind: EmailKind, story: ReadyStory, appUrl: string): Message {
  const { ticket } = story;
  switch (kind) {
    case 'receipt':
      return {
        subject: `Your receipt for ${ticket.title}`,
        lines: ['Thank you for your order. Your payment went through and the ticket is yours.'],
        details: [
          ...eventDetails(ticket),
          ['Paid', money(story.payment!.amountCents)],
          ['Paid on', when(story.payment!.paidAt)],
          ['Order', story.id],
        ],
        link: { href: `${appUrl}/orders/${story.id}`, label: 'See your order' },
        closing: 'Keep this email as your receipt.',
      };
    case 'sold':
      return {
        subject: `Your ticket sold: ${ticket.title}`,
        lines: [
          `Good news: your ticket sold for ${money(story.priceCents)}.`,
          // Payments, not this service, knows the fee and the seller's account: the Get paid page shows both.
          'Your share, less the platform fee, is transferred to your payout account. If you have not connected one yet, connect it on the Get paid page to receive the money.',
        ],
        details: [...eventDetails(ticket), ['Price', money(story.priceCents)], ['Sold on', when(story.closedAt!)]],
        link: { href: `${appUrl}/get-paid`, label: 'See your earnings' },
        closing: 'Thank you for selling on MicroTick.',
      };
    case 'hold-expired':
      return {
        subject: `Your hold on ${ticket.title} expired`,
        lines: [
          `Your hold ended at ${when(story.expiresAt)} before the order was paid, so nothing was charged and the ticket is for sale again.`,
        ],
        details: [...eventDetails(ticket), ['Price', money(story.priceCents)]],
        link: { href: `${appUrl}/tickets/${ticket.id}`, label: 'See the ticket' },
        // Orders refuses the same buyer this ticket for a cool-down after letting it go (decisions.md).
        closing: 'If it is still for sale, you can order it again after a short wait.',
      };
  }
}

/**
 * The email of `kind` about an order, in plain text and HTML. Its Message-ID names the kind and the
 * order, so the rare copy sent again after a crash is the same message to a mail client.
 */
export function composeEmail(kind: EmailKind, story: ReadyStory, to: string, appUrl: string): Email {
  const m = message(kind, story, appUrl);
  const text = [
    ...m.lines,
    '',
    ...m.details.map(([label, value]) => `${label}: ${value}`),
    '',
    `${m.link.label}: ${m.link.href}`,
    '',
    m.closing,
  ].join('\n');
  const rows = m.details
    .map(
      ([label, value]) =>
        `<tr><th align="left" style="padding-right:1em">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`,
    )
    .join('\n');
  const html = `<!doctype html><html><body style="font-family:system-ui,sans-serif;line-height:1.5">
${m.lines.map((line) => `<p>${escapeHtml(line)}</p>`).join('\n')}
<table>
${rows}
</table>
<p><a href="${escapeHtml(m.link.href)}" style="display:inline-block;padding:.6em 1.2em;background:#1d4ed8;color:#fff;text-decoration:none;border-radius:4px">${escapeHtml(m.link.label)}</a></p>
<p>${escapeHtml(m.closing)}</p>
</body></html>`;
  return { to, subject: m.subject, text, html, messageId: `<${kind}.${story.id}@${new URL(appUrl).hostname}>` };
}
