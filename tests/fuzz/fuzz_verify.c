/*
 * fuzz_verify.c - the verifier on arbitrary bytes.
 *
 * Properties: sil_read then vfy_package never crash, hang, leak or trip a
 * sanitizer, whatever the input; the verdict is stable (verifying the same
 * package twice gives the same number of errors); and a package that
 * verifies still verifies after being written and read back.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sil/sil.h"
#include "verify/verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256];
	struct sil_pkg *p = sil_read(data, size, err, sizeof err);
	if (!p)
		return 0;
	struct vfy_report a, b;
	int rc = vfy_package(p, "fuzz.sil", NULL, &a);
	if (vfy_package(p, "fuzz.sil", NULL, &b) != rc || a.nerrors != b.nerrors)
		abort();   /* the verifier must be a pure function of the package */
	if (rc == 0) {
		struct sbuf out = {0};
		sil_write(p, &out);
		struct sil_pkg *q = sil_read(out.data, out.len, err, sizeof err);
		if (!q || vfy_package(q, "fuzz.sil", NULL, NULL) != 0)
			abort();
		sil_free(q);
		sb_free(&out);
	}
	sil_free(p);
	return 0;
}
