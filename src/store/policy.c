/* policy.c - read the policy file and answer the installer's questions. */
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "../util/util.h"
#include "../kernel/kernel.h"

#define MAXWORDS 4

struct pline {                    /* one line being parsed */
	struct st_policy *pol;
	const char *file;
	uint32_t line;
	FILE *errs;
	int nw;
	char *w[MAXWORDS];
};

static int perr(struct pline *l, const char *msg, const char *word)
{
	fprintf(l->errs, "%s:%u: error: %s%s%s%s\n", l->file, l->line, msg,
	        word ? " \"" : "", word ? word : "", word ? "\"" : "");
	return 1;
}

/* A size: decimal digits, optionally followed by K, M or G (powers of 1024). */
static int parse_size(const char *s, uint64_t *out)
{
	static const struct { char c; unsigned shift; } suffix[] = {
		{0, 0}, {'K', 10}, {'M', 20}, {'G', 30},
	};
	uint64_t v = 0;
	const char *p = s;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return 1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (p == s)
		return 1;
	for (size_t i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		if (*p != suffix[i].c || (*p && p[1]))
			continue;
		if (v > (UINT64_MAX >> suffix[i].shift))
			return 1;
		*out = v << suffix[i].shift;
		return 0;
	}
	return 1;
}

static struct st_rule *add_rule(struct st_policy *pol, uint8_t kind, const char *prog)
{
	pol->rules = xrealloc(pol->rules, (pol->nrules + 1) * sizeof *pol->rules);
	struct st_rule *r = &pol->rules[pol->nrules++];
	memset(r, 0, sizeof *r);
	r->kind = kind;
	r->prog = xstrdup(prog);
	return r;
}

static int do_allow(struct pline *l)
{
	add_rule(l->pol, ST_R_ALLOW, l->w[1])->cap = xstrdup(l->w[2]);
	return 0;
}

static int do_limit(struct pline *l)
{
	uint64_t v;
	if (parse_size(l->w[2], &v))
		return perr(l, "bad size", l->w[2]);
	add_rule(l->pol, ST_R_LIMIT, l->w[1])->bytes = v;
	return 0;
}

static int do_default(struct pline *l)
{
	uint64_t v;
	if (parse_size(l->w[1], &v) || v == 0)
		return perr(l, "bad size", l->w[1]);
	if (l->pol->default_budget)
		return perr(l, "default-budget given twice", NULL);
	l->pol->default_budget = v;
	return 0;
}

static int do_hardware(struct pline *l)
{
	add_rule(l->pol, ST_R_HARDWARE, l->w[1]);
	l->pol->has_hardware = 1;
	return 0;
}

static const struct directive {
	const char *word;
	int nargs;
	int (*fn)(struct pline *l);
	const char *usage;
} directives[] = {
	{"allow",          2, do_allow,    "allow PROGRAM CAPABILITY"},
	{"limit",          2, do_limit,    "limit PROGRAM SIZE"},
	{"default-budget", 1, do_default,  "default-budget SIZE"},
	{"hardware",       1, do_hardware, "hardware PROGRAM"},
};

/* Split s (modified in place) into words; '#' starts a comment. */
static int split(struct pline *l, char *s)
{
	l->nw = 0;
	char *hash = strchr(s, '#');
	if (hash)
		*hash = 0;
	for (char *tok = strtok(s, " \t\r"); tok; tok = strtok(NULL, " \t\r")) {
		if (l->nw == MAXWORDS)
			return perr(l, "too many words", NULL);
		l->w[l->nw++] = tok;
	}
	return 0;
}

static int parse_line(struct pline *l, char *s)
{
	if (split(l, s) || l->nw == 0)
		return l->nw != 0;
	for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++) {
		const struct directive *d = &directives[i];
		if (strcmp(l->w[0], d->word))
			continue;
		if (l->nw != d->nargs + 1) {
			fprintf(l->errs, "%s:%u: error: expected \"%s\"\n", l->file, l->line, d->usage);
			return 1;
		}
		return d->fn(l);
	}
	return perr(l, "unknown directive", l->w[0]);
}

int st_policy_parse(struct st_policy *pol, const char *text, size_t len,
                    const char *file, FILE *errs)
{
	memset(pol, 0, sizeof *pol);
	if (memchr(text, 0, len)) {
		fprintf(errs, "%s: error: the policy holds a NUL byte\n", file);
		return 1;
	}
	struct pline l = {.pol = pol, .file = file, .errs = errs};
	int bad = 0;
	const char *p = text, *end = text + len;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char *s = xstrndup(p, n);
		l.line++;
		bad |= parse_line(&l, s);
		free(s);
		p += n + (nl != NULL);
	}
	if (bad)
		st_policy_free(pol);
	return bad;
}

void st_policy_free(struct st_policy *pol)
{
	for (uint32_t i = 0; i < pol->nrules; i++) {
		free(pol->rules[i].prog);
		free(pol->rules[i].cap);
	}
	free(pol->rules);
	memset(pol, 0, sizeof *pol);
}

int st_glob(const char *pat, const char *s)
{
	const char *star = NULL, *retry = NULL;
	while (*s) {
		if (*pat == '*') {
			star = ++pat;
			retry = s;
		} else if (*pat == *s) {
			pat++, s++;
		} else if (star) {
			pat = star;
			s = ++retry;
		} else {
			return 0;
		}
	}
	while (*pat == '*')
		pat++;
	return *pat == 0;
}

uint64_t st_policy_budget(const struct st_policy *pol, uint64_t asked)
{
	if (asked)
		return asked;
	return pol->default_budget ? pol->default_budget : SK_DEFAULT_BUDGET;
}

int st_policy_limit(const struct st_policy *pol, const char *prog, uint64_t *limit)
{
	for (uint32_t i = 0; i < pol->nrules; i++)
		if (pol->rules[i].kind == ST_R_LIMIT && st_glob(pol->rules[i].prog, prog)) {
			*limit = pol->rules[i].bytes;
			return 1;
		}
	return 0;
}

int st_policy_allows(const struct st_policy *pol, const char *prog, const char *cap)
{
	for (uint32_t i = 0; i < pol->nrules; i++) {
		const struct st_rule *r = &pol->rules[i];
		if (r->kind == ST_R_ALLOW && st_glob(r->prog, prog) && st_glob(r->cap, cap))
			return 1;
	}
	return 0;
}

int st_policy_may_claim(const struct st_policy *pol, const char *prog)
{
	if (!pol->has_hardware)
		return 1;
	for (uint32_t i = 0; i < pol->nrules; i++)
		if (pol->rules[i].kind == ST_R_HARDWARE && st_glob(pol->rules[i].prog, prog))
			return 1;
	return 0;
}
