#!/usr/bin/env bash
# Installs a real n8n into a cache folder outside the repo and prints its folder. The first run
# takes a few minutes (npm install, then sqlite3 and isolated-vm compiled from source); every
# later run re-checks the install in a few seconds and reinstalls it when the check fails or
# this script changed. Used by the workflow tests (n8n's own engine and base nodes), the e2e
# tests (the n8n CLI) and `npm run demo`.
#   bash scripts/n8n-install.sh 1    → n8n 1.123.81 on the machine's Node 20
#   bash scripts/n8n-install.sh 2    → n8n 2.41.1 on Node 24 (npm's node@24, also cached)
#   bash scripts/n8n-install.sh --check 1   only checks: exits 1 when the install is missing or broken
set -euo pipefail
if [ "${1:-}" = --check ]; then export INSTALL_CHECK_ONLY=1; shift; fi
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
LOG_NAME=n8n-install
# shellcheck source=lib/install-cache.sh
source "$HERE/lib/install-cache.sh"

CACHE="${DM_CACHE_DIR:-$HOME/.cache/n8n-nodes-data-migration}"
LINE="${1:-1}"
case "$LINE" in
1) VERSION="${N8N_V1_VERSION:-1.123.81}" ;;
2) VERSION="${N8N_V2_VERSION:-2.41.1}" ;;
*) log "usage: n8n-install.sh 1|2"; exit 2 ;;
esac
DIR="$CACHE/n8n-$VERSION"

node24_install() {
	(cd "$1" && echo '{"private":true}' >package.json && npm_with_scripts install --no-audit --no-fund node@24 >install.log 2>&1) ||
		{ tail -20 "$1/install.log" >&2; return 1; }
}
node24_verify() { "$1/node_modules/node/bin/node" --version | grep -q '^v24\.'; }

node_bin() { # the node binary this n8n line runs on
	if [ "$LINE" = 1 ]; then command -v node; return; fi
	local n24="$CACHE/node24"
	cached_install "Node 24 (npm's node@24)" "$n24" "$(install_fingerprint node@24 -- node24_install node24_verify)" node24_install node24_verify
	echo "$n24/node_modules/node/bin/node"
}

# The e2e tier drives n8n's editor in Debian's Chromium (playwright-core, no browser download).
if ! /usr/bin/chromium --version >/dev/null 2>&1; then
	if [ "$(id -u)" = 0 ]; then
		log "installing Chromium (Debian packages chromium, chromium-driver)"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
		/usr/bin/chromium --version >/dev/null || { log "Chromium was installed but does not start"; exit 1; }
	else
		log "the editor tests need /usr/bin/chromium: sudo apt-get install chromium chromium-driver"
	fi
fi

NODE="$(node_bin)"
NODE_DIR="$(dirname "$NODE")"

n8n_install() {
	local dir="$1"
	log "n8n $VERSION: npm install, then sqlite3 and isolated-vm compiled (first time only: about 3 minutes)"
	# n8n's own dependency tree needs these pins to install and start on this Node line.
	cat >"$dir/package.json" <<JSON
{
  "private": true,
  "dependencies": { "n8n": "$VERSION" },
  "overrides": { "xlsx": "0.18.5", "isolated-vm": "5.0.4", "@langchain/langgraph-checkpoint": "1.0.0" }
}
JSON
	[ "$LINE" = 2 ] && sed -i 's/"isolated-vm": "5.0.4", //' "$dir/package.json"
	# Dependencies' install scripts stay off (they download prebuilt binaries, which this network
	# refuses); the two native modules n8n needs are compiled explicitly, with scripts enabled.
	(cd "$dir" && PATH="$NODE_DIR:$PATH" npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps >"$dir/install.log" 2>&1) ||
		{ log "npm install failed, see $dir/install.log"; tail -20 "$dir/install.log" >&2; return 1; }
	local natives=(sqlite3)
	[ -d "$dir/node_modules/isolated-vm" ] && natives+=(isolated-vm)
	(cd "$dir" && PATH="$NODE_DIR:$PATH" npm_with_scripts rebuild --foreground-scripts "${natives[@]}" >>"$dir/install.log" 2>&1) ||
		{ log "npm rebuild ${natives[*]} failed, see $dir/install.log"; tail -20 "$dir/install.log" >&2; return 1; }
	echo "$NODE" >"$dir/.node"
}

# Runs in the caller's environment (under `npm test`, with its npm_config_* variables): the native
# modules load on this Node, and the CLI starts and reports the pinned version.
n8n_verify() {
	local dir="$1"
	[ "$(cat "$dir/.node")" = "$NODE" ] || { echo "installed for $(cat "$dir/.node"), not $NODE"; return 1; }
	(cd "$dir" && "$NODE" -e "require('sqlite3'); if (require('fs').existsSync('node_modules/isolated-vm')) require('isolated-vm'); console.log('native modules load')") || return 1
	local printed
	printed="$(cd "$dir" && PATH="$NODE_DIR:$PATH" "$NODE" node_modules/n8n/bin/n8n --version 2>&1 | tail -1)"
	[ "$printed" = "$VERSION" ] || { echo "n8n --version printed: $printed"; return 1; }
	echo "n8n $printed"
}

cached_install "n8n $VERSION" "$DIR" "$(install_fingerprint "n8n@$VERSION" "$NODE" -- n8n_install n8n_verify)" n8n_install n8n_verify
echo "$DIR"
