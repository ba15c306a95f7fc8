import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A small Stripe-compatible HTTP server for tests: the real `stripe` SDK talks to it through
 * STRIPE_API_BASE. It implements what payments uses (PaymentIntents created and confirmed at once,
 * refunds; Connect: Express accounts, onboarding links, transfers and their reversals), honours Idempotency-Key like Stripe (same key and parameters: the stored response is
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
  /** The charge a transfer's source_transaction names; set once the intent succeeds. */
  latest_charge: string | null;
}

export interface FakeAccount {
  id: string;
  object: 'account';
  type: string;
  capabilities: { transfers: 'inactive' | 'active' };
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  metadata: Record<string, string>;
}

export interface FakeTransferReversal {
  id: string;
  object: 'transfer_reversal';
  amount: number;
  transfer: string;
}

export interface FakeTransfer {
  id: string;
  object: 'transfer';
  amount: number;
  amount_reversed: number;
  currency: string;
  destination: string;
  source_transaction: string;
  transfer_group: string | null;
  metadata: Record<string, string>;
  reversed: boolean;
  reversals: { object: 'list'; data: FakeTransferReversal[] };
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
  accounts: Map<string, FakeAccount>;
  /** Every transfer made (never a replayed response), in order. */
  transfers: FakeTransfer[];
  reversals: FakeTransferReversal[];
  /** What the seller does on Stripe's onboarding pages: the account can receive transfers. Returns it for account.updated. */
  completeOnboarding(accountId: string): FakeAccount;
  /** A webhook delivery of `object` as Stripe signs it with `secret`: the body and its Stripe-Signature header. */
  signedEvent(type: string, object: unknown, secret: string): { payload: string; signature: string };
  close(): Promise<void>;
}

const SUCCEEDING = new Set(['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']);
const DECLINING = new Set(['pm_card_chargeDeclined', 'pm_card_visa_chargeDeclined']);
const NEEDS_AUTHENTICATION = new Set(['pm_card_threeDSecure2Required', 'pm_card_authenticationRequired']);

const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

type Reply = { status: number; body: unknown };

const stripeError = (status: number, error: Record<string, unknown>): Reply => ({ status, body: { error } });

/** Stripe's refusal of a request it cannot act on: an invalid_request_error, naming the parameter at fault. */
const invalidRequest = (message: string, details: { code?: string; param?: string } = {}, status = 400): Reply =>
  stripeError(status, { type: 'invalid_request_error', ...details, message });

const missing = (param: string, message: string) => invalidRequest(message, { code: 'resource_missing', param });

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
  const accounts = new Map<string, FakeAccount>();
  const transfers: FakeTransfer[] = [];
  const reversals: FakeTransferReversal[] = [];
  let baseUrl = '';

  function createPaymentIntent(params: Record<string, string>): Reply {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount < 50) {
      return invalidRequest('Amount must be at least $0.50 usd', { code: 'amount_too_small', param: 'amount' });
    }
    const method = params.payment_method;
    const known = SUCCEEDING.has(method) || DECLINING.has(method) || NEEDS_AUTHENTICATION.has(method);
    if (!known) {
      return missing('payment_method', `No such PaymentMethod: '${method}'`);
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
      latest_charge: null,
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
    intent.latest_charge = newId('ch');
    charged.push(intent);
    return { status: 200, body: intent };
  }

  function createAccount(params: Record<string, string>): Reply {
    const account: FakeAccount = {
      id: newId('acct'),
      object: 'account',
      type: params.type ?? 'express',
      capabilities: { transfers: 'inactive' },
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      metadata: metadataOf(params),
    };
    accounts.set(account.id, account);
    return { status: 200, body: account };
  }

  function createAccountLink(params: Record<string, string>): Reply {
    if (!accounts.has(params.account)) return missing('account', `No such account: '${params.account}'`);
    if (!params.return_url || !params.refresh_url) {
      return invalidRequest('Missing return_url', { param: 'return_url' });
    }
    return {
      status: 200,
      body: {
        object: 'account_link',
        created: Math.floor(Date.now() / 1000),
        expires_at: Math.floor(Date.now() / 1000) + 300,
        url: `${baseUrl}/connect/setup/${params.account}`,
      },
    };
  }

  function createTransfer(params: Record<string, string>): Reply {
    const amount = Number(params.amount);
    const account = accounts.get(params.destination);
    if (!account) return missing('destination', `No such destination: '${params.destination}'`);
    if (account.capabilities.transfers !== 'active') {
      return invalidRequest('Your destination account needs to have the transfers capability enabled.', {
        code: 'insufficient_capabilities_for_transfer',
      });
    }
    const source = charged.find((i) => i.latest_charge === params.source_transaction);
    if (!source) return missing('source_transaction', `No such charge: '${params.source_transaction}'`);
    const alreadyTransferred = transfers
      .filter((t) => t.source_transaction === source.latest_charge)
      .reduce((sum, t) => sum + t.amount, 0);
    if (!Number.isInteger(amount) || amount <= 0 || alreadyTransferred + amount > source.amount) {
      return invalidRequest('The transfer amount exceeds what remains of the source transaction.', { param: 'amount' });
    }
    const transfer: FakeTransfer = {
      id: newId('tr'),
      object: 'transfer',
      amount,
      amount_reversed: 0,
      currency: params.currency,
      destination: account.id,
      source_transaction: source.latest_charge!,
      transfer_group: params.transfer_group ?? null,
      metadata: metadataOf(params),
      reversed: false,
      reversals: { object: 'list', data: [] },
    };
    transfers.push(transfer);
    return { status: 200, body: transfer };
  }

  function reverseTransfer(transferId: string): Reply {
    const transfer = transfers.find((t) => t.id === transferId);
    if (!transfer) return missing('id', `No such transfer: '${transferId}'`);
    if (transfer.reversed) {
      return invalidRequest('Transfer has already been fully reversed.');
    }
    const reversal: FakeTransferReversal = {
      id: newId('trr'),
      object: 'transfer_reversal',
      amount: transfer.amount - transfer.amount_reversed,
      transfer: transfer.id,
    };
    transfer.amount_reversed = transfer.amount;
    transfer.reversed = true;
    transfer.reversals.data.unshift(reversal);
    reversals.push(reversal);
    return { status: 200, body: reversal };
  }

  function createRefund(params: Record<string, string>): Reply {
    const intent = intents.get(params.payment_intent);
    if (!intent || intent.status !== 'succeeded') {
      return missing('payment_intent', 'No such payment_intent');
    }
    if (intent.amount_refunded >= intent.amount) {
      return invalidRequest('Charge has already been refunded.', { code: 'charge_already_refunded' });
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
    if (method === 'POST' && path === '/v1/accounts') return createAccount(params);
    if (method === 'POST' && path === '/v1/account_links') return createAccountLink(params);
    if (method === 'POST' && path === '/v1/transfers') return createTransfer(params);
    const [, resource, id, sub] = path.split('/').slice(1);
    if (method === 'GET' && resource === 'payment_intents' && id && !sub) {
      const intent = intents.get(id);
      return intent ? { status: 200, body: intent } : missing('intent', `No such payment_intent: '${id}'`);
    }
    if (method === 'GET' && resource === 'accounts' && id && !sub) {
      const account = accounts.get(id);
      return account ? { status: 200, body: account } : missing('account', `No such account: '${id}'`);
    }
    if (method === 'POST' && resource === 'transfers' && id && sub === 'reversals') return reverseTransfer(id);
    return invalidRequest(`Unrecognized request URL (${method}: ${path})`, {}, 404);
  }

  const server = http.createServer(async (req, res) => {
    const raw = await readBody(req);
    const path = (req.url ?? '/').split('?')[0];
    const params = Object.fromEntries(new URLSearchParams(raw));
    const idempotencyKey = req.headers['idempotency-key'] as string | undefined;
    let reply: Reply;
    let replayed = false;
    if (!String(req.headers.authorization ?? '').startsWith('Bearer sk_')) {
      reply = invalidRequest('Invalid API Key provided', {}, 401);
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
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    requests,
    intents,
    refunds,
    charges: () => [...charged],
    completeAuthentication(intentId) {
      const intent = intents.get(intentId);
      if (!intent || intent.status !== 'requires_action')
        throw new Error(`${intentId} is not waiting for authentication`);
      intent.status = 'succeeded';
      intent.latest_charge = newId('ch');
      charged.push(intent);
      return { ...intent };
    },
    accounts,
    transfers,
    reversals,
    completeOnboarding(accountId) {
      const account = accounts.get(accountId);
      if (!account) throw new Error(`no account ${accountId}`);
      Object.assign(account, {
        capabilities: { transfers: 'active' },
        charges_enabled: true,
        payouts_enabled: true,
        details_submitted: true,
      });
      return structuredClone(account);
    },
    signedEvent(type, object, secret) {
      const payload = JSON.stringify({
        id: newId('evt'),
        object: 'event',
        type,
        created: Math.floor(Date.now() / 1000),
        data: { object },
      });
      return { payload, signature: Stripe.webhooks.generateTestHeaderString({ payload, secret }) };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
