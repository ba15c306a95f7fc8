import type pg from 'pg';
// pg's own conversion of a JS value to the text it sends for a parameter (its typings leave it out).
const { prepareValue, escapeLiteral } = require('pg/lib/utils') as {
  prepareValue: (value: unknown) => unknown;
  escapeLiteral: (text: string) => string;
};

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows': number;
  'Actual Loops': number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

function addRowsRead(node: PlanNode, into: Record<string, number>): Record<string, number> {
  const table = node['Relation Name'];
  if (table) {
    const seen =
      node['Actual Rows'] + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0);
    into[table] = (into[table] ?? 0) + seen * node['Actual Loops'];
  }
  for (const child of node.Plans ?? []) addRowsRead(child, into);
  return into;
}

const explainRows = (plan: { 'QUERY PLAN': [{ Plan: PlanNode }] }) => addRowsRead(plan['QUERY PLAN'][0].Plan, {});

export interface RowsReadOptions {
  /** The statement runs with plannedWithValues, never prepared: only the plan for its values matters. */
  plannedWithValues?: boolean;
}

/**
 * Runs `sql` under EXPLAIN ANALYZE and answers how many rows its scans of each table went through, kept
 * or filtered out: a statement that should find a few rows by an index, but reads a whole table, shows
 * it here once the table holds more than a few rows (ANALYZE it first, so the planner knows).
 *
 * The services' pool prepares every statement with parameters, and PostgreSQL may give a prepared
 * statement a generic plan from its sixth call on, when that plan looks no dearer: so the statement is
 * prepared here and called six times, and each table's larger count of the first call (a plan for these
 * values) and the sixth (the plan PostgreSQL chose to keep) is answered. Only the sixth call's writes are
 * kept; calls two to five are planned, not run.
 */
export async function rowsRead(
  pool: pg.Pool,
  sql: string,
  params: unknown[],
  options: RowsReadOptions = {},
): Promise<Record<string, number>> {
  const client = await pool.connect();
  const explain = async (text: string, values?: unknown[]) =>
    explainRows((await client.query({ name: '', text: `EXPLAIN (ANALYZE, FORMAT JSON) ${text}`, values })).rows[0]);
  try {
    if (options.plannedWithValues) return await explain(sql, params);
    await client.query('BEGIN');
    await client.query(`PREPARE rows_read_statement AS ${sql}`);
    // EXECUTE takes no bound parameters: each value goes as a literal of the prepared parameter's type.
    const args = params.map((value) => {
      const text = prepareValue(value);
      return text === null ? 'NULL' : escapeLiteral(String(text));
    });
    const execute = `EXECUTE rows_read_statement${args.length ? `(${args.join(', ')})` : ''}`;
    await client.query('SAVEPOINT first_call');
    const first = await explain(execute);
    await client.query('ROLLBACK TO SAVEPOINT first_call');
    for (let call = 2; call <= 5; call += 1) await client.query(`EXPLAIN ${execute}`);
    const kept = await explain(execute);
    await client.query('DEALLOCATE rows_read_statement');
    await client.query('COMMIT');
    for (const [table, count] of Object.entries(first)) kept[table] = Math.max(kept[table] ?? 0, count);
    return kept;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
