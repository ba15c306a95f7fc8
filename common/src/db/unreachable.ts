/** Socket errors that say a dependency (the database, Redis) is not there, not that the work was wrong. */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'EAI_AGAIN',
]);
/** PostgreSQL's answers while it shuts down, restarts or is not accepting connections yet. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03']);
/** node-postgres and pg-pool say a connection went away, or none came, in words only. */
const UNREACHABLE_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Client has encountered a connection error and is not queryable$/,
];

/**
 * Whether `err` says a dependency could not be reached (PostgreSQL restarting, a dropped connection) rather
 * than that the request or the event was at fault: an outage to wait out, answered 503 to a request and
 * counted as a wait, not a failure, for an event.
 */
export function isDependencyUnreachable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  const sqlOrSocket = typeof code === 'string' ? code : '';
  return (
    UNREACHABLE_CODES.has(sqlOrSocket) ||
    UNAVAILABLE_SQLSTATES.has(sqlOrSocket) ||
    sqlOrSocket.startsWith('08') ||
    (typeof message === 'string' && UNREACHABLE_MESSAGES.some((pattern) => pattern.test(message)))
  );
}
