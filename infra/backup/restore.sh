#!/usr/bin/env bash
# Restores a dump from backup.sh into an EMPTY database: infra/backup/restore.sh <dump file> <DATABASE_URL>
# One transaction: on any error nothing is restored. Restore into a new database and point the service
# at it (docs/deploy.md "Backup and restore"), rather than over the live one.
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 <dump file> <DATABASE_URL>" >&2
  exit 2
fi
dump=$1
url=$2
tables=$(psql --dbname="$url" --no-psqlrc --tuples-only --no-align \
  --command="SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")
if [ "$tables" != "0" ]; then
  echo "restore: the target database already has $tables tables; restore into an empty database" >&2
  exit 1
fi
pg_restore --dbname="$url" --no-owner --no-privileges --single-transaction --exit-on-error "$dump"
echo "restore: $dump restored"
