/* fannkuch.c - the same program as fannkuch.sg, in C. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static long long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
int main(void)
{
	int n = 10;
	int *perm = calloc(n, 4), *perm1 = calloc(n, 4), *count = calloc(n, 4);
	for (int i = 0; i < n; i++)
		perm1[i] = i;
	int maxflips = 0, checksum = 0, permcount = 0, r = n;
	long long t0 = now();
	for (;;) {
		while (r != 1) {
			count[r - 1] = r;
			r = r - 1;
		}
		for (int i = 0; i < n; i++)
			perm[i] = perm1[i];
		int flips = 0, k = perm[0];
		while (k != 0) {
			int lo = 0, hi = k;
			while (lo < hi) {
				int t = perm[lo];
				perm[lo] = perm[hi];
				perm[hi] = t;
				lo++, hi--;
			}
			flips++;
			k = perm[0];
		}
		if (flips > maxflips)
			maxflips = flips;
		checksum += permcount % 2 == 0 ? flips : -flips;
		for (;;) {
			if (r == n) {
				long long t1 = now();
				printf("check %d %d\ntime_ns %lld\n", checksum, maxflips, t1 - t0);
				free(perm); free(perm1); free(count);
				return 0;
			}
			int p0 = perm1[0];
			for (int i = 0; i < r; i++)
				perm1[i] = perm1[i + 1];
			perm1[r] = p0;
			count[r] = count[r] - 1;
			if (count[r] > 0)
				break;
			r++;
		}
		permcount++;
	}
}
