/* prelude.c - the preludes of generated C: the texts of src/kernel/rt.h
 * and src/backend/fmath.h. */
#include "backend.h"

const char be_rt_h[] =
#include "../../build/gen/rt_h.inc"
	;

const char be_fmath_h[] =
#include "../../build/gen/fmath_h.inc"
	;
