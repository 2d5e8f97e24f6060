/* sieve.c - the same program as sieve.sg, in C. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static long long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
int main(void)
{
	int n = 10000000;
	unsigned char *composite = calloc(n + 1, 1);
	int count = 0;
	long long t0 = now();
	for (int rep = 0; rep < 10; rep++) {
		for (int i = 0; i <= n; i++)
			composite[i] = 0;
		count = 0;
		for (int i = 2; i <= n; i++)
			if (!composite[i]) {
				count++;
				for (int j = i + i; j <= n; j += i)
					composite[j] = 1;
			}
	}
	long long t1 = now();
	printf("check %d\ntime_ns %lld\n", count, t1 - t0);
	free(composite);
	return 0;
}
