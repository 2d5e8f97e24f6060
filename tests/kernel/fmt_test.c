/* fmt_test.c - src/kernel/fmt.c against the C library: for N random
 * doubles (random bit patterns, so every exponent and subnormals, NaNs
 * and infinities too) plus hand-picked edges, fmt_f64 must give exactly
 * the text of the shortest "%.<p>g" (p = 1..17) that strtod reads back as
 * the same value (the hosted HAL's former method), and that text must
 * read back.  Prints "ok fmt-f64 N" or the first difference.
 * Usage: fmt_test N SEED */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../src/kernel/fmt.h"

static void reference(char *buf, size_t n, double d)
{
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, n, "%.*g", prec, d);
		if (strtod(buf, NULL) == d || d != d)
			break;
	}
}

static uint64_t state;
static uint64_t next(void)   /* splitmix64 */
{
	uint64_t z = (state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static int one(double d)
{
	char want[64], got[64];
	reference(want, sizeof want, d);
	size_t len = fmt_f64(got, sizeof got, d);
	if (strcmp(want, got) != 0 || len != strlen(want) || (d == d && strtod(got, NULL) != d)) {
		uint64_t u;
		memcpy(&u, &d, sizeof u);
		printf("FAIL fmt-f64: bits 0x%016llx: libc '%s', fmt_f64 '%s' (length %zu)\n",
		       (unsigned long long)u, want, got, len);
		return 1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	state = argc > 2 ? strtoull(argv[2], NULL, 0) : 1;
	static const double edges[] = {0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 2.5, 100, 1e15, 1e16, 1e17,
	                               123456, 1234567, 0.0001, 0.00001, 5e-324, 2.2250738585072014e-308,
	                               2.2250738585072009e-308, 1.7976931348623157e308, 9007199254740993.0,
	                               1.0 / 3, 2.0 / 3, 1e23, 8.41e21, 5e-310, 0.3, 1e22, 4.35, 9.5, 0.95};
	int bad = 0;
	for (size_t i = 0; i < sizeof edges / sizeof edges[0]; i++)
		bad |= one(edges[i]) || one(-edges[i]);
	/* Powers of two: the closer lower neighbour. */
	for (int e = -1074; e <= 1023 && !bad; e++)
		bad |= one(__builtin_ldexp(1.0, e));
	char tiny[4];   /* a short buffer cuts, NUL-terminated */
	if (!bad && (fmt_f64(tiny, sizeof tiny, 123.25) != 3 || strcmp(tiny, "123") != 0)) {
		printf("FAIL fmt-f64: a 4-byte buffer gave '%s'\n", tiny);
		bad = 1;
	}
	for (long i = 0; i < n && !bad; i++) {
		uint64_t u = next();
		double d;
		memcpy(&d, &u, sizeof d);
		bad |= one(d);
	}
	if (!bad)
		printf("ok fmt-f64 (%ld random doubles, shortest round trip, same text as printf)\n", n);
	return bad;
}
