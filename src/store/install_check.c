/* install_check.c - the install-time manifest checks: one function per
 * rule, run in table order, each refusal one line naming the program, the
 * rule and (for conflicts) the other program.  Nothing here writes. */
#include <stdarg.h>
#include <string.h>

#include "store.h"
#include "../sil/extend.h"
#include "../sil/shape.h"
#include "../sil/text.h"
#include "../kernel/kernel.h"   /* SK_MAXUSAGE: what the kernel keeps of a usage text */

#define ST_MAX_ENTRIES 256   /* per list of a manifest: keeps the checks small */

struct ck {
	const struct st_store *st;
	const struct sil_pkg *p;
	const struct sil_manifest *m;
	const char *name;             /* for messages */
	const uint8_t *bytes;
	size_t len;
	FILE *errs;
	int n;                        /* refusals so far */
};

PRINTF(3, 4) static void refuse(struct ck *c, const char *rule, const char *fmt, ...)
{
	va_list ap;
	fprintf(c->errs, "install: %s: rule %s: ", c->name, rule);
	va_start(ap, fmt);
	vfprintf(c->errs, fmt, ap);
	va_end(ap);
	fputc('\n', c->errs);
	c->n++;
}

int st_check_name(const char *s)
{
	size_t n = strlen(s);
	if (n == 0 || n > 64 || !strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", s[0]))
		return 1;
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") != n;
}

static int bad_version(const char *s)
{
	size_t n = strlen(s);
	return n == 0 || n > 32 ||
	       strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-~") != n;
}

/* A control character other than a newline (usage goes to a terminal). */
static int bad_text(const char *s)
{
	for (; *s; s++)
		if (((unsigned char)*s < 32 && *s != '\n') || *s == 127)
			return 1;
	return 0;
}

static void ck_manifest(struct ck *c)
{
	if (st_check_name(c->m->name))
		refuse(c, "manifest", "\"%s\" is not a program name (a letter or digit, then "
		       "letters, digits, '_', '.', '-'; at most 64)", c->m->name);
	if (bad_version(c->m->version))
		refuse(c, "manifest", "version \"%s\" is not a version (1 to 32 letters, digits, "
		       "'_', '.', '+', '-', '~')", c->m->version);
	if (c->m->kind > SIL_SERVICE)
		refuse(c, "manifest", "unknown program kind %u", c->m->kind);
	const struct sil_manifest *m = c->m;
	if (m->usage && (strlen(m->usage) > SK_MAXUSAGE - 1 || bad_text(m->usage)))
		refuse(c, "manifest", "the usage text is over %u bytes or holds a control character "
		       "other than a newline", SK_MAXUSAGE - 1);
	if (m->ncaps > ST_MAX_ENTRIES || m->neps > ST_MAX_ENTRIES || m->nprovides > ST_MAX_ENTRIES ||
	    m->ndeps > ST_MAX_ENTRIES || m->nhw > ST_MAX_ENTRIES)
		refuse(c, "manifest", "more than %u entries of one kind", ST_MAX_ENTRIES);
}

/* Code present, and the package is exactly the bytes its hash names:
 * section 6 is the last 34 bytes (id 6, length 32, the hash). */
static void ck_hash(struct ck *c)
{
	uint8_t h[32];
	const uint8_t *b = c->bytes;
	int match = c->p->hash_ok && c->len >= 34 && b[c->len - 34] == 6 && b[c->len - 33] == 32 &&
	            !memcmp(b + c->len - 32, c->p->hash, 32);
	if (match) {
		sil_sha256(b, c->len - 34, h);
		match = !memcmp(h, c->p->hash, 32);
	}
	if (!match)
		refuse(c, "hash", "the stored hash does not match the package content");
	if (c->p->nfuncs == 0)
		refuse(c, "code", "the package holds no code");
}

static void ck_budget(struct ck *c)
{
	uint64_t want = st_policy_budget(&c->st->pol, c->m->budget), limit;
	if (!st_policy_limit(&c->st->pol, c->name, &limit))
		refuse(c, "budget", "the policy sets no budget limit for \"%s\"", c->name);
	else if (want > limit)
		refuse(c, "budget", "asks %s%llu bytes; the policy limit is %llu bytes",
		       c->m->budget ? "" : "the default ", (unsigned long long)want,
		       (unsigned long long)limit);
}

static void ck_capabilities(struct ck *c)
{
	for (uint32_t i = 0; i < c->m->ncaps; i++)
		if (!st_policy_allows(&c->st->pol, c->name, c->m->caps[i]))
			refuse(c, "capability", "\"%s\" is not granted by the policy", c->m->caps[i]);
}

static void ck_provides(struct ck *c)
{
	for (uint32_t i = 0; i < c->m->nprovides; i++) {
		const struct sil_svcdecl *s = &c->m->provides[i];
		const struct st_prog *other;
		uint32_t j;
		for (j = 0; j < i && strcmp(c->m->provides[j].path, s->path); j++)
			;
		if (s->contract >= c->p->ncontracts)
			refuse(c, "provide", "\"%s\" names contract c%u, which the package does not "
			       "define", s->path, s->contract);
		else if (st_is_system_path(s->path))
			refuse(c, "provide", "\"%s\" is provided by the system", s->path);
		else if (j < i)
			refuse(c, "provide", "\"%s\" is provided twice", s->path);
		else if ((other = st_provider(c->st, s->path, c->m->name, &j)))
			refuse(c, "provide", "\"%s\" is already provided by \"%s\"", s->path, other->name);
	}
}

/* One needed service: the system's, the package's own, or an installed one. */
static void need(void *ctx, const char *path, uint32_t contract)
{
	struct ck *c = ctx;
	const struct sil_pkg *p = c->p;
	const struct st_prog *g;
	char why[256];
	uint32_t j;
	if (contract >= p->ncontracts) {
		refuse(c, "dependency", "\"%s\" names contract c%u, which the package does not "
		       "define", path, contract);
		return;
	}
	if (st_is_system_path(path))
		return;
	for (j = 0; j < c->m->nprovides; j++)
		if (!strcmp(c->m->provides[j].path, path)) {
			if (st_serves(p, j, p, contract, why, sizeof why))
				refuse(c, "dependency", "\"%s\" is provided by \"%s\" itself with a "
				       "contract of another shape: %s", path, c->name, why);
			return;
		}
	if (!(g = st_provider(c->st, path, c->m->name, &j)))
		refuse(c, "dependency", "\"%s\" (contract %s) is provided by no installed program",
		       path, p->contracts[contract].name);
	else if (st_serves(g->p, j, p, contract, why, sizeof why))
		refuse(c, "dependency", "\"%s\" is provided by \"%s\" with a contract of another "
		       "shape: %s", path, g->name, why);
}

/* The contract a provider contract k serves: its `in Connect(C.Exp e)`
 * carries the server end of each client's channel (the name service's
 * protocol, docs/system.md); UINT32_MAX if k is not one.  Indices are
 * range-checked: the package is not verified yet. */
static uint32_t served_by(const struct sil_pkg *p, uint32_t k)
{
	if (k >= p->ncontracts)
		return UINT32_MAX;
	const struct sil_contract *c = &p->contracts[k];
	for (uint32_t m = 0; m < c->nmsgs; m++) {
		int exp = 0;
		uint32_t inner = c->msgs[m].nargs == 1 ? st_ep_contract(p, c->msgs[m].args[0], &exp)
		                                       : UINT32_MAX;
		if (c->msgs[m].dir == SIL_IN && !strcmp(c->msgs[m].name, "Connect") && exp)
			return inner;
	}
	return UINT32_MAX;
}

/* Importing endpoints and `depend` entries need a provider; an exporting
 * endpoint is the program serving a path, which it must `provide` (with
 * the endpoint's contract, or the one its provider contract connects). */
static void ck_dependencies(struct ck *c)
{
	for (uint32_t i = 0; i < c->m->neps; i++) {
		const struct sil_epdecl *e = &c->m->eps[i];
		int exp = 0;
		uint32_t k = st_ep_contract(c->p, e->type, &exp), j;
		if (k == UINT32_MAX) {
			refuse(c, "dependency", "endpoint \"%s\": t%u is not an endpoint type",
			       e->path, e->type);
			continue;
		}
		if (!exp)
			continue;
		for (j = 0; j < c->m->nprovides; j++)
			if (!strcmp(c->m->provides[j].path, e->path) &&
			    (c->m->provides[j].contract == k || c->m->provides[j].contract == served_by(c->p, k)))
				break;
		if (j == c->m->nprovides)
			refuse(c, "provide", "endpoint \"%s\" is an exporting end, but the manifest "
			       "does not provide \"%s\" with its contract", e->path, e->path);
	}
	st_each_need(c->p, c, need);
}

/* What is wrong with a claim on its own, or NULL. */
static const char *hw_problem(const struct sil_hw *h)
{
	static const uint64_t end[] = {0x10000, 0, 0};   /* ports end at 0xffff */
	return h->kind > SIL_HW_MEMORY ? "is of an unknown kind"
	     : h->len == 0 ? "is empty"
	     : h->base + h->len - 1 < h->base ? "wraps around"
	     : end[h->kind] && h->base + h->len > end[h->kind] ? "ends past port 0xffff"
	     : NULL;
}

static int overlap(const struct sil_hw *x, const struct sil_hw *y)
{
	return x->kind == y->kind && !(x->shared && y->shared) &&
	       x->base <= y->base + (y->len - 1) && y->base <= x->base + (x->len - 1);
}

static void ck_against(struct ck *c, const struct sil_hw *h, const struct st_prog *g)
{
	char a[96], b[96];
	const struct sil_manifest *m = &g->p->man;
	for (uint32_t k = 0; k < m->nhw; k++)
		if (overlap(h, &m->hw[k]))
			refuse(c, "hardware", "%s overlaps driver \"%s\" (%s)", st_hw_str(h, a, sizeof a),
			       g->name, st_hw_str(&m->hw[k], b, sizeof b));
}

static void ck_hardware(struct ck *c)
{
	char a[96], b[96];
	const struct sil_manifest *m = c->m;
	if (m->nhw && m->kind != SIL_DRIVER)
		refuse(c, "hardware", "only a driver may claim hardware, and \"%s\" is %s %s",
		       c->name, m->kind == SIL_APP ? "an" : "a",
		       m->kind <= SIL_SERVICE ? sil_pkind_names[m->kind] : "program");
	else if (m->nhw && !st_policy_may_claim(&c->st->pol, c->name))
		refuse(c, "hardware", "the policy does not let \"%s\" claim hardware", c->name);
	for (uint32_t i = 0; i < m->nhw; i++) {
		const struct sil_hw *h = &m->hw[i];
		const char *why = hw_problem(h);
		if (why) {
			refuse(c, "hardware", "%s base 0x%llx length %llu %s",
			       h->kind <= SIL_HW_MEMORY ? sil_hwkind_names[h->kind] : "claim",
			       (unsigned long long)h->base, (unsigned long long)h->len, why);
			continue;
		}
		for (uint32_t j = 0; j < i; j++)
			if (!hw_problem(&m->hw[j]) && overlap(h, &m->hw[j]))
				refuse(c, "hardware", "%s overlaps the program's own claim %s",
				       st_hw_str(h, a, sizeof a), st_hw_str(&m->hw[j], b, sizeof b));
		for (uint32_t k = 0; k < c->st->nprogs; k++)
			if (strcmp(c->st->progs[k].name, m->name))
				ck_against(c, h, &c->st->progs[k]);
	}
}

/* Replacing a program: every other program that needs a path the old
 * version provides must still be served, with the same contract shape. */
struct rep {
	struct ck *c;
	const struct st_prog *old, *user;
};

static void still_served(void *ctx, const char *path, uint32_t contract)
{
	struct rep *r = ctx;
	const struct sil_manifest *nm = r->c->m, *om = &r->old->p->man;
	char why[256];
	uint32_t j, k;
	for (k = 0; k < om->nprovides && strcmp(om->provides[k].path, path); k++)
		;
	if (k == om->nprovides)
		return;
	for (j = 0; j < nm->nprovides && strcmp(nm->provides[j].path, path); j++)
		;
	if (j == nm->nprovides)
		refuse(r->c, "replace", "\"%s\" depends on \"%s\", which this version does not "
		       "provide", r->user->name, path);
	else if (st_serves(r->c->p, j, r->user->p, contract, why, sizeof why))
		refuse(r->c, "replace", "\"%s\" depends on \"%s\", which this version provides "
		       "with a contract of another shape: %s", r->user->name, path, why);
}

static void ck_replace(struct ck *c)
{
	struct rep r = {.c = c, .old = st_find(c->st, c->m->name)};
	for (uint32_t i = 0; r.old && i < c->st->nprogs; i++) {
		r.user = &c->st->progs[i];
		if (r.user != r.old)
			st_each_need(r.user->p, &r, still_served);
	}
}

static void (*const checks[])(struct ck *c) = {
	ck_hash, ck_budget, ck_capabilities, ck_provides, ck_dependencies,
	ck_hardware, ck_replace,
};

int st_check_install(const struct st_store *st, const struct sil_pkg *p,
                     const uint8_t *bytes, size_t len, FILE *errs)
{
	struct ck c = {.st = st, .p = p, .m = &p->man, .bytes = bytes, .len = len, .errs = errs};
	c.name = p->man.name[0] ? p->man.name : "(unnamed)";
	/* The manifest rule is a gate: the others assume its sizes. */
	ck_manifest(&c);
	if (c.n)
		return c.n;
	for (size_t i = 0; i < sizeof checks / sizeof checks[0]; i++)
		checks[i](&c);
	return c.n;
}

/* ---- helpers the store's other files share ---- */

/* The system names, and every interrupt line's endpoint /kernel/irq/N
 * (the kernel lets only a program claiming line N bind it). */
int st_is_system_path(const char *path)
{
	if (!strncmp(path, "/kernel/irq/", 12) && path[12] >= '0' && path[12] <= '9' &&
	    strspn(path + 12, "0123456789") == strlen(path + 12))
		return 1;
	for (size_t i = 0; st_system_paths[i]; i++)
		if (!strcmp(st_system_paths[i], path))
			return 1;
	return 0;
}

/* The same contract: the same name, and the shape the kernel will intern
 * it by (one definition, src/sil/shape.c). */
static int same_contract(const struct sil_pkg *pp, uint32_t cp, const struct sil_pkg *q,
                         uint32_t cq, char *why, size_t n)
{
	if (cq < q->ncontracts && cp < pp->ncontracts &&
	    strcmp(q->contracts[cq].name, pp->contracts[cp].name)) {
		snprintf(why, n, "named %s, not %s", pp->contracts[cp].name, q->contracts[cq].name);
		return 1;
	}
	return sil_shape_diff(q, cq, pp, cp, why, n);
}

int st_serves(const struct sil_pkg *pp, uint32_t j, const struct sil_pkg *q, uint32_t cq,
              char *why, size_t n)
{
	uint32_t cp = pp->man.provides[j].contract;
	char other[256];
	if (!same_contract(pp, cp, q, cq, why, n))
		return 0;
	/* Or the client speaks an extension of it whose server end the provider
	 * may take as its own (src/sil/extend.h; the kernel checks the same at
	 * bind). */
	for (uint32_t a = cq, k = 0; k < 64 && a < q->ncontracts && q->contracts[a].has_base &&
	     q->contracts[a].base < a; k++) {
		a = q->contracts[a].base;
		if (!same_contract(pp, cp, q, a, other, sizeof other) && sil_ext_upcast(q, cq, a, 1, 0))
			return 0;
	}
	return 1;
}

/* The i-th need of p (importing endpoints first, then depends); 0 if none. */
static int nth_need(const struct sil_pkg *p, uint32_t i, const char **path, uint32_t *k)
{
	const struct sil_manifest *m = &p->man;
	int exp = 0;
	if (i < m->neps) {
		*path = m->eps[i].path;
		*k = st_ep_contract(p, m->eps[i].type, &exp);
		return *k != UINT32_MAX && !exp ? 1 : -1;
	}
	if (i - m->neps >= m->ndeps)
		return 0;
	*path = m->deps[i - m->neps].path;
	*k = m->deps[i - m->neps].contract;
	return 1;
}

/* Each (path, contract) once: an endpoint and a `depend` entry usually
 * name the same service. */
void st_each_need(const struct sil_pkg *p, void *ctx,
                  void (*fn)(void *ctx, const char *path, uint32_t contract))
{
	const char *path, *q;
	uint32_t k, kq;
	int r;
	for (uint32_t i = 0; (r = nth_need(p, i, &path, &k)); i++) {
		uint32_t j = 0;
		while (j < i && !(nth_need(p, j, &q, &kq) == 1 && kq == k && !strcmp(q, path)))
			j++;
		if (r == 1 && j == i)
			fn(ctx, path, k);
	}
}

const char *st_hw_str(const struct sil_hw *h, char *buf, size_t n)
{
	unsigned long long lo = h->base, hi = h->base + h->len - 1;
	if (h->kind == SIL_HW_IRQ && lo == hi)
		snprintf(buf, n, "irq %llu", lo);
	else if (h->kind == SIL_HW_IRQ)
		snprintf(buf, n, "irq %llu..%llu", lo, hi);
	else
		snprintf(buf, n, "%s 0x%llx..0x%llx", sil_hwkind_names[h->kind], lo, hi);
	return buf;
}
