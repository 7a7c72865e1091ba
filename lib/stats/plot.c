/* plot.c - terminal histogram and SVG figures */
#include "plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "base/util.h"

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

#define FONT 13.0   /* px, every text but the title */
#define ROW 18.0    /* px, a legend row */

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

/* About how wide s is in px at font size fs: UTF-8 characters times an
 * average sans-serif advance, on the generous side. */
static double
text_width(const char *s, double fs)
{
	size_t n = 0;

	for (; s && *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return (double)n * fs * 0.6;
}

/* A "nice" tick step giving about n ticks over span. */
static double
nice_step(double span, int n)
{
	double raw = span / n, mag = pow(10, floor(log10(raw))), f = raw / mag;

	return (f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10) * mag;
}

/* The data ranges and where they go on the canvas. */
struct frame {
	double x0, x1, y0, y1;       /* data ranges */
	double w, h, ml, mr, mt, mb; /* canvas and margins, px */
};

static double
px(const struct frame *f, double x)
{
	return f->ml + (x - f->x0) / (f->x1 - f->x0) * (f->w - f->ml - f->mr);
}

static double
py(const struct frame *f, double y)
{
	return f->h - f->mb - (y - f->y0) / (f->y1 - f->y0) *
	                          (f->h - f->mt - f->mb);
}

/* One legend entry: a line (dash NULL: solid) or, with band > 0, a
 * filled swatch of that opacity. */
struct entry {
	const char *col, *dash;
	double band;
	char *text; /* owned */
};

struct legend {
	struct entry *e;
	size_t n;
	int rows;   /* after layout */
	double *x, *y;
};

static void
legend_add(struct legend *lg, const char *col, const char *dash, double band,
           const char *text)
{
	lg->e = sv_realloc(lg->e, (lg->n + 1) * sizeof *lg->e);
	lg->e[lg->n].col = col;
	lg->e[lg->n].dash = dash;
	lg->e[lg->n].band = band;
	lg->e[lg->n].text = sv_strdup(text);
	lg->n++;
}

/* Lay the entries out left to right in rows across the plot's width,
 * from (x0, y0); returns the rows taken. */
static int
legend_layout(struct legend *lg, double x0, double x1, double y0)
{
	double x = x0;
	int row = 0;

	lg->x = sv_calloc(lg->n ? lg->n : 1, sizeof *lg->x);
	lg->y = sv_calloc(lg->n ? lg->n : 1, sizeof *lg->y);
	for (size_t i = 0; i < lg->n; i++) {
		double w = 30 + text_width(lg->e[i].text, FONT) + 18;

		if (x > x0 && x + w > x1) {
			x = x0;
			row++;
		}
		lg->x[i] = x;
		lg->y[i] = y0 + ROW * row;
		x += w;
	}
	lg->rows = lg->n ? row + 1 : 0;
	return lg->rows;
}

/* Draw the legend above the axes (it hides no data) and free it. */
static void
legend_put(struct sv_buf *b, struct legend *lg)
{
	for (size_t i = 0; i < lg->n; i++) {
		const struct entry *e = &lg->e[i];
		double x = lg->x[i], y = lg->y[i] + 13;

		if (e->band > 0)
			sv_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"24\" "
			              "height=\"10\" fill=\"%s\" fill-opacity=\"%.2f\"/>",
			              x, y - 9, e->col, e->band);
		else
			sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
			              "y2=\"%.2f\" stroke=\"%s\" stroke-width=\"2\"%s%s%s/>",
			              x, y - 4, x + 24, y - 4, e->col,
			              e->dash ? " stroke-dasharray=\"" : "",
			              e->dash ? e->dash : "", e->dash ? "\"" : "");
		sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\">", x + 30, y);
		xml_text(b, e->text);
		sv_buf_puts(b, "</text>\n");
		free(lg->e[i].text);
	}
	free(lg->e);
	free(lg->x);
	free(lg->y);
	memset(lg, 0, sizeof *lg);
}

/* The canvas of st (default 760 x 440) with room on top for the title
 * and the legend's rows, laid out here. */
static void
frame_canvas(struct frame *f, const struct sv_plot_style *st,
             struct legend *lg)
{
	double top = 8;

	f->w = st && st->width > 0 ? st->width : 760;
	f->h = st && st->height > 0 ? st->height : 440;
	/* a narrow figure (one column of a paper) keeps more of its width
	 * for the data */
	f->ml = f->w < 500 ? 58 : 70;
	f->mr = f->w < 500 ? 12 : 20;
	f->mb = f->h < 320 ? 48 : 56;
	if (st && st->title)
		top += 24;
	legend_layout(lg, f->ml, f->w - f->mr, top);
	f->mt = top + ROW * lg->rows + 10;
}

static void
svg_open(struct sv_buf *b, const struct frame *f,
         const struct sv_plot_style *st)
{
	sv_buf_printf(b,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
	    "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
	    "font-family=\"sans-serif\" font-size=\"%.0f\">\n"
	    "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n",
	    f->w, f->h, f->w, f->h, FONT);
	if (st && st->title) {
		sv_buf_printf(b, "<text x=\"%.2f\" y=\"24\" text-anchor=\"middle\" "
		              "font-size=\"15\" font-weight=\"bold\">",
		              (f->ml + f->w - f->mr) / 2);
		xml_text(b, st->title);
		sv_buf_puts(b, "</text>\n");
	}
	/* data is drawn inside the axes only */
	sv_buf_printf(b, "<clipPath id=\"plot-area\"><rect x=\"%.2f\" y=\"%.2f\" "
	              "width=\"%.2f\" height=\"%.2f\"/></clipPath>\n"
	              "<g clip-path=\"url(#plot-area)\">\n", f->ml, f->mt,
	              f->w - f->ml - f->mr, f->h - f->mt - f->mb);
}

static void
svg_axes(struct sv_buf *b, const struct frame *f, const char *xlabel,
         const char *ylabel, int xint)
{
	double st, t, pw = f->w - f->ml - f->mr, ph = f->h - f->mt - f->mb;
	int nx = (int)(pw / 90), ny = (int)(ph / 55);

	sv_buf_puts(b, "</g>\n"); /* the clipped data */
	sv_buf_printf(b, "<g stroke=\"black\" fill=\"none\">"
	              "<path d=\"M%.2f %.2f V%.2f H%.2f\"/></g>\n",
	              f->ml, f->mt, f->h - f->mb, f->w - f->mr);
	st = nice_step(f->x1 - f->x0, nx < 2 ? 2 : nx > 8 ? 8 : nx);
	if (xint && st < 1)
		st = 1;
	sv_buf_puts(b, "<g text-anchor=\"middle\">\n");
	for (t = ceil(f->x0 / st) * st; t <= f->x1 + st * 1e-9; t += st) {
		double x = px(f, t);

		sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		              "y2=\"%.2f\" stroke=\"black\"/>", x, f->h - f->mb, x,
		              f->h - f->mb + 5);
		sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\">%.6g</text>\n",
		              x, f->h - f->mb + 20, fabs(t) < st * 1e-9 ? 0 : t);
	}
	sv_buf_puts(b, "</g>\n<g text-anchor=\"end\">\n");
	st = nice_step(f->y1 - f->y0, ny < 2 ? 2 : ny > 6 ? 6 : ny);
	for (t = ceil(f->y0 / st) * st; t <= f->y1 + st * 1e-9; t += st) {
		double y = py(f, t);

		sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		              "y2=\"%.2f\" stroke=\"black\"/>", f->ml - 5, y, f->ml,
		              y);
		sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\">%.6g</text>\n",
		              f->ml - 8, y + 4, fabs(t) < st * 1e-9 ? 0 : t);
	}
	sv_buf_puts(b, "</g>\n");
	sv_buf_printf(b, "<text x=\"%.2f\" y=\"%.2f\" text-anchor=\"middle\">",
	              (f->ml + f->w - f->mr) / 2, f->h - 9);
	xml_text(b, xlabel);
	sv_buf_printf(b, "</text>\n<text transform=\"translate(16 %.2f) "
	              "rotate(-90)\" text-anchor=\"middle\">",
	              (f->mt + f->h - f->mb) / 2);
	xml_text(b, ylabel);
	sv_buf_puts(b, "</text>\n");
}

/* Values of sorted[0..n-1] in bin j of k bins of width step from lo (the
 * last bin holds hi). */
static size_t
bin_count(const double *sorted, size_t n, double lo, double hi, double step,
          int j, int k)
{
	double l = lo + step * j, r = l + step;
	size_t c = 0;

	for (size_t q = 0; q < n; q++)
		if (sorted[q] >= l &&
		    (sorted[q] < r || (j == k - 1 && sorted[q] <= hi)))
			c++;
	return c;
}

void
sv_plot_svg_hist(struct sv_buf *b, const struct sv_plot_series *s, size_t ns,
                 const char *xlabel, double claim,
                 const struct sv_plot_style *st)
{
	double lo = INFINITY, hi = -INFINITY, step, ymax = 0, pad;
	size_t nmax = 0;
	int k;
	struct frame f;
	struct legend lg = { 0 };

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
	k = st && st->bins > 0 ? st->bins : auto_bins(nmax) * 2;
	step = (hi - lo) / k;
	f.x0 = lo - step;
	f.x1 = hi + step;
	/* density heights: histogram and KDE maxima */
	for (size_t i = 0; i < ns; i++) {
		double h = sv_kde_bandwidth(s[i].sorted, s[i].n);

		for (int j = 0; j < k && s[i].n; j++)
			ymax = fmax(ymax, (double)bin_count(s[i].sorted, s[i].n,
			                                    lo, hi, step, j, k) /
			                      ((double)s[i].n * step));
		for (int j = 0; j <= 200 && h > 0; j++) {
			double x = f.x0 + (f.x1 - f.x0) * j / 200;

			ymax = fmax(ymax, sv_kde(s[i].sorted, s[i].n, h, x));
		}
	}
	f.y0 = 0;
	f.y1 = ymax > 0 ? ymax * 1.05 : 1;
	/* the legend first: it sets the top margin */
	for (size_t i = 0; i < ns; i++) {
		struct sv_buf t = { 0 };

		if (s[i].n == 0)
			continue;
		sv_buf_printf(&t, "%s%smean %.4g, sd %.2g (n %zu)",
		              s[i].name ? s[i].name : "",
		              s[i].name ? ": " : "", s[i].mean, s[i].sd, s[i].n);
		legend_add(&lg, colour[i % NCOLOUR], NULL, 0, t.p);
		sv_buf_free(&t);
	}
	if (ns == 1)
		legend_add(&lg, colour[0], "6 4", 0, "mean \u00b1 1 sd");
	if (!isnan(claim)) {
		struct sv_buf t = { 0 };

		sv_buf_printf(&t, "claim %.6g", claim);
		legend_add(&lg, "#d62728", NULL, 0, t.p);
		sv_buf_free(&t);
	}
	frame_canvas(&f, st, &lg);
	svg_open(b, &f, st);
	for (size_t i = 0; i < ns; i++) {
		const char *c = colour[i % NCOLOUR];
		double h = sv_kde_bandwidth(s[i].sorted, s[i].n);

		if (s[i].n == 0)
			continue;
		if (ns == 1 && s[i].sd > 0)
			sv_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" "
			              "height=\"%.2f\" fill=\"%s\" fill-opacity=\"0.12\"/>\n",
			              px(&f, s[i].mean - s[i].sd), f.mt,
			              px(&f, s[i].mean + s[i].sd) -
			                  px(&f, s[i].mean - s[i].sd),
			              f.h - f.mt - f.mb, c);
		if (ns == 1) {
			/* one sample: filled bars */
			sv_buf_printf(b, "<g fill=\"%s\" fill-opacity=\"0.55\" "
			              "stroke=\"white\">\n", c);
			for (int j = 0; j < k; j++) {
				double l = lo + step * j, d;
				size_t cnt = bin_count(s[i].sorted, s[i].n, lo, hi,
				                       step, j, k);

				if (!cnt)
					continue;
				d = (double)cnt / ((double)s[i].n * step);
				sv_buf_printf(b, "<rect x=\"%.2f\" y=\"%.2f\" "
				              "width=\"%.2f\" height=\"%.2f\"/>\n",
				              px(&f, l), py(&f, d),
				              px(&f, l + step) - px(&f, l),
				              py(&f, 0) - py(&f, d));
			}
			sv_buf_puts(b, "</g>\n");
		} else {
			/* several: each histogram as a light step outline, so
			 * that none hides another */
			sv_buf_printf(b, "<path fill=\"%s\" fill-opacity=\"0.1\" "
			              "stroke=\"%s\" stroke-opacity=\"0.7\" "
			              "stroke-width=\"1.2\" d=\"M%.2f %.2f", c, c,
			              px(&f, lo), py(&f, 0));
			for (int j = 0; j < k; j++) {
				double d = (double)bin_count(s[i].sorted, s[i].n,
				                             lo, hi, step, j, k) /
				           ((double)s[i].n * step);

				sv_buf_printf(b, " V%.2f H%.2f", py(&f, d),
				              px(&f, lo + step * (j + 1)));
			}
			sv_buf_printf(b, " V%.2f Z\"/>\n", py(&f, 0));
		}
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
		              px(&f, s[i].mean), f.mt, px(&f, s[i].mean),
		              f.h - f.mb, c);
		if (ns == 1 && s[i].sd > 0)
			for (int sg = -1; sg <= 1; sg += 2)
				sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" "
				              "x2=\"%.2f\" y2=\"%.2f\" stroke=\"%s\" "
				              "stroke-dasharray=\"6 4\"/>\n",
				              px(&f, s[i].mean + sg * s[i].sd), f.mt,
				              px(&f, s[i].mean + sg * s[i].sd),
				              f.h - f.mb, c);
	}
	if (!isnan(claim))
		sv_buf_printf(b, "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
		              "y2=\"%.2f\" stroke=\"#d62728\" stroke-width=\"2.5\"/>\n",
		              px(&f, claim), f.mt, px(&f, claim), f.h - f.mb);
	svg_axes(b, &f, st && st->xlabel ? st->xlabel : xlabel,
	         st && st->ylabel ? st->ylabel : "density", 0);
	legend_put(b, &lg);
	sv_buf_puts(b, "</svg>\n");
}

void
sv_plot_svg_epochs(struct sv_buf *b, const struct sv_plot_epochs *s,
                   size_t ns, const char *ylabel,
                   const struct sv_plot_style *st)
{
	struct frame f;
	struct legend lg = { 0 };
	double lo = INFINITY, hi = -INFINITY, e0 = INFINITY, e1 = -INFINITY;
	const char *grey = "#555555";

	for (size_t g = 0; g < ns; g++)
		for (size_t i = 0; i < s[g].k; i++) {
			lo = fmin(lo, s[g].min[i]);
			hi = fmax(hi, s[g].max[i]);
			e0 = fmin(e0, s[g].e[i]);
			e1 = fmax(e1, s[g].e[i]);
		}
	if (!(lo <= hi))
		lo = 0, hi = 1;
	if (!(hi > lo))
		lo -= 0.5, hi += 0.5;
	if (!(e0 <= e1))
		e0 = 0, e1 = 1;
	f.x0 = e0;
	f.x1 = e1;
	if (!(f.x1 > f.x0))
		f.x0 -= 0.5, f.x1 += 0.5;
	f.y0 = lo - (hi - lo) * 0.05;
	f.y1 = hi + (hi - lo) * 0.05;
	for (size_t g = 0; g < ns; g++) {
		struct sv_buf t = { 0 };

		if (s[g].name)
			sv_buf_printf(&t, "%s: mean over %zu seeds", s[g].name,
			              s[g].seeds);
		else
			sv_buf_printf(&t, "mean over %zu seeds", s[g].seeds);
		legend_add(&lg, colour[g % NCOLOUR], NULL, 0, t.p);
		sv_buf_free(&t);
	}
	legend_add(&lg, ns == 1 ? colour[0] : grey, NULL, ns == 1 ? 0.5 : 0.35,
	           "\u00b1 1 sd");
	legend_add(&lg, ns == 1 ? colour[0] : grey, NULL, 0.15, "min to max");
	frame_canvas(&f, st, &lg);
	svg_open(b, &f, st);
	/* bands as closed paths: upper edge forwards, lower edge back;
	 * every group's min-max band first, then the sd bands, then the
	 * means, so that no band covers a line */
	for (int band = 0; band < 2; band++)
		for (size_t g = 0; g < ns; g++) {
			const struct sv_plot_epochs *q = &s[g];

			if (!q->k)
				continue;
			sv_buf_printf(b, "<path fill=\"%s\" fill-opacity=\"%s\" "
			              "stroke=\"none\" d=\"", colour[g % NCOLOUR],
			              band ? ns == 1 ? "0.35" : "0.2"
			                   : ns == 1 ? "0.15" : "0.08");
			for (size_t i = 0; i < q->k; i++) {
				double y = band ? q->mean[i] + (isnan(q->sd[i]) ? 0
				                                   : q->sd[i])
				                : q->max[i];

				sv_buf_printf(b, "%s%.2f %.2f", i ? " L" : "M",
				              px(&f, q->e[i]), py(&f, y));
			}
			for (size_t i = q->k; i-- > 0;) {
				double y = band ? q->mean[i] - (isnan(q->sd[i]) ? 0
				                                   : q->sd[i])
				                : q->min[i];

				sv_buf_printf(b, " L%.2f %.2f", px(&f, q->e[i]),
				              py(&f, y));
			}
			sv_buf_puts(b, " Z\"/>\n");
		}
	for (size_t g = 0; g < ns; g++) {
		if (!s[g].k)
			continue;
		sv_buf_printf(b, "<path fill=\"none\" stroke=\"%s\" "
		              "stroke-width=\"2\" d=\"", colour[g % NCOLOUR]);
		for (size_t i = 0; i < s[g].k; i++)
			sv_buf_printf(b, "%s%.2f %.2f", i ? " L" : "M",
			              px(&f, s[g].e[i]), py(&f, s[g].mean[i]));
		sv_buf_puts(b, "\"/>\n");
	}
	svg_axes(b, &f, st && st->xlabel ? st->xlabel : "epoch",
	         st && st->ylabel ? st->ylabel : ylabel, 1);
	legend_put(b, &lg);
	sv_buf_puts(b, "</svg>\n");
}

int
sv_plot_parse_size(const char *s, struct sv_plot_style *st)
{
	char w[32];
	const char *x = strchr(s, 'x'), *e1, *e2;
	size_t n = x ? (size_t)(x - s) : 0;
	uint64_t wv, hv;

	if (!x || n >= sizeof w)
		return -1;
	memcpy(w, s, n);
	w[n] = '\0';
	wv = sv_parse_u64(w, 120, 4000, &e1);
	hv = sv_parse_u64(x + 1, 120, 4000, &e2);
	if (e1 || e2)
		return -1;
	st->width = (int)wv;
	st->height = (int)hv;
	return 0;
}
