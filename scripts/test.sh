#!/usr/bin/env bash
# `npm test`: every tier against real servers. Installs what it needs first, from cold too: the
# project's dependencies, the test services (scripts/services.sh), n8n 1.123.81 (scripts/n8n-install.sh).
# Arguments go to jest, e.g. `npm test -- --selectProjects unit`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
if ! node -e "require('jest/package.json'); require('ts-jest/package.json'); require('pg')" 2>/dev/null; then
	echo "[test] installing the project's dependencies (npm ci, about 20 s)" >&2
	npm ci --no-audit --no-fund >/dev/null
fi
bash scripts/services.sh up
bash scripts/n8n-install.sh 1 >/dev/null
exec npx jest "$@"
