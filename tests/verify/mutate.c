/* mutate.c - make hostile variants of a valid package for the verifier's
 * binary-level tests (built and run by tests/verify/run.sh).
 *
 *   mutate trunc  IN DIR   every proper prefix: DIR/t_N.sil
 *   mutate flip   IN DIR   each byte xor 0x01 and xor 0x80: DIR/f_N_X.sil
 *   mutate rehash IN DIR   each content byte xor 0x01, hash recomputed, so
 *                          the damage reaches the verifier: DIR/r_N.sil
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sil/sil.h"

static void put(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (write_file(path, b, n) != 0) {
		perror(path);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	size_t len;
	uint8_t *in = argc == 4 ? read_file(argv[2], &len) : NULL;
	char name[64];
	if (!in || len < 40) {
		fprintf(stderr, "usage: mutate trunc|flip|rehash IN.sil DIR\n");
		return 2;
	}
	uint8_t *b = xmalloc(len);
	if (!strcmp(argv[1], "trunc")) {
		for (size_t n = 0; n < len; n++) {
			snprintf(name, sizeof name, "t_%zu.sil", n);
			put(argv[3], name, in, n);
		}
	} else if (!strcmp(argv[1], "flip")) {
		static const uint8_t masks[2] = { 0x01, 0x80 };
		for (size_t i = 0; i < len; i++)
			for (int m = 0; m < 2; m++) {
				memcpy(b, in, len);
				b[i] ^= masks[m];
				snprintf(name, sizeof name, "f_%zu_%x.sil", i, masks[m]);
				put(argv[3], name, b, len);
			}
	} else if (!strcmp(argv[1], "rehash")) {
		/* Section 6 is its id, its length (32) and the hash: 34 bytes. */
		size_t content = len - 34;
		for (size_t i = 0; i < content; i++) {
			memcpy(b, in, len);
			b[i] ^= 0x01;
			sil_sha256(b, content, b + content + 2);
			snprintf(name, sizeof name, "r_%zu.sil", i);
			put(argv[3], name, b, len);
		}
	} else {
		fprintf(stderr, "mutate: unknown mode %s\n", argv[1]);
		return 2;
	}
	free(b);
	free(in);
	return 0;
}
