/* bench_rows.c - the cost table itself: one row per comparison, in the
 * order printed.  Add a row here; nothing else needs to change. */
#include "bench.h"

const char bench_published_source[] =
	"published, other hardware (EuroSys 2006, 1.8 GHz Athlon 64): "
	"Fahndrich et al., \"Language Support for Fast and Reliable "
	"Message-based Communication in Singularity OS\", EuroSys 2006; "
	"cycles, Singularity / Linux / Windows";

#define PUB(s, l, w) {s, l, w}
#define NOPUB {0, 0, 0}

const struct bench_row bench_rows[] = {
	{"kernel_call", "process-kernel call (ABI call vs getppid)",
	 BENCH_ONE_CPU, BENCH_SING_ABI_CALL, &bench_linux_getppid,
	 PUB(78, 324, 445)},
	{"thread_yield", "thread yield",
	 BENCH_ONE_CPU, BENCH_SING_YIELD, &bench_linux_yield,
	 PUB(401, 900, 763)},
	{"thread_pingpong", "2 threads ping-pong, same CPU (wait/set vs futex)",
	 BENCH_SAME_CPU, BENCH_SING_THREAD_PINGPONG, &bench_linux_futex_pingpong,
	 PUB(2156, 2390, 3554)},
	{"thread_pingpong_condvar", "2 threads ping-pong, same CPU (vs condvar)",
	 BENCH_SAME_CPU, BENCH_SING_THREAD_PINGPONG, &bench_linux_condvar_pingpong,
	 NOPUB},
	{"thread_pingpong_xcpu", "2 threads ping-pong, across CPUs (vs futex)",
	 BENCH_CROSS_CPU, BENCH_SING_THREAD_PINGPONG, &bench_linux_futex_pingpong,
	 NOPUB},
	{"msg_pingpong", "2 processes ping-pong, same CPU (channel vs 2 pipes)",
	 BENCH_SAME_CPU, BENCH_SING_SIP_PINGPONG, &bench_linux_pipe_pingpong,
	 PUB(2462, 10758, 12806)},
	{"msg_pingpong_xcpu", "2 processes ping-pong, across CPUs (vs 2 pipes)",
	 BENCH_CROSS_CPU, BENCH_SING_SIP_PINGPONG, &bench_linux_pipe_pingpong,
	 NOPUB},
	{"proc_fork", "process creation (SIP vs fork+exit+wait)",
	 BENCH_ONE_CPU, BENCH_SING_SIP_CREATE, &bench_linux_fork,
	 NOPUB},
	{"proc_exec", "process creation (SIP vs fork+exec+wait)",
	 BENCH_ONE_CPU, BENCH_SING_SIP_CREATE, &bench_linux_fork_exec,
	 PUB(388000, 719000, 5376000)},
	{"proc_spawn", "process creation (SIP vs posix_spawn+wait)",
	 BENCH_ONE_CPU, BENCH_SING_SIP_CREATE, &bench_linux_spawn,
	 NOPUB},
	{"send_8", "send+receive 8 B (exchange heap vs pipe)",
	 BENCH_ONE_CPU, BENCH_SING_SEND_8, &bench_linux_pipe_8,
	 NOPUB},
	{"send_64k", "send+receive 64 KiB (exchange heap vs pipe)",
	 BENCH_ONE_CPU, BENCH_SING_SEND_64K, &bench_linux_pipe_64k,
	 NOPUB},
	{"alloc_64", "alloc+free 64 B (exchange heap vs malloc)",
	 BENCH_ONE_CPU, BENCH_SING_EXHEAP_64, &bench_linux_malloc_64,
	 NOPUB},
	{"alloc_64k", "alloc+free 64 KiB (exchange heap vs malloc)",
	 BENCH_ONE_CPU, BENCH_SING_EXHEAP_64K, &bench_linux_malloc_64k,
	 NOPUB},
	{"alloc_64k_fill", "alloc+write+free 64 KiB (exchange heap vs malloc+memset)",
	 BENCH_ONE_CPU, BENCH_SING_EXHEAP_64K_FILL, &bench_linux_malloc_64k_fill,
	 NOPUB},
	{"chan_create", "channel creation (vs socketpair+close)",
	 BENCH_ONE_CPU, BENCH_SING_CHAN_CREATE, &bench_linux_socketpair,
	 NOPUB},
	{"ns_bind", "name-service bind (vs connect to a named Unix socket)",
	 BENCH_ONE_CPU, BENCH_SING_NS_BIND, &bench_linux_unix_connect,
	 NOPUB},
};

const size_t bench_nrows = sizeof bench_rows / sizeof bench_rows[0];
