import pg from 'pg';

// BIGINT (int8) columns hold counts and cents that fit comfortably in a JS number.
pg.types.setTypeParser(20, (value) => Number(value));

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

/** Statement texts that get a prepared name, per process: texts built with varying parts stay unnamed past it. */
export const MAX_PREPARED_STATEMENTS = 500;
const preparedNames = new Map<string, string>();

function preparedNameFor(text: string): string | undefined {
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < MAX_PREPARED_STATEMENTS) {
    name = `prepared-${preparedNames.size + 1}`;
    preparedNames.set(text, name);
  }
  return name;
}

type QueryArguments = [config: unknown, values?: unknown, callback?: unknown];

/** A statement with parameters gets a name for its text, unless it has one; anything else passes as it came. */
export function withPreparedName(...[config, values, callback]: QueryArguments): QueryArguments {
  if (typeof config === 'string' && Array.isArray(values)) {
    const name = preparedNameFor(config);
    return name ? [{ name, text: config, values }, undefined, callback] : [config, values, callback];
  }
  if (typeof config !== 'object' || config === null || 'submit' in config) return [config, values, callback];
  const { name, text, values: own } = config as pg.QueryConfig;
  if (name !== undefined || typeof text !== 'string' || !(Array.isArray(own) || Array.isArray(values))) {
    return [config, values, callback];
  }
  const prepared = preparedNameFor(text);
  return [prepared ? { ...config, name: prepared } : config, values, callback];
}

/**
 * A statement whose best plan depends on its values, run unnamed so that PostgreSQL plans it with them at
 * every call. A named statement gets a generic plan from its sixth call on when that plan looks no dearer,
 * and for a search it does not: with 100,000 tickets a rare word took 4 ms with the trigram index, then
 * 140 ms from the sixth call, the generic plan reading the list in order and filtering every row
 * (docs/performance.md, tenth round). An empty name is pg's unnamed statement; withPreparedName keeps it.
 */
export const plannedWithValues = <Q extends { text: string; values: unknown[] }>(query: Q): Q & { name: '' } => ({
  ...query,
  name: '',
});

/**
 * A client that prepares each parameterised statement once per connection, so PostgreSQL parses and
 * plans it once instead of at every call: an event applied in a transaction cost PostgreSQL 0.50 ms of
 * CPU with unnamed statements and 0.31 ms with prepared ones (docs/performance.md, fifth round).
 */
class PreparingClient extends pg.Client {}
const unpreparedQuery = pg.Client.prototype.query as (...args: QueryArguments) => unknown;
(PreparingClient.prototype as unknown as { query: (...args: QueryArguments) => unknown }).query = function (
  this: pg.Client,
  ...args: QueryArguments
) {
  return unpreparedQuery.apply(this, withPreparedName(...args));
};

/**
 * A connection pool. A connection that the server drops (a restart, a shutdown) emits 'error': on the pool
 * while it is idle, and on its client while it is checked out, where pg-pool does not listen. Both go to
 * onConnectionError instead of crashing the process as an unhandled 'error' event (the tickets service
 * died so when PostgreSQL was killed under it). The pool discards that connection and
 * opens a new one when needed; the query that uses a broken one fails, and its request is answered 503.
 */
export function createPool(
  connectionString: string,
  max = 10,
  onConnectionError: (err: Error) => void = () => undefined,
): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    Client: PreparingClient,
  });
  pool.on('connect', (client) => client.on('error', onConnectionError));
  // pg-pool passes an idle client's error on to the pool as well: its own listener has reported it.
  pool.on('error', () => undefined);
  return pool;
}

/**
 * pool.query, but an error the server answered with (a unique violation, say) keeps the connection.
 * pg-pool's query() closes the connection on any error, so every 409 of a contended ticket cost a new
 * PostgreSQL backend: 50 buyers on one ticket took 200 ms instead of 30 (measured). Use it where errors
 * are an expected answer; connection-level errors still discard the connection.
 */
export async function queryKeepingConnection<R extends pg.QueryResultRow = pg.QueryResultRow>(
  pool: pg.Pool,
  query: pg.QueryConfig,
): Promise<pg.QueryResult<R>> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    return await client.query<R>(query);
  } catch (err) {
    if (!(err instanceof pg.DatabaseError)) broken = err as Error;
    throw err;
  } finally {
    client.release(broken);
  }
}

const commitHooks = new WeakMap<pg.ClientBase, (() => void)[]>();

/** Runs fn once the transaction `client` is in commits (only inside withTransaction); dropped on rollback. */
export function afterCommit(client: pg.ClientBase, fn: () => void): void {
  commitHooks.set(client, [...(commitHooks.get(client) ?? []), fn]);
}

/** Runs fn inside BEGIN/COMMIT, rolling back on any error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    for (const hook of commitHooks.get(client) ?? []) hook();
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    commitHooks.delete(client);
    client.release();
  }
}

export const UNIQUE_VIOLATION = '23505';
export const isUniqueViolation = (err: unknown, constraint?: string): boolean =>
  typeof err === 'object' &&
  err !== null &&
  (err as { code?: string }).code === UNIQUE_VIOLATION &&
  (constraint === undefined || (err as { constraint?: string }).constraint === constraint);
