/* fmt.c - shortest round-trip f64 text (see fmt.h).
 *
 * d = m * 2^e exactly.  Everything is scaled by 2^(e-2), so d, the
 * midpoint to its successor (hi) and to its predecessor (lo, a quarter
 * step when d is a power of two and its predecessor is closer) are the
 * integers 4m, 4m+2 and 4m-2 (or 4m-1) times that scale: as exact decimal
 * integers N * 2^s (s >= 0) or N * 5^-s, sharing one decimal point.  For
 * p = 1, 2, ... round d's digits to p (ties to even, as printf does) and
 * stop at the first that lies strictly between lo and hi, or on one of
 * them when m is even (a reader rounds that tie to d): that is the
 * shortest text strtod reads back as d. */
#include "fmt.h"

#include <stdint.h>

#define BASE 1000000000u
#define LIMBS 90                      /* 810 digits: N * 5^1076 needs < 790 */
#define DIGITS (LIMBS * 9 + 2)

struct big { uint32_t n, l[LIMBS]; };   /* little-endian base 1e9 */

static void big_mul(struct big *a, uint32_t f)   /* a *= f, f < 2^32 */
{
	uint64_t carry = 0;
	for (uint32_t i = 0; i < a->n; i++) {
		uint64_t t = (uint64_t)a->l[i] * f + carry;
		a->l[i] = (uint32_t)(t % BASE);
		carry = t / BASE;
	}
	while (carry) {
		a->l[a->n++] = (uint32_t)(carry % BASE);
		carry /= BASE;
	}
}

static void big_add(struct big *a, const struct big *b)   /* a += b */
{
	uint32_t carry = 0, n = a->n > b->n ? a->n : b->n;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t t = (i < a->n ? a->l[i] : 0) + (i < b->n ? b->l[i] : 0) + carry;
		carry = t >= BASE;
		a->l[i] = carry ? t - BASE : t;
	}
	a->n = n;
	if (carry)
		a->l[a->n++] = 1;
}

/* Exact decimal digits of x * scale (x < 2^56), most significant first;
 * their count. */
static uint32_t digits(const struct big *scale, uint64_t x, char *out)
{
	struct big r = *scale, hi = *scale;
	big_mul(&r, (uint32_t)(x & 0xfffffff));
	big_mul(&hi, (uint32_t)(x >> 28));
	big_mul(&hi, 1u << 28);
	big_add(&r, &hi);
	while (r.n > 1 && r.l[r.n - 1] == 0)
		r.n--;
	uint32_t len = 0;
	for (uint32_t i = r.n; i-- > 0;) {
		char tmp[9];
		uint32_t v = r.l[i];
		for (int k = 8; k >= 0; k--, v /= 10)
			tmp[k] = (char)('0' + v % 10);
		int k = 0;
		if (i == r.n - 1)
			while (k < 8 && tmp[k] == '0')
				k++;
		for (; k < 9; k++)
			out[len++] = tmp[k];
	}
	return len;
}

/* Compare decimal integers without leading zeros. */
static int cmp(const char *a, uint32_t na, const char *b, uint32_t nb)
{
	if (na != nb)
		return na < nb ? -1 : 1;
	for (uint32_t i = 0; i < na; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* v rounded to p significant digits (ties to even), padded with zeros
 * to an integer again; its length (one more if it carried). */
static uint32_t round_to(const char *v, uint32_t n, uint32_t p, char *out)
{
	for (uint32_t i = 0; i < n; i++)
		out[i] = i < p ? v[i] : '0';
	if (p >= n)
		return n;
	int up = v[p] > '5';
	if (v[p] == '5') {
		up = (v[p - 1] - '0') & 1;
		for (uint32_t i = p + 1; i < n && !up; i++)
			up = v[i] != '0';
	}
	if (!up)
		return n;
	uint32_t i = p;
	while (i > 0 && out[i - 1] == '9')
		out[--i] = '0';
	if (i > 0) {
		out[i - 1]++;
		return n;
	}
	out[0] = '1';               /* 99..9 became 100..0: one digit longer */
	out[n] = '0';
	return n + 1;
}

struct out { char *b; size_t n, len; };

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->n)
		o->b[o->len] = c;
	o->len++;
}

static void puts_(struct out *o, const char *s)
{
	while (*s)
		put(o, *s++);
}

static void put_digits(struct out *o, const char *d, int from, int to)
{
	for (int i = from; i < to; i++)
		put(o, d[i]);
}

/* printf's "%.<p>g" of the digits d[0..p) times 10^x (x: the power of
 * the first digit, after rounding): exponent form when x < -4 or x >= p,
 * trailing zeros of the fraction dropped. */
static void fmt_g(struct out *o, const char *d, int p, int x)
{
	if (x < -4 || x >= p) {
		int end = p;
		while (end > 1 && d[end - 1] == '0')
			end--;
		put(o, d[0]);
		if (end > 1) {
			put(o, '.');
			put_digits(o, d, 1, end);
		}
		put(o, 'e');
		put(o, x < 0 ? '-' : '+');
		int ax = x < 0 ? -x : x;
		if (ax >= 100)
			put(o, (char)('0' + ax / 100));
		put(o, (char)('0' + ax / 10 % 10));
		put(o, (char)('0' + ax % 10));
		return;
	}
	int end = p;   /* the fraction's digits are d[x + 1 .. end) */
	while (end > x + 1 && end > 0 && d[end - 1] == '0')
		end--;
	if (x >= 0) {
		put_digits(o, d, 0, x + 1);
		if (end > x + 1) {
			put(o, '.');
			put_digits(o, d, x + 1, end);
		}
		return;
	}
	put(o, '0');
	put(o, '.');
	for (int i = 0; i < -x - 1; i++)
		put(o, '0');
	put_digits(o, d, 0, end);
}

/* The exact value scaled to integers (see the top): lo, d, hi; then the
 * shortest p whose rounding lands inside. */
static void shortest(struct out *o, uint64_t m, int e, int closer)
{
	char v[DIGITS], lo[DIGITS], hi[DIGITS], r[DIGITS];   /* 3 KiB: fits an ABI call's stack reserve */
	int s = e - 2;
	struct big scale = {1, {1}};
	for (int k = s > 0 ? s : -s; k > 0; k -= 13) {
		int c = k < 13 ? k : 13;
		uint32_t f = 1;
		for (int i = 0; i < c; i++)
			f *= s > 0 ? 2 : 5;
		big_mul(&scale, f);
	}
	uint32_t nv = digits(&scale, 4 * m, v);
	uint32_t nlo = digits(&scale, 4 * m - (closer ? 1 : 2), lo);
	uint32_t nhi = digits(&scale, 4 * m + 2, hi);
	int q = s < 0 ? s : 0;
	for (uint32_t p = 1;; p++) {
		uint32_t nr = round_to(v, nv, p, r);
		int c_lo = cmp(r, nr, lo, nlo), c_hi = cmp(r, nr, hi, nhi);
		if ((c_lo > 0 && c_hi < 0) || (!(m & 1) && c_lo >= 0 && c_hi <= 0) || p >= 17) {
			fmt_g(o, r, (int)p, (int)nr - 1 + q);
			return;
		}
	}
}

size_t fmt_f64(char *buf, size_t n, double d)
{
	union { double d; uint64_t u; } bits = {d};
	uint64_t frac = bits.u & ((1ull << 52) - 1);
	int bexp = (int)(bits.u >> 52 & 0x7ff);
	struct out o = {buf, n, 0};
	if (bits.u >> 63)
		put(&o, '-');
	if (bexp == 0x7ff)
		puts_(&o, frac ? "nan" : "inf");
	else if (bexp == 0 && frac == 0)
		put(&o, '0');
	else
		shortest(&o, bexp ? frac | 1ull << 52 : frac, (bexp ? bexp : 1) - 1075,
		         frac == 0 && bexp > 1);
	size_t len = o.len < n ? o.len : (n ? n - 1 : 0);
	if (n)
		buf[len] = 0;
	return len;
}
