# tests/tmux.sh - booted sessions driven through a real terminal (source it
# after lib.sh, with S the store): each `sing boot` runs in its own tmux
# server, send-keys types, capture-pane reads the screen, every check polls
# the screen for its text with a timeout.  Used by tests/system, tests/e2e.
command -v tmux >/dev/null || { bad tmux "tmux is not installed (scripts/deps.sh)"; exit 0; }
# Each session is its own tmux server (-L), with no user configuration
# (-f /dev/null) and remain-on-exit, so the screen can still be read after
# `sing` exits (the shutdown report, a sanitizer's report).  The pane is a
# real terminal: `sing boot` reads the keys tmux types, whatever the test's
# own stdin is (closed in CI, /dev/null under tests/run).
# Every check looks only at the screen since the last command was typed
# (`type` marks the cursor's line first), so output from an earlier command
# can never satisfy it: the scrollback is large enough never to drop a
# line, so a line's index in the full capture is fixed for the session.
T="" MARK=0
tmux_cleanup() { [ -n "$T" ] && tmux -L "$T" kill-server 2>/dev/null; }
trap tmux_cleanup EXIT
# boot_session NAME [ARGS]: a new server running `sing boot --store $S ARGS`
# in an 160x50 pane; $BOOT_PREFIX (e.g. `ip netns exec NS`) runs before it.
boot_session() {
	tmux_cleanup
	T="sing$$-$1" MARK=0
	tmux -f /dev/null -L "$T" set-option -g remain-on-exit on \; set-option -g history-limit 1000000 \; \
		new-session -d -x 160 -y 50 -c "$TMPDIR" "exec ${BOOT_PREFIX:-} '$SING' boot --store '$S' ${2:-}"
}
screen_all() { tmux -L "$T" capture-pane -p -S - -E -; }
# screen: the lines from the mark (the line the last command was typed on) on.
# $SCREEN_FILTER, when set, is a command the lines pass through first.
screen() { screen_all | tail -n +$((MARK + 1)) | ${SCREEN_FILTER:-cat}; }
mark() {
	local h y
	read -r h y < <(tmux -L "$T" display-message -p '#{history_size} #{cursor_y}')
	MARK=$((h + y))
}
# wait_for NAME TEXT [SECONDS]: ok once TEXT is on the screen (grep -F)
# since the last command was typed.  capture-pane drops trailing blanks,
# so TEXT must not end in one.
# (Every wait is by the clock, not a count of polls: a loaded machine
# polls slower.)
wait_for() {
	local end=$((SECONDS + ${3:-20}))
	while [ $SECONDS -le $end ]; do
		if screen | grep -qF -- "$2"; then ok "$1"; return 0; fi
		sleep 0.1
	done
	bad "$1" "no '$2' on the screen since the last command: $(screen | grep -v '^$' | tail -5 | tr '\n' '|')"
	return 1
}
# see NAME TEXT...: ok once every TEXT is on the screen since the last
# command was typed (within $WAIT seconds, default 20): one test for all
# the lines one command must print.
see() {
	local n=$1 t missing s end=$((SECONDS + ${WAIT:-20})); shift
	while [ $SECONDS -le $end ]; do
		missing="" s=$(screen)
		for t in "$@"; do grep -qF -- "$t" <<<"$s" || { missing=$t; break; }; done
		[ -z "$missing" ] && { ok "$n"; return 0; }
		sleep 0.1
	done
	bad "$n" "no '$missing' on the screen since the last command: $(screen | grep -v '^$' | tail -5 | tr '\n' '|')"
	return 1
}
# count_for NAME TEXT N: ok once TEXT is on N lines of the screen since
# the last command was typed.
count_for() {
	local end=$((SECONDS + 20))
	while [ $SECONDS -le $end ]; do
		[ "$(screen | grep -cF -- "$2")" -ge "$3" ] && { ok "$1"; return 0; }
		sleep 0.1
	done
	bad "$1" "'$2' not $3 times on the screen since the last command: $(screen | grep -v '^$' | tail -5 | tr '\n' '|')"
	return 1
}
type() { mark; tmux -L "$T" send-keys -l -- "$1"; tmux -L "$T" send-keys Enter; }
# sanitizer_ok NAME: `sing` ended (within 60 s: a leak report comes after
# the shutdown line, and files it writes are complete only then) and the
# whole session's screen holds no sanitizer report.
sanitizer_ok() {
	local end=$((SECONDS + 60)) dead=0
	while [ $SECONDS -le $end ]; do
		[ "$(tmux -L "$T" display-message -p '#{pane_dead}')" = 1 ] && { dead=1; break; }
		sleep 0.1
	done
	screen_all >"$TMPDIR/$1.screen"
	if [ $dead = 0 ]; then bad "$1" "sing did not end within 60 s of the shutdown"
	elif sanitizer_clean "$TMPDIR/$1.screen"; then ok "$1"
	else bad "$1" "$(grep -m2 ERROR "$TMPDIR/$1.screen")"; fi
}
