/* image_write.c - writing a boot image (see image.h; hosted: sbuf). */
#include <stdio.h>
#include <string.h>

#include "image.h"
#include "../util/util.h"

static void put_le(struct sbuf *b, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		sb_byte(b, (uint8_t)(v >> (8 * i)));
}

static int put_str(struct sbuf *b, const char *s, unsigned max)
{
	size_t n = strlen(s);
	if (n == 0 || n > max)
		return -1;
	sb_byte(b, (uint8_t)n);
	sb_put(b, s, n);
	return 0;
}

void img_put_header(struct sbuf *b, uint32_t nprogs, const char *config, uint32_t configlen)
{
	sb_put(b, IMG_MAGIC, 8);
	put_le(b, IMG_VERSION, 4);
	put_le(b, nprogs, 4);
	put_le(b, configlen, 4);
	sb_put(b, config, configlen);
}

static int put_body(struct sbuf *e, const struct img_prog *p, char *err, unsigned errlen)
{
	const struct sk_manifest *m = &p->man;
	if (put_str(e, p->name, IMG_MAXNAME))
		return snprintf(err, errlen, "name longer than %u bytes", IMG_MAXNAME), -1;
	sb_byte(e, p->kind);
	put_le(e, p->budget, 8);
	sb_put(e, p->hash, 64);
	if (!m->version || !*m->version)
		sb_byte(e, 0);
	else if (put_str(e, m->version, IMG_MAXVERSION))
		return snprintf(err, errlen, "version longer than %u bytes", IMG_MAXVERSION), -1;
	uint32_t ulen = m->usage ? (uint32_t)strlen(m->usage) : 0;
	if (ulen > SK_MAXUSAGE - 1)
		return snprintf(err, errlen, "usage text longer than %u bytes", SK_MAXUSAGE - 1), -1;
	put_le(e, ulen, 2);
	sb_put(e, m->usage, ulen);
	if (m->neps > SK_MAXEPS || m->ncaps > SK_MAXCAPS || m->nhw > SK_MAXHW)
		return snprintf(err, errlen, "manifest too large for the kernel"), -1;
	sb_byte(e, (uint8_t)m->neps);
	for (uint32_t i = 0; i < m->neps; i++)
		if (put_str(e, m->eps[i], IMG_MAXNAME))
			return snprintf(err, errlen, "endpoint path %s too long", m->eps[i]), -1;
	sb_byte(e, (uint8_t)m->ncaps);
	for (uint32_t i = 0; i < m->ncaps; i++)
		if (put_str(e, m->caps[i], IMG_MAXCAP))
			return snprintf(err, errlen, "capability %s too long", m->caps[i]), -1;
	sb_byte(e, (uint8_t)m->nhw);
	for (uint32_t i = 0; i < m->nhw; i++) {
		sb_byte(e, m->hw[i].kind);
		sb_byte(e, m->hw[i].shared);
		put_le(e, m->hw[i].base, 8);
		put_le(e, m->hw[i].len, 8);
	}
	if (!p->obj)
		return snprintf(err, errlen, "no object"), -1;
	put_le(e, p->objlen, 4);
	sb_put(e, p->obj, p->objlen);
	return 0;
}

int img_put_prog(struct sbuf *b, const struct img_prog *p, char *err, unsigned errlen)
{
	struct sbuf e = {0};
	int bad = put_body(&e, p, err, errlen);
	if (!bad && e.len > UINT32_MAX) {
		snprintf(err, errlen, "entry larger than 4 GiB");
		bad = -1;
	}
	if (!bad) {
		put_le(b, e.len, 4);
		sb_put(b, e.data, e.len);
	}
	sb_free(&e);
	return bad;
}
