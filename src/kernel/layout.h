/*
 * layout.h - kernel-owned copies of what the exchange heap and channels
 * need to know about types: block layouts and contracts.
 *
 * Exchange-heap blocks move between SIPs whose images have separate type
 * tables, and an image may be unloaded while its blocks live on elsewhere,
 * so a block never points into an image: it points at an ly_layout, and an
 * endpoint at an ly_contract, both interned in the kernel's registry.
 * Layouts are interned by content; contracts by their structural digest
 * (sing_cinfo.shape), so two packages that declare the same protocol share
 * one ly_contract and "same contract" is pointer equality.
 *
 * Invariant: registry entries live until the kernel shuts down and are
 * never written after they are built.  Nothing here may point into an image.
 */
#ifndef KERNEL_LAYOUT_H
#define KERNEL_LAYOUT_H

#include "rt.h"

struct ly_layout {
	struct ly_layout *next;      /* in the registry */
	uint8_t kind;                /* SING_K_XSTRUCT, SING_K_XARRAY or SING_K_ENDPOINT */
	uint16_t elem_size;          /* XARRAY */
	uint32_t nslots;             /* XSTRUCT */
	uint8_t slots[];             /* XSTRUCT: enum sing_slotkind per field */
};

#define LY_NOT_BUILTIN 0xffffffffu

/* A message argument, structurally. */
struct ly_arg {
	uint32_t builtin;            /* SIL builtin type index, or LY_NOT_BUILTIN */
	uint8_t linear;              /* moves with the message */
	uint8_t side;                /* endpoint arguments: side and declared state */
	uint8_t any;                 /* an opaque endpoint (any.Exp): any contract, any state */
	uint32_t state;
	const struct ly_contract *con;   /* endpoint arguments: their contract */
	const struct ly_layout *lay;     /* exchange-heap arguments: their layout */
};

struct ly_msg {
	char name[48];
	uint32_t dir, nargs;
	uint32_t nlinear;            /* how many args are linear (0: the send path skips them) */
	struct ly_arg *args;
};

struct ly_contract {
	struct ly_contract *next;    /* in the registry */
	uint8_t shape[32];
	char name[48];
	uint32_t nmsgs, bound_in, bound_out;
	uint32_t width;              /* slots per queued message: tag + most args */
	struct ly_msg *msgs;
	uint32_t nstates;            /* state 0 is the start state */
	char (*states)[48];          /* their names */
	uint32_t *sends[2];          /* sends[side][s * nmsgs + m]: the row (state x nmsgs)
	                                after side sends m in state s, or SING_NO_STATE */
	uint32_t *quick[2];          /* the same for a message of values only, with its
	                                value count: LY_QUICK(row, nargs); SING_NO_STATE
	                                for any other (the round trip's one lookup, chan.c) */
	const struct ly_contract *base;  /* the contract it extends (`contract D : B`), or NULL */
};

/* A quick table's entry: the row in the low 24 bits, the count above. */
#define LY_QUICK(row, nargs) ((row) | (uint32_t)(nargs) << 24)
#define LY_QUICK_ROW(q) ((q) & 0xffffffu)
#define LY_QUICK_NARGS(q) ((q) >> 24)

struct ly_registry {
	struct ly_layout *layouts;
	struct ly_contract *contracts;
	struct ly_layout endpoint;   /* the one layout of every endpoint block */
	struct ly_layout eset;       /* the one layout of every endpoint set block */
};

/* An image's types mapped to registry entries. */
struct ly_map {
	const struct ly_layout **lay;        /* per type index: XSTRUCT, XARRAY, ENDPOINT, ESET */
	const struct ly_contract **con;      /* per contract index */
	uint32_t ntypes, ncontracts;
};

void ly_init(struct ly_registry *r);
void ly_destroy(struct ly_registry *r);
/* Fill m for img (allocates its tables); ly_unmap frees them. */
void ly_map(struct ly_registry *r, const struct sing_image *img, struct ly_map *m);
void ly_unmap(struct ly_map *m);
/* The layout of an exheap u8[] (text the kernel's services send). */
const struct ly_layout *ly_bytes(struct ly_registry *r);
/* Does c have a message name in direction dir with nargs arguments? */
int ly_has(const struct ly_contract *c, const char *name, uint32_t dir, uint32_t nargs);
/* May an endpoint of d (side 0 imp, 1 exp) in state st stand for one of b
 * in st?  d == b, or b is on d's chain of bases and the kernel's own tables
 * agree: b's messages (names, directions, argument kinds, layouts and
 * contracts) and b's transitions are a prefix of d's, and in no state of b
 * reachable from st can the peer send a message of d that b lacks. */
int ly_upcast(const struct ly_contract *d, const struct ly_contract *b, uint32_t side, uint32_t st);
/* The index of the message of c named name with direction dir, or -1. */
int ly_find_msg(const struct ly_contract *c, const char *name, uint32_t dir);

#endif
