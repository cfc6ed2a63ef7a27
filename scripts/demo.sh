#!/usr/bin/env bash
# The demo migration: starts the local services if needed, then migrates a generated MariaDB
# table to PostgreSQL and prints the report. `npm run demo -- --resume` reruns without reseeding.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
bash scripts/services.sh up postgres mariadb
exec npx tsx scripts/demo.ts "$@"
