#!/usr/bin/env bash
# `npm run demo`: the product inside a real n8n (see scripts/demo/demo.ts). Installs what it needs
# first: the project's dependencies, PostgreSQL and MariaDB, the pinned n8n (once, checked on every run).
#   npm run demo -- --resume    rerun the last migration: every chunk is skipped as already done
#   npm run demo -- --stop      stop the demo's n8n
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
CACHE="${DM_CACHE_DIR:-$HOME/.cache/n8n-nodes-data-migration}"
if [ "${1:-}" != --stop ]; then
	if ! node -e "require('pg'); require('mysql2'); require('tsx/cjs')" 2>/dev/null; then
		echo "[demo] installing the project's dependencies (npm ci, about 20 s)" >&2
		npm ci --no-audit --no-fund >/dev/null
	fi
	if [ ! -f "$CACHE/n8n-1.123.81/.complete" ]; then
		echo "[demo] first run: n8n 1.123.81 is installed once into $CACHE (about 4 minutes; later runs reuse it)" >&2
	fi
	bash scripts/services.sh up postgres mariadb
fi
exec npx tsx scripts/demo/demo.ts "$@"
