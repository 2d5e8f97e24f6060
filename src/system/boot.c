/* boot.c - the hosted front end of init (see boot.h). */
#include "boot.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../store/store.h"
#include "../util/util.h"
#include "init.h"
#include "pipeline.h"

/* The configuration: DIR/config, else sys_config.  NULL after reporting. */
static uint8_t *read_config(const char *dir, const char *sys_config, size_t *len, FILE *errs)
{
	char path[4200];
	snprintf(path, sizeof path, "%s/config", dir);
	uint8_t *text = read_file(path, len);
	if (!text && sys_config)
		text = read_file(sys_config, len);
	if (!text)
		fprintf(errs, "sing: no configuration (%s/config)\n", dir);
	return text;
}

int boot_store_image(const char *dir, const char *sys_config, struct sbuf *out, FILE *errs)
{
	size_t clen;
	struct st_store *st = st_open(dir, NULL, errs);
	uint8_t *config = st ? read_config(dir, sys_config, &clen, errs) : NULL;
	int rc = !config || pl_image(st, (const char *)config, clen, out, errs);
	free(config);
	st_close(st);   /* the image holds the code: the store may change under us */
	return rc;
}

/* The folder of path ("." if none) into buf. */
static const char *folder(const char *path, char *buf, size_t n)
{
	const char *slash = strrchr(path, '/');
	snprintf(buf, n, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
	return buf;
}

int boot_run(const struct boot_opts *o)
{
	struct sbuf img = {0};
	char wire[4200], dir[4096];
	int rc = 1;
	if (o->image) {
		size_t len;
		uint8_t *b = read_file(o->image, &len);
		if (!b)
			fprintf(stderr, "sing boot: %s: %s\n", o->image, strerror(errno));
		else
			sb_put(&img, b, len);
		free(b);
		rc = !b;
	} else
		rc = boot_store_image(o->store, o->sys_config, &img, stderr);
	if (rc) {
		sb_free(&img);
		return 1;
	}
	if (!o->wire)
		snprintf(wire, sizeof wire, "pcap:%s/nic0.pcap",
		         o->image ? folder(o->image, dir, sizeof dir) : o->store);
	struct init_opts io = {o->debug, o->wire ? o->wire : wire, o->image ? o->image : o->store,
	                       o->cpus};
	fflush(NULL);
	rc = init_boot_image(img.data, img.len, &io);
	sb_free(&img);
	return rc;
}
