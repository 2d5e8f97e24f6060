/*
 * shape.h - do two packages mean the same contract?
 *
 * A provider and its client are compiled apart, so each package carries its
 * own copy of a shared contract, at its own indices.  Two contracts have the
 * same shape when they have the same name, the same messages (name,
 * direction, argument types compared by structure), the same transitions
 * (state i, message j -> state k) and the same queue bounds.  State names
 * are labels only and are not compared.  Recursive types are compared
 * coinductively (a pair under comparison is assumed equal).
 *
 * Invariant: works on packages the verifier has not seen: every index is
 * range-checked here, and an out-of-range index is a difference, never a
 * read out of bounds.  Never allocates without bound (pairs seen <= types
 * of a times types of b, recursion depth capped).
 */
#ifndef STORE_SHAPE_H
#define STORE_SHAPE_H

#include <stddef.h>
#include "../sil/sil.h"

/* 0 if contract ca of a and contract cb of b have the same shape, else 1
 * with the first difference found written into why ("message 1 differs"). */
int st_shape_same(const struct sil_pkg *a, uint32_t ca, const struct sil_pkg *b,
                  uint32_t cb, char *why, size_t n);

#endif
