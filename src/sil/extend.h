/*
 * extend.h - contract extension (`contract D : B`), the one definition the
 * compiler and the verifier share.
 *
 * D extends B when B's messages are D's first messages (same names,
 * directions and argument type indices) and B's states are D's first
 * states, each with exactly B's transitions on B's messages; D may add
 * messages, states, and transitions on its own messages (to any state).
 *
 * An endpoint of D on side `side` in state S may be used as one of B in S
 * (an upcast) when, in every state of B reachable from S, the peer can send
 * nothing B does not know: D adds no transition of the peer's direction
 * there.  The holder then only ever sees B's messages and B's states.
 *
 * Invariant: works on packages the verifier has not seen: every index is
 * range-checked and nothing out of range is read.
 */
#ifndef SIL_EXTEND_H
#define SIL_EXTEND_H

#include <stddef.h>
#include "sil.h"

/* 0 if contract d's declared base is a real extension prefix; else 1 with
 * the first difference in why ("message 1 (Req) differs from Base's"). */
int sil_ext_diff(const struct sil_pkg *p, uint32_t d, char *why, size_t n);

/* Is b d itself or on d's chain of bases (bases declared before the
 * contract that names them, so the chain ends)? */
int sil_ext_is_base(const struct sil_pkg *p, uint32_t d, uint32_t b);

/* May an endpoint of d (side 0 imp, 1 exp) in state st be used as one of b
 * in st?  b must be on d's chain, every link of which passed sil_ext_diff. */
int sil_ext_upcast(const struct sil_pkg *p, uint32_t d, uint32_t b, uint32_t side, uint32_t st);

#endif
