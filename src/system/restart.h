/*
 * restart.h - init's restart policy for drivers and services, after
 * MINIX 3's reincarnation server and systemd's Restart=/StartLimitBurst=.
 *
 * A service that ends is restarted after a back-off: RS_BACKOFF_MIN_NS
 * (100 ms) after a healthy run, doubling (to RS_BACKOFF_MAX_NS, 3.2 s) with
 * each end that follows the last start by less than RS_HEALTHY_NS (2 s): a
 * crash loop is slowed.  A run of RS_HEALTHY_NS or more is healthy and
 * resets the back-off, so a driver killed now and then always comes back
 * in 100 ms.  RS_GIVE_UP quick ends in a row (a start that fails counts as
 * one) are a crash loop that restarting will not fix: the service is given
 * up (RS_GAVE_UP) and not restarted again.
 *
 * Invariant: a service is in exactly one state; rs_ended is the only way
 * from RS_RUNNING to RS_WAITING or RS_GAVE_UP, rs_started the only way to
 * RS_RUNNING.  Freestanding: time comes in as nanoseconds from the caller's
 * clock; it never reads a clock, allocates, prints or calls libc.
 */
#ifndef SYSTEM_RESTART_H
#define SYSTEM_RESTART_H

#include <stdint.h>

#define RS_BACKOFF_MIN_NS 100000000ll     /* 100 ms */
#define RS_BACKOFF_MAX_NS 3200000000ll    /* 3.2 s */
#define RS_HEALTHY_NS     2000000000ll    /* a run this long resets the back-off */
#define RS_GIVE_UP        8               /* quick ends in a row: given up */

enum rs_state { RS_STOPPED, RS_RUNNING, RS_WAITING, RS_GAVE_UP };

struct rs_service {
	enum rs_state state;       /* RS_STOPPED: never started */
	int64_t started;           /* when it last started */
	int64_t restart_at;        /* RS_WAITING: when to start it again */
	int64_t backoff;           /* the last delay (0: none yet) */
	uint32_t quick;            /* quick ends in a row */
	uint32_t restarts;         /* every restart, for the record */
};

/* It started (or was restarted) at now. */
void rs_started(struct rs_service *s, int64_t now);
/* It ended (or its start failed) at now: RS_WAITING with the delay
 * before its restart in s->backoff, or RS_GAVE_UP.  Returns the state. */
enum rs_state rs_ended(struct rs_service *s, int64_t now);
/* Is it waiting and its restart time come? */
int rs_due(const struct rs_service *s, int64_t now);

#endif
