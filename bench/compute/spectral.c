/* spectral.c - the same program as spectral.sg, in C. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
static long long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
static double a(int i, int j) { int ij = i + j; return 1.0 / (double)(ij * (ij + 1) / 2 + i + 1); }
static void mulav(double *v, double *out, int n)
{
	for (int i = 0; i < n; i++) {
		double s = 0.0;
		for (int j = 0; j < n; j++)
			s = s + a(i, j) * v[j];
		out[i] = s;
	}
}
static void mulatv(double *v, double *out, int n)
{
	for (int i = 0; i < n; i++) {
		double s = 0.0;
		for (int j = 0; j < n; j++)
			s = s + a(j, i) * v[j];
		out[i] = s;
	}
}
static void mulatav(double *v, double *out, double *tmp, int n) { mulav(v, tmp, n); mulatv(tmp, out, n); }
int main(void)
{
	int n = 1500;
	double *u = calloc(n, 8), *v = calloc(n, 8), *tmp = calloc(n, 8);
	for (int i = 0; i < n; i++)
		u[i] = 1.0;
	long long t0 = now();
	for (int k = 0; k < 10; k++) {
		mulatav(u, v, tmp, n);
		mulatav(v, u, tmp, n);
	}
	double vbv = 0, vv = 0;
	for (int i = 0; i < n; i++) {
		vbv = vbv + u[i] * v[i];
		vv = vv + v[i] * v[i];
	}
	long long t1 = now();
	printf("check %lld\ntime_ns %lld\n", (long long)(vbv / vv * 1000000000.0), t1 - t0);
	free(u); free(v); free(tmp);
	return 0;
}
