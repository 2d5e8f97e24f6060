#!/usr/bin/env bash
# tests/uart - the 16550 UART device model (src/hal/hosted/uart.c,
# uart_tty.c), driven without the kernel by drv, a C console driver
# (drv.c) built here under ASan+UBSan with the model's sources compiled in:
#   dev_*     the case table: registers, FIFO, interrupts, hostile drivers
#   pipe_*    the console on stdin/stdout pipes: banner out, input echoed
#   pty_*     through a real pseudo-terminal (pty_test.py): raw mode while
#             the driver runs, the original mode after it ends or is killed
set -u
ROOT=${ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$ROOT/tests/lib.sh"
D=$ROOT/tests/uart
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:exitcode=99}

if ! cc_sanitized "$T/drv" "$D/drv.c" \
	"$ROOT"/src/hal/hosted/{uart,uart_tty}.c "$ROOT/src/util/util.c"; then
	bad build "drv did not compile: $(head -5 "$T/drv.log" | tr '\n' ' ')"
	exit 0
fi
ok build
DRV=$T/drv

# ---- the case table ----
run_cases "$DRV"

# ---- the console on pipes ----
printf 'hello, sing' | limit 60 "$DRV" pipe >"$T/pipe.out" 2>"$T/pipe.err"
rc=$?
printf 'sing uart\r\nHELLO, SING' >"$T/pipe.want"
[ "$rc" -eq 0 ] && cmp -s "$T/pipe.out" "$T/pipe.want" && ok pipe_echo ||
	bad pipe_echo "exit $rc, output $(od -c "$T/pipe.out" | head -2 | tr '\n' ' ')"
# More than a FIFO's worth at once: nothing lost, nothing reordered.
head -c 20000 /dev/urandom | base64 -w 0 >"$T/big.in"
{ printf 'sing uart\r\n'; tr 'a-z' 'A-Z' <"$T/big.in"; } >"$T/big.want"
limit 60 "$DRV" pipe <"$T/big.in" >"$T/big.out" 2>>"$T/pipe.err"
cmp -s "$T/big.out" "$T/big.want" && ok pipe_bulk ||
	bad pipe_bulk "$(wc -c <"$T/big.out") bytes out, want $(wc -c <"$T/big.want")"
quiet pipe_sanitizers "$T/pipe.err"

# ---- a real terminal ----
# (python3 and stty come with scripts/deps.sh; without them the pty tests
# are missing from the count, and tests/run fails the area.)
limit 120 python3 "$D/pty_test.py" "$DRV" "$T/pty.err"
quiet pty_sanitizers "$T/pty.err"
