/* bench_svg.c - the cost table as a chart: per row, a horizontal bar for
 * each measured side (Sing, Linux) on one logarithmic nanosecond axis,
 * with a p10..p90 whisker, the value, and the Linux/Sing ratio.  A side
 * that was not measured gets words, never a bar.  Hand-written SVG text. */
#include "bench.h"

#include <math.h>
#include <stdio.h>

/* Geometry, in SVG user units. */
enum {
	W = 1150, LABEL_W = 330, PLOT_W = 500, TOP = 92, ROW_H = 46, BAR_H = 13
};

struct axis {
	double lo, hi;          /* decades: log10 of the axis ends */
};

static double ax_x(const struct axis *a, double ns)
{
	double v = (log10(ns) - a->lo) / (a->hi - a->lo);
	v = v < 0 ? 0 : v > 1 ? 1 : v;
	return LABEL_W + v * PLOT_W;
}

/* Whole decades around every measured p10..p90. */
static struct axis axis_of(const struct bench_line *l, size_t n)
{
	double lo = 1e300, hi = 0;
	for (size_t i = 0; i < n; i++) {
		const struct bench_result *r[] = {&l[i].sing, &l[i].linux_};
		for (int k = 0; k < 2; k++) {
			if (r[k]->status != BENCH_OK)
				continue;
			lo = fmin(lo, fmax(r[k]->ns.p10, 0.01));
			hi = fmax(hi, fmax(r[k]->ns.p90, 0.01));
		}
	}
	if (hi == 0)
		return (struct axis){0, 3};
	struct axis a = {floor(log10(lo)), ceil(log10(hi))};
	if (a.hi <= a.lo)
		a.hi = a.lo + 1;
	return a;
}

static void xml_text(struct sbuf *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': sb_str(b, "&amp;"); break;
		case '<': sb_str(b, "&lt;"); break;
		case '>': sb_str(b, "&gt;"); break;
		case '"': sb_str(b, "&quot;"); break;
		default: sb_byte(b, (uint8_t)*s);
		}
	}
}

/* 1234.5 -> "1.23 µs"; whole decades print without decimals ("10 µs"). */
static void fmt_ns(char *out, size_t n, double ns)
{
	static const struct { double div; const char *unit; } u[] = {
		{1e9, "s"}, {1e6, "ms"}, {1e3, "\u00b5s"}, {1, "ns"}};
	size_t i = 0;
	while (i + 1 < sizeof u / sizeof u[0] && ns < u[i].div)
		i++;
	double v = ns / u[i].div;
	char num[24];
	if (v == floor(v))
		snprintf(num, sizeof num, "%.0f", v);
	else
		bench_fmt_num(num, sizeof num, v);
	snprintf(out, n, "%s %s", num, u[i].unit);
}

static void grid(struct sbuf *b, const struct axis *a, int bottom)
{
	char lab[48];
	for (int d = (int)a->lo; d <= (int)a->hi; d++) {
		double x = ax_x(a, pow(10, d));
		fmt_ns(lab, sizeof lab, pow(10, d));
		sb_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>\n",
			  x, TOP - 8, x, bottom);
		sb_printf(b, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"ax\">%s</text>\n",
			  x, TOP - 12, lab);
	}
}

/* One side of one row: a bar with whisker and value, or the reason. */
static void side(struct sbuf *b, const struct axis *a, const struct bench_result *r,
		 const char *cls, const char *who, int y)
{
	char v[48];
	if (r->status != BENCH_OK) {
		sb_printf(b, "<text x=\"%d\" y=\"%d\" class=\"why\">%s: ", LABEL_W + 4,
			  y + BAR_H - 2, who);
		xml_text(b, r->why);
		sb_str(b, "</text>\n");
		return;
	}
	double x0 = LABEL_W, x1 = fmax(ax_x(a, r->ns.median), x0 + 1);
	fmt_ns(v, sizeof v, r->ns.median);
	sb_printf(b, "<rect class=\"bar %s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\">"
		  "<title>%s %s (median; p10 %.4g ns, p90 %.4g ns)</title></rect>\n",
		  cls, x0, y, x1 - x0, BAR_H, who, v, r->ns.p10, r->ns.p90);
	sb_printf(b, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#333\"/>\n",
		  ax_x(a, r->ns.p10), y + BAR_H / 2, ax_x(a, r->ns.p90), y + BAR_H / 2);
	sb_printf(b, "<text x=\"%.1f\" y=\"%d\" class=\"val\">%s</text>\n",
		  fmax(x1, ax_x(a, r->ns.p90)) + 4, y + BAR_H - 2, v);
}

static void row(struct sbuf *b, const struct axis *a, const struct bench_line *l, int y)
{
	sb_printf(b, "<text x=\"8\" y=\"%d\" class=\"name\">", y + 14);
	xml_text(b, l->row->name);
	sb_printf(b, "</text>\n<text x=\"8\" y=\"%d\" class=\"title\">", y + 30);
	xml_text(b, l->row->title);
	sb_str(b, "</text>\n");
	side(b, a, &l->sing, "sing", "Sing", y + 4);
	side(b, a, &l->linux_, "linux", "Linux", y + 4 + BAR_H + 4);
	char num[32], pub[128];
	double r = bench_ratio(l);
	bench_fmt_num(num, sizeof num, r);
	if (r > 0)
		sb_printf(b, "<text x=\"%d\" y=\"%d\" class=\"ratio\">Linux/Sing %sx</text>\n",
			  W - 8, y + 18, num);
	else
		sb_printf(b, "<text x=\"%d\" y=\"%d\" class=\"ratio none\">no ratio yet</text>\n",
			  W - 8, y + 18);
	if (l->row->published.sing) {
		bench_fmt_published(pub, sizeof pub, &l->row->published);
		sb_printf(b, "<text x=\"%d\" y=\"%d\" class=\"pub\">published cycles %s</text>\n",
			  W - 8, y + 34, pub);
	}
}

static void head(struct sbuf *b, const struct bench_host *h, int height)
{
	sb_printf(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		  "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		  "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n", W,
		  height, W, height);
	sb_str(b, "<style>.sing{fill:#2b7bb9}.linux{fill:#e08a2c}.name{font-weight:bold}"
		  ".title,.ax,.why{fill:#555;font-size:11px}.why{font-style:italic}"
		  ".ratio{text-anchor:end;font-weight:bold}.none{fill:#999;font-weight:normal}"
		  ".val{font-size:11px}.pub{text-anchor:end;fill:#555;font-size:10px}</style>\n");
	sb_printf(b, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>\n", W, height);
	sb_str(b, "<text x=\"8\" y=\"20\" font-size=\"16\" font-weight=\"bold\">"
		  "Sing cost table: time per operation, log scale (lower is better)</text>\n");
	sb_str(b, "<text x=\"8\" y=\"38\" class=\"title\">");
	xml_text(b, h->cpu_model);
	sb_printf(b, ", %d CPUs; ", h->ncpus);
	xml_text(b, h->kernel);
	sb_str(b, "; ");
	xml_text(b, h->compiler);
	sb_str(b, "</text>\n");
	sb_printf(b, "<rect class=\"sing\" x=\"8\" y=\"50\" width=\"14\" height=\"10\"/>"
		  "<text x=\"26\" y=\"59\">Sing</text>"
		  "<rect class=\"linux\" x=\"70\" y=\"50\" width=\"14\" height=\"10\"/>"
		  "<text x=\"88\" y=\"59\">Linux</text>"
		  "<text x=\"140\" y=\"59\" class=\"title\">bar: median; line: p10..p90; "
		  "published cycles: Singularity / Linux / Windows, EuroSys 2006, "
		  "1.8 GHz Athlon 64 (other hardware)</text>\n");
}

void bench_svg(struct sbuf *b, const struct bench_host *h,
	       const struct bench_line *l, size_t n)
{
	struct axis a = axis_of(l, n);
	int bottom = TOP + (int)n * ROW_H;
	head(b, h, bottom + 12);
	grid(b, &a, bottom);
	for (size_t i = 0; i < n; i++)
		row(b, &a, &l[i], TOP + (int)i * ROW_H);
	sb_str(b, "</svg>\n");
}
