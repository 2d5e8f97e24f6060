/* eset.c - endpoint sets (see eset.h). */
#include "eset.h"

#include "sched.h"

struct es_set *es_new(struct sk_kernel *k, struct xh_list *own, const struct ly_contract *con,
                      uint32_t side, uint32_t state)
{
	struct es_set *s = xh_new_raw(&k->xh, own, &k->reg.eset, sizeof *s);
	if (!s)
		return NULL;
	xh_list_init(&s->members, own->owner, own->budget);
	s->con = con;
	s->side = side;
	s->row = state * con->nmsgs;
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

int es_add(struct es_set *s, struct ch_end *e, struct xh_list *own)
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
	s->n++;
	if (e->count || e->closed)
		es_ready(e);
	return 0;
}

struct ch_end *es_take(struct es_set *s, struct xh_list *own)
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
	return e;
}

void es_drop(struct xh_heap *h, void *set)
{
	struct es_set *s = set;
	s->waiter = NULL;   /* its SIP is deleting it: nobody waits on it any more */
	/* Out of the set first: a member closed below must not be queued on
	 * the ready list of a set whose other members are being freed. */
	for (struct xh_block *b = s->members.head.next; b != &s->members.head; b = b->next)
		((struct ch_end *)(b + 1))->set = NULL;
	s->ready = s->tail = NULL;
	xh_free_all(h, &s->members);
}
