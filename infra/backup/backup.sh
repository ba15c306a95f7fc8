#!/usr/bin/env bash
# Logical backup of one service's database: infra/backup/backup.sh <DATABASE_URL> <dump file>
# A custom-format pg_dump (compressed, restorable table by table) without owners or grants, so it
# restores into a database whose user has another name. pg_dump must be of the server's major version
# or newer (docs/deploy.md "Backup and restore" runs it in the postgres image of that version).
set -euo pipefail
if [ $# -ne 2 ]; then
  echo "usage: $0 <DATABASE_URL> <dump file>" >&2
  exit 2
fi
url=$1
out=$2
tmp="$out.partial"
# Never leave a truncated dump under the final name.
trap 'rm -f "$tmp"' EXIT
pg_dump --dbname="$url" --format=custom --no-owner --no-privileges --file="$tmp"
mv "$tmp" "$out"
echo "backup: wrote $out ($(wc -c <"$out") bytes)"
