/*
 * store.h - the system store: installed programs, their manifests and the
 * policy, and the install-time manifest checks ("Solving the Starting
 * Problem": no code runs without a manifest the system checked).
 *
 * Layout of a store directory (docs/system.md):
 *   policy              the policy (policy.h), started from sys/policy
 *   index               one line per installed program, sorted by name
 *   pkg/HASH/package.sil    the package, named by its content hash
 *   pkg/HASH/manifest       its manifest as readable text
 *   pkg/HASH/...            whatever the install hook adds (compiled code)
 *   lock                    flock()ed while a store is open
 *
 * Invariant: an install either passes every check and the hook and is
 * recorded by one rename of the index (the commit point), or leaves the
 * store byte-identical.  Check first, then act: st_check_install never
 * writes; st_install writes only after it.  Installed packages are read
 * back and their hashes checked against the index on every open.
 * This module must never run code, and never trust a package's indices
 * (the verifier runs in the hook, after the store's own checks).
 */
#ifndef STORE_STORE_H
#define STORE_STORE_H

#include <stdint.h>
#include <stdio.h>

#include "../sil/sil.h"
#include "policy.h"

/* The compiled object `sing install` stores beside the package. */
#define ST_CODE_FILE "code.so"

struct st_prog {                 /* one installed program */
	char *name;
	char hash[65];               /* hex SHA-256 of the package: its folder */
	uint64_t budget;             /* effective budget (0 in the manifest resolved) */
	struct sil_pkg *p;           /* the package, read back from the store */
};

struct st_store {
	char *dir;
	int lockfd;
	struct st_policy pol;
	uint32_t nprogs;
	struct st_prog *progs;       /* sorted by name */
};

/* The default store: $SING_STORE, else the running binary's folder +
 * "/store".  Writes into buf (n bytes) and returns it. */
const char *st_default_dir(char *buf, size_t n);

/* Open the store at dir, creating it if missing (its policy copied from
 * policy_src, else $SING_POLICY, else sys/policy of the tree the binary
 * was built in).  Problems go to errs as "store: ..."; NULL on failure. */
struct st_store *st_open(const char *dir, const char *policy_src, FILE *errs);
void st_close(struct st_store *st);

/* The installed program called name, or NULL. */
const struct st_prog *st_find(const struct st_store *st, const char *name);

/* Every install rule, against the store as it is; writes nothing.  Each
 * refusal is one line on errs: "install: NAME: rule RULE: message".
 * bytes/len are the package's encoding (p was read from them).
 * Returns the number of refusals (0: installable). */
int st_check_install(const struct st_store *st, const struct sil_pkg *p,
                     const uint8_t *bytes, size_t len, FILE *errs);

/* The "verify and compile" step, run by st_install after every store
 * check passed and before anything is recorded.  dir is the program's
 * staging folder (files put there are installed with the package, e.g.
 * compiled code); it is deleted if the install fails.  Return 0 to go on;
 * on failure print the reasons to errs and return nonzero. */
struct st_hook {
	int (*fn)(void *ctx, const struct sil_pkg *p, const char *dir, FILE *errs);
	void *ctx;
};

/* Check, run the hook, record.  A program of the same name is replaced
 * (any version; the new one must still serve its dependents).  0 if
 * installed; 1 after reporting on errs, with the store unchanged. */
int st_install(struct st_store *st, const struct sil_pkg *p, const uint8_t *bytes,
               size_t len, const struct st_hook *hook, FILE *errs);

/* Remove name.  Refused (1, naming each dependent on errs) while another
 * installed program depends on a path it provides, unless force. */
int st_uninstall(struct st_store *st, const char *name, int force, FILE *errs);

/* One line per program: name, version, kind, budget, hash prefix, provides. */
void st_list(const struct st_store *st, FILE *out);

/* ---- helpers shared by the store's files (store.c, install_check.c) ---- */
extern const char *const st_system_paths[];   /* NULL-terminated */
extern const char st_index_header[];          /* the index's first line */
/* The contract an endpoint type names, or UINT32_MAX if t is not one. */
uint32_t st_ep_contract(const struct sil_pkg *p, uint32_t t, int *exp_side);
/* The first installed program other than `except` providing path, or NULL;
 * *idx gets the index of its provide entry. */
const struct st_prog *st_provider(const struct st_store *st, const char *path,
                                  const char *except, uint32_t *idx);
/* Call fn for each service p needs: every `depend` entry and every
 * importing-side manifest endpoint (skipping ones that are not endpoints). */
void st_each_need(const struct sil_pkg *p, void *ctx,
                  void (*fn)(void *ctx, const char *path, uint32_t contract));
/* 0 if the provide entry j of pp serves a client of contract cq in q; else
 * 1 with why ("named X, not Y", "message 1 (Send) differs"). */
int st_serves(const struct sil_pkg *pp, uint32_t j, const struct sil_pkg *q, uint32_t cq,
              char *why, size_t n);
int st_is_system_path(const char *path);
/* 0 if name is a valid program name: [A-Za-z0-9][A-Za-z0-9_.-]*, <= 64 bytes. */
int st_check_name(const char *name);
/* "ioport 0xc000..0xc01f", "irq 11", "memory 0xfebf0000..0xfebf0fff". */
const char *st_hw_str(const struct sil_hw *h, char *buf, size_t n);
void st_hex(const uint8_t hash[32], char out[65]);
/* Write dir/name through dir/.name.tmp, fsync and rename: all or nothing. */
int st_write_atomic(const char *dir, const char *name, const void *data, size_t len,
                    FILE *errs);

#endif
