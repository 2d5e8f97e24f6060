/*
 * backstop.c - the kernel's run-time backstop behind the verifier, tested
 * below the verifier (tests/kernel/run.sh builds and runs it).
 *
 * A real, verified and compiled Echo server (backstop_server.sg) is started
 * as one SIP.  Its client is a second SIP whose code is not SIL at all: its
 * main is the C function below, which calls the kernel ABI (sing_send,
 * sing_delete, sing_xnewarr) as generated code would, but does what a
 * verifier bug could let generated code do: send a message its endpoint's
 * state does not allow, send in the wrong direction, delete or send a block
 * another SIP owns.  The kernel must fail the client with a named reason
 * and leave the server unharmed: it answers what it was sent, sees the
 * channel close, and exits 0; the exchange heap ends at zero live bytes.
 *
 * No flag skips the verifier here: the server goes through the trusted
 * road (pl_load: verify, compile, load), and the client is built by hand because it is
 * the part that plays the verifier's bug.
 *
 *   backstop MODE SERVER.sg     MODE: twice | wrongway | delete-foreign |
 *                               send-foreign | send-moved | recv-foreign |
 *                               delete-inner | send-inner | delete-twice |
 *                               send-deleted | eset-add-foreign |
 *                               eset-add-state | eset-send-member |
 *                               eset-recv-member | opaque-side | opaque-ok |
 *                               delete-sent-inline | ok
 * prints "client: status N", "server: status N", "live bytes: N".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "backend/backend.h"
#include "cli/cli.h"
#include "kernel/chan.h"
#include "kernel/kernel.h"
#include "system/pipeline.h"
#include "kernel/sip.h"
#include "sil/sil.h"

static const char *mode;

/* sing_sendsel as generated code calls it (rt.h sing_sendsel_call: every
 * register but rsp the kernel's, rbp too, which a function kept with a
 * frame pointer cannot give up: this one keeps none). */
__attribute__((noinline, optimize("omit-frame-pointer")))
static int32_t sendsel(struct sing_thread *t, const struct sing_case *c, uint32_t n,
                       union sing_slot *io, const char *fn)
{
	return sing_sendsel_call(t, c, n, io, fn);
}
static uint32_t req, resp, bytes_type, imp_type, box_type, set_type, hold_type, keep;

/* A buffer stored in a field of a fresh exchange-heap struct, exactly as
 * the backend's xput does it (rt.h SING_XH_MINE/TOP and the inner mark):
 * what a verifier bug could then reach through a forged borrow. */
static void *boxed_bytes(struct sing_thread *t, void **box)
{
	union sing_slot *s = sing_xnew(t, box_type, "client");
	void *b = sing_xnewarr(t, bytes_type, 4, "client");
	if (!SING_XH_MINE(s, t) || !SING_XH_TOP(b, t) || s[0].p)
		abort();
	s[0].p = b;
	SING_XH_OWNER(b) |= SING_XH_INNER;
	*box = s;
	return b;
}

static void *new_bytes(struct sing_thread *t)
{
	return sing_xnewarr(t, bytes_type, 4, "client");
}

/* The hostile client's main: extra[0] is its Echo.Imp endpoint. */
static int32_t client(struct sing_thread *t, struct sing_arr *args, void *const *extra)
{
	struct ch_end *ep = extra[0];
	union sing_slot a[1];
	(void)args;
	if (!strcmp(mode, "wrongway")) {            /* Resp is the server's to send */
		a[0].p = new_bytes(t);
		sing_send(t, ep, resp, a, "client");
	} else if (!strcmp(mode, "delete-foreign")) { /* the server's own endpoint */
		sing_delete(t, ep->peer, "client");
	} else if (!strcmp(mode, "send-foreign")) {   /* ... as a message argument */
		a[0].p = ep->peer;
		sing_send(t, ep, req, a, "client");
	} else if (!strcmp(mode, "recv-foreign")) {   /* wait at the server's end */
		struct sing_case c[2] = {{ep->peer, req + 1, 0}, {ep->peer, 0, 0}};
		sing_select(t, c, 2, a, "client");
	} else if (!strcmp(mode, "sendsel-wrongway")) { /* sing_sendsel's send is checked too */
		struct sing_case c[3] = {{ep, resp, 0}, {ep, resp + 1, 0}, {ep, 0, 0}};
		a[0].p = new_bytes(t);
		sendsel(t, c, 2 | SING_SEL_ONE, a, "client");
	} else if (!strcmp(mode, "sendsel-recv-foreign")) { /* ... and its receive's endpoint */
		struct sing_case c[2] = {{ep, req, 0}, {ep->peer, 0, 0}};   /* nothing ready: it would wait */
		a[0].p = new_bytes(t);
		sendsel(t, c, 1 | SING_SEL_ONE, a, "client");
	} else if (!strcmp(mode, "sendsel-ok")) {     /* Req, then its Resp: one call */
		struct sing_case c[3] = {{ep, req, 0}, {ep, resp + 1, 0}, {ep, 0, 0}};
		a[0].p = new_bytes(t);
		if (sendsel(t, c, 2 | SING_SEL_ONE, a, "client") != 0)
			return 1;
		sing_delete(t, a[0].p, "client");     /* the Resp's buffer: ours now */
	} else if (!strcmp(mode, "delete-inner")) {   /* a field's value, box intact */
		void *box;
		sing_delete(t, boxed_bytes(t, &box), "client");
	} else if (!strcmp(mode, "delete-twice")) {   /* a deleted (parked) array again */
		void *b = new_bytes(t);
		sing_delete(t, b, "client");
		sing_delete(t, b, "client");
	} else if (!strcmp(mode, "send-deleted")) {   /* ... or sent */
		a[0].p = new_bytes(t);
		sing_delete(t, a[0].p, "client");
		sing_send(t, ep, req, a, "client");
	} else if (!strcmp(mode, "send-inner")) {     /* ... sent away */
		void *box;
		a[0].p = boxed_bytes(t, &box);
		sing_send(t, ep, req, a, "client");
	} else if (!strcmp(mode, "eset-add-foreign")) { /* the server's end into a set */
		sing_esadd(t, sing_esnew(t, set_type, "client"), ep->peer, NULL, "client");
	} else if (!strcmp(mode, "eset-add-state")) {   /* an end not in the set's state */
		a[0].p = new_bytes(t);
		sing_send(t, ep, req, a, "client");
		sing_esadd(t, sing_esnew(t, set_type, "client"), ep, NULL, "client");
	} else if (!strcmp(mode, "eset-send-member")) { /* an end the set holds */
		sing_esadd(t, sing_esnew(t, set_type, "client"), ep, NULL, "client");
		a[0].p = new_bytes(t);
		sing_send(t, ep, req, a, "client");
	} else if (!strcmp(mode, "eset-recv-member")) { /* wait at it directly */
		sing_esadd(t, sing_esnew(t, set_type, "client"), ep, NULL, "client");
		struct sing_case c[2] = {{ep, resp + 1, 0}, {ep, 0, 0}};
		sing_select(t, c, 2, a, "client");
	} else if (!strncmp(mode, "opaque-", 7)) {    /* Hold.Keep(any.Exp): an Imp end, or an Exp */
		void *hexp, *hold = sing_chnew(t, hold_type, &hexp, "client");
		void *exp2, *imp2 = sing_chnew(t, imp_type, &exp2, "client");
		a[0].p = !strcmp(mode, "opaque-side") ? imp2 : exp2;
		sing_send(t, hold, keep, a, "client");
		sing_delete(t, !strcmp(mode, "opaque-side") ? exp2 : imp2, "client");
		sing_delete(t, hold, "client");
		sing_delete(t, hexp, "client");
		a[0].p = new_bytes(t);
		sing_send(t, ep, req, a, "client");
	} else if (!strncmp(mode, "ns-connect-", 11)) { /* the directory's primitive */
		void *exp2, *imp2 = sing_chnew(t, imp_type, &exp2, "client");
		if (!strcmp(mode, "ns-connect-foreign"))      /* the server's end as the provider */
			sing_ns_connect(t, ep->peer, exp2, "client");
		else if (!strcmp(mode, "ns-connect-side"))    /* an importing end as the client */
			sing_ns_connect(t, imp2, imp2, "client");
		else if (sing_ns_connect(t, imp2, exp2, "client") != 2)  /* Echo is no provider contract */
			return 1;
		sing_delete(t, imp2, "client");           /* exp2 was the kernel's, and deleted */
		a[0].p = new_bytes(t);
		sing_send(t, ep, req, a, "client");
	} else if (!strcmp(mode, "delete-sent-inline")) { /* generated code's park (rt.h) */
		a[0].p = new_bytes(t);
		sing_send(t, ep, req, a, "client");
		sing_delete_xarr_fast(t, a[0].p, "client");   /* the server's now, or in flight */
	} else if (!strcmp(mode, "send-moved")) {     /* a buffer already sent */
		void *x = new_bytes(t), *exp2;
		a[0].p = x;
		sing_send(t, ep, req, a, "client");
		void *imp2 = sing_chnew(t, imp_type, &exp2, "client");
		a[0].p = x;                             /* Req is allowed on the new channel */
		sing_send(t, imp2, req, a, "client");
	} else {                                      /* twice, ok: one allowed Req */
		a[0].p = new_bytes(t);
		sing_send(t, ep, req, a, "client");
		if (!strcmp(mode, "twice")) {           /* a second Req before the Resp */
			a[0].p = new_bytes(t);
			sing_send(t, ep, req, a, "client");
		}
	}
	sing_delete(t, ep, "client");
	return 0;
}

static const uint8_t box_slots[1] = {SING_S_LINEAR};

/* The client's image: the server's type table plus an Echo.Imp entry and
 * a one-field exchange-heap struct (Box), an endpoint set of Echo.Imp:S,
 * the server's contracts (so the kernel interns the same Echo), main = client. */
static struct sk_image *client_image(struct sk_kernel *k, const struct sk_image *srv,
                                     uint32_t con)
{
	const struct sing_image *s = srv->img;
	struct sing_tinfo *types = calloc(s->ntypes + 4, sizeof *types);
	struct sing_image *img = calloc(1, sizeof *img);
	uint32_t *main_types = calloc(1, sizeof *main_types);
	struct sk_image *im = calloc(1, sizeof *im);
	memcpy(types, s->types, s->ntypes * sizeof *types);
	types[s->ntypes] = (struct sing_tinfo){.kind = SING_K_ENDPOINT, .contract = con, .side = 0};
	types[s->ntypes + 1] = (struct sing_tinfo){.kind = SING_K_XSTRUCT, .nslots = 1,
	                                           .slots = box_slots, .name = "Box"};
	types[s->ntypes + 2] = (struct sing_tinfo){.kind = SING_K_ESET, .contract = con, .side = 0};
	uint32_t hold = 0;
	while (hold < s->ncontracts && strcmp(s->contracts[hold].name, "Hold"))
		hold++;
	types[s->ntypes + 3] = (struct sing_tinfo){.kind = SING_K_ENDPOINT, .contract = hold, .side = 0};
	hold_type = s->ntypes + 3;
	main_types[0] = imp_type = s->ntypes;
	box_type = s->ntypes + 1;
	set_type = s->ntypes + 2;
	*img = (struct sing_image){.rt_version = SING_RT_VERSION, .ntypes = s->ntypes + 4,
	                           .types = types, .entry = client, .args_type = s->args_type,
	                           .main_extra = 1, .main_types = main_types,
	                           .ncontracts = s->ncontracts, .contracts = s->contracts};
	im->img = img;
	ly_map(&k->reg, img, &im->map);
	for (uint32_t t = 0; t < s->ntypes; t++)
		if (types[t].kind == SING_K_XARRAY && types[t].elem_size == 1)
			bytes_type = t;
	return im;
}

static void free_client_image(struct sk_image *im)
{
	ly_unmap(&im->map);
	free((void *)im->img->types);
	free((void *)im->img->main_types);
	free((void *)im->img);
	free(im);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: backstop MODE SERVER.sg\n");
		return 2;
	}
	mode = argv[1];
	struct sil_pkg *p = cli_load(argv[2], NULL);
	struct be_result r;
	if (!p)
		return 1;
	struct sk_kernel *k = sk_boot(SK_DEBUG_EXHEAP);
	char err[256];
	struct sk_image *srv = pl_load(k, p, argv[2], stderr, &r);
	if (!srv)
		return 1;
	const struct sing_tinfo *st = &srv->img->types[srv->img->main_types[0]];
	const struct ly_contract *con = srv->map.con[st->contract];
	req = (uint32_t)ly_find_msg(con, "Req", 0);
	resp = (uint32_t)ly_find_msg(con, "Resp", 1);
	for (uint32_t c = 0; c < srv->img->ncontracts; c++)
		if (!strcmp(srv->img->contracts[c].name, "Hold"))
			keep = (uint32_t)ly_find_msg(srv->map.con[c], "Keep", 0);
	struct sk_image *cli = client_image(k, srv, st->contract);
	struct ch_end *imp, *exp;
	if (ch_new(k, &k->kown, con, &imp, &exp) < 0)
		return 1;
	void *se[1] = {exp}, *ce[1] = {imp};
	char *sargv[] = {"echod", NULL}, *cargv[] = {"client", NULL};
	struct sip *server = sk_start(k, srv, "echod", 0, 1, sargv, se, NULL, 1, err, sizeof err);
	struct sip *client_sip = sk_start(k, cli, "client", 0, 1, cargv, ce, NULL, 1, err,
	                                  sizeof err);
	if (!server || !client_sip) {
		fprintf(stderr, "backstop: cannot start: %s\n", err);
		return 1;
	}
	int cs = sk_wait(k, client_sip, NULL);
	int ss = sk_wait(k, server, NULL);
	printf("client: status %d\nserver: status %d\n", cs, ss);
	fflush(stdout);
	free_client_image(cli);
	sk_unload(srv);
	printf("live bytes: %llu\n", (unsigned long long)sk_shutdown(k));
	sil_free(p);
	return 0;
}
