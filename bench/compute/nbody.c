/* nbody.c - the same program as nbody.sg, in C. */
#include <stdio.h>
#include <time.h>
static long long now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1000000000LL + t.tv_nsec; }
static double root(double x)
{
	double g = x > 1.0 ? x : 1.0;
	for (int i = 0; i < 12; i++)
		g = 0.5 * (g + x / g);
	return g;
}
static void advance(double *x, double *y, double *z, double *vx, double *vy, double *vz, double *m, double dt)
{
	for (int i = 0; i < 5; i++)
		for (int j = i + 1; j < 5; j++) {
			double dx = x[i] - x[j], dy = y[i] - y[j], dz = z[i] - z[j];
			double d2 = dx * dx + dy * dy + dz * dz;
			double mag = dt / (d2 * root(d2));
			vx[i] = vx[i] - dx * m[j] * mag;
			vy[i] = vy[i] - dy * m[j] * mag;
			vz[i] = vz[i] - dz * m[j] * mag;
			vx[j] = vx[j] + dx * m[i] * mag;
			vy[j] = vy[j] + dy * m[i] * mag;
			vz[j] = vz[j] + dz * m[i] * mag;
		}
	for (int i = 0; i < 5; i++) {
		x[i] = x[i] + dt * vx[i];
		y[i] = y[i] + dt * vy[i];
		z[i] = z[i] + dt * vz[i];
	}
}
int main(void)
{
	double x[5], y[5], z[5], vx[5], vy[5], vz[5], m[5];
	for (int i = 0; i < 5; i++) {
		double f = i + 1;
		x[i] = f * 1.5 - 3.0; y[i] = f * 0.7 - 1.0; z[i] = f * 0.1;
		vx[i] = 0.01 * f; vy[i] = -0.02 * f; vz[i] = 0.003; m[i] = 39.47 / f;
	}
	long long t0 = now();
	for (int s = 0; s < 1000000; s++)
		advance(x, y, z, vx, vy, vz, m, 0.01);
	long long t1 = now();
	double sum = 0.0;
	for (int i = 0; i < 5; i++)
		sum = sum + x[i] + y[i] + z[i];
	printf("check %lld\ntime_ns %lld\n", (long long)(sum * 1000.0), t1 - t0);
	return 0;
}
