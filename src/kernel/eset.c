/* eset.c - endpoint sets (see eset.h). */
#include "eset.h"

#include "sched.h"

struct es_set *es_new(struct sk_kernel *k, struct xh_list *own, const struct ly_contract *con,
                      uint32_t side, uint32_t state, struct es_set **maps)
{
	struct es_set *s = xh_new_raw(&k->xh, own, &k->reg.eset, sizeof *s);
	if (!s)
		return NULL;
	xh_list_init(&s->members, own->owner, own->budget);
	s->con = con;
	s->side = side;
	s->row = state * con->nmsgs;
	if (maps) {
		s->map = 1;
		s->mnext = *maps;
		if (*maps)
			(*maps)->mpprev = &s->mnext;
		s->mpprev = maps;
		*maps = s;
	}
	return s;
}

void es_ready(struct ch_end *e)
{
	struct es_set *s = e->set;
	if (!e->queued) {
		e->queued = 1;
		e->rnext = NULL;
		if (s->tail)
			s->tail->rnext = e;
		else
			s->ready = e;
		s->tail = e;
	}
	if (s->waiter)
		sched_wake(s->waiter);
}

int es_add(struct es_set *s, struct ch_end *e, struct xh_list *own, void *val)
{
	if (xh_holder(s) != own)
		return CH_OWNER;
	if (xh_owner(e) != own || xh_kind(e) != SING_K_ENDPOINT)
		return CH_OWNER;
	/* A member whose peer has gone is fine (its closed case comes next). */
	if (e->con != s->con || e->side != s->side || e->row != s->row || e->serve)
		return CH_STATE;
	xh_recv(e, &s->members);
	e->set = s;
	e->val = s->map ? val : NULL;
	s->n++;
	if (e->count || e->closed)
		es_ready(e);
	return 0;
}

struct ch_end *es_take(struct es_set *s, struct xh_list *own, union sing_slot *out)
{
	struct ch_end *e = s->ready;
	s->ready = e->rnext;
	if (!s->ready)
		s->tail = NULL;
	e->rnext = NULL;
	e->queued = 0;
	e->set = NULL;
	s->n--;
	xh_recv(e, own);
	out[0].p = e;
	if (s->map)
		out[1].p = e->val;
	e->val = NULL;
	return e;
}

/* Conservatively, as a stack word (gc_mark_range): a value the verifier
 * let through wrongly is at worst ignored, never marked outside the heap. */
void es_roots(struct gc_heap *h, struct es_set *maps)
{
	for (struct es_set *s = maps; s; s = s->mnext)
		for (struct xh_block *b = s->members.head.next; b != &s->members.head; b = b->next) {
			struct ch_end *e = (struct ch_end *)(b + 1);
			gc_mark_range(h, (uintptr_t)&e->val, (uintptr_t)(&e->val + 1));
		}
}

void es_drop(struct xh_heap *h, void *set)
{
	struct es_set *s = set;
	s->waiter = NULL;   /* its SIP is deleting it: nobody waits on it any more */
	if (s->map) {       /* its values are no longer roots */
		*s->mpprev = s->mnext;
		if (s->mnext)
			s->mnext->mpprev = s->mpprev;
	}
	/* Out of the set first: a member closed below must not be queued on
	 * the ready list of a set whose other members are being freed. */
	for (struct xh_block *b = s->members.head.next; b != &s->members.head; b = b->next)
		((struct ch_end *)(b + 1))->set = NULL;
	s->ready = s->tail = NULL;
	xh_free_all(h, &s->members);
}
