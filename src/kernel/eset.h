/*
 * eset.h - endpoint sets: many endpoints of one contract, side and state,
 * waited on as one (Sing#'s ESet).
 *
 * A set is an exchange-heap block (kind SING_K_ESET) on its SIP's owner
 * list, so it is deleted with the SIP like any block it owns.  The
 * endpoints in it belong to the set: they sit on the set's own owner list
 * (members, charged to the same budget), so every ownership backstop of
 * the kernel (a send, a select, a delete, a store) refuses them while they
 * are in, and deleting the set deletes them (xh_heap.drop_set).
 * Each member that has a message waiting or whose peer closed is on the
 * set's ready list, once, in the order it became ready: a delivery or a
 * close appends it (es_ready, O(1)), and a select takes the head, so a
 * select over a set of N endpoints costs O(1) per message, never a scan.
 * A map (Sing#'s EMap) is a set whose members each carry a value, a
 * reference into the SIP's GC heap (ch_end.val): es_add stores it, es_take
 * hands it out with the endpoint and clears it, so a value never leaves
 * the SIP with its endpoint.  The SIP's maps are on its list (sip.maps)
 * and its collections trace their values as roots (es_roots).
 *
 * Invariant: every member is in the set's contract state (es_add checks
 * it; a member cannot be sent on while in); a member is on the ready list
 * iff it has a queued message or is closed; e->set is the set holding e,
 * NULL outside any set; e->val is NULL unless e is a member of a map.
 * Nothing here blocks or allocates except es_new.
 */
#ifndef KERNEL_ESET_H
#define KERNEL_ESET_H

#include "chan.h"

struct es_set {
	struct xh_list members;          /* endpoints in the set (the owner's budget) */
	struct ch_end *ready, *tail;     /* members ready to be taken, FIFO via rnext */
	struct sk_thread *waiter;        /* blocked in select on this set */
	const struct ly_contract *con;
	uint32_t side, row;              /* the members' side and state row (state x nmsgs) */
	uint32_t n;                      /* members */
	uint32_t map;                    /* 1: a map (members carry values) */
	struct es_set *mnext, **mpprev;  /* a map: in its SIP's list of maps */
};

/* A new empty set of con's endpoints of side in state, owned by own;
 * NULL if over budget.  maps: NULL for a plain set; for a map the list of
 * maps (its SIP's) whose values the SIP's collections trace. */
struct es_set *es_new(struct sk_kernel *k, struct xh_list *own, const struct ly_contract *con,
                      uint32_t side, uint32_t state, struct es_set **maps);
/* Move endpoint e from own into s, with value val if s is a map (ignored
 * for a plain set): 0, CH_OWNER (s or e not own's at top level, e == s)
 * or CH_STATE (other contract, side or state). */
int es_add(struct es_set *s, struct ch_end *e, struct xh_list *own, void *val);
/* Member e has a message or closed: append it to its set's ready list. */
void es_ready(struct ch_end *e);
/* The member a select on s would take, or NULL. */
static inline struct ch_end *es_head(const struct es_set *s)
{
	return s->ready;
}
/* Take the head of the ready list out of s, to own: out[0] is the
 * endpoint, and for a map out[1] its value (then cleared in the endpoint).
 * Returns the endpoint. */
struct ch_end *es_take(struct es_set *s, struct xh_list *own, union sing_slot *out);
/* A collection's roots: the values of every member of the maps on list maps. */
void es_roots(struct gc_heap *h, struct es_set *maps);
/* The exchange heap's hook for a set block about to be freed: frees its
 * members (closing them). */
void es_drop(struct xh_heap *h, void *set);

#endif
