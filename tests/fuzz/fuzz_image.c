/*
 * fuzz_image.c - the boot-image reader (src/system/image.c) on arbitrary
 * bytes.
 *
 * Properties: img_open and img_next never crash and never read outside
 * the image; every refusal is named ("image: ..."); every program read has
 * terminated strings, counts within the kernel's limits and an object
 * inside the image.
 */
#include <stdlib.h>
#include <string.h>

#include "system/image.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct img_prog p;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct img_reader r;
	int got;
	if (img_open(&r, data, size, err, sizeof err))
		return strncmp(err, "image: ", 7) ? (abort(), 0) : 0;
	while ((got = img_next(&r, &p, err, sizeof err)) == 1) {
		if (strlen(p.name) > IMG_MAXNAME || p.man.neps > SK_MAXEPS ||
		    p.man.ncaps > SK_MAXCAPS || p.man.nhw > SK_MAXHW || strlen(p.hash) != 64 ||
		    p.obj < data || p.obj + p.objlen > data + size)
			abort();
		for (uint32_t i = 0; i < p.man.neps; i++)
			if (strlen(p.man.eps[i]) > IMG_MAXNAME)
				abort();
	}
	if (got < 0 && strncmp(err, "image: ", 7) != 0)
		abort();
	return 0;
}
