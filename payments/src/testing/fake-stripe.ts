import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small Stripe-compatible HTTP server for tests: the real `stripe` SDK talks to it through
 * STRIPE_API_BASE. It implements what payments uses (PaymentIntents created and confirmed at once,
 * refunds), honours Idempotency-Key like Stripe (same key and parameters: the stored response is
 * replayed; same key, other parameters: idempotency_error), and records every request.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  idempotencyKey?: string;
  /** True when the response was a replay of a stored idempotent response. */
  replayed: boolean;
}

export interface FakePaymentIntent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: 'succeeded' | 'requires_action' | 'requires_payment_method';
  client_secret: string;
  payment_method: string;
  metadata: Record<string, string>;
  last_payment_error: null | { message: string };
  amount_refunded: number;
}

export interface FakeRefund {
  id: string;
  object: 'refund';
  payment_intent: string;
  amount: number;
  status: 'succeeded';
}

export interface FakeStripe {
  /** The value for STRIPE_API_BASE. */
  url: string;
  requests: RecordedRequest[];
  intents: Map<string, FakePaymentIntent>;
  refunds: FakeRefund[];
  /** PaymentIntents that moved money (created as succeeded, or completed after 3-D Secure). */
  charges(): FakePaymentIntent[];
  /** What the browser does after 3-D Secure: the intent succeeds. Returns it for a webhook event. */
  completeAuthentication(intentId: string): FakePaymentIntent;
  close(): Promise<void>;
}

const SUCCEEDING = new Set(['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']);
const DECLINING = new Set(['pm_card_chargeDeclined', 'pm_card_visa_chargeDeclined']);
const NEEDS_AUTHENTICATION = new Set(['pm_card_threeDSecure2Required', 'pm_card_authenticationRequired']);

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

type Reply = { status: number; body: unknown };

const stripeError = (status: number, error: Record<string, unknown>): Reply => ({ status, body: { error } });

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function metadataOf(params: Record<string, string>): Record<string, string> {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const match = /^metadata\[(.+)\]$/.exec(key);
    if (match) metadata[match[1]] = value;
  }
  return metadata;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const requests: RecordedRequest[] = [];
  const intents = new Map<string, FakePaymentIntent>();
  const refunds: FakeRefund[] = [];
  const charged: FakePaymentIntent[] = [];
  const idempotent = new Map<string, { fingerprint: string; reply: Reply }>();

  function createPaymentIntent(params: Record<string, string>): Reply {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount < 50) {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'amount_too_small',
        param: 'amount',
        message: 'Amount must be at least $0.50 usd',
      });
    }
    const method = params.payment_method;
    const known = SUCCEEDING.has(method) || DECLINING.has(method) || NEEDS_AUTHENTICATION.has(method);
    if (!known) {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'payment_method',
        message: `No such PaymentMethod: '${method}'`,
      });
    }
    const id = newId('pi');
    const intent: FakePaymentIntent = {
      id,
      object: 'payment_intent',
      amount,
      currency: params.currency,
      status: 'requires_payment_method',
      client_secret: `${id}_secret_${randomBytes(8).toString('hex')}`,
      payment_method: method,
      metadata: metadataOf(params),
      last_payment_error: null,
      amount_refunded: 0,
    };
    intents.set(id, intent);
    if (DECLINING.has(method)) {
      intent.last_payment_error = { message: 'Your card was declined.' };
      return stripeError(402, {
        type: 'card_error',
        code: 'card_declined',
        decline_code: 'generic_decline',
        message: 'Your card was declined.',
        payment_intent: intent,
      });
    }
    if (NEEDS_AUTHENTICATION.has(method)) {
      intent.status = 'requires_action';
      return { status: 200, body: intent };
    }
    intent.status = 'succeeded';
    charged.push(intent);
    return { status: 200, body: intent };
  }

  function createRefund(params: Record<string, string>): Reply {
    const intent = intents.get(params.payment_intent);
    if (!intent || intent.status !== 'succeeded') {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'payment_intent',
        message: 'No such payment_intent',
      });
    }
    if (intent.amount_refunded >= intent.amount) {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'charge_already_refunded',
        message: 'Charge has already been refunded.',
      });
    }
    const refund: FakeRefund = {
      id: newId('re'),
      object: 'refund',
      payment_intent: intent.id,
      amount: intent.amount,
      status: 'succeeded',
    };
    intent.amount_refunded = intent.amount;
    refunds.push(refund);
    return { status: 200, body: refund };
  }

  function route(method: string, path: string, params: Record<string, string>): Reply {
    if (method === 'POST' && path === '/v1/payment_intents') return createPaymentIntent(params);
    if (method === 'POST' && path === '/v1/refunds') return createRefund(params);
    return stripeError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path})`,
    });
  }

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    const params = Object.fromEntries(new URLSearchParams(raw));
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    let reply: Reply;
    let replayed = false;
    if (!String(req.headers.authorization ?? '').startsWith('Bearer sk_')) {
      reply = stripeError(401, { type: 'invalid_request_error', message: 'Invalid API Key provided' });
    } else if (idempotencyKey && idempotent.has(idempotencyKey)) {
      const stored = idempotent.get(idempotencyKey)!;
      replayed = stored.fingerprint === `${req.method} ${path} ${raw}`;
      reply = replayed
        ? stored.reply
        : stripeError(400, {
            type: 'idempotency_error',
            message:
              'Keys for idempotent requests can only be used with the same parameters they were first used with.',
          });
    } else {
      reply = route(req.method ?? 'GET', path, params);
      if (idempotencyKey) idempotent.set(idempotencyKey, { fingerprint: `${req.method} ${path} ${raw}`, reply });
    }
    requests.push({ method: req.method ?? 'GET', path, params, idempotencyKey, replayed });
    res.writeHead(reply.status, {
      'content-type': 'application/json',
      'request-id': newId('req'),
      ...(replayed ? { 'idempotent-replayed': 'true' } : {}),
    });
    res.end(JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    intents,
    refunds,
    charges: () => [...charged],
    completeAuthentication(intentId) {
      const intent = intents.get(intentId);
      if (!intent || intent.status !== 'requires_action')
        throw new Error(`${intentId} is not waiting for authentication`);
      intent.status = 'succeeded';
      charged.push(intent);
      return { ...intent };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
