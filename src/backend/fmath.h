/*
 * fmath.h - the f64 functions of SIL (f.sqrt ... f.pow), for generated C.
 *
 * Generated code is freestanding: no libm, and it may call nothing but the
 * ABI (elfsym.c checks).  So this header is the second prelude of every
 * generated C file (after rt.h), and it is self-contained: plain C11 with
 * no includes, so a host test can compile it beside libm and compare
 * (tests/backend/fmath_check.c).  It must never call a function it does
 * not define, nor touch errno or the floating-point environment.
 *
 * Accuracy (checked by tests/backend/fmath_check.c against the host libm):
 *   sqrt                 correctly rounded (the SSE2 sqrtsd instruction)
 *   floor ceil trunc     exact; round is half away from zero, exact
 *   abs min max          exact; min/max give NaN if either operand is NaN,
 *                        and order -0 below +0
 *   exp log              within 2 ulp
 *   sin cos              within 2 ulp for |x| <= 1e5 (Cody-Waite reduction
 *                        by pi/2 in three parts); beyond that the error grows
 *                        with |x| (no Payne-Hanek reduction), and far beyond
 *                        2^30 the result is only somewhere in [-1, 1];
 *                        +-inf and NaN give NaN
 *   pow                  integer y with |y| <= 64: repeated squaring (within
 *                        a few ulp); otherwise exp(y * log(x)) with log taken
 *                        in extra precision, relative error below 1e-14 for
 *                        results in the normal range; C99's special cases
 *                        (pow(x, 0) = 1, pow(1, y) = 1, negative x with a
 *                        non-integer y is NaN, zeros and infinities)
 * Names carry the prefix sfm_.
 */
#ifndef SING_FMATH_H
#define SING_FMATH_H

typedef unsigned long long sfm_u64;

static inline sfm_u64 sfm_bits(double d)
{
	union { double d; sfm_u64 u; } x;
	x.d = d;
	return x.u;
}

static inline double sfm_from(sfm_u64 u)
{
	union { double d; sfm_u64 u; } x;
	x.u = u;
	return x.d;
}

#define SFM_SIGN 0x8000000000000000ull
#define SFM_TWO52 4503599627370496.0   /* 2^52: every double this large is an integer */

static inline double sfm_sqrt(double x)
{
#if defined(__x86_64__)
	double r;
	__asm__("sqrtsd %1, %0" : "=x"(r) : "x"(x));
	return r;
#else
	return __builtin_sqrt(x);
#endif
}

static inline double sfm_abs(double x) { return sfm_from(sfm_bits(x) & ~SFM_SIGN); }

/* x rounded toward zero; NaN, infinities and |x| >= 2^52 are themselves. */
static inline double sfm_trunc(double x)
{
	if (!(sfm_abs(x) < SFM_TWO52))
		return x;
	double t = (double)(long long)x;
	return sfm_from(sfm_bits(t) | (sfm_bits(x) & SFM_SIGN));   /* keeps -0 */
}

static inline double sfm_floor(double x)
{
	double t = sfm_trunc(x);
	return t > x ? t - 1.0 : t;
}

static inline double sfm_ceil(double x)
{
	double t = sfm_trunc(x);
	return t < x ? t + 1.0 : t;
}

/* Half away from zero, as C's round. */
static inline double sfm_round(double x)
{
	double t = sfm_trunc(x);
	double f = x - t;   /* exact: |f| < 1 and x, t share an exponent range */
	if (f >= 0.5)
		t += 1.0;
	else if (f <= -0.5)
		t -= 1.0;
	return t;
}

static inline double sfm_min(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)   /* -0 and +0: the one with the sign bit */
		return sfm_from(sfm_bits(a) | sfm_bits(b));
	return a < b ? a : b;
}

static inline double sfm_max(double a, double b)
{
	if (a != a || b != b)
		return a + b;
	if (a == b)
		return sfm_from(sfm_bits(a) & sfm_bits(b));
	return a > b ? a : b;
}

/* 2^k for -1074 <= k <= 1023 (k below -1022 gives a subnormal). */
static inline double sfm_pow2(int k)
{
	if (k < -1022)
		return sfm_from(1ull << (k + 1074));
	return sfm_from((sfm_u64)(k + 1023) << 52);
}

/* x * 2^k without overflow in the scale itself. */
static inline double sfm_scale(double x, int k)
{
	while (k > 1023) {
		x *= sfm_pow2(1023);
		k -= 1023;
	}
	while (k < -1022) {
		x *= sfm_pow2(-1022);
		k += 1022;
		if (x == 0)
			return x;
	}
	return x * sfm_pow2(k);
}

#define SFM_LN2_HI 6.93147180369123816490e-01   /* ln 2, high 32 bits */
#define SFM_LN2_LO 1.90821492927058770002e-10   /* ln 2 - SFM_LN2_HI */
#define SFM_INVLN2 1.44269504088896338700e+00

/* e^r - 1 - r for |r| <= ln2/2 (Taylor to r^13; the remainder is below
 * 2^-60 relative). */
static inline double sfm_expm1_tail(double r)
{
	double p = 1.0 / 6227020800.0;          /* 1/13! */
	static const double c[] = {
		1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
		1.0 / 40320.0, 1.0 / 5040.0, 1.0 / 720.0, 1.0 / 120.0, 1.0 / 24.0, 1.0 / 6.0, 0.5,
	};
	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++)
		p = p * r + c[i];
	return p * r * r;
}

/* e^(hi + lo) with |lo| tiny against hi: the core of exp and pow. */
static inline double sfm_exp2part(double hi, double lo)
{
	if (hi != hi)
		return hi;
	if (hi > 709.8)
		return sfm_from(0x7ff0000000000000ull);   /* +inf */
	if (hi < -745.2)
		return 0.0;
	double kd = hi * SFM_INVLN2;
	int k = (int)(kd < 0 ? kd - 0.5 : kd + 0.5);
	double r_hi = hi - k * SFM_LN2_HI;        /* exact: k has at most 11 bits */
	double r_lo = lo - k * SFM_LN2_LO;
	double r = r_hi + r_lo;
	double e = 1.0 + (r + (sfm_expm1_tail(r) + (r_lo - (r - r_hi))));
	return sfm_scale(e, k);
}

static inline double sfm_exp(double x) { return sfm_exp2part(x, 0.0); }

/* log(x) as hi + lo (a double-double, about 2^-64 relative) for finite
 * x > 0. */
static inline void sfm_log_dd(double x, double *hi, double *lo)
{
	int e = 0;
	sfm_u64 b = sfm_bits(x);
	if (b >> 52 == 0) {           /* subnormal: normalise */
		x *= 18014398509481984.0; /* 2^54 */
		b = sfm_bits(x);
		e = -54;
	}
	e += (int)(b >> 52) - 1023;
	double m = sfm_from((b & 0x000fffffffffffffull) | 0x3ff0000000000000ull);   /* [1, 2) */
	if (m > 1.4142135623730951) {
		m *= 0.5;
		e++;
	}
	double f = m - 1.0;           /* exact (Sterbenz) */
	double s = f / (2.0 + f), s2 = s * s;
	/* log(1+f) = 2 atanh(s) = f - s*(f - R), R = 2 s^2/3 + 2 s^4/5 + ... */
	double R = 0;
	for (int k = 23; k >= 3; k -= 2)
		R = (R + 2.0 / k) * s2;
	/* f - s*f: split to keep the rounding error of s*f. */
	double hfsq = 0.5 * f * f;
	double t = s * (hfsq + R);          /* log(1+f) = f - hfsq + s*(hfsq+R) */
	double ed = (double)e;
	double a = ed * SFM_LN2_HI;         /* exact */
	double y = f - hfsq;
	double hfsq_err = (f - y) - hfsq;   /* y + (-hfsq_err) = f - hfsq exactly enough */
	double s1 = a + y;
	double s1err = (a - s1) + y;
	*hi = s1 + (t - hfsq_err + s1err + ed * SFM_LN2_LO);
	*lo = (s1 - *hi) + (t - hfsq_err + s1err + ed * SFM_LN2_LO);
}

static inline double sfm_log(double x)
{
	if (x != x)
		return x;
	if (x < 0)
		return sfm_from(0x7ff8000000000000ull);   /* NaN */
	if (x == 0)
		return -sfm_from(0x7ff0000000000000ull);  /* -inf */
	if (x == sfm_from(0x7ff0000000000000ull))
		return x;
	double hi, lo;
	sfm_log_dd(x, &hi, &lo);
	return hi + lo;
}

/* sin and cos of r in [-pi/4, pi/4]: Taylor to r^21 and r^20 (the
 * remainders are below 2^-70 relative). */
static inline double sfm_ksin(double r)
{
	static const double c[] = {   /* (-1)^k / (2k+1)!, k = 10 .. 1 */
		1.0 / 51090942171709440000.0, -1.0 / 121645100408832000.0,
		1.0 / 355687428096000.0, -1.0 / 1307674368000.0, 1.0 / 6227020800.0,
		-1.0 / 39916800.0, 1.0 / 362880.0, -1.0 / 5040.0, 1.0 / 120.0, -1.0 / 6.0,
	};
	double r2 = r * r, p = 0;
	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++)
		p = (p + c[i]) * r2;
	return r + r * p;
}

static inline double sfm_kcos(double r)
{
	static const double c[] = {   /* (-1)^k / (2k)!, k = 10 .. 2 */
		1.0 / 2432902008176640000.0, -1.0 / 6402373705728000.0,
		1.0 / 20922789888000.0, -1.0 / 87178291200.0, 1.0 / 479001600.0,
		-1.0 / 3628800.0, 1.0 / 40320.0, -1.0 / 720.0, 1.0 / 24.0,
	};
	double r2 = r * r, p = 0;
	for (unsigned i = 0; i < sizeof c / sizeof c[0]; i++)
		p = (p + c[i]) * r2;
	double h = 0.5 * r2, w = 1.0 - h;
	return w + (((1.0 - w) - h) + r2 * p);
}

#define SFM_PIO2_1  1.57079632673412561417e+00   /* first 33 bits of pi/2 */
#define SFM_PIO2_2  6.07710050630396597660e-11   /* next 33 bits */
#define SFM_PIO2_3  2.02226624871116645580e-21   /* next 33 bits */
#define SFM_PIO2_3T 8.47842766036889956997e-32   /* pi/2 - the three above */
#define SFM_INVPIO2 6.36619772367581382433e-01

/* sin (cos = 0) or cos (cos = 1) of x. */
static inline double sfm_sincos(double x, int cos)
{
	if (x != x || sfm_abs(x) == sfm_from(0x7ff0000000000000ull))
		return sfm_from(0x7ff8000000000000ull);
	if (sfm_abs(x) < 7.450580596923828e-9)   /* 2^-27: x^3/6 is below half an ulp */
		return cos ? 1.0 : x;
	double kd = x * SFM_INVPIO2;
	kd = kd < 0 ? -sfm_floor(0.5 - kd) : sfm_floor(kd + 0.5);
	/* k mod 4 from the double: exact for |k| < 2^53 */
	double q = kd - 4.0 * sfm_floor(kd * 0.25);
	int quad = (int)q + cos;
	double w = kd * SFM_PIO2_2;
	double r0 = x - kd * SFM_PIO2_1;          /* exact for |k| < 2^20 */
	double r1 = r0 - w;
	double w2 = kd * SFM_PIO2_3 - ((r0 - r1) - w);
	double r2 = r1 - w2;
	double r = r2 - (kd * SFM_PIO2_3T - ((r1 - r2) - w2));
	if (!(r <= 0.7853981633974483 + 1e-9 && r >= -0.7853981633974483 - 1e-9))
		r = 0;   /* |x| far beyond 2^30: the reduction lost every bit */
	switch (quad & 3) {
	case 0:  return sfm_ksin(r);
	case 1:  return sfm_kcos(r);
	case 2:  return -sfm_ksin(r);
	default: return -sfm_kcos(r);
	}
}

static inline double sfm_sin(double x) { return sfm_sincos(x, 0); }
static inline double sfm_cos(double x) { return sfm_sincos(x, 1); }

static inline int sfm_is_int(double y) { return sfm_trunc(y) == y && sfm_abs(y) < SFM_TWO52 * 2; }

/* An odd integer (|y| < 2^53). */
static inline int sfm_is_odd(double y)
{
	return sfm_is_int(y) && sfm_abs(y) < SFM_TWO52 * 2 &&
	       ((long long)sfm_abs(y) & 1);
}

static inline double sfm_pow(double x, double y)
{
	const double inf = sfm_from(0x7ff0000000000000ull);
	if (y == 0 || x == 1)
		return 1.0;
	if (x != x || y != y)
		return x + y;
	if (sfm_is_int(y) && sfm_abs(y) <= 64) {   /* repeated squaring */
		long long n = (long long)sfm_abs(y);
		double r = 1.0, b = x;
		for (; n; n >>= 1, b *= b)
			if (n & 1)
				r *= b;
		return y < 0 ? 1.0 / r : r;
	}
	double ax = sfm_abs(x);
	if (y == inf || y == -inf)
		return ax == 1 ? 1.0 : (ax > 1) == (y > 0) ? inf : 0.0;
	int neg = x < 0 && sfm_is_odd(y);
	if (x < 0 && !sfm_is_int(y) && ax != inf)
		return sfm_from(0x7ff8000000000000ull);
	if (ax == inf || x == 0) {
		double r;
		if (x == 0)
			r = y < 0 ? inf : 0.0;
		else
			r = y < 0 ? 0.0 : inf;
		return neg ? -r : r;
	}
	double lh, ll;
	sfm_log_dd(ax, &lh, &ll);
	/* y * (lh + ll) as a double-double: split y and lh (Dekker). */
	double c = 134217729.0;   /* 2^27 + 1 */
	double yh = y * c; yh = yh - (yh - y);
	double yl = y - yh;
	double hh = lh * c; hh = hh - (hh - lh);
	double hl = lh - hh;
	double p = y * lh;
	double perr = ((yh * hh - p) + yh * hl + yl * hh) + yl * hl;
	double r = sfm_exp2part(p, perr + y * ll);
	return neg ? -r : r;
}

#endif
