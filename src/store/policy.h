/*
 * policy.h - the system policy: which program may hold which capability,
 * how much memory a program may ask for, and who may claim hardware.
 *
 * The policy is a line-based text file (the store's `policy`, started from
 * sys/policy; format in docs/system.md).  It is read whole and checked
 * before any rule is used: a policy with one bad line is refused, never
 * half-applied.  Lookups are pure: this module never writes anything and
 * never grants by default (no matching `allow` line means "not granted").
 */
#ifndef STORE_POLICY_H
#define STORE_POLICY_H

#include <stdint.h>
#include <stdio.h>

enum st_rkind { ST_R_ALLOW, ST_R_LIMIT, ST_R_HARDWARE };

struct st_rule {
	uint8_t kind;            /* enum st_rkind */
	char *prog;              /* program-name pattern ('*' matches any run) */
	char *cap;               /* ALLOW: capability pattern */
	uint64_t bytes;          /* LIMIT: largest budget */
};

struct st_policy {
	uint64_t default_budget; /* what a manifest asking 0 gets (0: unset) */
	uint32_t nrules;
	struct st_rule *rules;   /* in file order: first match wins for LIMIT */
	int has_hardware;        /* any `hardware` line: only those may claim */
};

/* Parse text; errors "FILE:LINE: error: ..." on errs.  0 if the whole
 * policy is good (then pol owns its memory), else 1 and pol is empty. */
int st_policy_parse(struct st_policy *pol, const char *text, size_t len,
                    const char *file, FILE *errs);
void st_policy_free(struct st_policy *pol);

/* '*' matches any run of bytes (also empty); every other byte itself. */
int st_glob(const char *pat, const char *s);

/* The budget a manifest asking `asked` gets: asked, or the policy's
 * default-budget if asked is 0, or SK_DEFAULT_BUDGET if that is unset. */
uint64_t st_policy_budget(const struct st_policy *pol, uint64_t asked);
/* 1 and *limit set if a `limit` line matches prog (the first one), else 0. */
int st_policy_limit(const struct st_policy *pol, const char *prog, uint64_t *limit);
int st_policy_allows(const struct st_policy *pol, const char *prog, const char *cap);
/* Without `hardware` lines every driver may claim; with them, only matches. */
int st_policy_may_claim(const struct st_policy *pol, const char *prog);

#endif
