import type pg from 'pg';

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

/**
 * Runs `sql` under EXPLAIN ANALYZE and answers how many rows its scans of each table went through, kept
 * or filtered out: a statement that should find a few rows by an index, but reads a whole table, shows
 * it here once the table holds more than a few rows (ANALYZE it first, so the planner knows).
 */
export async function rowsRead(pool: pg.Pool, sql: string, params: unknown[]): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
    params,
  );
  return addRowsRead(rows[0]['QUERY PLAN'][0].Plan, {});
}
