/*
 * fmath_check.c - src/backend/fmath.h against the host's libm: the worst
 * error in ulps of each function over a fixed set of arguments (special
 * values, grids, pseudo-random points), checked against the bounds the
 * header documents.  Prints one line per function; exit 1 if any bound
 * is broken.  Built and run by tests/backend/run.sh.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "backend/fmath.h"

static uint64_t rng = 88172645463325252ull;
static double rnd(double lo, double hi)
{
	rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
	return lo + (hi - lo) * (double)(rng >> 11) / 9007199254740992.0;
}

/* Distance in ulps between a (ours) and b (libm); identical NaNs are 0. */
static double ulps(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) && isnan(b) ? 0 : 1e300;
	if (a == b)
		return signbit(a) == signbit(b) ? 0 : 1e300;
	if (isinf(a) || isinf(b))
		return 1e300;
	double u = fabs(b) < 2.2250738585072014e-308 ? 4.9406564584124654e-324 : nextafter(fabs(b), INFINITY) - fabs(b);
	return fabs(a - b) / u;
}

static int fails;

static void report(const char *name, double worst, double at, double bound)
{
	printf("%-6s max %.3g ulp (at %.17g), bound %g%s\n", name, worst, at, bound,
	       worst <= bound ? "" : "  FAIL");
	if (worst > bound)
		fails = 1;
}

#define N 200000

typedef double f1(double);
/* Special values with a finite |x| above limit are left out. */
static void check1(const char *name, f1 *ours, f1 *ref, double lo, double hi, double bound, double limit)
{
	static const double special[] = {0.0, -0.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 1, -1,
		0.49999999999999994, -0.49999999999999994, 4503599627370495.5, -4503599627370495.5,
		4503599627370496.0, 1e300, -1e300, 5e-324, -5e-324, 2.2250738585072014e-308,
		INFINITY, -INFINITY, NAN, 709.7, -745.1, 710, -746, 1e5, -1e5, 3.141592653589793,
		1.5707963267948966, 0.7853981633974483, 2.718281828459045};
	double worst = 0, at = 0;
	for (size_t i = 0; i < sizeof special / sizeof special[0] + N; i++) {
		double x = i < sizeof special / sizeof special[0] ? special[i] : rnd(lo, hi);
		if (isfinite(x) && fabs(x) > limit)
			continue;
		double e = ulps(ours(x), ref(x));
		if (e > worst)
			worst = e, at = x;
	}
	report(name, worst, at, bound);
}

static double ref_round(double x) { return round(x); }

static void check_pow(void)
{
	static const double sp[][2] = {{0, 0}, {2, 10}, {2, -3}, {-2, 3}, {-2, 0.5}, {0, -1}, {-0.0, -3},
		{INFINITY, 2}, {-INFINITY, 3}, {0.5, INFINITY}, {2, -INFINITY}, {1, NAN}, {NAN, 0},
		{-1, INFINITY}, {10, 308}, {10, -308}, {2, 1023.5}, {1.0000001, 1e9}, {3, 0.5}};
	double worst = 0, at = 0;
	for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++) {
		double e = ulps(sfm_pow(sp[i][0], sp[i][1]), pow(sp[i][0], sp[i][1]));
		if (e > worst)
			worst = e, at = sp[i][0];
	}
	report("pow/sp", worst, at, 45);   /* 1e-14 relative */
	worst = 0;
	for (int i = 0; i < N; i++) {
		double x = rnd(0, 100), y = rnd(-100, 100);
		double r = pow(x, y);
		if (!isnormal(r))
			continue;
		double e = fabs(sfm_pow(x, y) - r) / fabs(r);
		if (e > worst)
			worst = e, at = x;
	}
	printf("pow    max relative error %.3g (bound 1e-14)%s\n", worst, worst <= 1e-14 ? "" : "  FAIL");
	if (worst > 1e-14)
		fails = 1;
}

static void check_minmax(void)
{
	int bad = 0;
	bad |= !isnan(sfm_min(NAN, 1)) || !isnan(sfm_max(1, NAN));
	bad |= !signbit(sfm_min(0.0, -0.0)) || signbit(sfm_max(-0.0, 0.0));
	bad |= sfm_min(-3, 2) != -3 || sfm_max(-3, 2) != 2 || sfm_abs(-0.0) != 0 || signbit(sfm_abs(-0.0));
	printf("minmax %s\n", bad ? "FAIL" : "ok");
	fails |= bad;
}

int main(void)
{
	check1("sqrt", sfm_sqrt, sqrt, 0, 1e10, 0, INFINITY);
	check1("floor", sfm_floor, floor, -1e6, 1e6, 0, INFINITY);
	check1("ceil", sfm_ceil, ceil, -1e6, 1e6, 0, INFINITY);
	check1("trunc", sfm_trunc, trunc, -1e6, 1e6, 0, INFINITY);
	check1("round", sfm_round, ref_round, -1e6, 1e6, 0, INFINITY);
	check1("abs", sfm_abs, fabs, -1e6, 1e6, 0, INFINITY);
	check1("exp", sfm_exp, exp, -745, 709.7, 2, INFINITY);
	check1("log", sfm_log, log, 0, 1e6, 2, INFINITY);
	check1("log2", sfm_log, log, 0.5, 2, 2, INFINITY);
	check1("sin", sfm_sin, sin, -1e5, 1e5, 2, 1e5);
	check1("cos", sfm_cos, cos, -1e5, 1e5, 2, 1e5);
	check1("sin/s", sfm_sin, sin, -4, 4, 2, 1e5);
	check1("cos/s", sfm_cos, cos, -4, 4, 2, 1e5);
	/* Beyond the documented range sin and cos stay in [-1, 1]. */
	int wild = 0;
	for (int i = 0; i < 1000; i++) {
		double x = rnd(-1e30, 1e30), s = sfm_sin(x), c = sfm_cos(x);
		wild |= !(s >= -1 && s <= 1 && c >= -1 && c <= 1);
	}
	printf("sincos huge arguments %s\n", wild ? "FAIL" : "ok");
	fails |= wild;
	check_pow();
	check_minmax();
	return fails;
}
