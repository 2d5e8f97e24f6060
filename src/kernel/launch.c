/* launch.c - the launcher service (see launch.h). */
#include "launch.h"

#include "chan.h"

int sk_register(struct sk_kernel *k, const struct sk_image *im, const char *name,
                uint64_t budget)
{
	if (k->nprogs == SK_MAXPROG)
		return -1;
	struct sk_prog *p = &k->progs[k->nprogs];
	p->im = im;
	sk_copy_str(p->name, sizeof p->name, name);
	p->budget = budget;
	return (int)k->nprogs++;
}

/* Does request lm carry argument words (a linear non-endpoint second
 * argument)?  Returns the index of its first endpoint argument. */
static uint32_t first_ep(const struct ly_msg *lm)
{
	return lm->nargs > 1 && lm->args[1].linear && !lm->args[1].con ? 2 : 1;
}

/* Is c a launcher contract (see launch.h)? */
static const char *check_launcher(const struct ly_contract *c, int *started, int *failed)
{
	*started = ly_find_msg(c, "Started", 1);
	*failed = ly_find_msg(c, "Failed", 1);
	if (*started < 0 || *failed < 0)
		return "a launcher contract needs out messages Started(i32) and Failed(i32)";
	const struct ly_msg *s = &c->msgs[*started], *f = &c->msgs[*failed];
	if (s->nargs != 1 || s->args[0].builtin != 4 || f->nargs != 1 || f->args[0].builtin != 4)
		return "Started and Failed must carry one i32";
	for (uint32_t m = 0; m < c->nmsgs; m++) {
		const struct ly_msg *lm = &c->msgs[m];
		if (lm->dir != 0)
			continue;
		if (lm->nargs < 1 || lm->args[0].builtin != 4)
			return "a launch request starts with the program number (i32)";
		for (uint32_t a = first_ep(lm); a < lm->nargs; a++)
			if (!lm->args[a].con)
				return "a launch request is (i32 prog, [u8[] args,] endpoints...)";
	}
	return NULL;
}

const char *launch_check(const struct ly_contract *c)
{
	int started, failed;
	return check_launcher(c, &started, &failed);
}

/* The argument words of a request, copied out of the exchange-heap byte
 * array w (each word ends with a NUL byte; a last word may lack it) into
 * one kernel block: argv[0..argc) then the bytes.  NULL with *argc = -1 if
 * w is not a u8 array or exceeds LAUNCH_MAXARGS words or LAUNCH_MAXBYTES
 * bytes; NULL with *argc = 0 for no words. */
static char **copy_words(const void *w, int *argc)
{
	const struct ly_layout *l = xh_layout(w);
	const struct sing_xarr *x = w;
	*argc = -1;
	if (!l || l->kind != SING_K_XARRAY || l->elem_size != 1 || x->len > LAUNCH_MAXBYTES)
		return NULL;
	uint32_t len = (uint32_t)x->len, n = len && x->data[len - 1] != 0;
	for (uint32_t i = 0; i < len; i++)
		n += x->data[i] == 0;
	if (n > LAUNCH_MAXARGS)
		return NULL;
	*argc = (int)n;
	if (!n)
		return NULL;
	char **v = hal_alloc((n + 1) * sizeof *v + len + 1);
	if (!v) {
		*argc = -2;
		return NULL;
	}
	char *b = (char *)(v + n + 1);
	__builtin_memcpy(b, x->data, len);
	b[len] = 0;   /* ends an unterminated last word */
	uint32_t k = 0;
	for (uint32_t i = 0; k < n; i += (uint32_t)__builtin_strlen(b + i) + 1)
		v[k++] = b + i;
	v[n] = NULL;
	return v;
}

/* Start the program a request names; returns the pid, or -(Failed code).
 * Takes nothing from args: the caller deletes what it must. */
static int32_t launch(struct sk_kernel *k, const struct ly_msg *lm, union sing_slot *args)
{
	int32_t prog = args[0].i32;
	uint32_t first = first_ep(lm), n = lm->nargs - first;
	void *eps[16];
	uint32_t states[16];
	if (prog < 0 || (uint32_t)prog >= k->nprogs)
		return -LAUNCH_NO_PROGRAM;
	if (n > 16)
		return -LAUNCH_BAD_ENDPOINTS;
	for (uint32_t i = 0; i < n; i++) {
		eps[i] = args[first + i].p;
		states[i] = lm->args[first + i].state;
	}
	int argc = 0;
	char **argv = first == 2 ? copy_words(args[1].p, &argc) : NULL;
	if (argc < 0)
		return argc == -1 ? -LAUNCH_BAD_ARGS : -LAUNCH_NO_MEMORY;
	const struct sk_prog *p = &k->progs[prog];
	const struct sing_image *img = p->im->img;
	for (uint32_t i = 0; i < img->main_extra; i++)   /* a driver starts by manifest only */
		if (img->types[img->main_types[i]].kind == SING_K_IOPORT) {
			hal_free(argv);
			return -LAUNCH_BAD_ENDPOINTS;
		}
	char err[128];
	struct sip *s = sip_start(k, p->im, p->name, p->budget, argc, argv, eps, states, n, 1,
	                          err, sizeof err);
	if (!s) {
		hal_free(argv);
		return -LAUNCH_BAD_ENDPOINTS;
	}
	s->argv_own = argv;   /* freed with the record */
	return (int32_t)s->pid;
}

/* A request arrived on the served end e (we run on the sender's thread). */
void launch_serve(struct ch_end *e)
{
	struct sk_kernel *k = e->k;
	union sing_slot args[17];
	int started, failed;
	while (e->count) {
		int m = ch_pop(e, args, &k->kown);
		const struct ly_msg *lm = &e->con->msgs[m];
		check_launcher(e->con, &started, &failed);
		int32_t r = lm->nargs <= 17 ? launch(k, lm, args) : -LAUNCH_BAD_ENDPOINTS;
		uint32_t first = first_ep(lm);
		if (first == 2)   /* the words were copied (or refused) */
			xh_delete(&k->xh, args[1].p);
		if (r < 0)   /* the endpoints stay ours: delete them, closing them */
			for (uint32_t a = first; a < lm->nargs; a++)
				xh_delete(&k->xh, args[a].p);
		union sing_slot reply = {.i32 = r < 0 ? -r : r};
		ch_send(e, (uint32_t)(r < 0 ? failed : started), &reply);
	}
}
