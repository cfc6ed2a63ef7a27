#!/usr/bin/env bash
# Starts, stops or reports the test services: PostgreSQL, MariaDB, FerretDB (MongoDB wire
# protocol), MinIO (S3), Redis (n8n's queue mode), and the platforms Redmine, Gitea and Parse Server. Idempotent: a service already answering is used as it is;
# a missing one is installed (Debian packages / Go module proxy) and started.
# Settings come from the environment, with the defaults below.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LOG_NAME=services
# shellcheck source=lib/install-cache.sh
source "$ROOT/scripts/lib/install-cache.sh"
CACHE="${DM_CACHE_DIR:-$HOME/.cache/n8n-nodes-data-migration}"
RUN="$CACHE/run"
mkdir -p "$RUN"

PGHOST="${PGHOST:-127.0.0.1}"; PGPORT="${PGPORT:-5432}"; PGUSER="${PGUSER:-postgres}"; PGDATABASE="${PGDATABASE:-test}"
MYSQL_HOST="${MYSQL_HOST:-127.0.0.1}"; MYSQL_PORT="${MYSQL_PORT:-3306}"; MYSQL_USER="${MYSQL_USER:-root}"; MYSQL_DATABASE="${MYSQL_DATABASE:-test}"
MONGO_HOST="${MONGO_HOST:-127.0.0.1}"; MONGO_PORT="${MONGO_PORT:-27017}"
REDIS_HOST="${REDIS_HOST:-127.0.0.1}"; REDIS_PORT="${REDIS_PORT:-6379}"
S3_HOST="${S3_HOST:-127.0.0.1}"; S3_PORT="${S3_PORT:-9000}"
S3_ACCESS_KEY="${S3_ACCESS_KEY:-minioadmin}"; S3_SECRET_KEY="${S3_SECRET_KEY:-minioadmin}"
FERRETDB_VERSION="v1.24.2"
FERRETDB_PGDATABASE="${FERRETDB_PGDATABASE:-ferretdb}"

port_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }
wait_port() { # host port name seconds
	local i
	for ((i = 0; i < ${4:-60} * 4; i++)); do port_open "$1" "$2" && return 0; sleep 0.25; done
	log "$3 did not start on $1:$2 (log: $RUN/$3.log)"; tail -20 "$RUN/$3.log" >&2 2>/dev/null || true
	return 1
}
apt_install() {
	if [ "$(id -u)" != 0 ]; then log "need root to apt-get install $*"; return 1; fi
	if [ ! -f "$RUN/apt-updated" ]; then DEBIAN_FRONTEND=noninteractive apt-get update -qq && touch "$RUN/apt-updated"; fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

postgres_up() {
	if port_open "$PGHOST" "$PGPORT"; then ensure_pg_database; return; fi
	command -v pg_ctlcluster >/dev/null || { log "installing PostgreSQL (Debian package)"; apt_install postgresql; }
	local version; version="$(ls /etc/postgresql | sort -V | tail -1)"
	local hba="/etc/postgresql/$version/main/pg_hba.conf"
	# Tests connect over TCP without a password, as on the CI machines.
	if ! grep -q '^host all all 127.0.0.1/32 trust' "$hba"; then
		sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
	fi
	log "starting PostgreSQL $version"
	pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
	wait_port "$PGHOST" "$PGPORT" postgres 60
	touch "$RUN/postgres.started-by-us"
	ensure_pg_database
}
ensure_pg_database() { # creates $PGDATABASE if missing
	command -v psql >/dev/null || return 0
	psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -Atqc "select 1 from pg_database where datname='$PGDATABASE'" | grep -q 1 ||
		psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qc "create database \"$PGDATABASE\""
}

mariadb_up() {
	if port_open "$MYSQL_HOST" "$MYSQL_PORT"; then ensure_mysql_database; return; fi
	command -v mariadbd >/dev/null || [ -x /usr/sbin/mariadbd ] || { log "installing MariaDB (Debian package)"; apt_install mariadb-server; }
	log "starting MariaDB"
	mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
	start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
	wait_port "$MYSQL_HOST" "$MYSQL_PORT" mariadb 60
	touch "$RUN/mariadb.started-by-us"
	# Debian's root authenticates by unix socket only; tests connect over TCP with no password.
	mariadb -uroot -e "ALTER USER root@localhost IDENTIFIED VIA mysql_native_password USING PASSWORD('') OR unix_socket; FLUSH PRIVILEGES;" 2>/dev/null || true
	ensure_mysql_database
}
ensure_mysql_database() {
	command -v mariadb >/dev/null || return 0
	mariadb -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$MYSQL_USER" ${MYSQL_PASSWORD:+-p"$MYSQL_PASSWORD"} -e "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\`"
}

# n8n's queue mode (the scale-out e2e tier): Bull's queue in Redis. Debian's redis-server, kept in memory only.
redis_up() {
	if port_open "$REDIS_HOST" "$REDIS_PORT"; then return; fi
	command -v redis-server >/dev/null || { log "installing Redis (Debian package redis-server)"; apt_install redis-server; }
	redis-server --version >/dev/null || { log "redis-server does not run after its install"; return 1; }
	log "starting Redis on $REDIS_HOST:$REDIS_PORT"
	redis-server --bind "$REDIS_HOST" --port "$REDIS_PORT" --save '' --appendonly no --daemonize yes \
		--pidfile "$RUN/redis.pid" --logfile "$RUN/redis.log"
	wait_port "$REDIS_HOST" "$REDIS_PORT" redis 30
}

go_bin() { # ensures Go is on PATH
	export PATH="$PATH:/usr/local/go/bin"
	command -v go >/dev/null || { log "installing Go (Debian package golang)"; apt_install golang; }
}

free_port() { node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })"; }

# Starts BIN ARGS… on a spare port (an argument ending in :PORT) with a scratch data folder (the
# argument DATA), checks that it listens, stops it and removes the folder.
starts_and_listens() {
	local port data arg args=(); port="$(free_port)"; data="$(mktemp -d)"
	for arg in "$@"; do
		[ "$arg" = DATA ] && arg="$data"
		args+=("${arg/%:PORT/:$port}")
	done
	"${args[@]}" &
	local pid=$! ok=1 i
	for ((i = 0; i < 120; i++)); do
		if port_open 127.0.0.1 "$port"; then ok=0; break; fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.25
	done
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
	rm -rf "$data"
	[ "$ok" = 0 ] && echo "listened on port $port" || echo "did not listen on port $port"
	return "$ok"
}

ferretdb_install() {
	go_bin
	log "building FerretDB $FERRETDB_VERSION (embedded, see scripts/ferretdb/main.go; a minute or two once)"
	local build="$1/build"
	mkdir -p "$build"
	cp "$ROOT/scripts/ferretdb/main.go" "$ROOT/scripts/ferretdb/go.mod" "$ROOT/scripts/ferretdb/go.sum" "$build/"
	(cd "$build" && go build -o "$1/ferretdb-server" .) && rm -rf "$build"
}
# The binary starts and takes connections (SQLite backend in a scratch folder: no PostgreSQL needed).
ferretdb_verify() { starts_and_listens "$1/ferretdb-server" --listen 127.0.0.1:PORT --dir DATA; }

FERRETDB_DIR="$CACHE/ferretdb-$FERRETDB_VERSION"
ferretdb_ensure() {
	local sources; sources="$(cat "$ROOT"/scripts/ferretdb/{main.go,go.mod,go.sum} | sha256sum | cut -c1-16)"
	cached_install "FerretDB $FERRETDB_VERSION" "$FERRETDB_DIR" "$(install_fingerprint "$FERRETDB_VERSION" "$sources" -- ferretdb_install ferretdb_verify starts_and_listens)" ferretdb_install ferretdb_verify
}

ferretdb_up() {
	if port_open "$MONGO_HOST" "$MONGO_PORT"; then return; fi
	ferretdb_ensure
	# FerretDB stores its data in PostgreSQL (its primary backend; the SQLite one stalls under concurrent clients).
	PGDATABASE="$FERRETDB_PGDATABASE" ensure_pg_database
	log "starting FerretDB on $MONGO_HOST:$MONGO_PORT (data in PostgreSQL database $FERRETDB_PGDATABASE)"
	nohup "$FERRETDB_DIR/ferretdb-server" --listen "$MONGO_HOST:$MONGO_PORT" \
		--postgresql-url "postgres://$PGUSER@$PGHOST:$PGPORT/$FERRETDB_PGDATABASE" >"$RUN/ferretdb.log" 2>&1 &
	echo $! >"$RUN/ferretdb.pid"
	wait_port "$MONGO_HOST" "$MONGO_PORT" ferretdb 60
}

minio_install() {
	go_bin
	log "installing MinIO from the Go module proxy (about 3 minutes once)"
	GOBIN="$1" go install github.com/minio/minio@latest
}
minio_verify() {
	"$1/minio" --version | grep -q 'minio version' || return 1
	MINIO_ROOT_USER=verify MINIO_ROOT_PASSWORD=verify-secret MINIO_BROWSER=off starts_and_listens "$1/minio" server DATA --address 127.0.0.1:PORT --quiet
}

MINIO_DIR="$CACHE/minio"
minio_ensure() {
	cached_install MinIO "$MINIO_DIR" "$(install_fingerprint minio@latest -- minio_install minio_verify starts_and_listens)" minio_install minio_verify
}

minio_up() {
	if port_open "$S3_HOST" "$S3_PORT"; then return; fi
	minio_ensure
	log "starting MinIO on $S3_HOST:$S3_PORT"
	mkdir -p "$CACHE/minio-data"
	MINIO_ROOT_USER="$S3_ACCESS_KEY" MINIO_ROOT_PASSWORD="$S3_SECRET_KEY" MINIO_BROWSER=off \
		nohup "$MINIO_DIR/minio" server "$CACHE/minio-data" --address "$S3_HOST:$S3_PORT" --quiet >"$RUN/minio.log" 2>&1 &
	echo $! >"$RUN/minio.pid"
	wait_port "$S3_HOST" "$S3_PORT" minio 120
}

GITEA_VERSION="v1.27.3"
GITEA_HOST="${GITEA_HOST:-127.0.0.1}"; GITEA_PORT="${GITEA_PORT:-3100}"
GITEA_ADMIN="${GITEA_ADMIN:-dmadmin}"; GITEA_ADMIN_PASSWORD="${GITEA_ADMIN_PASSWORD:-dm-admin-Secret1}"
# Gitea's go.mod names its module gitea.dev, so `go install code.gitea.io/gitea@…` refuses it: the
# module is downloaded, copied and built in place (pure Go; it keeps the copy for its templates).
gitea_install() {
	go_bin
	log "building Gitea $GITEA_VERSION from the Go module proxy (10–20 minutes once)"
	local module
	module="$(cd "$1" && go mod download -json "code.gitea.io/gitea@$GITEA_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
	[ -d "$module" ] || { log "go mod download gave no module folder"; return 1; }
	cp -r "$module" "$1/src" && chmod -R u+w "$1/src"
	(cd "$1/src" && CGO_ENABLED=0 nice go build -mod=mod -trimpath -ldflags "-X main.Version=${GITEA_VERSION#v}" -o "$1/gitea" .)
}
gitea_verify() { "$1/gitea" --version | grep -q "${GITEA_VERSION#v}"; }
GITEA_DIR="$CACHE/gitea-$GITEA_VERSION"
gitea_ensure() {
	cached_install "Gitea $GITEA_VERSION" "$GITEA_DIR" "$(install_fingerprint "$GITEA_VERSION" -- gitea_install gitea_verify)" gitea_install gitea_verify
}
gitea() { "$GITEA_DIR/gitea" --config "$RUN/gitea/app.ini" --work-path "$CACHE/gitea-data" "$@"; }
gitea_up() {
	if port_open "$GITEA_HOST" "$GITEA_PORT"; then return; fi
	gitea_ensure
	PGDATABASE=gitea ensure_pg_database
	mkdir -p "$RUN/gitea" "$CACHE/gitea-data"
	# Its own database in PostgreSQL (the pure-Go build has no SQLite); no mail, no SSH, no outside calls.
	cat >"$RUN/gitea/app.ini" <<INI
APP_NAME = Gitea (data migration tests)
RUN_MODE = prod
RUN_USER = $(id -un)
I_AM_BEING_UNSAFE_RUNNING_AS_ROOT = true
WORK_PATH = $CACHE/gitea-data
[server]
PROTOCOL = http
HTTP_ADDR = $GITEA_HOST
HTTP_PORT = $GITEA_PORT
ROOT_URL = http://$GITEA_HOST:$GITEA_PORT/
STATIC_ROOT_PATH = $GITEA_DIR/src
DISABLE_SSH = true
OFFLINE_MODE = true
LFS_START_SERVER = false
[database]
DB_TYPE = postgres
HOST = $PGHOST:$PGPORT
NAME = gitea
USER = $PGUSER
PASSWD =
SSL_MODE = disable
[security]
INSTALL_LOCK = true
SECRET_KEY = dm-tests-only-secret-key
[service]
DISABLE_REGISTRATION = true
REQUIRE_SIGNIN_VIEW = false
[repository]
ROOT = $CACHE/gitea-data/repositories
[attachment]
MAX_SIZE = 8
ALLOWED_TYPES = */*
[api]
MAX_RESPONSE_ITEMS = 100
[log]
MODE = file
LEVEL = Warn
ROOT_PATH = $RUN/gitea
[mailer]
ENABLED = false
[cron]
ENABLED = false
INI
	gitea migrate >"$RUN/gitea-migrate.log" 2>&1 || { tail -20 "$RUN/gitea-migrate.log" >&2; return 1; }
	gitea admin user create --username "$GITEA_ADMIN" --password "$GITEA_ADMIN_PASSWORD" --email "$GITEA_ADMIN@example.test" \
		--admin --must-change-password=false >>"$RUN/gitea-migrate.log" 2>&1 || grep -q 'already exists' "$RUN/gitea-migrate.log"
	log "starting Gitea $GITEA_VERSION on $GITEA_HOST:$GITEA_PORT (admin $GITEA_ADMIN; tests make their own tokens)"
	nohup "$GITEA_DIR/gitea" --config "$RUN/gitea/app.ini" --work-path "$CACHE/gitea-data" web >"$RUN/gitea.log" 2>&1 &
	echo $! >"$RUN/gitea.pid"
	wait_port "$GITEA_HOST" "$GITEA_PORT" gitea 120
}

REDMINE_HOST="${REDMINE_HOST:-127.0.0.1}"; REDMINE_PORT="${REDMINE_PORT:-3200}"
REDMINE_APP=/usr/share/redmine
# Debian's Redmine 5.0 on SQLite under Thin. The REST API is switched on, attachments up to 20 MB
# are allowed, and the admin's API key is written to $RUN/redmine.key for the tests (which seed
# their own projects through the API). No notification mails: each was a job on a thread of its own
# reading SQLite while the next request wrote, which SQLite answered "database is locked" (a 500).
# Bumped when the settings below change: a running Redmine set up by an older version gets them too.
REDMINE_SETUP=2
redmine_up() {
	if port_open "$REDMINE_HOST" "$REDMINE_PORT" && [ -s "$RUN/redmine.key" ] &&
		[ "$(cat "$RUN/redmine.setup" 2>/dev/null)" = "$REDMINE_SETUP" ]; then return; fi
	if [ ! -x "$REDMINE_APP/bin/rails" ]; then
		log "installing Redmine (Debian packages redmine redmine-sqlite thin, about 2 minutes once)"
		apt_install redmine redmine-sqlite thin
	fi
	(cd "$REDMINE_APP" && bin/rails runner -e production \
		'Setting.rest_api_enabled = "1"; Setting.attachment_max_size = "20480"; Setting.notified_events = []; u = User.find_by_login("admin"); u.update_columns(must_change_passwd: false); puts u.api_key' \
		>"$RUN/redmine.key.tmp" 2>"$RUN/redmine-setup.log") || { tail -20 "$RUN/redmine-setup.log" >&2; return 1; }
	tail -1 "$RUN/redmine.key.tmp" | grep -Eq '^[0-9a-f]{40}$' || { log "Redmine gave no API key (see $RUN/redmine-setup.log)"; return 1; }
	tail -1 "$RUN/redmine.key.tmp" >"$RUN/redmine.key" && rm -f "$RUN/redmine.key.tmp"
	echo "$REDMINE_SETUP" >"$RUN/redmine.setup"
	port_open "$REDMINE_HOST" "$REDMINE_PORT" && return
	log "starting Redmine on $REDMINE_HOST:$REDMINE_PORT"
	(cd "$REDMINE_APP" && nohup bin/rails server -e production -b "$REDMINE_HOST" -p "$REDMINE_PORT" -P "$RUN/redmine.pid" >"$RUN/redmine.log" 2>&1 &)
	wait_port "$REDMINE_HOST" "$REDMINE_PORT" redmine 120
}

PARSE_VERSION="8.6.94"
PARSE_HOST="${PARSE_HOST:-127.0.0.1}"; PARSE_PORT="${PARSE_PORT:-1337}"
PARSE_APP_ID="${PARSE_APP_ID:-dm-app}"; PARSE_MASTER_KEY="${PARSE_MASTER_KEY:-dm-master-key}"
# Parse Server from npm, on PostgreSQL (database parse), files on disk: the second platform destination.
parse_install() {
	log "installing Parse Server $PARSE_VERSION from npm (about a minute once)"
	echo '{"name":"dm-parse-server","private":true}' >"$1/package.json"
	(cd "$1" && npm install "parse-server@$PARSE_VERSION" --no-audit --no-fund --ignore-scripts --loglevel=error >/dev/null)
}
parse_verify() { [ -f "$1/node_modules/parse-server/package.json" ] && grep -q "\"version\": \"$PARSE_VERSION\"" "$1/node_modules/parse-server/package.json" && node -e "require('$1/node_modules/pg-promise')"; }
PARSE_DIR="$CACHE/parse-server-$PARSE_VERSION"
parse_ensure() {
	cached_install "Parse Server $PARSE_VERSION" "$PARSE_DIR" "$(install_fingerprint "$PARSE_VERSION" -- parse_install parse_verify)" parse_install parse_verify
}
parse_up() {
	if port_open "$PARSE_HOST" "$PARSE_PORT"; then return; fi
	parse_ensure
	PGDATABASE=parse ensure_pg_database
	mkdir -p "$RUN/parse" "$CACHE/parse-files"
	cat >"$RUN/parse/config.json" <<JSON
{"appId": "$PARSE_APP_ID", "masterKey": "$PARSE_MASTER_KEY", "masterKeyIps": ["127.0.0.1", "::1"],
 "databaseURI": "postgres://$PGUSER@$PGHOST:$PGPORT/parse", "port": $PARSE_PORT, "mountPath": "/parse",
 "serverURL": "http://$PARSE_HOST:$PARSE_PORT/parse", "allowClientClassCreation": false,
 "filesAdapter": {"module": "@parse/fs-files-adapter", "options": {"filesSubDirectory": "dm"}}}
JSON
	log "starting Parse Server $PARSE_VERSION on $PARSE_HOST:$PARSE_PORT (/parse)"
	(cd "$CACHE/parse-files" && nohup node "$PARSE_DIR/node_modules/parse-server/bin/parse-server" "$RUN/parse/config.json" >"$RUN/parse.log" 2>&1 & echo $! >"$RUN/parse.pid")
	wait_port "$PARSE_HOST" "$PARSE_PORT" parse 60
}

stop_pid() {
	local f="$RUN/$1.pid"
	[ -f "$f" ] || return 0
	kill "$(cat "$f")" 2>/dev/null && log "stopped $1" || true
	rm -f "$f"
}

status_line() { if port_open "$2" "$3"; then echo "$1: up ($2:$3)"; else echo "$1: down ($2:$3) — start it with: bash scripts/services.sh up"; fi; }

case "${1:-status}" in
up)
	shift || true
	wanted="${*:-postgres mariadb redis ferretdb minio gitea redmine parse}" # e.g. `up postgres mariadb` for the demo
	for svc in $wanted; do
		case "$svc" in
		postgres | mariadb | redis | ferretdb | minio | gitea | redmine | parse) "${svc}_up" ;;
		*) log "unknown service $svc (postgres, mariadb, redis, ferretdb, minio, gitea, redmine, parse)"; exit 2 ;;
		esac
	done
	log "up: $wanted"
	;;
check)
	# Checks (and reinstalls where broken) the cached builds, whether or not their servers run now.
	ferretdb_ensure && log "FerretDB $FERRETDB_VERSION: $(tail -1 "$FERRETDB_DIR.check.log")"
	minio_ensure && log "MinIO: $(tail -1 "$MINIO_DIR.check.log")"
	gitea_ensure && log "Gitea $GITEA_VERSION: $("$GITEA_DIR/gitea" --version)"
	parse_ensure && log "Parse Server $PARSE_VERSION: installed"
	;;
down)
	stop_pid ferretdb
	stop_pid minio
	stop_pid gitea
	stop_pid redmine
	stop_pid parse
	[ -f "$RUN/redis.pid" ] && stop_pid redis
	if [ -f "$RUN/postgres.started-by-us" ]; then pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main stop || true; rm -f "$RUN/postgres.started-by-us"; fi
	if [ -f "$RUN/mariadb.started-by-us" ]; then start-stop-daemon --stop --oknodo --exec /usr/sbin/mariadbd || true; rm -f "$RUN/mariadb.started-by-us"; fi
	;;
status)
	status_line postgres "$PGHOST" "$PGPORT"
	status_line mariadb "$MYSQL_HOST" "$MYSQL_PORT"
	status_line redis "$REDIS_HOST" "$REDIS_PORT"
	status_line ferretdb "$MONGO_HOST" "$MONGO_PORT"
	status_line minio "$S3_HOST" "$S3_PORT"
	status_line gitea "$GITEA_HOST" "$GITEA_PORT"
	status_line redmine "$REDMINE_HOST" "$REDMINE_PORT"
	status_line parse "$PARSE_HOST" "$PARSE_PORT"
	;;
*)
	echo "usage: $0 up [service…]|check|down|status" >&2
	exit 2
	;;
esac
