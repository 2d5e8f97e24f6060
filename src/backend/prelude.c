/* prelude.c - the text of src/kernel/rt.h, the prelude of generated C. */
#include "backend.h"

const char be_rt_h[] =
#include "../../build/gen/rt_h.inc"
	;
