/*
 * verify_impl.h - what the verifier's files share: the checking context,
 * the per-type facts derived once from the type table, and the ownership
 * state of linear locals.
 *
 * Invariant: nothing in here trusts an index it has not range-checked.
 * The package-level passes (types, contracts, manifest) run first and fill
 * struct vctx; the function pass (verify_flow.c) then relies on vctx.ty[]
 * being defined for every type index below vctx.nty.  An index that fails
 * its check is reported and never dereferenced.
 * This module must never include anything from src/lang.
 */
#ifndef VERIFY_VERIFY_IMPL_H
#define VERIFY_VERIFY_IMPL_H

#include "verify.h"

/* Limits that keep verification linear and bounded on hostile input. */
#define VFY_MAX_LOCALS  65535u         /* locals per function */
#define VFY_MAX_INSNS   (1u << 24)     /* instructions per function */
#define VFY_MAX_ERRORS  100u           /* errors printed per package */
#define VFY_BUDGET_BASE (1ull << 26)   /* slot operations per package, plus 32 per insn */
#define VFY_MAX_SAVED   (1u << 22)     /* saved slots (targets x linear locals) per function */

/* What a type is, as far as the rules care. */
enum vcls {
	TC_BAD, TC_VOID, TC_BOOL, TC_INT, TC_F64, TC_STRING,
	TC_ARRAY, TC_STRUCT, TC_XSTRUCT, TC_XARRAY, TC_ENDPOINT, TC_CELL, TC_IOPORT, TC_ESET,
	TC_ANYEP,   /* an opaque endpoint (any.Exp, any.Imp): moved, stored, sent, deleted */
};

struct vtype {
	uint8_t cls;      /* enum vcls */
	uint8_t linear;   /* XSTRUCT, XARRAY, ENDPOINT, ESET, ANYEP */
	uint32_t canon;   /* equal canon == same type (endpoint state ignored) */
	uint32_t exact;   /* canon, but an endpoint's state counts (stored endpoints) */
};

/* Ownership state of one linear local (a "slot"). */
enum { S_EMPTY, S_OWNED, S_BORROWED };
#define NOPARENT   0xffffu             /* borrowed parameter, not an xborrow */
#define ST_CLOSED  0xffffffffu         /* endpoint after a ChannelClosed case */

struct slot {
	uint8_t kind;     /* S_* */
	uint16_t parent;  /* S_BORROWED: slot it was xborrowed from, or NOPARENT */
	uint32_t st;      /* endpoint: current contract state or ST_CLOSED */
	uint32_t home;    /* endpoint: declared state of the parameter or field */
	uint32_t field;   /* xborrow: the field of parent it borrows */
};

struct vctx {
	const struct sil_pkg *p;
	const char *file;
	FILE *errs;
	uint32_t nerrors;
	int stopped;               /* error cap or budget reached: stop checking */
	uint64_t budget;           /* slot operations left (see VFY_BUDGET_BASE) */

	struct vtype *ty;          /* SIL_T_BUILTIN + ntypes entries */
	uint32_t nty;
	int types_ok;              /* type table sound: functions may be checked */
	int io_claim;              /* manifest claims at least one ioport range */
	int hw_claim;              /* manifest claims any hardware (ports, IRQs, memory) */

	/* the function being checked */
	const struct sil_func *fn;
	const struct sil_insn *in; /* current instruction, NULL outside code */
	uint32_t pc;
	int flow;                  /* ownership and flow still tracked */

	/* ownership: slots of the linear locals (verify_own.c) */
	int32_t *slotof;           /* local -> slot, -1 if not linear */
	uint16_t *localof;         /* slot -> local */
	uint32_t nslots;
	struct slot *cur;
	uint32_t nbusy;            /* slots holding something, borrowed params aside */
	uint32_t noff;             /* borrowed endpoint params away from their state */
	uint32_t nxb;              /* live xborrows */

	/* select scratch (verify_chan.c) */
	uint32_t *mark;            /* per message: stamp of the endpoint that names it */
	uint32_t nmark;
	uint32_t *epstamp;         /* per local: stamp of its last mention */
	uint32_t stamp;
};

/* ---- verify.c: reporting ---- */
/* Report a violation of RULE at the current place; always returns -1. */
PRINTF(3, 4) int verr(struct vctx *v, const char *rule, const char *fmt, ...);
/* Charge n slot operations; reports "limit" and returns -1 when spent. */
int vcharge(struct vctx *v, uint64_t n);

/* ---- verify_types.c ---- */
void vfy_types(struct vctx *v);        /* type table: classes, canon, rules */
void vfy_consts(struct vctx *v);
void vfy_signatures(struct vctx *v);   /* function table, names, locals */
const char *vtname(struct vctx *v, uint32_t t, char *buf);   /* buf >= 128 */
int vt_scalar(const struct vctx *v, uint32_t t);   /* bool, int, f64 */
int vt_int(const struct vctx *v, uint32_t t);
int vt_numeric(const struct vctx *v, uint32_t t);  /* int or f64 */
int vt_gcref(const struct vctx *v, uint32_t t);    /* string, array, struct, cell */
int vt_same(const struct vctx *v, uint32_t a, uint32_t b);
/* An endpoint type `from` of a contract extending to's, usable where `to`
 * is wanted (src/sil/extend.h: same side, safe from to's declared state). */
int vt_upcast(const struct vctx *v, uint32_t from, uint32_t to);
int vt_fits(const struct vctx *v, uint32_t from, uint32_t to);   /* same or upcast */
const struct sil_type *vt_def(const struct vctx *v, uint32_t t); /* table entry or NULL */

/* ---- verify_contract.c ---- */
void vfy_contracts(struct vctx *v);

/* ---- verify_manifest.c ---- */
void vfy_manifest(struct vctx *v);
void vfy_entry(struct vctx *v);

/* ---- verify_own.c: ownership of linear locals ---- */
void own_begin(struct vctx *v);        /* slots of v->fn, parameters set */
void own_load(struct vctx *v, const struct slot *saved);
void own_end(struct vctx *v);
void own_set(struct vctx *v, uint32_t s, struct slot n);
int own_read(struct vctx *v, uint32_t r);           /* owned or borrowed, not closed */
int own_move(struct vctx *v, uint32_t r, uint32_t slot_type);   /* UINT32_MAX: untyped */
int own_delete(struct vctx *v, uint32_t r);         /* owned, any endpoint state */
int own_owned(struct vctx *v, uint32_t r);          /* owned, not borrowed, not closed */
int own_def(struct vctx *v, uint32_t r, uint32_t st);  /* empty -> owned */
int own_empty_dst(struct vctx *v, uint32_t r);      /* destination must be empty */
void own_kill(struct vctx *v, uint32_t r);          /* end borrows made from r */
int own_return(struct vctx *v);                     /* at ret/retv */
int own_distinct(struct vctx *v, const uint32_t *l, uint32_t n);
int own_borrow_arg(struct vctx *v, uint32_t r, uint32_t ptype);
/* No two of the n locals l reach one value: no access path (root, fields)
 * a prefix of another's.  ask[i] says whether l[i] is checked. */
int own_unaliased(struct vctx *v, const uint32_t *l, const uint8_t *ask, uint32_t n);
uint32_t ep_state_of(const struct vctx *v, uint32_t t);  /* declared state */
int own_slot_eq(const struct slot *a, const struct slot *b);
void own_describe(struct vctx *v, uint32_t s, const struct slot *x, char *buf, size_t n);

/* ---- verify_rules.c: per-opcode rules ---- */
int vfy_insn(struct vctx *v, const struct sil_insn *in);

/* ---- verify_chan.c: channel operations ---- */
int vfy_chnew(struct vctx *v, const struct sil_insn *in);
int vfy_send(struct vctx *v, const struct sil_insn *in);
int vfy_select_check(struct vctx *v, const struct sil_insn *in);
/* State after taking case c of a checked select, written into out[nslots]. */
void vfy_select_case(struct vctx *v, const struct sil_case *c, struct slot *out);

/* ---- verify_eset.c: endpoint sets ---- */
int vfy_esnew(struct vctx *v, const struct sil_insn *in);
int vfy_esadd(struct vctx *v, const struct sil_insn *in);
int vfy_essize(struct vctx *v, const struct sil_insn *in);
int vfy_nsconn(struct vctx *v, const struct sil_insn *in);
/* A select case on a set: its bound endpoint first, then the message's
 * values.  Types (flow-independent), then the state before the select. */
int vfy_eset_case_types(struct vctx *v, const struct sil_case *k);
int vfy_eset_case_state(struct vctx *v, const struct sil_case *k);
/* The slots after taking set case k (out is a copy of the state before). */
void vfy_eset_case_out(struct vctx *v, const struct sil_case *k, struct slot *out);
/* The contract state a select on local r (endpoint or set) receives in. */
uint32_t vfy_recv_state(const struct vctx *v, uint32_t r);
/* Transition on message m from state st of c, or NULL (charged). */
const struct sil_trans *vfy_transition(struct vctx *v, const struct sil_contract *c,
                                       uint32_t st, uint32_t m);
int vfy_msg_args(struct vctx *v, const struct sil_msg *m, const uint32_t *l, uint32_t n);

/* ---- verify_flow.c ---- */
void vfy_function(struct vctx *v, uint32_t fi);

#endif
