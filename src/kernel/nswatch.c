/* nswatch.c - Watch on /svc/ns (see nswatch.h). */
#include "nswatch.h"

#include "ns.h"

const char *nw_check(const struct ly_contract *c)
{
	int watch = ly_find_msg(c, "Watch", 0) >= 0;
	if (!watch && ly_find_msg(c, "Next", 0) < 0)
		return NULL;
	if (!ly_has(c, "Watch", 0, 0) || !ly_has(c, "Next", 0, 0) || !ly_has(c, "Came", 1, 1) ||
	    !ly_has(c, "Went", 1, 1))
		return "a name-service contract with Watch needs in Watch(), Next() and out Came(u8[] "
		       "path), Went(u8[] path)";
	return NULL;
}

/* Send w its next event if it asked and one is there. */
static void tell(struct sk_kernel *k, uint32_t i)
{
	struct nw_state *nw = &k->nw;
	if (!nw->w[i].asked || nw->w[i].seen == nw->nev)
		return;
	if (nw->nev - nw->w[i].seen > NW_EVENTS)   /* fell behind: the oldest are gone */
		nw->w[i].seen = nw->nev - NW_EVENTS;
	const char *path = nw->ev[nw->w[i].seen % NW_EVENTS].path;
	int went = nw->ev[nw->w[i].seen % NW_EVENTS].went;
	nw->w[i].seen++;
	nw->w[i].asked = 0;
	ns_reply(nw->w[i].e, went ? "Went" : "Came",
	         (union sing_slot){.p = ns_text(k, path, (uint32_t)__builtin_strlen(path))});
}

static void watcher_gone(struct ch_end *e)
{
	for (uint32_t i = 0; i < NW_MAX; i++)
		if (e->k->nw.w[i].e == e)
			e->k->nw.w[i].e = NULL;
}

int nw_watch(struct ch_end *e)
{
	struct nw_state *nw = &e->k->nw;
	for (uint32_t i = 0; i < NW_MAX; i++)
		if (!nw->w[i].e) {
			nw->w[i].e = e;
			nw->w[i].seen = nw->nev;
			nw->w[i].asked = 0;
			e->gone = watcher_gone;
			return 0;
		}
	xh_delete(&e->k->xh, e);   /* no room: the watcher sees ChannelClosed */
	return -1;
}

void nw_next(struct ch_end *e)
{
	for (uint32_t i = 0; i < NW_MAX; i++)
		if (e->k->nw.w[i].e == e) {
			e->k->nw.w[i].asked = 1;
			tell(e->k, i);
		}
}

void nw_event(struct sk_kernel *k, int went, const char *path)
{
	struct nw_state *nw = &k->nw;
	nw->ev[nw->nev % NW_EVENTS].went = went;
	sk_copy_str(nw->ev[nw->nev % NW_EVENTS].path, sizeof nw->ev[0].path, path);
	nw->nev++;
	for (uint32_t i = 0; i < NW_MAX; i++)
		if (nw->w[i].e)
			tell(k, i);
}
