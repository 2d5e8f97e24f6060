#!/usr/bin/env bash
# tests/cli - the `sing` command as a user meets it (issue 16): --help,
# -h, help and --version for the command and every subcommand (exit 0),
# usage errors (one line on stderr, exit 2), a store that does not exist
# (an error, except for `sing store init`), a bad --nic before booting,
# a folder given as a package, all-or-nothing install, the pcap size limit.
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib.sh"
export SING_CACHE="$TMPDIR/cache" SING_POLICY="$ROOT/sys/policy"
unset SING_STORE SING_NET
O=$TMPDIR/out E=$TMPDIR/err
# run CMD...: rc, stdout in $O, stderr in $E.
run() { "$@" >"$O" 2>"$E"; rc=$?; }
# expect NAME RC STREAM TEXT: the status is RC and STREAM's text holds TEXT.
expect() {
	local got; got=$(cat "$3")
	if [ "$rc" = "$2" ] && [[ "$got" == *"$4"* ]] && sanitizer_clean "$E"; then ok "$1"
	else bad "$1" "exit $rc, $(basename "$3"): $(head -c 300 "$3" | tr '\n' '|')"; fi
}

run "$SING" --version; expect version 0 "$O" "sing 0."
run "$SING" -h; expect dash-h 0 "$O" "sing boot [--store DIR | --image FILE] [--nic pcap:FILE"
run "$SING" --help; expect dash-dash-help 0 "$O" "sing run [--trace F.json] [--cpus N] [-l PROG]... [-n N] FILE [ARGS...]"
run "$SING" help; expect help-word 0 "$O" "sing store init DIR"
run "$SING" help boot; expect help-command 0 "$O" "max=SIZE"
for c in build asm dis manifest verify install run boot list uninstall store bench; do
	run "$SING" "$c" --help; expect "help-$c" 0 "$O" "usage: sing $c"
done
run "$SING" run --version; expect subcommand-version 0 "$O" "sing 0."
run "$SING"; expect no-command 2 "$E" "usage: sing COMMAND"
run "$SING" frob
if [ $rc = 2 ] && [ "$(wc -l <"$E")" = 1 ] && grep -q "^sing: unknown command 'frob'" "$E"; then ok unknown-command
else bad unknown-command "exit $rc: $(cat "$E")"; fi
run "$SING" list extra; expect usage-one-line 2 "$E" "sing: list: takes no arguments"
run "$SING" boot --store; expect boot-missing-value 2 "$E" "sing: boot: no value after '--store'"
run "$SING" run -n abc x.sg; expect run-n-strict 2 "$E" "sing: run: -n abc: not a count"

# A store that does not exist is an error, and is not created.
N=$TMPDIR/typo
for c in "list --store $N" "uninstall x --store $N" "boot --store $N" "install $ROOT/sys/apps/hello.sg --store $N"; do
	run $SING $c </dev/null
	name=no-store-${c%% *}
	if [ $rc = 1 ] && grep -q "sing: $N: no store there (make one with: sing store init $N)" "$E" && [ ! -e "$N" ]
	then ok "$name"; else bad "$name" "exit $rc, $(cat "$E" | head -3 | tr '\n' '|'), exists: $([ -e "$N" ] && echo yes)"; fi
done
S=$TMPDIR/store
run "$SING" store init "$S"; expect store-init 0 "$O" "created the store $S"
run "$SING" store init "$S"; expect store-init-twice 1 "$E" "already holds a store"
run "$SING" list --store "$S"; expect store-init-empty 0 "$O" "NAME"

# --nic is checked before anything boots.
for spec in foo:bar pcap: "pcap:$TMPDIR/w.pcap,max=12X" "pcap:$TMPDIR/w.pcap,bogus=1" tap:; do
	run "$SING" boot --store "$S" --nic "$spec" </dev/null
	if [ $rc = 2 ] && grep -q "^sing: boot: --nic " "$E" && ! grep -q "Sing booted" "$O"; then ok "bad-nic-$spec"
	else bad "bad-nic-$spec" "exit $rc: $(head -3 "$E" "$O" | tr '\n' '|')"; fi
done

# CPUs: every CPU the process may use unless told (SING_DEBUG=sched prints
# how many ran; at most 8, the kernel's SK_NCPU); --cpus N runs at most that.
HELLO=$ROOT/sys/apps/hello.sg
all=$(nproc); [ "$all" -gt 8 ] && all=8
two=$all; [ "$two" -gt 2 ] && two=2
run env -u SING_CPUS SING_DEBUG=sched "$SING" run "$HELLO"; expect cpus-default-every-cpu 0 "$E" "sing: sched: cpus $all"
run env SING_CPUS=2 SING_DEBUG=sched "$SING" run "$HELLO"; expect cpus-env-two 0 "$E" "sing: sched: cpus $two"
run env SING_CPUS=2 SING_DEBUG=sched "$SING" run --cpus 1 "$HELLO"; expect cpus-option-one 0 "$E" "sing: sched: cpus 1"
run "$SING" run --cpus 0 "$HELLO"; expect cpus-option-zero 2 "$E" "sing: run: --cpus 0: not a CPU count (1 to 64)"

# A folder where a package should be.
run "$SING" run "$TMPDIR"; expect run-folder 1 "$E" "$TMPDIR: error: Is a directory"
run "$SING" verify "$TMPDIR"; expect verify-folder 1 "$E" "Is a directory"
run "$SING" build "$TMPDIR" -o "$TMPDIR/x.sil"; expect build-folder 1 "$E" "$TMPDIR: error: cannot read file: Is a directory"
run "$SING" install --store "$S" "$TMPDIR"; expect install-folder 1 "$E" "$TMPDIR: error: Is a directory"
# A file the user may not read (tests run as root: as user nobody), in a
# folder anyone may enter, and one in a folder only root may enter.
U=$(mktemp -d /tmp/sing-perm.XXXXXX) && chmod 755 "$U" && mkdir -m 700 "$U/shut" &&
	cp "$ROOT/sys/apps/hello.sg" "$U/h.sg" && cp "$ROOT/sys/apps/hello.sg" "$U/shut/h.sg" && chmod 000 "$U/h.sg"
as_user() { if [ "$(id -u)" = 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; else "$@"; fi; }
run as_user "$SING" build "$U/h.sg" -o /dev/null; expect build-unreadable 1 "$E" "$U/h.sg: error: cannot read file: Permission denied"
run as_user "$SING" run "$U/h.sg"; expect run-unreadable 1 "$E" "$U/h.sg: error: Permission denied"
run as_user "$SING" run "$U/shut/h.sg"; expect run-folder-shut 1 "$E" "$U/shut/h.sg: error: Permission denied"
rm -rf "$U"

# FILE --help: the manifest's usage lines, the program not run (exit 0).
run "$SING" run "$ROOT/sys/apps/hello.sg" --help; expect run-help-usage 0 "$O" "usage: hello [WORDS...]"
run "$SING" run "$ROOT/sys/services/echo.sg" -h
expect run-help-service 0 "$O" "$(printf 'usage: echo   the echo service (init starts it, and again when it ends): answers\n       Ping(n) with Pong(n) on /svc/echo')"
run "$SING" manifest "$ROOT/sys/apps/hello.sg"; expect manifest-shows-usage 0 "$O" "usage         usage: hello [WORDS...]"

# install A B: when B is refused, A is not installed either.
run "$SING" install --store "$S" "$ROOT/sys/apps/hello.sg" "$ROOT/tests/system/badcap.sg"
expect install-all-or-nothing 1 "$E" "sing: install: nothing installed"
run "$SING" list --store "$S"
if ! grep -q '^hello ' "$O"; then ok install-nothing-left; else bad install-nothing-left "hello was installed"; fi
run "$SING" install --store "$S" "$ROOT/sys/apps/hello.sg" "$ROOT/sys/apps/crash.sg"
expect install-several 0 "$O" "installed crash"
run "$SING" list --store "$S"
if grep -q '^hello ' "$O" && grep -q '^crash ' "$O"; then ok install-several-listed
else bad install-several-listed "$(cat "$O")"; fi

# The pcap wire stops at its size limit, and says so.
"$SING" install --store "$S" "$ROOT"/sys/services/conmux.sg "$ROOT"/sys/drivers/{console,nic}.sg "$ROOT"/sys/apps/{shell,sendpacket}.sg \
	>"$TMPDIR/inst" 2>&1 || bad install-net "$(head -3 "$TMPDIR/inst")"
printf 'console conmux\ndriver console\ndriver nic0\nshell shell\n' >"$S/config"
W=$TMPDIR/wire.pcap
printf 'sendpacket --count 300\nexit\n' | timeout 120 "$SING" boot --store "$S" --nic "pcap:$W,max=8K" >"$O" 2>"$E"
rc=$?
size=$(stat -c %s "$W" 2>/dev/null || echo 0)
if [ "$size" -gt 1000 ] && [ "$size" -le 8192 ] && grep -q "sing: $W reached its size limit (8192 bytes)" "$E" &&
   grep -q 'sent 300 packets' "$O"; then ok pcap-size-limit
else bad pcap-size-limit "exit $rc, $size bytes, $(head -c 300 "$E" | tr '\n' '|') $(grep sendpacket "$O" | head -2)"; fi
sanitizer_clean "$E" && ok pcap-sanitizer-clean || bad pcap-sanitizer-clean "$(grep -m1 ERROR "$E")"
