/*
 * verify_manifest.c - the manifest, and the entry point it promises.
 *
 * The manifest is what the installer trusts to wire a program up: its
 * endpoints and hardware claims must refer to real types and contracts,
 * and `main` must take exactly what the manifest says will be handed to it
 * (string[] args, each declared endpoint in its declared state, one ioport
 * per ioport claim) and return i32.  An ioport value exists only because
 * the kernel passes one to main for a claim; no instruction creates one.
 */
#include "verify_impl.h"

#include <string.h>

static void check_hw(struct vctx *v, uint32_t i, const struct sil_hw *h)
{
	if (h->kind > SIL_HW_MEMORY || h->shared > 1)
		verr(v, "manifest", "hardware claim %u: unknown kind %u or sharing %u", i, h->kind, h->shared);
	else if (h->len == 0 || h->base + h->len < h->base)
		verr(v, "manifest", "hardware claim %u: empty or wrapping range", i);
	else if (h->kind == SIL_HW_IOPORT && h->base + h->len > 0x10000)
		verr(v, "manifest", "hardware claim %u: I/O ports end past 0xffff", i);
	else {
		v->hw_claim = 1;
		if (h->kind == SIL_HW_IOPORT)
			v->io_claim = 1;
	}
}

static void check_svcs(struct vctx *v, const char *what, const struct sil_svcdecl *s, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		if (!s[i].path || !s[i].path[0])
			verr(v, "manifest", "%s %u has no path", what, i);
		if (s[i].contract >= v->p->ncontracts)
			verr(v, "manifest", "%s %.100s: contract c%u out of range", what,
			     s[i].path ? s[i].path : "", s[i].contract);
	}
}

/* A manifest endpoint is made by the kernel (ch_new) or bound through the
 * name service, so it starts in its contract's start state (state 0);
 * declaring another would let main talk from a state the peer is not in.
 * main's parameters must equal the manifest's, so this covers them too. */
static void start_state_err(struct vctx *v, const struct sil_epdecl *e)
{
	const struct sil_type *d = vt_def(v, e->type);
	const struct sil_contract *c = &v->p->contracts[d->contract];
	verr(v, "start-state", "endpoint %.100s is declared in state %.60s of %.60s, but a new "
	     "channel starts in state %.60s", e->path ? e->path : "", c->states[d->state].name,
	     c->name, c->states[0].name);
}

void vfy_manifest(struct vctx *v)
{
	const struct sil_manifest *m = &v->p->man;
	if (m->kind > SIL_SERVICE)
		verr(v, "manifest", "unknown package kind %u", m->kind);
	for (uint32_t i = 0; i < m->ncaps; i++)
		if (!m->caps[i] || !m->caps[i][0])
			verr(v, "manifest", "capability %u is empty", i);
	for (uint32_t i = 0; i < m->neps; i++) {
		const struct sil_epdecl *e = &m->eps[i];
		if (!e->path || !e->path[0])
			verr(v, "manifest", "endpoint %u has no path", i);
		if (e->type >= v->nty || v->ty[e->type].cls != TC_ENDPOINT)
			verr(v, "manifest", "endpoint %.100s: t%u is not an endpoint type",
			     e->path ? e->path : "", e->type);
		else if (v->types_ok && ep_state_of(v, e->type) != 0)
			start_state_err(v, e);
	}
	check_svcs(v, "provided service", m->provides, m->nprovides);
	check_svcs(v, "dependency", m->deps, m->ndeps);
	/* Only a driver may touch hardware (the installer matches drivers to
	 * devices); an app or service with a claim is refused outright. */
	if (m->nhw && m->kind != SIL_DRIVER)
		verr(v, "manifest", "hardware claims need package kind driver");
	for (uint32_t i = 0; i < m->nhw; i++)
		check_hw(v, i, &m->hw[i]);
}

static int same_endpoint(struct vctx *v, uint32_t a, uint32_t b)
{
	const struct sil_type *x = vt_def(v, a), *y = vt_def(v, b);
	return x && y && v->ty[a].cls == TC_ENDPOINT && v->ty[b].cls == TC_ENDPOINT &&
	       x->contract == y->contract && x->side == y->side && x->state == y->state;
}

static int main_params(struct vctx *v, const struct sil_func *f, uint32_t nio)
{
	const struct sil_manifest *m = &v->p->man;
	char b[128], c[128];
	uint32_t want = 1 + m->neps + nio;
	if (f->nparams != want)
		return verr(v, "entry-signature", "main takes %u parameters; the manifest gives "
		            "string[] + %u endpoints + %u ioports", f->nparams, m->neps, nio);
	for (uint32_t i = 0; i < f->nparams; i++)
		if (f->pflags[i])
			return verr(v, "entry-signature", "main's parameter r%u must be owned", i);
	const struct sil_type *a = vt_def(v, f->locals[0]);
	if (!a || a->kind != SIL_TK_ARRAY || !vt_same(v, a->elem, SIL_T_STRING))
		return verr(v, "entry-signature", "main's r0 is %s, not string[]",
		            vtname(v, f->locals[0], b));
	for (uint32_t i = 0; i < m->neps; i++)
		if (m->eps[i].type < v->nty && v->ty[m->eps[i].type].cls == TC_ENDPOINT &&
		    !same_endpoint(v, f->locals[1 + i], m->eps[i].type))
			return verr(v, "entry-signature", "main's r%u is %s, but manifest endpoint "
			            "%.100s is %s", 1 + i, vtname(v, f->locals[1 + i], b),
			            m->eps[i].path, vtname(v, m->eps[i].type, c));
	for (uint32_t i = 1 + m->neps; i < f->nparams; i++)
		if (v->ty[f->locals[i]].cls != TC_IOPORT)
			return verr(v, "entry-signature", "main's r%u is %s, not the ioport of a claim",
			            i, vtname(v, f->locals[i], b));
	return 0;
}

void vfy_entry(struct vctx *v)
{
	const struct sil_pkg *p = v->p;
	const struct sil_func *f = NULL;
	uint32_t nio = 0;
	if (!v->types_ok)
		return;
	for (uint32_t i = 0; i < p->nfuncs && !f; i++)
		if (p->funcs[i].name && !strcmp(p->funcs[i].name, "main"))
			f = &p->funcs[i];
	if (!f) {
		verr(v, "entry-signature", "no function named main");
		return;
	}
	for (uint32_t i = 0; i < p->man.nhw; i++)
		nio += p->man.hw[i].kind == SIL_HW_IOPORT;
	v->fn = f;
	if (!main_params(v, f, nio) && f->ret != SIL_T_I32)
		verr(v, "entry-signature", "main must return i32");
	v->fn = NULL;
}
