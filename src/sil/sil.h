/*
 * sil.h - SIL packages in memory, and the tools that read and write them.
 *
 * A package is what the untrusted compiler ships and the trusted system
 * installs: constants, types, contracts, functions (typed locals and code),
 * a manifest and a content hash.  docs/sil.md gives the byte layout and
 * the text form; this header is the in-memory form every tool shares.
 *
 * Invariant: the reader checks *encoding* only (lengths, varints, known
 * opcodes, counts that fit in the input).  It never trusts an index: whether
 * a type, local, label or field index is in range is the verifier's job, so
 * nothing may act on a package the verifier has not passed.
 * This module must never include anything from src/lang.
 */
#ifndef SIL_SIL_H
#define SIL_SIL_H

#include <stdint.h>
#include <stdio.h>

#include "../util/util.h"
#include "opcodes.h"

#define SIL_MAGIC   "SIL\0"
/* The binary layout's version (docs/sil.md): bumped when an encoding
 * changes meaning, so a package from an older compiler is refused by name
 * rather than misread.  2: eset types carry a value type (endpoint maps). */
#define SIL_VERSION 2u

/* Builtin types have fixed indices; table entry i is type SIL_T_BUILTIN+i. */
enum sil_builtin {
	SIL_T_VOID, SIL_T_BOOL,
	SIL_T_I8, SIL_T_I16, SIL_T_I32, SIL_T_I64,
	SIL_T_U8, SIL_T_U16, SIL_T_U32, SIL_T_U64,
	SIL_T_F64, SIL_T_STRING,
	SIL_T_BUILTIN /* count */
};

enum sil_tkind {
	SIL_TK_ARRAY = 1, /* GC array of elem (elem not linear)               */
	SIL_TK_STRUCT,    /* GC struct; fields not linear                      */
	SIL_TK_XSTRUCT,   /* exchange-heap struct: linear; fields scalar or linear */
	SIL_TK_XARRAY,    /* exchange-heap array of scalar elem: linear        */
	SIL_TK_ENDPOINT,  /* channel end of contract, side, state: linear      */
	SIL_TK_CELL,      /* GC object holding at most one linear elem (TRef)  */
	SIL_TK_IOPORT,    /* device access to one claimed I/O port range       */
	SIL_TK_ESET,      /* set of endpoints of contract, side, in state: linear;
	                     a map if elem (each endpoint carries a GC value) */
	SIL_TK_ANYEP,     /* an endpoint of any contract, side only: linear, opaque
	                     (moved, stored, sent, deleted; never sent or received on) */
	SIL_TK__COUNT
};

enum sil_side { SIL_IMP = 0, SIL_EXP = 1 };
/* Message direction, from the exporter's side as in Sing#. */
enum sil_dir { SIL_IN = 0 /* importer -> exporter */, SIL_OUT = 1 };

struct sil_field {
	char *name;
	uint32_t type;
};

struct sil_type {
	uint8_t kind;            /* enum sil_tkind */
	uint32_t elem;           /* ARRAY, XARRAY, CELL; ESET: a map's value type (void: a plain set) */
	char *name;              /* STRUCT, XSTRUCT */
	uint32_t nfields;
	struct sil_field *fields;
	uint32_t contract;       /* ENDPOINT, ESET */
	uint8_t side;            /* ENDPOINT, ESET, ANYEP: enum sil_side */
	uint32_t state;          /* ENDPOINT: declared state (see docs/sil.md); ESET: its members' state */
};

enum sil_ktag { SIL_K_STRING = 1, SIL_K_F64 = 2 };

struct sil_const {
	uint8_t tag;             /* enum sil_ktag */
	uint32_t len;            /* STRING: byte length */
	char *bytes;             /* STRING: bytes, NUL-terminated for convenience */
	uint64_t f64bits;        /* F64: the IEEE-754 bits */
};

struct sil_msg {
	char *name;
	uint8_t dir;             /* enum sil_dir */
	uint32_t nargs;
	uint32_t *args;          /* type indices */
};

struct sil_trans {
	uint32_t msg, next;      /* message index, next state index */
};

struct sil_state {
	char *name;
	uint32_t ntrans;
	struct sil_trans *trans;
};

struct sil_contract {
	char *name;
	uint32_t nmsgs;
	struct sil_msg *msgs;
	uint32_t nstates;        /* state 0 is the start state */
	struct sil_state *states;
	uint32_t bound_in;       /* most in-messages that can be queued */
	uint32_t bound_out;      /* most out-messages that can be queued */
	uint8_t has_base;        /* extends contract `base` (its messages and states are a prefix) */
	uint32_t base;
};

/* One receive case of SELECT. msg is 0 for ChannelClosed, else message+1. */
struct sil_case {
	uint32_t ep, msg, label, nargs;
	uint32_t *args;
};

/* A decoded instruction.  a[] holds the fixed operands in table order
 * (a 'd' operand with no destination is stored as -1); the '*' list and
 * the 'S' table are held apart. */
struct sil_insn {
	uint8_t op;              /* enum sil_op */
	int64_t a[4];
	uint32_t nlist;
	uint32_t *list;
	uint32_t ncases;
	struct sil_case *cases;
	uint32_t line;           /* .sasm line it came from, 0 if read from binary */
};

#define SIL_P_BORROW 1u      /* parameter flag: borrowed, not owned */

struct sil_func {
	char *name;
	uint32_t nparams;        /* params are locals 0..nparams-1 */
	uint8_t *pflags;         /* nparams flags, SIL_P_* */
	uint32_t ret;            /* return type */
	uint32_t nlocals;
	uint32_t *locals;        /* type of each local */
	uint32_t ninsns;
	struct sil_insn *insns;
};

enum sil_pkind { SIL_APP = 0, SIL_DRIVER = 1, SIL_SERVICE = 2 };
enum sil_hwkind { SIL_HW_IOPORT = 0, SIL_HW_IRQ = 1, SIL_HW_MEMORY = 2 };

struct sil_epdecl {              /* an endpoint the program expects */
	char *path;                  /* name it binds to, e.g. /dev/nic0 */
	uint32_t type;               /* endpoint type (contract, side, state) */
};

struct sil_svcdecl {             /* a service it provides or depends on */
	char *path;
	uint32_t contract;
};

struct sil_hw {                  /* a hardware claim */
	uint8_t kind;                /* enum sil_hwkind */
	uint8_t shared;              /* 1 if others may claim it too */
	uint64_t base, len;
};

struct sil_manifest {
	char *name, *version;
	uint8_t kind;                /* enum sil_pkind */
	uint64_t budget;             /* memory budget in bytes */
	uint32_t ncaps;
	char **caps;
	uint32_t neps;
	struct sil_epdecl *eps;
	uint32_t nprovides;
	struct sil_svcdecl *provides;
	uint32_t ndeps;
	struct sil_svcdecl *deps;
	uint32_t nhw;
	struct sil_hw *hw;
	char *usage;                 /* what NAME --help prints (NULL: none); a
	                                trailing optional field, so packages
	                                without it read as before */
};

struct sil_pkg {
	uint32_t version;
	uint32_t nconsts;
	struct sil_const *consts;
	uint32_t ntypes;             /* table entries; type SIL_T_BUILTIN+i is types[i] */
	struct sil_type *types;
	uint32_t ncontracts;
	struct sil_contract *contracts;
	uint32_t nfuncs;
	struct sil_func *funcs;
	struct sil_manifest man;
	uint8_t hash[32];            /* stored hash (read) or hash to write */
	int hash_forged;             /* writer: write `hash` as given, do not compute */
	int hash_ok;                 /* reader: stored hash equals the content's */
	struct arena arena;          /* owns every pointer above */
};

/* ---- package lifetime (sil.c) ---- */
struct sil_pkg *sil_new(void);
void sil_free(struct sil_pkg *p);
void *sil_alloc(struct sil_pkg *p, size_t n);          /* zeroed */
char *sil_strndup(struct sil_pkg *p, const char *s, size_t n);
const char *sil_builtin_name(uint32_t t);              /* NULL if not builtin */
int sil_is_linear(const struct sil_pkg *p, uint32_t t); /* XSTRUCT, XARRAY, ENDPOINT */
const struct sil_type *sil_type(const struct sil_pkg *p, uint32_t t); /* NULL if builtin or out of range */
/* Human name of type t for messages ("i32", "Packet", "NicDevice.Imp:START"); buf >= 128. */
const char *sil_type_str(const struct sil_pkg *p, uint32_t t, char *buf, size_t n);

/* ---- binary form (write.c, read.c) ---- */
/* Encode p; computes and stores p->hash unless p->hash_forged. */
void sil_write(struct sil_pkg *p, struct sbuf *out);
/* Decode; on failure returns NULL and writes "offset N: reason" into err. */
struct sil_pkg *sil_read(const uint8_t *buf, size_t len, char *err, size_t errlen);
void sil_sha256(const void *data, size_t len, uint8_t out[32]);

/* ---- text form (asm.c, dis.c) ---- */
/* Assemble .sasm text; errors go to errs as file:line:col: error: ...
 * with the line and a caret.  Returns NULL if any error was reported. */
struct sil_pkg *sil_asm(const char *src, size_t len, const char *file, FILE *errs);
/* Print the complete text form; sil_asm of it gives back the same bytes. */
void sil_dis(const struct sil_pkg *p, FILE *out);

#endif
