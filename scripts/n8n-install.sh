#!/usr/bin/env bash
# Installs a real n8n into a cache folder outside the repo (once; later runs take a second) and
# prints its folder. Used by the in-process workflow tests (n8n's own engine and base nodes) and
# by the end-to-end tests (the n8n CLI).
#   bash scripts/n8n-install.sh 1    → n8n 1.123.81 on the machine's Node 20
#   bash scripts/n8n-install.sh 2    → n8n 2.41.1 on Node 24 (npm's node@24, also cached)
set -euo pipefail

CACHE="${DM_CACHE_DIR:-$HOME/.cache/n8n-nodes-data-migration}"
LINE="${1:-1}"
log() { printf '[n8n-install] %s\n' "$*" >&2; }

case "$LINE" in
1) VERSION="${N8N_V1_VERSION:-1.123.81}" ;;
2) VERSION="${N8N_V2_VERSION:-2.41.1}" ;;
*) log "usage: n8n-install.sh 1|2"; exit 2 ;;
esac
DIR="$CACHE/n8n-$VERSION"

node_bin() { # the node binary this n8n line runs on
	if [ "$LINE" = 1 ]; then command -v node; return; fi
	local n24="$CACHE/node24"
	if [ ! -x "$n24/node_modules/node/bin/node" ]; then
		log "installing Node 24 from npm (node@24) into $n24"
		mkdir -p "$n24" && (cd "$n24" && echo '{"private":true}' >package.json && npm install --no-audit --no-fund node@24 >/dev/null)
	fi
	echo "$n24/node_modules/node/bin/node"
}

# The e2e tier drives n8n's editor in Debian's Chromium (playwright-core, no browser download).
if [ ! -x /usr/bin/chromium ]; then
	if [ "$(id -u)" = 0 ]; then
		log "installing Chromium (Debian packages chromium, chromium-driver)"
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null
	else
		log "the editor tests need /usr/bin/chromium: sudo apt-get install chromium chromium-driver"
	fi
fi

NODE="$(node_bin)"
if [ ! -f "$DIR/.complete" ]; then
	log "installing n8n $VERSION into $DIR (first time only, a few minutes)"
	rm -rf "$DIR" && mkdir -p "$DIR"
	# n8n's own dependency tree needs these pins to install and start on this Node line.
	cat >"$DIR/package.json" <<JSON
{
  "private": true,
  "dependencies": { "n8n": "$VERSION" },
  "overrides": { "xlsx": "0.18.5", "isolated-vm": "5.0.4", "@langchain/langgraph-checkpoint": "1.0.0" }
}
JSON
	[ "$LINE" = 2 ] && sed -i 's/"isolated-vm": "5.0.4", //' "$DIR/package.json"
	NODE_DIR="$(dirname "$NODE")"
	(cd "$DIR" && PATH="$NODE_DIR:$PATH" npm install --no-audit --no-fund --ignore-scripts --legacy-peer-deps >"$DIR/install.log" 2>&1) ||
		{ log "npm install failed, see $DIR/install.log"; tail -20 "$DIR/install.log" >&2; exit 1; }
	(cd "$DIR" && PATH="$NODE_DIR:$PATH" npm rebuild sqlite3 isolated-vm >>"$DIR/install.log" 2>&1) ||
		{ log "npm rebuild failed, see $DIR/install.log"; tail -20 "$DIR/install.log" >&2; exit 1; }
	echo "$NODE" >"$DIR/.node"
	touch "$DIR/.complete"
fi
echo "$DIR"
