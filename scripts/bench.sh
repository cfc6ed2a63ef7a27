#!/usr/bin/env bash
# `npm run bench`: the benchmarks of BENCHMARKS.md. Starts the servers, installs the peers it
# measures against (pgloader from Debian) and n8n 1.x, builds the package, then runs bench/run.ts.
# Environment: BENCH_ROWS (1000000), BENCH_RUNS (3), BENCH_MONGO_DOCS (20000), BENCH_ONLY (B1,…,B8).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash scripts/services.sh up postgres mariadb redis ferretdb
for peer in pgloader pgcopydb rclone; do
	if ! command -v "$peer" >/dev/null; then
		echo "[bench] installing $peer (Debian package)" >&2
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$peer" >/dev/null
	fi
	command -v "$peer" >/dev/null || { echo "[bench] $peer did not install" >&2; exit 1; }
done
bash scripts/n8n-install.sh 1 >/dev/null
exec npx tsx bench/run.ts
