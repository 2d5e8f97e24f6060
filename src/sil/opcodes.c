/* opcodes.c - the opcode table, expanded once from opcodes.h. */
#include "opcodes.h"

const struct sil_opinfo sil_ops[OP__COUNT] = {
#define X(e, name, ops, fl) [OP_##e] = {name, ops, fl},
	SIL_OPCODES(X)
#undef X
};
