import nodemailer from 'nodemailer';
import { z } from 'zod';
import type { Logger } from '../logger';

/** An email with both parts: every client can read the plain text, most show the HTML. */
export interface Email {
  to: string;
  subject: string;
  text: string;
  html: string;
  /**
   * The Message-ID header; set it to one derived from what the email is about (not random) so that a
   * copy sent again after a crash carries the same id and mail clients show it once.
   */
  messageId?: string;
}

/** Escapes text for an HTML part, for every value an email interpolates. */
export const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c as '&']);

export interface Mailer {
  send(email: Email): Promise<void>;
  /**
   * Composes and sends after the caller has answered its request (undefined: nothing to send), so the
   * answer cannot reveal whether there was anything to send; a failure is logged.
   */
  sendInBackground(compose: () => Promise<Email | undefined>): void;
  /** Waits for background sends in flight, then closes the SMTP connections. */
  close(): Promise<void>;
}

/**
 * What a service that sends email reads: SMTP_URL (smtp:// with STARTTLS when the server offers it, or
 * smtps:// for implicit TLS; credentials in the URL, percent-encoded), the sender, and the public origin
 * that links in emails point to (never taken from a request's Host header, which a client controls).
 */
export const mailConfig = {
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .refine((url) => URL.canParse(url), 'must be an smtp:// or smtps:// URL'),
  MAIL_FROM: z.string().min(3).default('MicroTick <no-reply@localhost>'),
  APP_URL: z
    .string()
    .regex(/^https?:\/\/[^\s/]+$/, 'must be the site origin, like https://tickets.example.com (no path)'),
};

const SMTP_TIMEOUT_MS = 15_000;

/** Sends through one pooled SMTP connection set (nodemailer), reconnecting as needed. */
export function createMailer(options: { url: string; from: string; logger: Logger }): Mailer {
  const transport = nodemailer.createTransport({
    url: options.url,
    pool: true,
    maxConnections: 2,
    connectionTimeout: SMTP_TIMEOUT_MS,
    greetingTimeout: SMTP_TIMEOUT_MS,
    socketTimeout: SMTP_TIMEOUT_MS,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const inFlight = new Set<Promise<void>>();
  const send = async (email: Email) => {
    const info = await transport.sendMail({ from: options.from, ...email });
    options.logger.info({ messageId: info.messageId }, 'email sent');
  };
  return {
    send,
    sendInBackground(compose) {
      const job = compose()
        .then((email) => email && send(email))
        .catch((err: unknown) => options.logger.error({ err }, 'email not sent'))
        .finally(() => inFlight.delete(job));
      inFlight.add(job);
    },
    async close() {
      await Promise.all(inFlight);
      transport.close();
    },
  };
}
