/*
 * verify.c - the verifier's pipeline and its one error channel.
 *
 * The pipeline, in order: content hash; type table; constants; contracts;
 * manifest; function signatures; the entry point against the manifest;
 * then one forward pass per function (verify_flow.c).  Functions are only
 * walked when the tables they index are sound, so every later pass may
 * rely on vctx.ty[] for any type index it has range-checked.
 */
#include "verify_impl.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Print s with control characters replaced: names come from hostile
 * packages and must not forge lines of output. */
static void put_clean(FILE *f, const char *s)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

int verr(struct vctx *v, const char *rule, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	v->nerrors++;
	if (v->fn)
		v->flow = 0;    /* no ownership tracking after a function's first error */
	if (v->nerrors > VFY_MAX_ERRORS) {
		v->stopped = 1;
		return -1;
	}
	if (!v->errs)
		return -1;
	fprintf(v->errs, "%s: error: ", v->file);
	if (v->fn) {
		fputs("function ", v->errs);
		snprintf(msg, 256, "%s", v->fn->name);
		put_clean(v->errs, msg);
	}
	if (v->fn && v->in)
		fprintf(v->errs, ", instruction %u (%s)", v->pc,
		        v->in->op < OP__COUNT ? sil_ops[v->in->op].name : "?");
	fprintf(v->errs, "%s%s: ", v->fn ? ": " : "", rule);
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	put_clean(v->errs, msg);
	fputc('\n', v->errs);
	if (v->nerrors == VFY_MAX_ERRORS) {
		fprintf(v->errs, "%s: error: too many errors, stopping\n", v->file);
		v->stopped = 1;
	}
	return -1;
}

int vcharge(struct vctx *v, uint64_t n)
{
	if (n <= v->budget) {
		v->budget -= n;
		return 0;
	}
	v->budget = 0;
	verr(v, "limit", "package too complex to verify in bounded time "
	     "(too many joins of too many linear locals)");
	v->stopped = 1;
	return -1;
}

static uint64_t total_insns(const struct sil_pkg *p)
{
	uint64_t n = 0;
	for (uint32_t i = 0; i < p->nfuncs; i++)
		n += p->funcs[i].ninsns;
	return n;
}

int vfy_package(const struct sil_pkg *p, const char *file, FILE *errs,
                struct vfy_report *rep)
{
	struct vctx v;
	memset(&v, 0, sizeof v);
	v.p = p;
	v.file = file ? file : "package";
	v.errs = errs;
	v.budget = VFY_BUDGET_BASE + 32 * total_insns(p);

	if (!p->hash_ok)
		verr(&v, "hash", "stored content hash does not match the package");
	vfy_types(&v);
	vfy_consts(&v);
	vfy_contracts(&v);
	vfy_manifest(&v);
	vfy_signatures(&v);
	vfy_entry(&v);
	uint64_t ninsns = 0;
	uint32_t nf = 0;
	if (v.types_ok && !v.stopped) {
		for (uint32_t i = 0; i < p->nfuncs && !v.stopped; i++, nf++) {
			vfy_function(&v, i);
			ninsns += p->funcs[i].ninsns;
		}
	}
	free(v.ty);
	free(v.mark);
	if (rep) {
		rep->nfuncs = nf;
		rep->ninsns = ninsns;
		rep->nerrors = v.nerrors;
	}
	return v.nerrors ? 1 : 0;
}
