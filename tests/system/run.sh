#!/usr/bin/env bash
# tests/system - the booted system end to end (docs/system.md): install
# refusals through `sing install`; a driver's port access past its claim;
# then sessions driven through a real terminal, as a person would: each
# `sing boot` runs in its own tmux server, send-keys types, capture-pane
# reads the screen, every check polls the screen for its text with a
# timeout.  The console driver (sys/drivers/console.sg) owns that terminal
# through the UART model.  Works with stdin closed and no controlling
# terminal (CI): setsid bash tests/system/run.sh </dev/null.
set -u
. "$ROOT/tests/lib.sh"
HERE="$ROOT/tests/system"
export SING_CACHE="$TMPDIR/cache" SING_POLICY="$ROOT/sys/policy"
S="$TMPDIR/store"
sing install --store "$S" "$ROOT"/sys/drivers/console.sg "$ROOT"/sys/services/echo.sg \
	"$ROOT"/sys/apps/{shell,hello,crash,echoclient,echoloop}.sg \
	"$HERE"/{missing,nocap,badport,irqsteal}.sg >"$TMPDIR/inst" 2>&1 ||
	{ bad install-system "$(head -5 "$TMPDIR/inst")"; exit 0; }
ok install-system
printf 'driver console\nshell shell\n' >"$S/config"   # no services: echo is not running

out=$(sing install --store "$S" "$HERE/badcap.sg" 2>&1)
case "$out" in *'install: badcap: rule capability: "system.proc" is not granted by the policy'*)
	ok refuse-capability-at-install;; *) bad refuse-capability-at-install "$out";; esac
out=$(sing install --store "$S" "$HERE/snoop.sg" 2>&1)
case "$out" in *'install: snoop: rule hardware: ioport 0x3f8..0x3ff overlaps driver "console"'*)
	ok refuse-port-claimed-by-driver;; *) bad refuse-port-claimed-by-driver "$out";; esac
out=$(sing uninstall --store "$S" echo 2>&1)
case "$out" in *'"echoclient" depends on "/svc/echo"'*) ok refuse-uninstall-dependency;;
	*) bad refuse-uninstall-dependency "$out";; esac

# A driver's port access past its claim stops that driver only; with no
# terminal (stdin /dev/null) the system ends at "end of console input".
S2="$TMPDIR/store2"
if sing install --store "$S2" "$HERE/portoob.sg" "$ROOT/sys/apps/shell.sg" >"$TMPDIR/inst2" 2>&1; then
	printf 'driver portoob\nshell shell\n' >"$S2/config"
	LIMIT=30 sing boot --store "$S2" </dev/null >"$TMPDIR/oob" 2>&1
	if grep -q 'portoob: scratch 0' "$TMPDIR/oob" &&
	   grep -q 'sing: sip portoob (pid 1) failed in function main: I/O port access outside the claimed range' "$TMPDIR/oob" &&
	   grep -q 'sing: end of console input' "$TMPDIR/oob" && sanitizer_clean "$TMPDIR/oob"; then
		ok ioport-bounds-checked
	else bad ioport-bounds-checked "$(head -c 600 "$TMPDIR/oob" | tr '\n' '|')"; fi
else bad ioport-bounds-checked "$(head -3 "$TMPDIR/inst2")"; fi

. "$ROOT/tests/tmux.sh"
# One test per command typed: every line that command must print, looked
# for only on the screen since it was typed (tmux.sh), none of them text
# an earlier command or the boot printed.
boot_session one
WAIT=30 see boot-shows-console-and-prompt 'init: started console (pid 1)' 'sing>' || exit 0
type 'help'
see help 'commands: NAME [ARGS...]'
type 'hello a b'
see run-by-name 'sing> hello a b' 'hello from a SIP a b' 'exit status 0'
type 'needsecho'
see launch-missing-dependency 'sing: /svc/echo: no running program provides it'
type 'nocap'
see launch-capability-not-granted 'sing: /kernel/proc: needs capability system.proc'
type 'badport'
see launch-no-such-device 'sing: ioport 0x2f8: no such device on this machine'
type 'console'
see launch-port-in-use 'sing: ioport 0x3f8: held by another running driver'
type 'irqsteal'
see launch-irq-not-claimed "sing: /kernel/irq/4: the program's manifest does not claim this IRQ"
type 'crash'
see crashing-program-reported 'failed in function main: division by zero' 'exit status 70'
type 'ls'
see ls-names /svc/ns /dev/console /kernel/proc /kernel/launch /kernel/console/out
type 'ps'
see ps 'PID NAME             MEMORY THREADS ENDPOINTS' '    1 console' '    2 shell'
# Backspace: "hellp" BS "o" runs hello.
mark; tmux -L "$T" send-keys -l 'hellp'; tmux -L "$T" send-keys BSpace; tmux -L "$T" send-keys -l 'o bs'
tmux -L "$T" send-keys Enter
see backspace-edits 'hello from a SIP bs'
# The console driver killed: init restarts it, the shell's output waits in
# the kernel meanwhile, typing works again after.
type 'kill 1'
see kill-console-driver-restarted 'init: console ended; restarting in 100 ms' \
	'init: started console (pid' 'killed 1'
type 'hello again'
see typing-after-restart 'hello from a SIP again'
type 'exit'
see clean-shutdown 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
sanitizer_ok session-sanitizer-clean

# Recovery: echo (a service) killed while a client pings it; init restarts
# it, the client sees ChannelClosed, binds again and keeps going.
printf 'driver console\nservice echo\nshell shell\n' >"$S/config"
boot_session two
WAIT=30 see boot-starts-service 'init: started echo (pid 2)' 'sing>' || exit 0
type 'echoclient'
see client-before-kill 'echoclient: 10 pings answered, sum 55'
type 'start echoloop'
see start-in-background 'started pid 5' 'echoloop: pinging /svc/echo'
type 'kill 2'
see service-killed-client-rebinds 'killed 2' 'echoloop: the echo service went away; binding again' \
	'init: echo ended; restarting in 100 ms' 'init: started echo (pid 6)' \
	'echoloop: bound /svc/echo again' 'echoloop: 100 pings answered since binding again'
type 'echoclient'
see client-after-restart 'echoclient: 10 pings answered, sum 55'
type 'exit'
see orderly-stop 'init: stopped echo (pid 6)' 'sing: shutdown: 0 SIPs left, exchange heap 0 bytes live'
sanitizer_ok session2-sanitizer-clean
