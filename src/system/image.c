/* image.c - reading a boot image, and installing its programs (see image.h).
 * Freestanding: no libc beyond the compiler's builtins. */
#include "image.h"

/* Program kinds by their code in the image: the order of the SIL
 * manifest's kinds (sil_pkind_names, src/sil/text.c, which is hosted). */
static const char *const kind_names[3] = {"app", "driver", "service"};

/* ---- messages ---- */

/* a, b and c (each may be NULL) into err; returns -1. */
static int say(char *err, unsigned errlen, const char *a, const char *b, const char *c)
{
	const char *parts[3] = {a, b, c};
	unsigned at = 0;
	for (int i = 0; i < 3; i++)
		for (const char *s = parts[i]; s && *s && at + 1 < errlen; s++)
			err[at++] = *s;
	if (errlen)
		err[at] = 0;
	return -1;
}

static const char *num(char buf[24], uint64_t n)
{
	int i = 23;
	buf[i] = 0;
	do
		buf[--i] = (char)('0' + n % 10);
	while ((n /= 10) && i > 0);
	return buf + i;
}

/* ---- a cursor over the image's bytes ---- */

struct cur {
	const uint8_t *p;
	size_t len, at;
	int bad;
};

static const uint8_t *take(struct cur *c, uint64_t n)
{
	if (c->bad || n > c->len - c->at) {
		c->bad = 1;
		return NULL;
	}
	c->at += n;
	return c->p + c->at - n;
}

static uint64_t get(struct cur *c, unsigned n)
{
	const uint8_t *b = take(c, n);
	uint64_t v = 0;
	for (unsigned i = 0; b && i < n; i++)
		v |= (uint64_t)b[i] << (8 * i);
	return v;
}

/* A u8-length string of 1..max bytes, with no NUL, into out. */
static const char *get_str(struct cur *c, char *out, unsigned max)
{
	unsigned n = (unsigned)get(c, 1);
	const uint8_t *b = take(c, n);
	if (!b)
		return "truncated";
	if (n == 0 || n > max)
		return "string length out of range";
	for (unsigned i = 0; i < n; i++)
		if (!(out[i] = (char)b[i]))
			return "NUL inside a string";
	out[n] = 0;
	return NULL;
}

int img_open(struct img_reader *r, const void *img, size_t len, char *err, unsigned errlen)
{
	struct cur c = {img, img ? len : 0, 0, 0};
	const uint8_t *magic = take(&c, 8);
	if (!magic || __builtin_memcmp(magic, IMG_MAGIC, 8) != 0)
		return say(err, errlen, "image: not a Sing boot image", NULL, NULL);
	uint32_t version = (uint32_t)get(&c, 4);
	r->nprogs = (uint32_t)get(&c, 4);
	r->configlen = (uint32_t)get(&c, 4);
	if (c.bad)
		return say(err, errlen, "image: truncated header", NULL, NULL);
	if (version != IMG_VERSION)
		return say(err, errlen, "image: unknown version", NULL, NULL);
	if (r->nprogs > IMG_MAXPROGS)
		return say(err, errlen, "image: too many programs", NULL, NULL);
	if (r->configlen > IMG_MAXCONFIG || !(r->config = (const char *)take(&c, r->configlen)))
		return say(err, errlen, "image: configuration outside the file", NULL, NULL);
	r->p = img;
	r->len = len;
	r->at = c.at;
	r->next = 0;
	return 0;
}

static int is_hex(const uint8_t *h)
{
	for (int i = 0; i < 64; i++)
		if (!((h[i] >= '0' && h[i] <= '9') || (h[i] >= 'a' && h[i] <= 'f')))
			return 0;
	return 1;
}

/* The manifest part of an entry: endpoints, capabilities, hardware. */
static const char *get_manifest(struct cur *c, struct img_prog *o)
{
	const char *why;
	struct sk_manifest *m = &o->man;
	if ((m->neps = (uint32_t)get(c, 1)) > SK_MAXEPS)
		return "too many endpoints";
	for (uint32_t i = 0; i < m->neps; i++) {
		if ((why = get_str(c, o->eps[i], IMG_MAXNAME)))
			return why;
		m->eps[i] = o->eps[i];
	}
	if ((m->ncaps = (uint32_t)get(c, 1)) > SK_MAXCAPS)
		return "too many capabilities";
	for (uint32_t i = 0; i < m->ncaps; i++) {
		if ((why = get_str(c, o->caps[i], IMG_MAXCAP)))
			return why;
		m->caps[i] = o->caps[i];
	}
	if ((m->nhw = (uint32_t)get(c, 1)) > SK_MAXHW)
		return "too many hardware claims";
	for (uint32_t i = 0; i < m->nhw; i++) {
		struct sk_hw *h = &m->hw[i];
		h->kind = (uint8_t)get(c, 1);
		h->shared = (uint8_t)get(c, 1);
		h->base = get(c, 8);
		h->len = get(c, 8);
		if (h->kind > 2 || h->shared > 1)
			return "bad hardware claim";
	}
	return NULL;
}

/* The usage text: a u16 length (0: none), then its bytes. */
static const char *get_usage(struct cur *c, struct img_prog *o)
{
	unsigned n = (unsigned)get(c, 2);
	const uint8_t *b = take(c, n);
	if (!b)
		return "truncated";
	if (n > SK_MAXUSAGE - 1)
		return "usage text too long";
	for (unsigned i = 0; i < n; i++)
		if (!(o->usage[i] = (char)b[i]))
			return "NUL inside a string";
	o->usage[n] = 0;
	o->man.usage = n ? o->usage : NULL;
	return NULL;
}

static const char *get_prog(struct cur *c, struct img_prog *o)
{
	const char *why;
	const uint8_t *hash;
	if ((why = get_str(c, o->name, IMG_MAXNAME)))
		return why;
	o->kind = (uint8_t)get(c, 1);
	o->budget = get(c, 8);
	if (!(hash = take(c, 64)))
		return "truncated";
	if (o->kind > 2)
		return "unknown program kind";
	o->man.kind = kind_names[o->kind];   /* `programs` shows it */
	if (!is_hex(hash))
		return "package hash is not 64 hex digits";
	__builtin_memcpy(o->hash, hash, 64);
	o->hash[64] = 0;
	if (c->at < c->len && c->p[c->at] == 0)   /* no version */
		c->at++;
	else if ((why = get_str(c, o->version, IMG_MAXVERSION)))
		return why;
	else
		o->man.version = o->version;
	if ((why = get_usage(c, o)))
		return why;
	if ((why = get_manifest(c, o)))
		return why;
	o->objlen = (uint32_t)get(c, 4);
	if (!(o->obj = take(c, o->objlen)))
		return "object outside the entry";
	return c->bad ? "truncated" : NULL;
}

int img_next(struct img_reader *r, struct img_prog *out, char *err, unsigned errlen)
{
	char nb[24];
	struct cur c = {r->p, r->len, r->at, 0};
	if (r->next == r->nprogs)
		return c.at == c.len ? 0 : say(err, errlen, "image: bytes after the last program",
		                               NULL, NULL);
	__builtin_memset(out, 0, sizeof *out);
	uint64_t n = get(&c, 4);
	const uint8_t *body = take(&c, n);
	const char *why = body ? NULL : "entry outside the file";
	struct cur e = {body, n, 0, 0};
	if (!why && !(why = get_prog(&e, out)) && e.at != e.len)
		why = "entry longer than its contents";
	if (why) {
		say(err, errlen, "image: program ", num(nb, r->next), ": ");
		unsigned at = 0;
		while (at < errlen && err[at])
			at++;
		return say(err + at, errlen - at, why, NULL, NULL);
	}
	r->at = c.at;
	r->next++;
	return 1;
}

/* ---- installing: the image's door into the kernel ---- */

int img_install(struct sk_kernel *k, const void *img, size_t len, struct sk_image **imgs,
                int *n, char *err, unsigned errlen)
{
	static struct img_prog p;   /* large; init runs once, on one CPU */
	struct img_reader r;
	char why[200];
	int got;
	*n = 0;
	if (img_open(&r, img, len, err, errlen))
		return -1;
	while ((got = img_next(&r, &p, err, errlen)) == 1) {
		struct sk_image *im = sk_load_mem(k, p.obj, p.objlen, p.hash, why, sizeof why);
		if (im)
			imgs[(*n)++] = im;
		if (!im || sk_install(k, im, p.name, p.budget, &p.man) < 0)
			return say(err, errlen, p.name, ": ",
			           im ? "the kernel's program table is full" : why);
	}
	return got;
}
