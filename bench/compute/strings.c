/* strings.c - the same program as strings.sg, in C: every concatenation
 * makes a new immutable string (malloc, copy) and drops the old one. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
static long long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
struct str { long long len; unsigned char b[]; };
static struct str *mk(const void *p, long long n)
{
	struct str *s = malloc(sizeof *s + n);
	s->len = n;
	memcpy(s->b, p, n);
	return s;
}
static struct str *cat(struct str *a, struct str *b)
{
	struct str *s = malloc(sizeof *s + a->len + b->len);
	s->len = a->len + b->len;
	memcpy(s->b, a->b, a->len);
	memcpy(s->b + a->len, b->b, b->len);
	return s;
}
static struct str *itos(long long v)
{
	char buf[24];
	int i = sizeof buf;
	unsigned long long u = v < 0 ? -(unsigned long long)v : v;
	do buf[--i] = '0' + u % 10; while (u /= 10);
	if (v < 0) buf[--i] = '-';
	return mk(buf + i, sizeof buf - i);
}
int main(void)
{
	long long t0 = now(), total = 0;
	struct str *s = mk("", 0), *comma = mk(",", 1);
	for (int i = 0; i < 2000000; i++) {
		struct str *n = itos(i % 1000), *t = cat(s, n), *u = cat(t, comma);
		free(n); free(t); free(s);
		s = u;
		if (s->len > 2000) {
			total += s->len + s->b[7];
			free(s);
			s = mk("", 0);
		}
	}
	total += s->len;
	free(s); free(comma);
	long long t1 = now();
	printf("check %lld\ntime_ns %lld\n", total, t1 - t0);
	return 0;
}
