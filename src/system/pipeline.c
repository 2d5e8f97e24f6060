/*
 * pipeline.c - the trusted road (see pipeline.h): the verifier, the
 * backend, the kernel's loader, in this order, in one place.
 */
#include "pipeline.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store.h"
#include "../verify/verify.h"
#include "image.h"

int pl_compile(const struct sil_pkg *p, const char *label, const char *known, FILE *errs,
               struct be_result *r)
{
	struct vfy_report rep;
	if (vfy_package(p, label, errs, &rep) != 0)   /* always: no flag skips it */
		return 1;
	return be_install(p, known, r, errs) != 0;
}

/* The object r names, read whole; NULL after reporting. */
static uint8_t *read_object(const struct be_result *r, size_t *len, FILE *errs)
{
	uint8_t *obj = read_file(r->so_path, len);
	if (!obj)
		fprintf(errs, "sing: cannot read %s: %s\n", r->so_path, strerror(errno));
	return obj;
}

struct sk_image *pl_load(struct sk_kernel *k, const struct sil_pkg *p, const char *label,
                         FILE *errs, struct be_result *r)
{
	size_t len;
	char err[256];
	uint8_t *obj;
	if (pl_compile(p, label, NULL, errs, r) || !(obj = read_object(r, &len, errs)))
		return NULL;
	struct sk_image *im = sk_load_mem(k, obj, len, r->hash, err, sizeof err);
	if (!im)
		fprintf(errs, "sing: cannot load %s: %s\n", r->so_path, err);
	free(obj);
	return im;
}

/* One installed program as an image entry, its object from the road. */
static int image_prog(const struct st_store *st, const struct st_prog *sp, struct sbuf *out,
                      FILE *errs)
{
	static struct img_prog ip;
	const struct sil_manifest *m = &sp->p->man;
	struct be_result r;
	char known[4300], err[256];
	size_t len;
	snprintf(known, sizeof known, "%s/pkg/%s/" ST_CODE_FILE, st->dir, sp->hash);
	memset(&ip, 0, sizeof ip);
	if (pl_compile(sp->p, sp->name, known, errs, &r))
		return 1;
	uint8_t *obj = read_object(&r, &len, errs);
	if (!obj)
		return 1;
	snprintf(ip.name, sizeof ip.name, "%s", sp->name);
	ip.kind = m->kind;
	ip.budget = sp->budget;
	memcpy(ip.hash, sp->hash, sizeof ip.hash);
	ip.man = (struct sk_manifest){.neps = m->neps, .ncaps = m->ncaps, .nhw = m->nhw,
	                              .version = m->version, .usage = m->usage};
	for (uint32_t e = 0; e < m->neps && e < SK_MAXEPS; e++)
		ip.man.eps[e] = m->eps[e].path;
	for (uint32_t c = 0; c < m->ncaps && c < SK_MAXCAPS; c++)
		ip.man.caps[c] = m->caps[c];
	for (uint32_t h = 0; h < m->nhw && h < SK_MAXHW; h++)
		ip.man.hw[h] = (struct sk_hw){m->hw[h].kind, m->hw[h].shared, m->hw[h].base,
		                              m->hw[h].len};
	ip.obj = obj;
	ip.objlen = (uint32_t)len;
	int bad = len > UINT32_MAX || img_put_prog(out, &ip, err, sizeof err);
	if (bad)
		fprintf(errs, "sing: %s: cannot go into a boot image: %s\n", sp->name,
		        len > UINT32_MAX ? "object too large" : err);
	free(obj);
	return bad;
}

int pl_image(const struct st_store *st, const char *config, size_t configlen, struct sbuf *out,
             FILE *errs)
{
	if (st->nprogs > IMG_MAXPROGS || configlen > IMG_MAXCONFIG) {
		fprintf(errs, "sing: %s: more than %u programs or a configuration over %u bytes\n",
		        st->dir, IMG_MAXPROGS, IMG_MAXCONFIG);
		return 1;
	}
	img_put_header(out, st->nprogs, config, (uint32_t)configlen);
	for (uint32_t i = 0; i < st->nprogs; i++)
		if (image_prog(st, &st->progs[i], out, errs))
			return 1;
	return 0;
}
