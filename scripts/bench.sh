#!/usr/bin/env bash
# `npm run bench`: the benchmarks of BENCHMARKS.md. Starts the servers, installs the peers it
# measures against (pgloader, pgcopydb and rclone from Debian, sling v1.4.5 built from the Go module
# proxy, cached) and n8n 1.x, builds the package, then runs bench/run.ts.
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

# sling v1.4.5 (B1b): its command is built through a module of our own that imports it (the machine
# notes: `go install` of it fails); about 15 minutes the first time.
CACHE="${DM_CACHE_DIR:-$HOME/.cache/n8n-nodes-data-migration}"
LOG_NAME=bench
source scripts/lib/install-cache.sh
SLING_VERSION=v1.4.5
sling_install() {
	mkdir -p "$1" && cd "$1"
	printf 'module dm.local/slingbuild\n\ngo 1.24\n' >go.mod
	printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/slingdata-io/sling-cli/cmd/sling"\n' >tools.go
	go get "github.com/slingdata-io/sling-cli@$SLING_VERSION"
	go mod tidy
	go build -o sling github.com/slingdata-io/sling-cli/cmd/sling
	cd - >/dev/null
}
# Built without release flags it calls itself "dev": the module version is read from the binary.
sling_verify() {
	"$1/sling" --version | grep -q Version && go version -m "$1/sling" | grep -Eq "sling-cli[[:space:]]+$SLING_VERSION[[:space:]]"
}
cached_install sling "$CACHE/sling-$SLING_VERSION" "$(install_fingerprint "sling@$SLING_VERSION" -- sling_install sling_verify)" sling_install sling_verify
export SLING_BIN="$CACHE/sling-$SLING_VERSION/sling" SLING_VERSION

bash scripts/n8n-install.sh 1 >/dev/null
exec npx tsx bench/run.ts
