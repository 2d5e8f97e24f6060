/*
 * shape.h - the one definition of "the same contract" across packages.
 *
 * A provider and its client are compiled apart, so each package carries its
 * own copy of a shared contract, at its own indices.  Their *shape* is a
 * canonical text of the contract: its queue bounds, its messages (names,
 * directions, argument layouts, and contracts carried by endpoint
 * arguments, recursively) and its transitions.  Contract, struct, field and
 * state names are left out; structs and contracts met again on the way
 * (recursive protocols) are written as back-references numbered in order
 * of first visit, so the text depends on the structure only.
 *
 * The kernel interns contracts by the SHA-256 of that text (the backend
 * writes it into every image); the installer compares the same texts part
 * by part to say which message differs.  Both therefore accept exactly the
 * same pairs.
 *
 * Invariant: works on packages the verifier has not seen: every index is
 * range-checked, and an out-of-range one is written as such, never read;
 * recursion depth is capped.
 */
#ifndef SIL_SHAPE_H
#define SIL_SHAPE_H

#include <stddef.h>
#include "sil.h"

/* The shape digest of contract c of p. */
void sil_shape_digest(const struct sil_pkg *p, uint32_t c, uint8_t out[32]);

/* 0 if contract ca of a and contract cb of b have the same shape; else 1,
 * with the first difference written into why ("message 1 (SendPacket)
 * differs", "3 messages, not 4", "transitions differ"). */
int sil_shape_diff(const struct sil_pkg *a, uint32_t ca, const struct sil_pkg *b,
                   uint32_t cb, char *why, size_t n);

#endif
