#!/usr/bin/env bash
# Cached installs that check what they built. Sourced by n8n-install.sh and services.sh.
#
#   cached_install NAME DIR FINGERPRINT INSTALL_FN VERIFY_FN
#
# DIR holds one install; DIR/.complete holds the FINGERPRINT it was made with (a version and the
# hash of the code that installs it, see install_fingerprint). The install is used as it is only
# when the fingerprint matches and VERIFY_FN DIR passes — that check runs on every use, so it must
# be cheap. Anything else reinstalls from scratch: INSTALL_FN DIR, then VERIFY_FN DIR again, and
# only then is the marker written. A failed check after an install is an error, never a warning.
# One lock per DIR, so parallel test workers neither race an install nor check a half-made one.
# With INSTALL_CHECK_ONLY=1 nothing is installed: a missing or failing install is an error.

log() { printf '[%s] %s\n' "${LOG_NAME:-install}" "$*" >&2; }

# The fingerprint of an install: the given words plus the source of the named shell functions,
# so editing the code that installs (or checks) a thing reinstalls it.
install_fingerprint() {
	local words=() fns=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do words+=("$1"); shift; done
	[ "${1:-}" = -- ] && shift
	fns=("$@")
	printf '%s %s\n' "${words[*]}" "$( { for f in "${fns[@]}"; do declare -f "$f"; done; } | sha256sum | cut -c1-16)"
}

cached_install() {
	local name="$1" dir="$2" fingerprint="$3" install="$4" verify="$5"
	mkdir -p "$(dirname "$dir")"
	local lock
	exec {lock}>"$dir.lock"
	flock "$lock"
	if [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$fingerprint" ]; then
		if "$verify" "$dir" >"$dir.check.log" 2>&1; then
			exec {lock}>&-
			return 0
		fi
		log "$name in $dir failed its check (see $dir.check.log)"
	elif [ -e "$dir" ]; then
		log "$name in $dir is incomplete or from another install script"
	else
		log "$name is not installed in $dir"
	fi
	if [ "${INSTALL_CHECK_ONLY:-0}" = 1 ]; then
		exec {lock}>&-
		return 1
	fi
	log "installing $name into $dir"
	rm -rf "$dir" && mkdir -p "$dir"
	if ! "$install" "$dir"; then
		log "installing $name failed"
		exec {lock}>&-
		return 1
	fi
	if ! "$verify" "$dir" >"$dir.check.log" 2>&1; then
		log "$name was installed into $dir but does not work:"
		tail -30 "$dir.check.log" >&2
		exec {lock}>&-
		return 1
	fi
	echo "$fingerprint" >"$dir/.complete"
	exec {lock}>&-
}

# npm with lifecycle scripts enabled whatever the caller's settings: `npm test` exports our
# .npmrc's ignore-scripts=true to children as npm_config_ignore_scripts, under which
# `npm rebuild` builds nothing and still says it succeeded.
npm_with_scripts() {
	npm_config_ignore_scripts=false npm --ignore-scripts=false "$@"
}
