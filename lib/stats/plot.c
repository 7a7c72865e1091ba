/* plot.c - terminal histogram and SVG figures */
#include "plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

/* Bin count: Sturges, clamped to 5..20 (1 when every value is equal). */
static int
auto_bins(size_t n)
{
	int k = (int)ceil(log2((double)(n ? n : 1))) + 1;

	return k < 5 ? 5 : k > 20 ? 20 : k;
}

/* Decimal places that tell bin edges step apart. */
static int
edge_decimals(double step, double hi)
{
	int d;

	if (!(step > 0) || fabs(hi) >= 1e7)
		return -1; /* use %g */
	d = (int)ceil(-log10(step)) + 1;
	return d < 0 ? 0 : d > 10 ? 10 : d;
}

static void
put_edge(struct sv_buf *b, double v, int dec, int w)
{
	if (dec < 0)
		sv_buf_printf(b, "%*.4g", w, v);
	else
		sv_buf_printf(b, "%*.*f", w, dec, v);
}

void
sv_plot_term(struct sv_buf *b, const double *sorted, size_t n, int width,
             int nbins, double mark, const char *label)
{
	static const char *eighth[] = { "", "\u258f", "\u258e", "\u258d",
		                        "\u258c", "\u258b", "\u258a", "\u2589" };
	double lo, hi, step;
	size_t *cnt, maxc = 0, i;
	int k, dec, ew, cw, barw;
	struct sv_buf tmp = { 0 };

	if (n == 0)
		return;
	lo = sorted[0];
	hi = sorted[n - 1];
	k = nbins > 0 ? nbins : auto_bins(n);
	if (!(hi > lo))
		k = 1;
	step = k > 1 ? (hi - lo) / k : 0;
	cnt = sv_calloc((size_t)k, sizeof *cnt);
	for (i = 0; i < n; i++) {
		int j = step > 0 ? (int)((sorted[i] - lo) / step) : 0;

		cnt[j >= k ? k - 1 : j < 0 ? 0 : j]++;
	}
	for (int j = 0; j < k; j++)
		if (cnt[j] > maxc)
			maxc = cnt[j];
	dec = edge_decimals(step, fmax(fabs(lo), fabs(hi)));
	put_edge(&tmp, -fmax(fabs(lo), fabs(hi)), dec, 0);
	ew = (int)tmp.len;
	sv_buf_free(&tmp);
	sv_buf_printf(&tmp, "%zu", maxc);
	cw = (int)tmp.len;
	sv_buf_free(&tmp);
	if (width < 40)
		width = 40;
	/* "  " edge " |" bar " " count [" <- label"] */
	barw = width - (2 + ew + 2 + 1 + cw) -
	       (isnan(mark) ? 0 : 4 + (int)strlen(label ? label : ""));
	if (barw < 10)
		barw = 10;
	for (int j = 0; j < k; j++) {
		double left = lo + step * j;
		long units = (long)((double)cnt[j] * barw * 8 / (double)maxc + 0.5);
		int marked = !isnan(mark) &&
		             (k == 1 || (mark >= left &&
		                         (mark < left + step || j == k - 1)));

		sv_buf_puts(b, "  ");
		put_edge(b, left, dec, ew);
		sv_buf_puts(b, " \u2502");
		if (cnt[j] && units == 0)
			units = 1;
		for (long u = 0; u < units / 8; u++)
			sv_buf_puts(b, "\u2588");
		sv_buf_puts(b, eighth[units % 8]);
		sv_buf_printf(b, " %zu", cnt[j]);
		if (marked)
			sv_buf_printf(b, " <- %s", label ? label : "");
		sv_buf_puts(b, "\n");
	}
	if (!isnan(mark) && (mark < lo || mark > hi))
		sv_buf_printf(b, "  %s lies outside the range shown\n",
		              label ? label : "mark");
	free(cnt);
}

/* --- SVG */

#define W 760.0
#define H 440.0
#define ML 70.0
#define MR 20.0
#define MT 30.0
#define MB 60.0

static const char *colour[] = { "#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd",
	                        "#8c564b", "#e377c2", "#7f7f7f", "#17becf" };
#define NCOLOUR (sizeof colour / sizeof colour[0])

static void
xml_text(struct sv_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': sv_buf_puts(b, "&amp;"); break;
		case '<': sv_buf_puts(b, "&lt;"); break;
		case '>': sv_buf_puts(b, "&gt;"); break;
		case '"': sv_buf_puts(b, "&quot;"); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				sv_buf_add(b, s, 1);
		}
	}
}

/* A "nice" tick step giving about n ticks over span. */
static double
nice_step(double span, int n)
{
	double raw = span / n, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

struct frame {
	double x0, x1, y0, y1; /* data ranges */
};

static double
px(const struct frame *f, double x)
{
	return ML + (x - f->x0) / (f->x1 - f->x0) * (W - ML - MR);
}

static double
py(const struct frame *f, double y)
{
	return H - MB - (y - f->y0) / (f->y1 - f->y0) * (H - MT - MB);
}

static void
svg_open(struct sv_buf *b)
{
	sv_buf_printf(b,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"sans-serif\" font-size=\"13\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	    W, H, W, H);
}

static void
svg_axes(struct sv_buf *b, const struct frame *f, const char *xlabel,
         const char *ylabel, int xint)
{
	double st, t;

	sv_buf_printf(b, "<g stroke=\"black\" fill=\"none\">"
	              "<path d=\"M%.2f %.2f V%.2f H%.2f\"/></g>\n",
	              ML, MT, H - MB, W - MR);
	st = nice_step(f->x1 - f->x0, 6);
	if (xint && st < 1)
		st = 1;
	sv_buf_puts(b, "<g text-anchor=\"middle\">\n");
	for (t = ceil(f->x0 / st) * st; t <= f->x1 + st * 1e-9; t += st) {
		double x = px(f, t);

		sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		              "y2=\"%.2f\" stroke=\"black\"/>", x, H - MB, x,
		              H - MB + 5);
		sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\">%.6g</text>\n",
		              x, H - MB + 20, fabs(t) < st * 1e-9 ? 0 : t);
	}
	sv_buf_puts(b, "</g>\n<g text-anchor=\"end\">\n");
	st = nice_step(f->y1 - f->y0, 5);
	for (t = ceil(f->y0 / st) * st; t <= f->y1 + st * 1e-9; t += st) {
		double y = py(f, t);

		sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		              "y2=\"%.2f\" stroke=\"black\"/>", ML - 5, y, ML, y);
		sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\">%.6g</text>\n",
		              ML - 8, y + 4, fabs(t) < st * 1e-9 ? 0 : t);
	}
	sv_buf_puts(b, "</g>\n");
	sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">",
	              (ML + W - MR) / 2, H - 15);
	xml_text(b, xlabel);
	sv_buf_printf(b, "</text>\n<text transform=\"translate(18 %.2f) "
	              "rotate(-90)\" text-anchor=\"middle\">", (MT + H - MB) / 2);
	xml_text(b, ylabel);
	sv_buf_puts(b, "</text>\n");
}

static void
legend_entry(struct sv_buf *b, int row, const char *col, const char *dash,
             const char *text)
{
	double y = MT + 12 + 18 * row, x = W - MR - 230;

	sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
	              "stroke=\"%s\" stroke-width=\"2\"%s%s%s/>", x, y - 4,
	              x + 24, y - 4, col, dash ? " stroke-dasharray=\"" : "",
	              dash ? dash : "", dash ? "\"" : "");
	sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\">", x + 30, y);
	xml_text(b, text);
	sv_buf_puts(b, "</text>\n");
}

/* A white box under the legend rows so that lines do not cross the text. */
static void
legend_close(struct sv_buf *b, struct sv_buf *lg, int rows)
{
	if (rows > 0) {
		sv_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
		              "height=\"%.2f\" fill=\"white\" fill-opacity=\"0.85\"/>\n",
		              W - MR - 236, MT - 4, 236.0, 18.0 * rows + 8);
		sv_buf_add(b, lg->p, lg->len);
	}
	sv_buf_free(lg);
}

void
sv_plot_svg_hist(struct sv_buf *b, const struct sv_plot_series *s, size_t ns,
                 const char *xlabel, double claim)
{
	double lo = INFINITY, hi = -INFINITY, step, ymax = 0, pad;
	size_t nmax = 0;
	int k;
	struct frame f;
	int row = 0;
	struct sv_buf lg = { 0 }; /* legend entries, drawn last */

	for (size_t i = 0; i < ns; i++) {
		if (s[i].n == 0)
			continue;
		lo = fmin(lo, s[i].sorted[0]);
		hi = fmax(hi, s[i].sorted[s[i].n - 1]);
		if (s[i].n > nmax)
			nmax = s[i].n;
	}
	if (!isnan(claim)) {
		lo = fmin(lo, claim);
		hi = fmax(hi, claim);
	}
	if (!(lo <= hi)) {
		lo = 0;
		hi = 1;
	}
	if (!(hi > lo)) {
		pad = fabs(lo) > 0 ? fabs(lo) * 0.01 : 0.5;
		lo -= pad;
		hi += pad;
	}
	k = auto_bins(nmax) * 2;
	step = (hi - lo) / k;
	f.x0 = lo - step;
	f.x1 = hi + step;
	/* density heights: histogram and KDE maxima */
	for (size_t i = 0; i < ns; i++) {
		double h = sv_kde_bandwidth(s[i].sorted, s[i].n);

		for (int j = 0; j < k && s[i].n; j++) {
			double l = lo + step * j, r = l + step;
			size_t c = 0;

			for (size_t q = 0; q < s[i].n; q++)
				if (s[i].sorted[q] >= l &&
				    (s[i].sorted[q] < r || (j == k - 1 &&
				                            s[i].sorted[q] <= hi)))
					c++;
			ymax = fmax(ymax, (double)c / ((double)s[i].n * step));
		}
		for (int j = 0; j <= 200 && h > 0; j++) {
			double x = f.x0 + (f.x1 - f.x0) * j / 200;

			ymax = fmax(ymax, sv_kde(s[i].sorted, s[i].n, h, x));
		}
	}
	f.y0 = 0;
	f.y1 = ymax > 0 ? ymax * 1.1 : 1;
	svg_open(b);
	for (size_t i = 0; i < ns; i++) {
		const char *c = colour[i % NCOLOUR];
		double h = sv_kde_bandwidth(s[i].sorted, s[i].n);

		if (s[i].n == 0)
			continue;
		if (ns == 1 && s[i].sd > 0)
			sv_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			              "height=\"%.2f\" fill=\"%s\" fill-opacity=\"0.12\"/>\n",
			              px(&f, s[i].mean - s[i].sd), MT,
			              px(&f, s[i].mean + s[i].sd) -
			                  px(&f, s[i].mean - s[i].sd),
			              H - MT - MB, c);
		sv_buf_printf(b, "<g fill=\"%s\" fill-opacity=\"%s\" stroke=\"white\">\n",
		              c, ns == 1 ? "0.55" : "0.35");
		for (int j = 0; j < k; j++) {
			double l = lo + step * j, r = l + step, d;
			size_t cnt = 0;

			for (size_t q = 0; q < s[i].n; q++)
				if (s[i].sorted[q] >= l &&
				    (s[i].sorted[q] < r || (j == k - 1 &&
				                            s[i].sorted[q] <= hi)))
					cnt++;
			if (!cnt)
				continue;
			d = (double)cnt / ((double)s[i].n * step);
			sv_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			              "height=\"%.2f\"/>\n", px(&f, l), py(&f, d),
			              px(&f, r) - px(&f, l), py(&f, 0) - py(&f, d));
		}
		sv_buf_puts(b, "</g>\n");
		if (h > 0) {
			sv_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" "
			              "stroke-width=\"2\" d=\"", c);
			for (int j = 0; j <= 200; j++) {
				double x = f.x0 + (f.x1 - f.x0) * j / 200;

				sv_buf_printf(b, "%s%.2f %.2f", j ? " L" : "M",
				              px(&f, x),
				              py(&f, sv_kde(s[i].sorted, s[i].n, h, x)));
			}
			sv_buf_puts(b, "\"/>\n");
		}
		sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		              "y2=\"%.2f\" stroke=\"%s\" stroke-width=\"2\"/>\n",
		              px(&f, s[i].mean), MT, px(&f, s[i].mean), H - MB, c);
		if (s[i].sd > 0)
			for (int sg = -1; sg <= 1; sg += 2)
				sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" "
				              "x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
				              "stroke-dasharray=\"6 4\"/>\n",
				              px(&f, s[i].mean + sg * s[i].sd), MT,
				              px(&f, s[i].mean + sg * s[i].sd), H - MB, c);
		{
			struct sv_buf t = { 0 };

			sv_buf_printf(&t, "%s%smean %.4g, sd %.2g (n %zu)",
			              s[i].name ? s[i].name : "",
			              s[i].name ? ": " : "", s[i].mean, s[i].sd,
			              s[i].n);
			legend_entry(&lg, row++, c, NULL, t.p);
			sv_buf_free(&t);
		}
	}
	if (ns == 1)
		legend_entry(&lg, row++, colour[0], "6 4", "mean \u00b1 1 sd");
	if (!isnan(claim)) {
		struct sv_buf t = { 0 };

		sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		              "y2=\"%.2f\" stroke=\"#d62728\" stroke-width=\"2.5\"/>\n",
		              px(&f, claim), MT, px(&f, claim), H - MB);
		sv_buf_printf(&t, "claim %.6g", claim);
		legend_entry(&lg, row++, "#d62728", NULL, t.p);
		sv_buf_free(&t);
	}
	legend_close(b, &lg, row);
	svg_axes(b, &f, xlabel, "density", 0);
	sv_buf_puts(b, "</svg>\n");
}

void
sv_plot_svg_epochs(struct sv_buf *b, const double *e, const double *mean,
                   const double *sd, const double *min, const double *max,
                   size_t k, const char *ylabel)
{
	struct frame f;
	double lo = INFINITY, hi = -INFINITY;
	const char *c = colour[0];

	for (size_t i = 0; i < k; i++) {
		lo = fmin(lo, min[i]);
		hi = fmax(hi, max[i]);
	}
	if (!(lo <= hi))
		lo = 0, hi = 1;
	if (!(hi > lo))
		lo -= 0.5, hi += 0.5;
	f.x0 = k ? e[0] : 0;
	f.x1 = k ? e[k - 1] : 1;
	if (!(f.x1 > f.x0))
		f.x0 -= 0.5, f.x1 += 0.5;
	f.y0 = lo - (hi - lo) * 0.05;
	f.y1 = hi + (hi - lo) * 0.05;
	svg_open(b);
	/* bands as closed paths: upper edge forwards, lower edge back */
	for (int band = 0; band < 2 && k; band++) {
		sv_buf_printf(b, "<path fill=\"%s\" fill-opacity=\"%s\" "
		              "stroke=\"none\" d=\"", c, band ? "0.35" : "0.15");
		for (size_t i = 0; i < k; i++) {
			double y = band ? mean[i] + (isnan(sd[i]) ? 0 : sd[i])
			                : max[i];

			sv_buf_printf(b, "%s%.2f %.2f", i ? " L" : "M",
			              px(&f, e[i]), py(&f, y));
		}
		for (size_t i = k; i-- > 0;) {
			double y = band ? mean[i] - (isnan(sd[i]) ? 0 : sd[i])
			                : min[i];

			sv_buf_printf(b, " L%.2f %.2f", px(&f, e[i]), py(&f, y));
		}
		sv_buf_puts(b, " Z\"/>\n");
	}
	if (k) {
		sv_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" "
		              "stroke-width=\"2\" d=\"", c);
		for (size_t i = 0; i < k; i++)
			sv_buf_printf(b, "%s%.2f %.2f", i ? " L" : "M",
			              px(&f, e[i]), py(&f, mean[i]));
		sv_buf_puts(b, "\"/>\n");
	}
	legend_entry(b, 0, c, NULL, "mean over seeds");
	sv_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"24\" height=\"10\" "
	              "fill=\"%s\" fill-opacity=\"0.5\"/>", W - MR - 230,
	              MT + 12 + 18 - 9, c);
	sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\">\u00b1 1 sd</text>\n",
	              W - MR - 200, MT + 12 + 18);
	sv_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"24\" height=\"10\" "
	              "fill=\"%s\" fill-opacity=\"0.15\"/>", W - MR - 230,
	              MT + 12 + 36 - 9, c);
	sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\">min to max</text>\n",
	              W - MR - 200, MT + 12 + 36);
	svg_axes(b, &f, "epoch", ylabel, 1);
	sv_buf_puts(b, "</svg>\n");
}
