/*
 * verify_own.c - ownership and typestate of linear locals.
 *
 * Each linear local of the function being checked has a slot: empty,
 * owned (with an endpoint's contract state, or closed) or borrowed (a
 * borrowed parameter, or an xborrow of a parent slot).  Every change goes
 * through own_set, which keeps three counters exact, so the check at a
 * return is O(1) unless it fails: nbusy (slots that would leak or dangle
 * at a return), noff (borrowed endpoint parameters not in their declared
 * state) and nxb (live xborrows; when 0, killing borrows costs nothing).
 * Every function here is a no-op once v->flow is off (after the first
 * error in a function), so type checks can go on without cascades.
 */
#include "verify_impl.h"

#include <stdlib.h>
#include <string.h>

static int is_ep(const struct vctx *v, uint32_t s)
{
	return v->ty[v->fn->locals[v->localof[s]]].cls == TC_ENDPOINT;
}

uint32_t ep_state_of(const struct vctx *v, uint32_t t)
{
	const struct sil_type *d = vt_def(v, t);
	return d && (d->kind == SIL_TK_ENDPOINT || d->kind == SIL_TK_ESET) ? d->state : 0;
}

static void count(struct vctx *v, uint32_t s, const struct slot *x, int d)
{
	int param = x->kind == S_BORROWED && x->parent == NOPARENT;
	if (x->kind != S_EMPTY && !param)
		v->nbusy += (uint32_t)d;
	if (param && is_ep(v, s) && x->st != x->home)
		v->noff += (uint32_t)d;
	if (x->kind == S_BORROWED && !param)
		v->nxb += (uint32_t)d;
}

void own_set(struct vctx *v, uint32_t s, struct slot n)
{
	/* One representation per state, so joins compare plainly: only a
	 * borrow has a parent or a home state. */
	if (n.kind == S_EMPTY)
		memset(&n, 0, sizeof n);
	if (n.kind == S_OWNED)
		n.parent = 0, n.home = 0, n.field = 0;
	count(v, s, &v->cur[s], -1);
	v->cur[s] = n;
	count(v, s, &v->cur[s], +1);
}

/* Take on a saved state (the counters are recomputed from it). */
void own_load(struct vctx *v, const struct slot *saved)
{
	v->nbusy = v->noff = v->nxb = 0;
	memcpy(v->cur, saved, v->nslots * sizeof *v->cur);
	for (uint32_t s = 0; s < v->nslots; s++)
		count(v, s, &v->cur[s], +1);
}

int own_slot_eq(const struct slot *a, const struct slot *b)
{
	return a->kind == b->kind && a->parent == b->parent && a->st == b->st && a->home == b->home &&
	       a->field == b->field;
}

static const char *state_name(const struct vctx *v, uint32_t s, uint32_t st)
{
	const struct sil_type *d = vt_def(v, v->fn->locals[v->localof[s]]);
	if (st == ST_CLOSED)
		return "closed";
	return v->p->contracts[d->contract].states[st].name;
}

/* Describe slot s in state x (x may come from a saved state). */
void own_describe(struct vctx *v, uint32_t s, const struct slot *x, char *buf, size_t n)
{
	snprintf(buf, n, "%s", x->kind == S_EMPTY ? "empty" : x->kind == S_OWNED ? "owned" :
	         x->parent == NOPARENT ? "a borrowed parameter" : "borrowed");
	if (x->kind == S_BORROWED && x->parent != NOPARENT)
		snprintf(buf + strlen(buf), n - strlen(buf), " from r%u", v->localof[x->parent]);
	if (x->kind != S_EMPTY && is_ep(v, s))
		snprintf(buf + strlen(buf), n - strlen(buf), " in state %.60s", state_name(v, s, x->st));
}

void own_begin(struct vctx *v)
{
	const struct sil_func *f = v->fn;
	v->slotof = xmalloc((f->nlocals + 1) * sizeof *v->slotof);
	v->localof = xmalloc((f->nlocals + 1) * sizeof *v->localof);
	v->epstamp = xcalloc(f->nlocals + 1, sizeof *v->epstamp);
	v->nslots = v->nbusy = v->noff = v->nxb = 0;
	for (uint32_t r = 0; r < f->nlocals; r++) {
		v->slotof[r] = v->ty[f->locals[r]].linear ? (int32_t)v->nslots : -1;
		if (v->slotof[r] >= 0)
			v->localof[v->nslots++] = (uint16_t)r;
	}
	v->cur = xcalloc(v->nslots + 1, sizeof *v->cur);
	for (uint32_t r = 0; r < f->nparams; r++) {
		if (v->slotof[r] < 0)
			continue;
		uint32_t st = ep_state_of(v, f->locals[r]);
		int b = f->pflags[r] & SIL_P_BORROW;
		own_set(v, (uint32_t)v->slotof[r], (struct slot){ b ? S_BORROWED : S_OWNED,
		        NOPARENT, st, st, 0 });
	}
}

void own_end(struct vctx *v)
{
	free(v->slotof);
	free(v->localof);
	free(v->epstamp);
	free(v->cur);
	v->slotof = NULL;
	v->localof = NULL;
	v->epstamp = NULL;
	v->cur = NULL;
}

/* The slot of linear local r, or NULL if r is not linear or flow is off. */
static struct slot *slot_of(struct vctx *v, uint32_t r)
{
	if (!v->flow || v->slotof[r] < 0)
		return NULL;
	return &v->cur[v->slotof[r]];
}

static int need_value(struct vctx *v, uint32_t r, const struct slot *x)
{
	if (x->kind == S_EMPTY)
		return verr(v, "use-after-move", "r%u is empty (moved, sent, deleted or never set)", r);
	if (x->st == ST_CLOSED)
		return verr(v, "closed-only-delete", "r%u is a closed endpoint: it can only be deleted", r);
	return 0;
}

int own_read(struct vctx *v, uint32_t r)
{
	struct slot *x = slot_of(v, r);
	return x ? need_value(v, r, x) : 0;
}

static int need_owned(struct vctx *v, uint32_t r, const struct slot *x)
{
	if (x->kind == S_BORROWED)
		return verr(v, "borrow-escape", "r%u is borrowed: it cannot be moved, stored, sent, "
		            "deleted or returned", r);
	return need_value(v, r, x);
}

/* Move r out (to a typed slot of type slot_type, or UINT32_MAX for mov). */
int own_move(struct vctx *v, uint32_t r, uint32_t slot_type)
{
	struct slot *x = slot_of(v, r);
	char c[128];
	if (!x)
		return 0;
	if (need_owned(v, r, x))
		return -1;
	uint32_t s = (uint32_t)v->slotof[r];
	/* An opaque slot (anyep) takes an open endpoint in any state (a
	 * closed one never gets here: need_owned). */
	if (slot_type != UINT32_MAX && v->ty[slot_type].cls != TC_ANYEP && is_ep(v, s) &&
	    x->st != ep_state_of(v, slot_type))
		return verr(v, "endpoint-state", "r%u is in state %.60s but the slot it goes to "
		            "(%s) wants state %.60s", r, state_name(v, s, x->st),
		            vtname(v, slot_type, c), state_name(v, s, ep_state_of(v, slot_type)));
	own_kill(v, r);
	own_set(v, s, (struct slot){ S_EMPTY, 0, 0, 0, 0 });
	return 0;
}

int own_delete(struct vctx *v, uint32_t r)
{
	struct slot *x = slot_of(v, r);
	if (!x)
		return 0;
	if (x->kind == S_BORROWED)
		return need_owned(v, r, x);
	if (x->kind == S_EMPTY)
		return need_value(v, r, x);
	own_kill(v, r);
	own_set(v, (uint32_t)v->slotof[r], (struct slot){ S_EMPTY, 0, 0, 0, 0 });
	return 0;
}

int own_owned(struct vctx *v, uint32_t r)
{
	struct slot *x = slot_of(v, r);
	return x ? need_owned(v, r, x) : 0;
}

int own_empty_dst(struct vctx *v, uint32_t r)
{
	struct slot *x = slot_of(v, r);
	char b[128];
	if (!x || x->kind == S_EMPTY)
		return 0;
	own_describe(v, (uint32_t)v->slotof[r], x, b, sizeof b);
	return verr(v, "not-empty", "destination r%u is not empty (%s): overwriting it would "
	            "leak or lose it", r, b);
}

int own_def(struct vctx *v, uint32_t r, uint32_t st)
{
	if (slot_of(v, r))
		own_set(v, (uint32_t)v->slotof[r], (struct slot){ S_OWNED, 0, st, 0, 0 });
	return 0;
}

/* End every borrow made from r, transitively (a worklist: each slot is
 * killed once, and each pop scans the slots: O(slots) charged per pop). */
void own_kill(struct vctx *v, uint32_t r)
{
	if (!v->flow || v->slotof[r] < 0 || !v->nxb)
		return;
	uint32_t *work = xmalloc((v->nslots + 1) * sizeof *work), n = 0;
	work[n++] = (uint32_t)v->slotof[r];
	while (n && v->nxb) {
		uint32_t p = work[--n];
		if (vcharge(v, v->nslots))
			break;
		for (uint32_t s = 0; s < v->nslots; s++)
			if (v->cur[s].kind == S_BORROWED && v->cur[s].parent == p) {
				own_set(v, s, (struct slot){ S_EMPTY, 0, 0, 0, 0 });
				work[n++] = s;
			}
	}
	free(work);
}

int own_return(struct vctx *v)
{
	char b[128];
	if (!v->flow || (!v->nbusy && !v->noff))
		return 0;
	for (uint32_t s = 0; s < v->nslots; s++) {
		const struct slot *x = &v->cur[s];
		uint32_t r = v->localof[s];
		if (x->kind == S_OWNED)
			return verr(v, "leak", "r%u still owns a value at return", r);
		if (x->kind == S_BORROWED && x->parent != NOPARENT)
			return verr(v, "not-empty", "r%u is still borrowed from r%u at return "
			            "(unborrow it)", r, v->localof[x->parent]);
		if (x->kind == S_BORROWED && x->st != x->home) {
			own_describe(v, s, x, b, sizeof b);
			return verr(v, "endpoint-state", "borrowed parameter r%u must return in state "
			            "%.60s, but it is %s", r, state_name(v, s, x->home), b);
		}
	}
	die("ownership counters out of step with the slots");
}

int own_distinct(struct vctx *v, const uint32_t *l, uint32_t n)
{
	if (++v->stamp == 0) {
		memset(v->epstamp, 0, (v->fn->nlocals + 1) * sizeof *v->epstamp);
		memset(v->mark, 0, v->nmark * sizeof *v->mark);
		v->stamp = 1;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (v->slotof[l[i]] < 0)
			continue;
		if (v->epstamp[l[i]] == v->stamp)
			return verr(v, "duplicate", "linear r%u appears twice in one instruction", l[i]);
		v->epstamp[l[i]] = v->stamp;
	}
	return 0;
}

int own_borrow_arg(struct vctx *v, uint32_t r, uint32_t ptype)
{
	struct slot *x = slot_of(v, r);
	if (!x)
		return 0;
	if (need_value(v, r, x))
		return -1;
	uint32_t s = (uint32_t)v->slotof[r];
	if (is_ep(v, s) && x->st != ep_state_of(v, ptype))
		return verr(v, "endpoint-state", "r%u is in state %.60s but the borrowed parameter "
		            "wants state %.60s", r, state_name(v, s, x->st),
		            state_name(v, s, ep_state_of(v, ptype)));
	return 0;
}

/* ---- aliasing: two access paths to one value ---- */

static int is_xborrow(const struct slot *x)
{
	return x->kind == S_BORROWED && x->parent != NOPARENT;
}

static uint32_t depth(const struct vctx *v, uint32_t s)
{
	uint32_t d = 0;
	for (; is_xborrow(&v->cur[s]); s = v->cur[s].parent)
		d++;
	return d;
}

/* Whether the access path of slot a (depth da) is a prefix of b's (db):
 * walk b up to a's depth, then both up together, field by field, to the
 * root (an owned local or a borrowed parameter), which must be one slot.
 * Two xborrows of one field are distinct locals but one path. */
static int prefix(const struct vctx *v, uint32_t a, uint32_t da, uint32_t b, uint32_t db)
{
	for (; db > da; db--)
		b = v->cur[b].parent;
	for (; a != b; a = v->cur[a].parent, b = v->cur[b].parent)
		if (!is_xborrow(&v->cur[a]) || !is_xborrow(&v->cur[b]) ||
		    v->cur[a].field != v->cur[b].field)
			return 0;
	return 1;
}

int own_unaliased(struct vctx *v, const uint32_t *l, const uint8_t *ask, uint32_t n)
{
	if (!v->flow || !v->nxb)     /* no xborrow: every linear local is its own value */
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!ask[i] || v->slotof[l[i]] < 0)
			continue;
		uint32_t a = (uint32_t)v->slotof[l[i]], da = depth(v, a);
		for (uint32_t j = i + 1; j < n; j++) {
			if (!ask[j] || v->slotof[l[j]] < 0)
				continue;
			uint32_t b = (uint32_t)v->slotof[l[j]], db = depth(v, b);
			if (vcharge(v, 2 + da + db))
				return -1;
			if (da <= db ? prefix(v, a, da, b, db) : prefix(v, b, db, a, da))
				return verr(v, "alias", "r%u and r%u reach one value (%s): a callee would "
				            "see two unrelated borrows of it", l[i], l[j],
				            da == db ? "the same field path" : "one's field path extends the other's");
		}
	}
	return 0;
}
