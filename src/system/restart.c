/* restart.c - init's restart policy (see restart.h). */
#include "restart.h"

void rs_started(struct rs_service *s, int64_t now)
{
	if (s->state != RS_STOPPED)
		s->restarts++;
	s->state = RS_RUNNING;
	s->started = now;
}

enum rs_state rs_ended(struct rs_service *s, int64_t now)
{
	if (now - s->started >= RS_HEALTHY_NS) {   /* a healthy run: start afresh */
		s->quick = 0;
		s->backoff = 0;
	}
	if (++s->quick >= RS_GIVE_UP) {
		s->state = RS_GAVE_UP;
		return s->state;
	}
	s->backoff = s->backoff ? s->backoff * 2 : RS_BACKOFF_MIN_NS;
	if (s->backoff > RS_BACKOFF_MAX_NS)
		s->backoff = RS_BACKOFF_MAX_NS;
	s->restart_at = now + s->backoff;
	s->state = RS_WAITING;
	return s->state;
}

int rs_due(const struct rs_service *s, int64_t now)
{
	return s->state == RS_WAITING && now >= s->restart_at;
}
