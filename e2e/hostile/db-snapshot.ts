import pg from 'pg';

/** Row count and a checksum of the contents of every table of a database, keyed `db.schema.table`. */
export async function snapshotDatabases(urls: Record<string, string>): Promise<Record<string, string>> {
  const snapshot: Record<string, string> = {};
  for (const [name, url] of Object.entries(urls)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows: tables } = await client.query<{ schemaname: string; tablename: string }>(
        "SELECT schemaname, tablename FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2",
      );
      for (const { schemaname, tablename } of tables) {
        const table = `${client.escapeIdentifier(schemaname)}.${client.escapeIdentifier(tablename)}`;
        const { rows } = await client.query<{ n: number; sum: string | null }>(
          `SELECT count(*)::int AS n, md5(string_agg(t::text, ',' ORDER BY t::text)) AS sum FROM ${table} t`,
        );
        snapshot[`${name}.${schemaname}.${tablename}`] = `${rows[0].n} rows, md5 ${rows[0].sum ?? '-'}`;
      }
    } finally {
      await client.end();
    }
  }
  return snapshot;
}

/** How many rows wait in the outboxes: the relays have published everything when this is 0. */
export async function pendingOutboxRows(urls: Record<string, string>): Promise<number> {
  let pending = 0;
  for (const url of Object.values(urls)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows: exists } = await client.query("SELECT to_regclass('outbox') IS NOT NULL AS yes");
      if (!exists[0].yes) continue;
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox');
      pending += rows[0].n;
    } finally {
      await client.end();
    }
  }
  return pending;
}
