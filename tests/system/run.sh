#!/usr/bin/env bash
# tests/system - the booted system end to end (docs/system.md): install
# refusals through `sing install`, launch by manifest (missing dependency,
# capability not granted), and a session driven through a real terminal:
# tmux send-keys types what a person would, capture-pane reads the screen;
# every check polls the pane for its text with a timeout.
set -u
. "$ROOT/tests/lib.sh"
HERE="$ROOT/tests/system"
export SING_CACHE="$TMPDIR/cache" SING_POLICY="$ROOT/sys/policy"
S="$TMPDIR/store"
"$SING" install --store "$S" "$ROOT"/sys/services/echo.sg "$ROOT"/sys/apps/*.sg "$HERE/missing.sg" \
	"$HERE/nocap.sg" >"$TMPDIR/inst" 2>&1 || { bad install-system "$(head -5 "$TMPDIR/inst")"; exit 0; }
ok install-system
printf 'shell shell\n' >"$S/config"   # no services: echo is not running

out=$("$SING" install --store "$S" "$HERE/badcap.sg" 2>&1)
case "$out" in *'install: badcap: rule capability: "system.proc" is not granted by the policy'*)
	ok refuse-capability-at-install;; *) bad refuse-capability-at-install "$out";; esac
out=$("$SING" uninstall --store "$S" echo 2>&1)
case "$out" in *'"echoclient" depends on "/svc/echo"'*) ok refuse-uninstall-dependency;;
	*) bad refuse-uninstall-dependency "$out";; esac

command -v tmux >/dev/null || { bad tmux "tmux is not installed (scripts/deps.sh)"; exit 0; }
T="singtest$$"
tmux -L "$T" new-session -d -x 160 -y 50 "cd '$TMPDIR' && '$SING' boot --store '$S' 2>&1 | tee '$TMPDIR/session'; sleep 30"
trap 'tmux -L "$T" kill-server 2>/dev/null' EXIT

# wait_for NAME TEXT [SECONDS]: ok once TEXT is on the screen (grep -F).
wait_for() {
	local i
	for ((i = 0; i < ${3:-20} * 10; i++)); do
		if tmux -L "$T" capture-pane -p -S -500 | grep -qF -- "$2"; then ok "$1"; return 0; fi
		sleep 0.1
	done
	bad "$1" "no '$2' on the screen: $(tmux -L "$T" capture-pane -p | tail -5 | tr '\n' '|')"
	return 1
}
type() { tmux -L "$T" send-keys "$1" Enter; }

wait_for boot-shows-prompt 'sing> ' 30 || exit 0
type 'hello a b'
wait_for run-by-name 'hello from a SIP a b'
wait_for exit-status-shown 'exit status 0'
type 'needsecho'
wait_for launch-missing-dependency 'sing: /svc/echo: no running program provides it'
type 'nocap'
wait_for launch-capability-not-granted 'sing: /kernel/proc: needs capability system.proc'
type 'crash'
wait_for crashing-program-reported 'failed in function main: division by zero'
wait_for crashing-program-status 'exit status 70'
type 'ls'
wait_for ls-names '/kernel/proc'
type 'ps'
wait_for ps-lists-shell 'shell'
type 'exit'
wait_for clean-shutdown 'sing: shutdown: 0 SIPs stopped, exchange heap 0 bytes live'
sanitizer_clean "$TMPDIR/session" && ok session-sanitizer-clean || bad session-sanitizer-clean "$(grep -m2 ERROR "$TMPDIR/session")"
tmux -L "$T" kill-server 2>/dev/null

# Recovery: echo (a service) killed, restarted by init; a client works after.
printf 'service echo\nshell shell\n' >"$S/config"
tmux -L "$T" new-session -d -x 160 -y 50 "cd '$TMPDIR' && '$SING' boot --store '$S' 2>&1 | tee '$TMPDIR/session2'; sleep 30"
wait_for boot-starts-service 'init: started echo (pid 1)' 30 || exit 0
wait_for boot-prompt-2 'sing> '
type 'echoclient'
wait_for client-before-kill 'echoclient: 10 pings answered, sum 55'
type 'kill 1'
wait_for kill-service 'killed 1'
wait_for init-restarts 'init: echo ended; restarting in 100 ms'
wait_for service-restarted 'init: started echo (pid 4)'
type 'echoclient'
for i in 1 2 3 4 5 6 7 8 9 10; do   # the screen must show the second success
	[ "$(tmux -L "$T" capture-pane -p -S -500 | grep -c 'sum 55')" -ge 2 ] && break; sleep 0.5; done
[ "$(tmux -L "$T" capture-pane -p -S -500 | grep -c 'sum 55')" -ge 2 ] && ok client-after-restart ||
	bad client-after-restart "$(tmux -L "$T" capture-pane -p | tail -5 | tr '\n' '|')"
type 'exit'
wait_for clean-shutdown-2 'exchange heap 0 bytes live'
