/**
 * What an on-sale run did, judged from the buyers' side: every figure of the on-sale section is computed
 * here from what each buyer sent and got, so the judging is tested without a stack (verdict.test.ts).
 */

export interface Answer {
  status: number;
  body: unknown;
  /** When it was answered, ms after the on-sale opened. */
  atMs: number;
}

export interface Attempt {
  buyer: number;
  ticketId: string;
  /** When this buyer arrived and sent the order, ms after the on-sale opened. */
  arrivedMs: number;
  order: Answer;
  /** The payment of a held ticket, sent at once (`sentMs`), after `tries` tries. */
  payment?: Answer & { sentMs: number; tries: number };
}

export interface Verdict {
  buyers: number;
  ordersAnswered: number;
  held: number;
  /** 409s in DESIGN.md's error shape: `{ errors: [{ message }] }`. */
  clearConflicts: number;
  /** Answers that were neither 201 nor a clear 409 (5xx, other 4xx, a 409 without the shape), by status. */
  otherAnswers: Record<string, number>;
  serverErrors: number;
  /** Tickets that more than one buyer holds. */
  doubleSold: number;
  /** Tickets on sale that nobody got. */
  unsold: number;
  paid: number;
  allHeldMs: number;
  allPaidMs: number;
  allAnsweredMs: number;
  orderLatencyMs: { p50: number; p99: number };
  paymentLatencyMs: { p50: number; p99: number };
  /** Tickets whose holder is the first buyer who asked for it. */
  firstComeWins: number;
  /** Tickets someone held: the base of `firstComeWins`. */
  contested: number;
  /** Of the holders who were not first, how many buyers for that ticket arrived before them (the largest). */
  worstOvertaking: number;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1))];
}

const spread = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
};

export function isClearConflict(answer: Answer): boolean {
  if (answer.status !== 409) return false;
  const errors = (answer.body as { errors?: unknown } | null)?.errors;
  return (
    Array.isArray(errors) &&
    errors.length > 0 &&
    errors.every((e) => typeof (e as { message?: unknown })?.message === 'string' && (e as { message: string }).message)
  );
}

export function judge(ticketIds: string[], attempts: Attempt[]): Verdict {
  const otherAnswers: Record<string, number> = {};
  const count = (status: number | string) => (otherAnswers[status] = (otherAnswers[status] ?? 0) + 1);
  const holders = new Map<string, Attempt[]>();
  let clearConflicts = 0;
  for (const attempt of attempts) {
    if (attempt.order.status === 201)
      holders.set(attempt.ticketId, [...(holders.get(attempt.ticketId) ?? []), attempt]);
    else if (isClearConflict(attempt.order)) clearConflicts += 1;
    else count(attempt.order.status === 0 ? 'no answer' : attempt.order.status);
    if (attempt.payment && attempt.payment.status !== 201) count(`payment ${attempt.payment.status}`);
  }
  const held = attempts.filter((a) => a.order.status === 201);
  const paid = held.filter((a) => a.payment?.status === 201);

  let firstComeWins = 0;
  let worstOvertaking = 0;
  for (const [ticketId, [holder]] of holders) {
    const earlier = attempts.filter((a) => a.ticketId === ticketId && a.arrivedMs < holder.arrivedMs).length;
    if (earlier === 0) firstComeWins += 1;
    worstOvertaking = Math.max(worstOvertaking, earlier);
  }
  const serverErrors = attempts.filter(
    (a) => a.order.status >= 500 || (a.payment !== undefined && a.payment.status >= 500),
  ).length;
  const everyTicket = (some: Attempt[]) => ticketIds.every((id) => some.some((a) => a.ticketId === id));
  const latest = (values: number[]) => (values.length === 0 ? NaN : Math.max(...values));

  return {
    buyers: attempts.length,
    ordersAnswered: attempts.filter((a) => a.order.status > 0).length,
    held: held.length,
    clearConflicts,
    otherAnswers,
    serverErrors,
    doubleSold: [...holders.values()].filter((h) => h.length > 1).length,
    unsold: ticketIds.filter((id) => !holders.has(id)).length,
    paid: paid.length,
    // Until every ticket on sale was held (paid): undefined while one was not.
    allHeldMs: everyTicket(held) ? latest(held.map((a) => a.order.atMs)) : NaN,
    allPaidMs: everyTicket(paid) ? latest(paid.map((a) => a.payment!.atMs)) : NaN,
    allAnsweredMs: latest(attempts.map((a) => a.order.atMs)),
    orderLatencyMs: spread(attempts.map((a) => a.order.atMs - a.arrivedMs)),
    paymentLatencyMs: spread(paid.map((a) => a.payment!.atMs - a.payment!.sentMs)),
    firstComeWins,
    contested: holders.size,
    worstOvertaking,
  };
}

/** Everything that must hold whatever the machine: the run is wrong, not slow, if this is not empty. */
export function faults(verdict: Verdict, tickets: number): string[] {
  const found: string[] = [];
  if (verdict.ordersAnswered !== verdict.buyers)
    found.push(`${verdict.buyers - verdict.ordersAnswered} orders unanswered`);
  if (verdict.held !== tickets) found.push(`${verdict.held} orders held, not ${tickets}`);
  if (verdict.clearConflicts !== verdict.buyers - tickets)
    found.push(`${verdict.clearConflicts} clear 409s, not ${verdict.buyers - tickets}`);
  if (verdict.serverErrors > 0) found.push(`${verdict.serverErrors} 5xx`);
  if (verdict.doubleSold > 0) found.push(`${verdict.doubleSold} tickets double-sold`);
  if (verdict.unsold > 0) found.push(`${verdict.unsold} tickets unsold`);
  if (verdict.paid !== tickets) found.push(`${verdict.paid} paid, not ${tickets}`);
  return found;
}
