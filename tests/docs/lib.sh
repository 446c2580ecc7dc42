# lib.sh: the functions a document's hidden <!-- docs-test: run --> commands
# call to set the scene of its examples (tests/docs/run.py sources it before
# every command). Everything lives under $DOCS_DIR, the document's scratch
# directory: its "GitHub" is bare repositories there, its home $HOME.
# shellcheck shell=bash

LOG_ORIGIN=openoperations.org/manifesto
LOG_KEY="$HOME/.config/endorse/openoperations.org_manifesto.key"

# docs_need TOOL...: skip the examples up to the next scene (exit 77) when a
# tool they show is not installed.
docs_need() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null || { echo "docs test: $tool is not installed"; exit 77; }
	done
}

docs_passphrase_file() {
	printf '%s\n' "$DOCS_PASSPHRASE" >"$DOCS_DIR/passphrase"
	echo "$DOCS_DIR/passphrase"
}

docs_git_user() {
	git config --global user.name "$1"
	git config --global user.email "$2"
	git config --global init.defaultBranch main
	git config --global advice.detachedHead false
}

# docs_endorse ARGS...: endorse with the passphrase from a file, quiet.
docs_endorse() {
	endorse "$@" --passphrase-file "$(docs_passphrase_file)" >/dev/null
}

# docs_manifesto_log: "GitHub": $DOCS_DIR/upstream.git, the manifesto's log
# made by its maintainers (log key in $LOG_KEY, passphrase $DOCS_PASSPHRASE),
# and $DOCS_DIR/fork.git, an organisation's fork of it.
docs_manifesto_log() {
	local maint="$DOCS_DIR/maintainer"
	mkdir -p "$maint"
	git -C "$maint" init -q
	cp "$DOCS_SOURCE_ROOT/MANIFESTO.md" "$maint/"
	[ -e "$LOG_KEY" ] || endorse keygen "$LOG_ORIGIN" --passphrase-file "$(docs_passphrase_file)" >/dev/null 2>&1
	(cd "$maint" && docs_endorse init --key "$LOG_KEY" --no-workflow --document MANIFESTO.md \
		--title "Open Operations Manifesto" --url https://openoperations.org/)
	git init -q --bare "$DOCS_DIR/upstream.git"
	git -C "$maint" push -q "$DOCS_DIR/upstream.git" HEAD:main
	git clone -q --bare "$DOCS_DIR/upstream.git" "$DOCS_DIR/fork.git"
}

# docs_clone_here: the current directory (holding only build/) becomes a
# clone of the fork, with the main repository as the remote upstream.
docs_clone_here() {
	git init -q
	echo /build/ >>.git/info/exclude
	git remote add origin "$DOCS_DIR/fork.git"
	git remote add upstream "$DOCS_DIR/upstream.git"
	git fetch -q origin
	git fetch -q upstream
	git checkout -q -b main --track origin/main
}

# docs_endorsement_merged ORG NAME: another organisation's endorsement,
# signed in its own clone and merged into the main repository.
docs_endorsement_merged() {
	local clone="$DOCS_DIR/clone-$1"
	git clone -q "$DOCS_DIR/upstream.git" "$clone"
	docs_org_key "$1"
	(cd "$clone" && endorse sign --key "$DOCS_DIR/$1.key" --name "$2" --url "https://$1/" >/dev/null)
	git -C "$clone" push -q origin HEAD:main
}

# docs_cleanup: stop what a scene started (run.py calls it at the end).
docs_cleanup() {
	local pid
	[ -z "${SSH_AGENT_PID:-}" ] || kill "$SSH_AGENT_PID" 2>/dev/null
	for pid in "$DOCS_DIR"/witness-*.pid; do
		[ -e "$pid" ] && kill "$(cat "$pid")" 2>/dev/null
	done
	command -v gpgconf >/dev/null && gpgconf --kill all 2>/dev/null
	true
}

# docs_ssh_agent: an ssh agent holding the fixed test key of
# tests/docs/example-org-agent-test.key (so that the documents can show its
# fingerprint), SSH_AUTH_SOCK and SSH_AGENT_PID exported.
docs_ssh_agent() {
	docs_need ssh-agent ssh-add
	install -m 600 "$DOCS_SOURCE_ROOT/tests/docs/example-org-agent-test.key" "$DOCS_DIR/agent-key"
	eval "$(ssh-agent -s)" >/dev/null
	ssh-add -q "$DOCS_DIR/agent-key" 2>/dev/null
}

# docs_gpg_auth_key: gpg with an ed25519 authentication key, its agent
# stopped (the document configures and starts it).
docs_gpg_auth_key() {
	docs_need gpg gpgconf ssh-add
	mkdir -p "$HOME/.gnupg" && chmod 700 "$HOME/.gnupg"
	gpg --batch --quiet --passphrase '' --quick-gen-key 'Example Org <admin@example.org>' \
		ed25519 auth never 2>/dev/null
	gpg --check-trustdb >/dev/null 2>&1
	gpgconf --kill gpg-agent
}

# docs_softhsm_token LABEL OBJECT: a SoftHSM2 token of its own (PIN in
# ./pin), with an Ed25519 key pair OBJECT made by OpenSC's pkcs11-tool.
docs_softhsm_token() {
	local module=/usr/lib/softhsm/libsofthsm2.so
	docs_need softhsm2-util pkcs11-tool
	[ -r "$module" ] || { echo "docs test: SoftHSM2's module is not installed"; exit 77; }
	export SOFTHSM2_CONF="$DOCS_DIR/softhsm2.conf"
	mkdir -p "$DOCS_DIR/tokens"
	printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
		"$DOCS_DIR/tokens" >"$SOFTHSM2_CONF"
	softhsm2-util --init-token --free --label "$1" --pin 1234 --so-pin 5678 >/dev/null
	printf '1234\n' >pin
	pkcs11-tool --module "$module" --token-label "$1" --login --pin 1234 \
		--keypairgen --key-type EC:edwards25519 --label "$2" --id 01 >/dev/null 2>&1
}

# docs_new_clone DIR: a new directory DIR (with build/) becomes the current
# one, a clone of the fork (docs_clone_here).
docs_new_clone() {
	mkdir -p "$1"
	ln -s "$DOCS_DIR/work/build" "$1/build"
	cd "$1" && docs_clone_here
}

# docs_org_key ORG: an unencrypted key pair for ORG in $DOCS_DIR (ORG.key,
# ORG.vkey), made once.
docs_org_key() {
	[ -e "$DOCS_DIR/$1.key" ] ||
		endorse keygen "$1" -s "$DOCS_DIR/$1.key" -p "$DOCS_DIR/$1.vkey" --unencrypted >/dev/null 2>&1
}

# docs_pull_request N ORG NAME: ORG signs in its own clone of origin and
# opens pull request N (GitHub's refs/pull/N/head on origin).
docs_pull_request() {
	local clone="$DOCS_DIR/pr-$2"
	git clone -q "$(git remote get-url origin)" "$clone"
	docs_org_key "$2"
	(cd "$clone" && endorse sign --key "$DOCS_DIR/$2.key" --name "$3" --url "https://$2/" >/dev/null)
	git -C "$clone" push -q origin "HEAD:refs/pull/$1/head"
}

# docs_demo_log: in the current directory (not a git work tree), the log of
# a whole session with fixed times: the log created, two organisations'
# endorsements, a second version, a rotation and a withdrawal, a key lost
# and revoked by the log operator, and a new key's endorsement.
docs_demo_log() {
	local keys="$HOME/.config/endorse" v2="$DOCS_DIR/manifesto-v2.md" new="$DOCS_DIR/new"
	sed 's/half a decade/half a century/' "$DOCS_SOURCE_ROOT/MANIFESTO.md" >"$v2"
	cp "$DOCS_SOURCE_ROOT/MANIFESTO.md" "$DOCS_DIR/manifesto-v1.md"
	mkdir -p "$new"
	{
		endorse keygen --unencrypted openoperations.org/manifesto
		endorse init --key "$keys/openoperations.org_manifesto.key" --no-workflow \
			--document "$DOCS_DIR/manifesto-v1.md" --title "Open Operations Manifesto" \
			--url https://openoperations.org/ --time 2025-01-15T10:00:00Z
		endorse keygen --unencrypted example.org
		endorse sign --key example.org --name "Example Org" --url https://example.org/ --time 2025-02-01T09:00:00Z
		endorse keygen --unencrypted example.net
		endorse sign --key example.net --name "Example Net GmbH" --url https://example.net/ --time 2025-02-02T09:00:00Z
		endorse document --key "$keys/openoperations.org_manifesto.key" --document "$v2" \
			--title "Open Operations Manifesto" --url https://openoperations.org/ --time 2025-03-01T12:00:00Z
		endorse sign --key example.org --name "Example Org" --url https://example.org/ --time 2025-03-02T09:00:00Z
		endorse keygen --unencrypted -s "$new/example.net.key" -p "$new/example.net.vkey" example.net
		endorse rotate --key example.net --new-key "$new/example.net.key" --time 2025-04-01T08:00:00Z
		endorse withdraw --key "$new/example.net.key" --time 2025-04-02T08:00:00Z
		endorse revoke --key "$keys/openoperations.org_manifesto.key" --target keys/orgs/example.org.vkey \
			--reason "key lost, reported by the organization" --time 2025-05-01T10:00:00Z
		endorse keygen --unencrypted -s "$new/example.org.key" -p "$new/example.org.vkey" example.org
		endorse sign --key "$new/example.org.key" --name "Example Org" --url https://example.org/ \
			--time 2025-05-02T10:00:00Z
	} >"$DOCS_DIR/demo.log" 2>&1 || { cat "$DOCS_DIR/demo.log"; return 1; }
}

# docs_witness_server VAR ARG...: `endorse witness serve ARG... --listen
# 127.0.0.1:0` in the background, in a session of its own (the end of the
# scene's terminal must not hang it up, nor wait for it), its standard error
# in $DOCS_DIR/witness-VAR.log; exports VAR, the URL it says it listens on
# without the final /, once it has said so (10 seconds at most).
# docs_witness_stop VAR stops it; docs_cleanup stops any left running.
docs_witness_server() {
	local var="$1" log="$DOCS_DIR/witness-$1.log" pid url="" i
	shift
	: >"$log"
	setsid endorse witness serve "$@" --listen 127.0.0.1:0 </dev/null >/dev/null 2>>"$log" &
	pid=$!
	echo "$pid" >"$DOCS_DIR/witness-$var.pid"
	for ((i = 0; i < 100; i++)); do
		url=$(sed -n 's|.*listening on \(http://127\.0\.0\.1:[0-9]*\)/.*|\1|p' "$log")
		[ -n "$url" ] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	[ -n "$url" ] || { echo "docs test: endorse witness serve did not start:"; cat "$log"; return 1; }
	export "$var=$url"
}

# docs_witness_stop VAR: SIGTERM to the server docs_witness_server VAR
# started, and wait (10 seconds at most) until it has stopped (gone, or a
# zombie that nobody reaps: its parent, the scene's shell, has exited).
docs_witness_stop() {
	local pidfile="$DOCS_DIR/witness-$1.pid" pid state i
	pid=$(cat "$pidfile")
	kill "$pid"
	for ((i = 0; i < 100; i++)); do
		state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)
		case "$state" in '' | Z) rm -f "$pidfile"; return 0 ;; esac
		sleep 0.1
	done
	echo "docs test: endorse witness serve ($1) did not stop on SIGTERM"
	return 1
}
