/* restart_test.c - init's restart policy (src/system/restart.c) against a
 * clock of our own: prints "ok NAME" / "FAIL NAME: why" per case. */
#include <stdio.h>

#include "system/restart.h"

#define MS 1000000ll

static int fails;

static void expect(const char *name, int cond, const char *why)
{
	printf(cond ? "ok restart/%s\n" : "FAIL restart/%s: %s\n", name, why);
	fails += !cond;
}

/* Quick ends in a row from a fresh service: the delays, doubling to the cap. */
static void crash_loop_slowed(void)
{
	struct rs_service s = {0};
	int64_t now = 0, want[] = {100, 200, 400, 800, 1600, 3200, 3200};
	int good = 1;
	rs_started(&s, now);
	for (int i = 0; i < 7; i++) {
		now += 10 * MS;
		good &= rs_ended(&s, now) == RS_WAITING && s.backoff == want[i] * MS;
		good &= !rs_due(&s, now + s.backoff - 1) && rs_due(&s, now + s.backoff);
		now += s.backoff;
		rs_started(&s, now);
	}
	expect("crash-loop-backoff-doubles-to-3.2s", good, "delays differ from 100..3200 ms");
	expect("crash-loop-given-up-at-8", rs_ended(&s, now + MS) == RS_GAVE_UP && !rs_due(&s, now + 60000 * MS),
	       "the 8th quick end in a row was not given up");
}

/* Killed now and then after healthy runs: always back in 100 ms. */
static void healthy_runs_reset(void)
{
	struct rs_service s = {0};
	int64_t now = 0;
	int good = 1;
	rs_started(&s, now);
	for (int i = 0; i < 100; i++) {
		now += RS_HEALTHY_NS;
		good &= rs_ended(&s, now) == RS_WAITING && s.backoff == 100 * MS;
		now += s.backoff;
		rs_started(&s, now);
	}
	expect("healthy-run-resets-backoff", good && s.restarts == 100, "a delay grew after healthy runs");
	/* Quick ends after a healthy one double from there: 200, then 400 ms. */
	rs_ended(&s, now + 10 * MS);
	int first = s.backoff == 200 * MS;
	rs_started(&s, now += 210 * MS);
	expect("quick-after-healthy-doubles-from-min",
	       first && rs_ended(&s, now + 10 * MS) == RS_WAITING && s.backoff == 400 * MS,
	       "not 200 then 400 ms");
}

int main(void)
{
	crash_loop_slowed();
	healthy_runs_reset();
	return fails != 0;
}
