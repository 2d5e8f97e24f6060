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
		for (uint32_t a = 1; a < lm->nargs; a++)
			if (!lm->args[a].con)
				return "a launch request carries only endpoints after the program number";
	}
	return NULL;
}

const char *launch_check(const struct ly_contract *c)
{
	int started, failed;
	return check_launcher(c, &started, &failed);
}

/* Start the program a request names; returns the pid, or -(Failed code). */
static int32_t launch(struct sk_kernel *k, const struct ly_msg *lm, union sing_slot *args)
{
	int32_t prog = args[0].i32;
	uint32_t n = lm->nargs - 1;
	void *eps[16];
	uint32_t states[16];
	if (prog < 0 || (uint32_t)prog >= k->nprogs)
		return -LAUNCH_NO_PROGRAM;
	if (n > 16)
		return -LAUNCH_BAD_ENDPOINTS;
	for (uint32_t i = 0; i < n; i++) {
		eps[i] = args[1 + i].p;
		states[i] = lm->args[1 + i].state;
	}
	const struct sk_prog *p = &k->progs[prog];
	const struct sing_image *img = p->im->img;
	for (uint32_t i = 0; i < img->main_extra; i++)   /* a driver starts by manifest only */
		if (img->types[img->main_types[i]].kind == SING_K_IOPORT)
			return -LAUNCH_BAD_ENDPOINTS;
	char err[128];
	struct sip *s = sip_start(k, p->im, p->name, p->budget, 0, NULL, eps, states, n, 1,
	                          err, sizeof err);
	if (!s)
		return -LAUNCH_BAD_ENDPOINTS;
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
		if (r < 0)   /* the endpoints stay ours: delete them, closing them */
			for (uint32_t a = 1; a < lm->nargs; a++)
				xh_delete(&k->xh, args[a].p);
		union sing_slot reply = {.i32 = r < 0 ? -r : r};
		ch_send(e, (uint32_t)(r < 0 ? failed : started), &reply);
	}
}
