import { AckPolicy, jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import pg from 'pg';
import type { Stack } from '@microtick/devstack';
import { payoutViolations } from './payout-invariants';

/**
 * The marketplace's invariants, read straight from each service's database after a run. Each entry is
 * a list of violations (empty when the invariant holds), so a failure shows exactly which rows are wrong.
 */
export interface InvariantReport {
  counts: Record<string, number>;
  violations: Record<string, string[]>;
}

export async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** Every message a listener gave up on, with the consumer and the reason it recorded. */
async function deadLetters(natsUrl: string): Promise<string[]> {
  const nc = await connect({ servers: natsUrl });
  try {
    const jsm = await jetstreamManager(nc);
    const info = await jsm.consumers.add('MICROTICK', {
      ack_policy: AckPolicy.None,
      filter_subject: 'deadletter.>',
      inactive_threshold: 30_000_000_000,
    });
    const consumer = await jetstream(nc).consumers.get('MICROTICK', info.name);
    const letters: string[] = [];
    for await (const c of jsm.consumers.list('MICROTICK')) {
      if (c.config.durable_name && (c.num_ack_pending > 0 || c.num_pending > 0 || c.num_redelivered > 0)) {
        console.log(
          `consumer ${c.config.durable_name}: pending ${c.num_pending}, ack pending ${c.num_ack_pending}, redelivered ${c.num_redelivered}, waiting ${c.num_waiting}`,
        );
      }
    }
    for (;;) {
      const msg = await consumer.next({ expires: 1000 });
      if (!msg) return letters;
      letters.push(`${msg.headers?.get('MicroTick-Consumer')}: ${msg.headers?.get('MicroTick-Reason')}`);
    }
  } finally {
    await nc.close();
  }
}

/**
 * What the load saw: orders whose payment was answered 201, orders its buyers asked to cancel (whatever
 * the answer), and the hold cap the stack ran with.
 */
export interface LoadSeen {
  paidOrderIds: string[];
  cancelledOrderIds: string[];
  maxOpenOrders: number;
}

/** The most orders each buyer held open at the same moment, from when each was placed and closed. */
function mostHeldAtOnce(orders: { user_id: string; created_at: Date; closed_at: Date | null }[]) {
  const moments = new Map<string, [number, number][]>();
  for (const o of orders) {
    const list = moments.get(o.user_id) ?? [];
    list.push([o.created_at.getTime(), 1]);
    if (o.closed_at) list.push([o.closed_at.getTime(), -1]);
    moments.set(o.user_id, list);
  }
  const most = new Map<string, number>();
  for (const [buyer, list] of moments) {
    // A close and a placement at the same instant: the close first.
    list.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let open = 0;
    for (const [, change] of list) {
      open += change;
      most.set(buyer, Math.max(most.get(buyer) ?? 0, open));
    }
  }
  return most;
}

export async function checkInvariants(
  stack: Pick<Stack, 'databaseUrl' | 'infra'>,
  seen: LoadSeen = { paidOrderIds: [], cancelledOrderIds: [], maxOpenOrders: 5 },
): Promise<InvariantReport> {
  const [tickets, ticketReplica, orders, orderReplica, payments, outboxes, payouts] = await Promise.all([
    query<{ id: string; status: string; order_id: string | null; version: number; hidden_before_start: boolean }>(
      stack.databaseUrl('tickets'),
      `SELECT id, status, order_id, version,
         event_started AND (starts_at IS NULL OR starts_at > now()) AS hidden_before_start FROM tickets`,
    ),
    query<{ id: string; status: string; order_id: string | null; version: number }>(
      stack.databaseUrl('orders'),
      'SELECT id, status, order_id, version FROM tickets',
    ),
    query<{
      id: string;
      user_id: string;
      ticket_id: string;
      status: string;
      cancel_reason: string | null;
      expired: boolean;
      version: number;
      created_at: Date;
      closed_at: Date | null;
    }>(
      stack.databaseUrl('orders'),
      `SELECT id, user_id, ticket_id, status, cancel_reason, expires_at < now() - interval '2 seconds' AS expired,
         version, created_at, closed_at FROM orders`,
    ),
    query<{ id: string; status: string; version: number }>(
      stack.databaseUrl('payments'),
      'SELECT id, status, version FROM orders',
    ),
    query<{ order_id: string; status: string; provider_refund_id: string | null }>(
      stack.databaseUrl('payments'),
      'SELECT order_id, status, provider_refund_id FROM payments',
    ),
    Promise.all(
      (['tickets', 'orders', 'payments'] as const).map(async (s) => ({
        service: s,
        pending: (await query<{ n: number }>(stack.databaseUrl(s), 'SELECT count(*)::int AS n FROM outbox'))[0].n,
      })),
    ),
    payoutViolations(stack),
  ]);

  const v: Record<string, string[]> = {
    'no ticket has two open or complete orders': [],
    'every order is terminal or still inside its window': [],
    'every complete order has exactly one successful payment': [],
    'no order was charged twice without a refund': [],
    'every paid order that was cancelled was refunded once': [],
    "every ticket's state agrees with its orders": [],
    'the orders replica of every ticket matches the ticket (each event applied once)': [],
    'the payments replica of every order matches the order (each event applied once)': [],
    'every payment answered 201 ends complete with its ticket sold': [],
    'every charge pays a complete order, or was refunded for a reason': [],
    'no buyer held more open orders than the cap': [],
    'every outbox is drained': [],
    // The list's indexes leave out tickets marked event_started: a mark before the start hides a ticket on sale.
    'no ticket is marked as started before its start': tickets
      .filter((t) => t.hidden_before_start)
      .map((t) => `${t.id}: ${t.status}`),
    'no event was dead-lettered': await deadLetters(stack.infra.nats),
    ...payouts.violations,
  };

  const activeByTicket = new Map<string, typeof orders>();
  for (const order of orders) {
    if (order.status === 'created' || order.status === 'complete') {
      activeByTicket.set(order.ticket_id, [...(activeByTicket.get(order.ticket_id) ?? []), order]);
    }
    if (order.status === 'created' && order.expired)
      v['every order is terminal or still inside its window'].push(order.id);
  }
  for (const [ticketId, active] of activeByTicket) {
    if (active.length > 1)
      v['no ticket has two open or complete orders'].push(`${ticketId}: ${active.map((o) => o.id).join(', ')}`);
  }

  const paymentsByOrder = new Map<string, typeof payments>();
  for (const p of payments) paymentsByOrder.set(p.order_id, [...(paymentsByOrder.get(p.order_id) ?? []), p]);
  for (const order of orders) {
    const charges = paymentsByOrder.get(order.id) ?? [];
    const succeeded = charges.filter((c) => c.status === 'succeeded');
    if (order.status === 'complete' && succeeded.length !== 1) {
      v['every complete order has exactly one successful payment'].push(`${order.id}: ${succeeded.length} succeeded`);
    }
    if (charges.some((c) => c.status === 'refund_pending') || succeeded.length > 1) {
      v['no order was charged twice without a refund'].push(`${order.id}: ${charges.map((c) => c.status).join(', ')}`);
    }
    if (order.status === 'cancelled' && charges.some((c) => c.status !== 'refunded' || !c.provider_refund_id)) {
      v['every paid order that was cancelled was refunded once'].push(
        `${order.id}: ${charges.map((c) => c.status).join(', ')}`,
      );
    }
  }

  const ordersById = new Map(orders.map((o) => [o.id, o]));
  for (const ticket of tickets) {
    const active = activeByTicket.get(ticket.id)?.[0];
    const expected = !active
      ? { status: 'available', order_id: null }
      : { status: active.status === 'complete' ? 'sold' : 'reserved', order_id: active.id };
    if (ticket.status !== expected.status || ticket.order_id !== expected.order_id) {
      v["every ticket's state agrees with its orders"].push(
        `${ticket.id}: ${ticket.status}/${ticket.order_id} but orders say ${expected.status}/${expected.order_id}` +
          (ticket.order_id ? ` (order ${ordersById.get(ticket.order_id)?.status ?? 'unknown'})` : ''),
      );
    }
  }

  const replicaById = new Map(ticketReplica.map((t) => [t.id, t]));
  for (const ticket of tickets) {
    const replica = replicaById.get(ticket.id);
    if (
      !replica ||
      replica.version !== ticket.version ||
      replica.status !== ticket.status ||
      replica.order_id !== ticket.order_id
    ) {
      v['the orders replica of every ticket matches the ticket (each event applied once)'].push(
        `${ticket.id}: v${ticket.version} ${ticket.status} vs replica ${replica ? `v${replica.version} ${replica.status}` : 'missing'}`,
      );
    }
  }
  const paymentReplicaById = new Map(orderReplica.map((o) => [o.id, o]));
  for (const order of orders) {
    const replica = paymentReplicaById.get(order.id);
    if (!replica || replica.version !== order.version || replica.status !== order.status) {
      v['the payments replica of every order matches the order (each event applied once)'].push(
        `${order.id}: v${order.version} ${order.status} vs replica ${replica ? `v${replica.version} ${replica.status}` : 'missing'}`,
      );
    }
  }
  const ticketsById = new Map(tickets.map((t) => [t.id, t]));
  const cancelledByBuyer = new Set(seen.cancelledOrderIds);
  // Including those whose buyer cancelled at the same time: payments judges both, and a 201 always wins.
  for (const orderId of seen.paidOrderIds) {
    const order = ordersById.get(orderId);
    const ticket = order && ticketsById.get(order.ticket_id);
    const complete = order?.status === 'complete' && ticket?.status === 'sold' && ticket.order_id === orderId;
    if (!complete) {
      v['every payment answered 201 ends complete with its ticket sold'].push(
        `${orderId}: order ${order ? `${order.status}/${order.cancel_reason}` : 'missing'}, ticket ${ticket?.status}/${ticket?.order_id}`,
      );
    }
  }
  for (const [orderId, charges] of paymentsByOrder) {
    const order = ordersById.get(orderId);
    const paidByAnother = charges.some((c) => c.status === 'succeeded');
    for (const charge of charges) {
      // The reasons a charge may be refunded: another charge paid the order, or its buyer cancelled it
      // while the payment was in flight. An expired order's charge has none: the window waits for it.
      const explained =
        charge.status === 'succeeded'
          ? order?.status === 'complete'
          : charge.status === 'refunded' &&
            ((order?.status === 'complete' && paidByAnother) || order?.cancel_reason === 'buyer');
      if (!explained) {
        v['every charge pays a complete order, or was refunded for a reason'].push(
          `${orderId}: charge ${charge.status}, order ${order ? `${order.status}/${order.cancel_reason}` : 'missing'}`,
        );
      }
    }
  }
  for (const [buyer, most] of mostHeldAtOnce(orders)) {
    if (most > seen.maxOpenOrders) v['no buyer held more open orders than the cap'].push(`${buyer}: ${most}`);
  }
  for (const { service, pending } of outboxes)
    if (pending > 0) v['every outbox is drained'].push(`${service}: ${pending}`);

  const count = (status: string) => orders.filter((o) => o.status === status).length;
  return {
    counts: {
      tickets: tickets.length,
      orders: orders.length,
      complete: count('complete'),
      cancelled: count('cancelled'),
      open: count('created'),
      'tickets sold': tickets.filter((t) => t.status === 'sold').length,
      'charges succeeded': payments.filter((p) => p.status === 'succeeded').length,
      'charges refunded': payments.filter((p) => p.status === 'refunded').length,
      'payments answered 201 whose buyer cancelled': seen.paidOrderIds.filter((id) => cancelledByBuyer.has(id)).length,
      ...payouts.counts,
    },
    violations: v,
  };
}

export const allHold = (report: InvariantReport) => Object.values(report.violations).every((list) => list.length === 0);

/** A session cookie copied before its sign-out, sent to a service some time after the 204. */
export interface RevokedSessionProbe {
  service: string;
  signedOutAt: number;
  sentAt: number;
  status: number;
}

/** After nats-server is back, clients reconnect and relays retry on their 500 ms rhythms. */
const BUS_RECOVERY_MS = 5_000;

/**
 * Every service refuses (401) a signed-out session from one second after the sign-out on (DESIGN.md),
 * unless nats-server was down in between or came back less than BUS_RECOVERY_MS before: then a
 * revocation waits in auth's outbox until the bus is back (docs/decisions.md), and the bound is 15
 * seconds (sign-outs 0.3-1.5 s after a restart were measured reaching services 1.0-1.2 s later). A replica killed or restarted does not excuse a
 * late acceptance: the other replica serves meanwhile, and a replica replays the revocations before it
 * answers. Profiled under this run's load, revocations reached every running replica 10-400 ms after
 * sign-out. A late acceptance names the last fault before its sign-out.
 */
export function revokedSessionsAccepted(
  probes: RevokedSessionProbe[],
  faults: { victim: string; from: number; to: number }[],
): string[] {
  return probes
    .filter((p) => p.status !== 401)
    .filter((p) => {
      const after = p.sentAt - p.signedOutAt;
      const busDown = faults.some(
        (f) => f.victim === 'nats' && f.from <= p.sentAt && f.to + BUS_RECOVERY_MS >= p.signedOutAt,
      );
      return after >= (busDown ? 15_000 : 1_000);
    })
    .map((p) => {
      const last = faults.filter((f) => f.to <= p.signedOutAt).at(-1);
      const since = last ? ` (${p.signedOutAt - last.to} ms after ${last.victim} was restarted)` : '';
      return `${p.service} answered ${p.status} ${p.sentAt - p.signedOutAt} ms after sign-out${since}`;
    });
}
